"""Security headers, the proxy switch and the Content-Security-Policy."""

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from .content import MEDIA_BACKEND, MEDIA_URL, STORAGES, WAGTAIL_HEADLESS_PREVIEW
from .environment import DEBUG, env

# --- Security --------------------------------------------------------------
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
# Preloading is a promise for the whole domain that is hard to take back: only when asked for.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# One switch for every header a reverse proxy writes: X-Forwarded-Proto (is the request https?) and
# X-Forwarded-For (the client's address, cms.client_address: open tracking, login throttling). Without a proxy that
# overwrites them, anyone could write them, so they are believed only when TRUSTED_PROXY says so.
TRUSTED_PROXY = env.bool("TRUSTED_PROXY", default=False)
if "OUTREACH_TRUST_X_FORWARDED_FOR" in env.ENVIRON:
    raise ImproperlyConfigured("OUTREACH_TRUST_X_FORWARDED_FOR is gone: set TRUSTED_PROXY=1 behind a proxy that "
                               "sets X-Forwarded-For and X-Forwarded-Proto.")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Wagtail's preview panel and the outbox show this origin's pages in frames (the CSP's
# frame-ancestors says the same to newer browsers).
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = [
    # W019 asks for X_FRAME_OPTIONS = "DENY"; Wagtail's preview frames need SAMEORIGIN (above).
    "security.W019",
]
if not SECURE_HSTS_PRELOAD:
    # W021 asks for HSTS preloading, which is for the domain's owner to decide (SECURE_HSTS_PRELOAD).
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# Content-Security-Policy (django-csp 4.0; cms/security.py gives /api/ and error bodies `default-src 'none'`).
# The strictest policy under which Wagtail's admin still works, checked in Chromium by
# tests/e2e/test_security_csp_browser.py. No third-party host appears: fonts and scripts are our own.
def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def _media_origins() -> list[str]:
    options = STORAGES["default"].get("OPTIONS", {})
    if MEDIA_BACKEND != "s3":
        return [_origin(MEDIA_URL)] if _origin(MEDIA_URL) else []
    if options.get("custom_domain"):
        return [f"https://{options['custom_domain']}"]
    if options.get("endpoint_url"):
        return [_origin(options["endpoint_url"])]
    return [f"https://{options['bucket_name']}.s3.amazonaws.com",
            f"https://{options['bucket_name']}.s3.{options.get('region_name') or 'us-east-1'}.amazonaws.com"]


# Where images and media come from when not from this origin (S3, a CDN, a media host); computed by default.
CSP_MEDIA_ORIGINS = env.list("CSP_MEDIA_ORIGINS", default=_media_origins())
CSP_EXTRA_FRAME_SOURCES = [
    origin for origin in (_origin(WAGTAIL_HEADLESS_PREVIEW["CLIENT_URLS"]["default"]),) if origin
]  # the headless preview shows the front end in the editor's preview panel
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # Draftail (vendor.js) writes <style> elements for nested lists, and the headless preview's
        # frame page has one; neither can carry a nonce. Style cannot run script; never add a
        # nonce here, it would switch 'unsafe-inline' off.
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:", *CSP_MEDIA_ORIGINS],
        "media-src": [SELF, *CSP_MEDIA_ORIGINS],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF, *CSP_EXTRA_FRAME_SOURCES],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}
