"""Django itself: apps, middleware, templates, database, cache, logins, languages and logging."""

from .environment import BASE_DIR, DEBUG, VAR_DIR, env

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
    "django_altcha",  # only for its self-hosted widget script (static files); newsletters checks the solutions
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

API_BROWSER_CACHE_SECONDS = env.int("API_BROWSER_CACHE_SECONDS", default=60)
# Right inside CORS (whose headers depend on the request's Origin): a hit is answered before the language,
# common, CSRF and session middleware, which a cached anonymous API response does not need; their
# headers on the miss are kept with the entry.
MIDDLEWARE.insert(MIDDLEWARE.index("corsheaders.middleware.CorsMiddleware") + 1, "cms.api.caching.APICacheMiddleware")

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
