"""Where the separate front end lives, as configured; the one place that reads FRONTEND_URL.

FRONTEND_URL may hold `{language}` (https://www.example.org/{language}) for a front end
that puts the language in its paths: German and English pages share their slugs here.
"""

from django.conf import settings


def frontend_root_url(*, language_code: str) -> str:
    """The front end's root for pages in this language, without a trailing slash; "" when none is configured."""
    url = getattr(settings, "FRONTEND_URL", "") or ""
    return url.replace("{language}", language_code).rstrip("/")
