"""Where the links in our mails lead: the server-rendered pages, or the front end's when configured."""

from urllib.parse import quote

from django.conf import settings
from django.urls import reverse


def _frontend() -> str:
    return (getattr(settings, "NEWSLETTER_FRONTEND_URL", "") or "").rstrip("/")


def _site() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def confirmation_url(token: str, *, language: str) -> str:
    if _frontend():
        return f"{_frontend()}/newsletter/confirm?token={quote(token)}&lang={language}"
    return f"{_site()}{reverse('newsletters:confirm', args=[token])}?lang={language}"


def address_confirmation_url(token: str, *, language: str) -> str:
    if _frontend():
        return f"{_frontend()}/newsletter/confirm-address?token={quote(token)}&lang={language}"
    return f"{_site()}{reverse('newsletters:confirm_address', args=[token])}?lang={language}"


def preferences_url(token: str, *, language: str) -> str:
    if _frontend():
        return f"{_frontend()}/newsletter/preferences?token={quote(token)}&lang={language}"
    return f"{_site()}{reverse('newsletters:preferences', args=[token])}?lang={language}"
