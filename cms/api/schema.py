"""OpenAPI (drf-spectacular) for the public API only.

Wagtail's own admin API is also built on DRF; it is internal and is left out.
"""

PUBLIC_PREFIXES = ("/api/v2/",)


def only_public_api_paths(endpoints, **kwargs):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(PUBLIC_PREFIXES)]
