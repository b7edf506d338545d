"""Dialogdesk settings: the only settings module, driven by the environment.

With no variables set it runs the embedded default: SQLite, a Celery broker on
the local filesystem, local media and a local mail outbox. Each integration is
switched on by one variable; once on, what it needs is required. With DEBUG
off, a missing SECRET_KEY or ALLOWED_HOSTS refuses to start.
"""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("DIALOGDESK_VAR_DIR", default=str(BASE_DIR / "var")))

VAR_DIR.mkdir(parents=True, exist_ok=True)
env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
DEVELOPMENT_SECRET_KEY = "dialogdesk-development-only-not-for-production"

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. For local work set DEBUG=1."
        )
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
elif SECRET_KEY == DEVELOPMENT_SECRET_KEY and not DEBUG:
    raise ImproperlyConfigured("The development SECRET_KEY must not be used with DEBUG off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
if not DEBUG and "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the hosts; '*' is refused with DEBUG off.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "cms",
    "media",
    "press",
    "newsletters",
    "outreach",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail_headless_preview",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "drf_spectacular",
    "csp",
    "corsheaders",
    "django.contrib.admin",
    "axes",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cms.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before CommonMiddleware, as django-cors-headers asks: its answers to preflights must not be redirected.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so that it sees the login view's response (cms/logins.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'dialogdesk.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the embedded worker writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests on a file, like the embedded default: an in-memory database shares its cache between
    # connections, where two writers get "table is locked" at once instead of waiting their turn.
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", str(VAR_DIR / "test-dialogdesk.sqlite3"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs more than it saves on this app's short OLTP queries
    # (0.3–0.9 s on a segment count over a million contacts).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------
# The API cache's content generation must be one counter for every process that
# serves or publishes (web workers, Celery, commands): the embedded default uses
# a file cache under var/, which all processes on this machine share; several
# machines need CACHE_URL=redis://...
CACHES = {"default": env.cache_url("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}
API_CACHE_SECONDS = env.int("API_CACHE_SECONDS", default=300)

# --- Celery -------------------------------------------------------------------
# The embedded default is kombu's filesystem transport: no server, the same
# task code as production (Redis or RabbitMQ through CELERY_BROKER_URL).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
# An import of 100,000 rows takes minutes; past the soft limit it would only resume, with churn.
CELERY_TASK_ANNOTATIONS = {"outreach.tasks.contact_import_run_task": {"soft_time_limit": 1800, "time_limit": 1900}}
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# A broker host that does not answer must not hold an editor's publish for long;
# what could not be queued stays on its row and is requeued by beat.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)

# --- Webhooks -------------------------------------------------------------------
WEBHOOK_CONNECT_TIMEOUT = env.float("WEBHOOK_CONNECT_TIMEOUT", default=3.0)
WEBHOOK_READ_TIMEOUT = env.float("WEBHOOK_READ_TIMEOUT", default=10.0)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=30)
# Off: endpoints must be public https receivers (cms.services.webhook_targets). On: loopback and
# private addresses and plain http too, for tests and receivers on an intranet.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", default=False)

# --- Press (press app) -------------------------------------------------------------
# Before a distribution is sent, journalists who got another release within this many days are listed.
PRESS_REPITCH_DAYS = env.int("PRESS_REPITCH_DAYS", default=14)
# Fetching a clipping's title, date and outlet (press.services.coverage); public http(s) targets only,
# unless WEBHOOK_ALLOW_PRIVATE_TARGETS is on (tests).
PRESS_CLIPPING_FETCH_TIMEOUT = env.float("PRESS_CLIPPING_FETCH_TIMEOUT", default=10.0)
PRESS_CLIPPING_MAX_BYTES = env.int("PRESS_CLIPPING_MAX_BYTES", default=5_000_000)

# --- Outgoing mail (outreach delivery engine) ---------------------------------------
MAIL_BACKEND = env.str("MAIL_BACKEND", default="outbox")  # outbox | smtp | ses
MAIL_DOMAIN = env.str("MAIL_DOMAIN", default="localhost")  # Message-ID, bounces+/reply+/unsubscribe+ addresses
MAIL_OUTBOX_DIR = env.str("MAIL_OUTBOX_DIR", default=str(VAR_DIR / "outbox"))
MAIL_SMTP_HOST = env.str("MAIL_SMTP_HOST", default="127.0.0.1")
MAIL_SMTP_PORT = env.int("MAIL_SMTP_PORT", default=25)
MAIL_SMTP_USER = env.str("MAIL_SMTP_USER", default="")
MAIL_SMTP_PASSWORD = env.str("MAIL_SMTP_PASSWORD", default="")
MAIL_SMTP_STARTTLS = env.bool("MAIL_SMTP_STARTTLS", default=False)
MAIL_SMTP_TIMEOUT = env.float("MAIL_SMTP_TIMEOUT", default=30.0)
MAIL_SMTP_CONNECTIONS = env.int("MAIL_SMTP_CONNECTIONS", default=8)  # per batch (pool process); see README "Sending"
MAIL_SMTP_8BITMIME = env.bool("MAIL_SMTP_8BITMIME", default=True)  # 8bit bodies when the relay offers 8BITMIME
MAIL_DKIM_PRIVATE_KEY = env.str("MAIL_DKIM_PRIVATE_KEY", default="", multiline=True)
MAIL_DKIM_SELECTOR = env.str("MAIL_DKIM_SELECTOR", default="")
MAIL_DKIM_DOMAIN = env.str("MAIL_DKIM_DOMAIN", default="")
MAIL_BATCH_SIZE = env.int("MAIL_BATCH_SIZE", default=200)
MAIL_STATUS_CHECK_EVERY = env.int("MAIL_STATUS_CHECK_EVERY", default=25)
MAIL_MAX_ATTEMPTS = env.int("MAIL_MAX_ATTEMPTS", default=5)
MAIL_RETRY_BASE_SECONDS = env.int("MAIL_RETRY_BASE_SECONDS", default=60)
# Attachments of one language together (outreach.services.attachments). Base64 makes them a third larger
# on the wire, and many receiving servers refuse messages over 10-25 MB: 10 MB stays below that.
MAIL_ATTACHMENT_MAX_BYTES = env.int("MAIL_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
MAIL_RATE_PER_SECOND = env.float("MAIL_RATE_PER_SECOND", default=0)  # 0 = unlimited; shared by all workers
MAIL_RATE_LIMIT_REDIS_URL = env.str("MAIL_RATE_LIMIT_REDIS_URL", default="")  # empty: REDIS_URL, else in-process
# Longer than the longest gap between two status checks of a live batch, or a slow batch's rows are taken over.
MAIL_CLAIM_TIMEOUT_SECONDS = env.int("MAIL_CLAIM_TIMEOUT_SECONDS", default=900)
# Linked at the end of the Art. 14 GDPR notice that the first mail to a contact from a third party carries.
PRIVACY_POLICY_URL = env.str("PRIVACY_POLICY_URL", default="")
MAIL_SOFT_BOUNCE_LIMIT = env.int("MAIL_SOFT_BOUNCE_LIMIT", default=3)  # soft bounces in a row before suppression
MAIL_SES_REGION = env.str("MAIL_SES_REGION", default="eu-central-1")
MAIL_SES_ENDPOINT_URL = env.str("MAIL_SES_ENDPOINT_URL", default="")
MAIL_SES_CONFIGURATION_SET = env.str("MAIL_SES_CONFIGURATION_SET", default="")  # publishes Bounce/Complaint/Delivery to SNS
MAIL_SES_TIMEOUT = env.float("MAIL_SES_TIMEOUT", default=30)
MAIL_SES_CONNECTIONS = env.int("MAIL_SES_CONNECTIONS", default=8)  # concurrent SendEmail calls per batch
MAIL_SES_FEEDBACK_TO_VERP = env.bool("MAIL_SES_FEEDBACK_TO_VERP", default=False)
MAIL_SNS_TOPIC_ARNS = env.list("MAIL_SNS_TOPIC_ARNS", default=[])
# Inbound mail by IMAP (outreach.services.inbound_imap): off while MAIL_IMAP_HOST is empty.
MAIL_IMAP_HOST = env.str("MAIL_IMAP_HOST", default="")
MAIL_IMAP_SECURITY = env.str("MAIL_IMAP_SECURITY", default="ssl")  # ssl | starttls | none (this machine only)
MAIL_IMAP_PORT = env.int("MAIL_IMAP_PORT", default=993 if MAIL_IMAP_SECURITY == "ssl" else 143)
MAIL_IMAP_USER = env.str("MAIL_IMAP_USER", default="")
MAIL_IMAP_PASSWORD = env.str("MAIL_IMAP_PASSWORD", default="")
MAIL_IMAP_FOLDER = env.str("MAIL_IMAP_FOLDER", default="INBOX")
MAIL_IMAP_PROCESSED_FOLDER = env.str("MAIL_IMAP_PROCESSED_FOLDER", default="Dialogdesk/Processed")  # empty: delete
MAIL_IMAP_TIMEOUT = env.float("MAIL_IMAP_TIMEOUT", default=30.0)
MAIL_IMAP_BATCH = env.int("MAIL_IMAP_BATCH", default=500)  # mails per run, so that a beat run stays short
# SES email receiving (outreach.sns.receiving): the buckets a receipt rule's S3 action may name; empty
# refuses the S3 action. The SNS action needs none of these.
MAIL_SES_INBOUND_BUCKETS = env.list("MAIL_SES_INBOUND_BUCKETS", default=[])
MAIL_SES_INBOUND_DELETE = env.bool("MAIL_SES_INBOUND_DELETE", default=False)  # the object, once processed
MAIL_SES_INBOUND_S3_ENDPOINT_URL = env.str("MAIL_SES_INBOUND_S3_ENDPOINT_URL", default="")
# Short: the fetch happens while SNS waits for our answer, and SNS retries a failed delivery itself.
MAIL_SES_INBOUND_S3_TIMEOUT = env.float("MAIL_SES_INBOUND_S3_TIMEOUT", default=5)
if MAIL_BACKEND not in ("outbox", "smtp", "ses"):
    raise ImproperlyConfigured(f"MAIL_BACKEND must be 'outbox', 'smtp' or 'ses', not {MAIL_BACKEND!r}.")
if not DEBUG and MAIL_BACKEND in ("smtp", "ses") and MAIL_DOMAIN == "localhost":
    raise ImproperlyConfigured("MAIL_DOMAIN must name the sending domain when sending real mail with DEBUG off.")
if MAIL_IMAP_SECURITY not in ("ssl", "starttls", "none"):
    raise ImproperlyConfigured(f"MAIL_IMAP_SECURITY must be 'ssl', 'starttls' or 'none', not {MAIL_IMAP_SECURITY!r}.")
_imap_local = MAIL_IMAP_HOST.strip("[]").lower() in ("127.0.0.1", "::1", "localhost")
if MAIL_IMAP_HOST and MAIL_IMAP_SECURITY == "none" and not _imap_local:
    # The poller refuses it as well (outreach.inbound.imap), for settings changed at run time.
    raise ImproperlyConfigured("MAIL_IMAP_SECURITY=none (clear-text password) is allowed only for a server on this "
                               "machine (127.0.0.1, ::1, localhost); use 'ssl' or 'starttls'.")

# --- Contact imports ------------------------------------------------------------------
CONTACT_IMPORT_MAX_BYTES = env.int("CONTACT_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
# Each refused at upload with a message (outreach.imports.reading); columns are capped below
# DATA_UPLOAD_MAX_NUMBER_FIELDS as well, since every column is a field of the mapping form.
CONTACT_IMPORT_MAX_COLUMNS = env.int("CONTACT_IMPORT_MAX_COLUMNS", default=200)
CONTACT_IMPORT_MAX_CELL_CHARS = env.int("CONTACT_IMPORT_MAX_CELL_CHARS", default=64 * 1024)
CONTACT_IMPORT_MAX_ROWS = env.int("CONTACT_IMPORT_MAX_ROWS", default=1_000_000)

# --- Auth -------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"
# Login throttling (django-axes, cms/logins.py): LOGIN_FAILURE_LIMIT wrong passwords for one username
# from one address lock that pair for LOGIN_COOL_OFF_MINUTES; a success resets the count. Counted in
# Redis when that is the cache (atomic, shared by every machine); otherwise in the database, since a
# locmem cache is per process and the file cache's increments are not atomic (axes.W001).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_ENABLED = env.bool("LOGIN_THROTTLING", default=True)
AXES_HANDLER = ("axes.handlers.cache.AxesCacheHandler" if "redis" in CACHES["default"]["BACKEND"].lower()
                else "axes.handlers.database.AxesDatabaseHandler")
AXES_DISABLE_ACCESS_LOG = True  # no table of every login with its address: failures are enough
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_COOL_OFF_MINUTES", default=15) / 60  # hours
# "username+ip_address" is one lock per account and address; add ",ip_address" to lock an address
# after that many failures on any accounts (beware of offices behind one NAT address).
AXES_LOCKOUT_PARAMETERS = [
    part.split("+") if "+" in part else part
    for part in env.list("LOGIN_LOCKOUT_PARAMETERS", default=["username+ip_address"])
]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cms.logins.lockout_response"
AXES_CLIENT_IP_CALLABLE = "cms.logins.client_ip_address"  # honours TRUSTED_PROXY
WAGTAILADMIN_USER_LOGIN_FORM = "cms.logins.ThrottledLoginForm"
if env.bool("DIALOGDESK_FAST_PASSWORD_HASHER", default=False):
    # Tests only (tests/service_env.py sets it): real hashing costs ~0.5 s per login.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Languages -------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch"), ("en", "English")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "cms" / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

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
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default=None),
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
    if env.str("AWS_PRIVATE_BUCKET_NAME", default=""):
        STORAGES["private"] = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": env.str("AWS_PRIVATE_BUCKET_NAME"),
                "region_name": env.str("AWS_S3_REGION_NAME", default=None),
                "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Wagtail logs every page action and its immediate background tasks at INFO.
    "loggers": {
        "wagtail": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        # flufl.bounce logs every detector it tries at INFO.
        "flufl.bounce": {"level": "WARNING"},
        # django-axes announces its configuration at INFO in every process, every command included.
        "axes": {"level": "WARNING"},
    },
}

API_BROWSER_CACHE_SECONDS = env.int("API_BROWSER_CACHE_SECONDS", default=60)
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.common.CommonMiddleware") + 1, "cms.api.caching.APICacheMiddleware")

CELERY_BEAT_SCHEDULE = {
    # Scheduled pages (a press release's embargo) go live within a minute of their time.
    "pages-publish-scheduled": {"task": "cms.tasks.pages_publish_scheduled_task", "schedule": 60.0,
                                "options": {"expires": 55}},
    "webhook-deliveries-requeue": {"task": "cms.tasks.webhook_deliveries_requeue_task", "schedule": 300.0},
    "mailings-start-due": {"task": "outreach.tasks.mailings_start_due_task", "schedule": 60.0},
    "mailings-recover-stalled": {"task": "outreach.tasks.mailings_recover_stalled_task", "schedule": 300.0},
    # Expires before the next one is due: when workers are busy, one waiting poll is enough.
    "newsletter-signups-purge": {"task": "newsletters.tasks.subscriptions_purge_unconfirmed_task",
                                 "schedule": 3600.0},
    "inbound-imap-poll": {"task": "outreach.tasks.inbound_imap_poll_task", "schedule": 60.0,
                          "options": {"expires": 55}},
}
