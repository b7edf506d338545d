"""Content and its apps: static files and media storage, Wagtail, the API and its schema, press, newsletters."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .environment import DEBUG, VAR_DIR, env

# --- Static and media ------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_BACKEND = env.str("MEDIA_BACKEND", default="local")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Personal data (contact imports, exports): never served, never in the public bucket.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "private"), "base_url": None},
    },
    "staticfiles": {
        # The manifest needs collectstatic first; tests and DEBUG go without it.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if MEDIA_BACKEND == "s3":
    _s3_connection = {
        "region_name": env.str("AWS_S3_REGION_NAME", default=None),
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
        "file_overwrite": False,
    }
    # Public media: plain URLs, optionally through a CDN's domain.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3_connection, "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
                    "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default=None), "querystring_auth": False},
    }
    if env.str("AWS_PRIVATE_BUCKET_NAME", default=""):
        # Personal data: private objects, reachable only through signed, expiring URLs.
        STORAGES["private"] = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**_s3_connection, "bucket_name": env.str("AWS_PRIVATE_BUCKET_NAME"),
                        "default_acl": "private", "querystring_auth": True},
        }
elif MEDIA_BACKEND != "local":
    raise ImproperlyConfigured(f"MEDIA_BACKEND must be 'local' or 's3', not {MEDIA_BACKEND!r}.")
WHITENOISE_MAX_AGE = 3600

# --- Wagtail -----------------------------------------------------------------
WAGTAIL_SITE_NAME = "Dialogdesk"
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://localhost:8000")
WAGTAILIMAGES_IMAGE_MODEL = "media.CreditedImage"
WAGTAILDOCS_DOCUMENT_MODEL = "media.CreditedDocument"
# Documents always stream through Wagtail's view, for S3 as well (where Wagtail would redirect to the
# bucket): it checks the collection's view restrictions and sends attachments with
# "Content-Security-Policy: default-src 'none'" and nosniff. Only PDF opens inline.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# Date fields in the page editor as a German office writes them (Wagtail's default is ISO, 2026-12-06).
# Wagtail has one format for every admin language, so English users type the same; cms/formats/en adds
# it to what the English admin accepts.
WAGTAIL_DATE_FORMAT = "%d.%m.%Y"
WAGTAIL_DATETIME_FORMAT = "%d.%m.%Y %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"
FORMAT_MODULE_PATH = ["cms.formats"]
# A new translation starts as a draft, whatever the source's status: a live one would serve the
# source language's text until translated (cms.services.translations).
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
WAGTAILAPI_BASE_URL = env.str("WAGTAILAPI_BASE_URL", default=WAGTAILADMIN_BASE_URL)
WAGTAILAPI_SEARCH_ENABLED = True
WAGTAILAPI_LIMIT_MAX = 100
# The separate public site. Empty (the embedded default): pages and their previews answer here with a
# built-in plain rendering of their content (cms/plain_rendering.py), so editors always see what they wrote.
FRONTEND_URL = env.str("FRONTEND_URL", default="")
FRONTEND_PREVIEW_URL = env.str("FRONTEND_PREVIEW_URL", default="")
for _name, _url in (("FRONTEND_URL", FRONTEND_URL), ("FRONTEND_PREVIEW_URL", FRONTEND_PREVIEW_URL)):
    if _url and not _url.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"{_name} must be an http(s) address or empty.")
WAGTAIL_HEADLESS_PREVIEW = {
    "CLIENT_URLS": {"default": FRONTEND_PREVIEW_URL},
    "ENFORCE_TRAILING_SLASH": False,
}
PREVIEW_TOKEN_MAX_AGE = env.int("PREVIEW_TOKEN_MAX_AGE", default=3600)
WAGTAILEMBEDS_RESPONSIVE_HTML = True
# Nothing the admin serves makes a browser call a third party: no Gravatar (it would receive a hash
# of each user's e-mail address) and no release check against releases.wagtail.org.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# --- REST framework and OpenAPI ---------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Dialogdesk API",
    "DESCRIPTION": "Public content API of Dialogdesk (Wagtail API v2 plus project endpoints).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": True,  # /api/schema/ is in the README's API table too
    "PREPROCESSING_HOOKS": ["cms.api.schema.only_public_api_paths"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "cms.api.schema.schema_complete"],
}

# --- Newsletters ------------------------------------------------------------------
# The separate front end calls /api/ from these origins (django-cors-headers); none by default.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
# How long a confirmation link works, and when never-confirmed sign-ups are deleted (seconds).
NEWSLETTER_CONFIRMATION_MAX_AGE = env.int("NEWSLETTER_CONFIRMATION_MAX_AGE", default=3 * 24 * 3600)
NEWSLETTER_PENDING_PURGE_AFTER = env.int("NEWSLETTER_PENDING_PURGE_AFTER", default=7 * 24 * 3600)
# Sign-ups per client address and per e-mail address, and requests to the personal-link endpoints per
# client address, held in the cache (CACHE_URL: shared by all web processes). DRF's "<n>/<second|minute|hour|day>".
NEWSLETTER_SIGNUP_RATE_IP = env.str("NEWSLETTER_SIGNUP_RATE_IP", default="20/hour")
NEWSLETTER_SIGNUP_RATE_ADDRESS = env.str("NEWSLETTER_SIGNUP_RATE_ADDRESS", default="3/hour")
NEWSLETTER_LINK_RATE_IP = env.str("NEWSLETTER_LINK_RATE_IP", default="120/hour")
# Empty: the links in mails lead to this server's pages (/newsletter/...). Set: to the front end's
# <url>/newsletter/confirm?token=..., /confirm-address?token=... and /preferences?token=...
NEWSLETTER_FRONTEND_URL = env.str("NEWSLETTER_FRONTEND_URL", default="")
# A self-hosted proof-of-work challenge (ALTCHA) on every sign-up, API and form (newsletters.services.challenge).
# Off by default: it needs JavaScript, and the fallback form is meant to work without it. The key signs the
# challenges (derived from SECRET_KEY when empty); MAX_NUMBER sets the work (about 0.1-0.5 s in a browser at
# 100,000); a challenge must be solved and sent within EXPIRES seconds.
NEWSLETTER_ALTCHA = env.bool("NEWSLETTER_ALTCHA", default=False)
ALTCHA_HMAC_KEY = env.str("ALTCHA_HMAC_KEY", default="")
NEWSLETTER_ALTCHA_MAX_NUMBER = env.int("NEWSLETTER_ALTCHA_MAX_NUMBER", default=100_000)
NEWSLETTER_ALTCHA_EXPIRES = env.int("NEWSLETTER_ALTCHA_EXPIRES", default=20 * 60)

# --- Press (press app) -------------------------------------------------------------
# Before a distribution is sent, journalists who got another release within this many days are listed.
PRESS_REPITCH_DAYS = env.int("PRESS_REPITCH_DAYS", default=14)
# Fetching a clipping's title, date and outlet (press.services.coverage); public http(s) targets only,
# unless WEBHOOK_ALLOW_PRIVATE_TARGETS is on (tests).
PRESS_CLIPPING_FETCH_TIMEOUT = env.float("PRESS_CLIPPING_FETCH_TIMEOUT", default=10.0)
PRESS_CLIPPING_MAX_BYTES = env.int("PRESS_CLIPPING_MAX_BYTES", default=5_000_000)
