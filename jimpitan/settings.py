"""Settings for Jimpitan, driven by environment variables.

Every variable has a safe local default so that `make run` works on a laptop. The helpers below
fail loudly on values they cannot read: a typo in production must stop the app, not be ignored.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from jimpitan.lib.secret_key import HOW_TO_MAKE_ONE, kept_key, weakness

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use 1 or 0.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# Off unless asked for: `make run` serves a kampung's Wi-Fi, where a debug page would show the whole
# environment to anyone. `make dev` turns it on.
DEBUG = env_bool("DJANGO_DEBUG", False)

VAR_DIR = Path(env_str("JIMPITAN_VAR_DIR", str(BASE_DIR / "var")))


def _secret_key() -> str:
    key = env_str("DJANGO_SECRET_KEY")
    if not key:
        # No key given (`make run`, `make dev`): make one once and keep it, so sessions survive a restart.
        return kept_key(VAR_DIR)
    problem = weakness(key)
    if problem and not DEBUG:
        raise ImproperlyConfigured(
            f"{problem}. With DJANGO_DEBUG=0 the app refuses to start with a key that is known or easy to guess; "
            f"{HOW_TO_MAKE_ONE} (or leave DJANGO_SECRET_KEY unset to keep a generated one in {VAR_DIR})."
        )
    return key


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "jimpitan.apps.JimpitanConfig",
    # The project's apps, lowest level first (see [tool.importlinter] in pyproject.toml).
    "households",
    "ledger",
    "nightly",
    "spending",
    "public",
    "reports",
    "demo",
    "jimpitan.apps.JimpitanAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "django_htmx",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses the pages the app renders (static files come pre-compressed from WhiteNoise above, which
    # answers before this runs). Django's middleware pads each compressed page at random against BREACH.
    # Above every middleware that reads or changes the body, as Django's docs ask.
    "jimpitan.middleware.CompressPagesMiddleware",
    # Every request runs inside its kampung (tenant): new rows take it, django-scopes' scope names it.
    "jimpitan.tenancy.TenancyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jimpitan.middleware.IndonesianByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in user with no role in the kampung gets 404 on its private pages.
    "jimpitan.middleware.KampungMembersOnlyMiddleware",
    "jimpitan.middleware.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "jimpitan.middleware.FirstRunSetupMiddleware",
    # Last, as django-axes asks: it turns a lockout raised by the login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jimpitan.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jimpitan.context_processors.kampung",
                "csp.context_processors.nonce",
            ],
            "builtins": ["jimpitan.templatetags.rupiah", "jimpitan.templatetags.people"],
        },
    },
]

WSGI_APPLICATION = "jimpitan.wsgi.application"

# --- Database -------------------------------------------------------------------------------
# SQLite by default, tuned for a few concurrent writers: WAL lets readers go on during a write,
# IMMEDIATE takes the write lock at BEGIN (so two savers queue instead of deadlocking), and
# synchronous=FULL keeps a committed night through a power cut.
SQLITE_PATH = Path(env_str("JIMPITAN_SQLITE_PATH", str(VAR_DIR / "db.sqlite3")))
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": env_int("JIMPITAN_SQLITE_TIMEOUT", 20),
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=20000",
}

_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Kampungs (tenants) ----------------------------------------------------------------------
# "single": one kampung, served at the root exactly as a single-kampung install always was. "path": each
# kampung under /k/<slug>/. "host": each kampung on its own host name, <slug><JIMPITAN_KAMPUNG_HOST_SUFFIX>.
KAMPUNG_ROUTING_MODES = ("single", "path", "host")
JIMPITAN_KAMPUNG_ROUTING = env_str("JIMPITAN_KAMPUNG_ROUTING", "single")
if JIMPITAN_KAMPUNG_ROUTING not in KAMPUNG_ROUTING_MODES:
    raise ImproperlyConfigured(
        f"JIMPITAN_KAMPUNG_ROUTING={JIMPITAN_KAMPUNG_ROUTING!r}: choose one of {', '.join(KAMPUNG_ROUTING_MODES)}."
    )
# Host routing: "kompak.jimpitan.example" is kampung "kompak" when the suffix is ".jimpitan.example".
JIMPITAN_KAMPUNG_HOST_SUFFIX = env_str("JIMPITAN_KAMPUNG_HOST_SUFFIX")
if JIMPITAN_KAMPUNG_ROUTING == "host" and not JIMPITAN_KAMPUNG_HOST_SUFFIX.startswith("."):
    raise ImproperlyConfigured("JIMPITAN_KAMPUNG_ROUTING=host needs JIMPITAN_KAMPUNG_HOST_SUFFIX (.jimpitan.example).")

# --- Cache ----------------------------------------------------------------------------------
# A file cache is shared by every gunicorn worker of one server, so a write that invalidates the public page
# is seen by all of them. Several app servers need one cache they all reach: CACHE_URL=redis://host:port/db.
FILE_CACHE = {
    "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
    "LOCATION": env_str("JIMPITAN_CACHE_DIR", str(VAR_DIR / "cache")),
    "TIMEOUT": 3600,
    # Whole public pages are cached per project and household; the default of 300 entries would cull
    # a third of them (the version key too) at random on a kampung of 500 households.
    "OPTIONS": {"MAX_ENTRIES": 5000},
}
REDIS_SCHEMES = {"redis", "rediss"}


def cache_from_url(name: str, raw: str) -> dict:
    """The cache a `redis://` or `rediss://` URL names (Django's own Redis backend), or the file cache when unset."""
    if not raw.strip():
        return dict(FILE_CACHE)
    parts = urlsplit(raw.strip())
    try:
        port = parts.port
    except ValueError:
        port = -1
    database = parts.path.lstrip("/")
    if (
        parts.scheme not in REDIS_SCHEMES
        or not parts.hostname
        or port == -1
        or not (database == "" or database.isdigit())
    ):
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a Redis URL; use redis://host:port/0 (or rediss:// over TLS), "
            f"or leave {name} unset for the file cache of one server."
        )
    return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": raw.strip(), "TIMEOUT": 3600}


CACHE_URL = env_str("CACHE_URL")
CACHES = {"default": cache_from_url("CACHE_URL", CACHE_URL)}

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# django-axes checks every login first; it counts failures per username AND address together, so a
# stranger guessing elsewhere cannot lock the treasurer out of their own phone.
AUTHENTICATION_BACKENDS = [
    "jimpitan.lib.security.LoginThrottleBackend",
    # ModelBackend, with the permissions of the user's roles in the active kampung only.
    "jimpitan.backends.KampungRoleBackend",
]
AXES_FAILURE_LIMIT = 5
# Sessions and login failures live in the database, never in a cache or a server's memory: several app servers
# on one PostgreSQL then share every login, logout and lockout (make two-server-drill).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# And a slower lock per username across all addresses (jimpitan.lib.security), counted from axes' failure log:
# a guessing run spread over many addresses stops after this many failures within the window.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
JIMPITAN_USERNAME_FAILURE_LIMIT = env_int("JIMPITAN_USERNAME_FAILURE_LIMIT", 20)
JIMPITAN_USERNAME_FAILURE_WINDOW = timedelta(hours=1)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
# Behind nginx every request comes from 127.0.0.1; the real address is in X-Real-IP (deploy/nginx).
AXES_CLIENT_IP_CALLABLE = "jimpitan.lib.security.client_ip"
# Passwords are never logged in the access-failure records.
AXES_SENSITIVE_PARAMETERS = ["password"]
# No start-up banner on every manage.py run (cron mails stderr); lockouts are still logged.
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
# Years and IDs must never read "2.026"; Rupiah get their dots from the rupiah filter only.
USE_THOUSAND_SEPARATOR = False

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("JIMPITAN_STATIC_ROOT", str(VAR_DIR / "staticfiles")))
# Third-party assets come from npm at set-up (`npm ci`); nothing of theirs is committed.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/sortablejs", NODE_MODULES / "sortablejs"),
    # Keliling's QR scanner, for phones without a native BarcodeDetector: the script and the decoder it loads.
    ("vendor/barcode-detector", NODE_MODULES / "barcode-detector" / "dist" / "iife"),
    ("vendor/zxing-wasm", NODE_MODULES / "zxing-wasm" / "dist" / "reader"),
]
MEDIA_ROOT = Path(env_str("JIMPITAN_MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded receipts are never served straight from MEDIA_ROOT: views check the role first.
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The nightly sheet posts ~4 fields per household; 500 households need room.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000


def media_storage(bucket: str, endpoint_url: str) -> dict:
    """Local disk by default; an S3-compatible bucket (django-storages) when JIMPITAN_S3_BUCKET is set, so that
    every app server reads the receipts, covers and logos any of them saved."""
    if endpoint_url and urlsplit(endpoint_url).scheme not in {"http", "https"}:
        raise ImproperlyConfigured(f"JIMPITAN_S3_ENDPOINT_URL={endpoint_url!r} is not an http(s) URL.")
    if not bucket:
        if endpoint_url:
            raise ImproperlyConfigured("JIMPITAN_S3_ENDPOINT_URL is set but JIMPITAN_S3_BUCKET is not; set both.")
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "region_name": env_str("JIMPITAN_S3_REGION") or None,
        # Empty: boto3 finds the keys itself (AWS_* variables, an instance role).
        "access_key": env_str("JIMPITAN_S3_ACCESS_KEY_ID") or None,
        "secret_key": env_str("JIMPITAN_S3_SECRET_ACCESS_KEY") or None,
        # Receipts are private: the bucket stays closed and every file is streamed by a view that checks the role.
        "default_acl": None,
        # A second upload of the same name gets a new name, as on local disk, instead of replacing the first.
        "file_overwrite": False,
        # MinIO, Garage and moto answer on one host name; bucket-named hosts would need DNS for each bucket.
        "addressing_style": "path" if endpoint_url else None,
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": media_storage(env_str("JIMPITAN_S3_BUCKET"), env_str("JIMPITAN_S3_ENDPOINT_URL")),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Source maps are only read by a developer's browser tools; compressing them took half of collectstatic's time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    "jpg",
    "jpeg",
    "png",
    "gif",
    "webp",
    "zip",
    "gz",
    "tgz",
    "bz2",
    "tbz",
    "xz",
    "br",
    "swf",
    "flv",
    "woff",
    "woff2",
    "3gp",
    "3gpp",
    "asf",
    "avi",
    "m4v",
    "mov",
    "mp4",
    "mpeg",
    "mpg",
    "webm",
    "wmv",
    "map",
]

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
BEHIND_HTTPS_PROXY = env_bool("JIMPITAN_BEHIND_HTTPS_PROXY", False)
if BEHIND_HTTPS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("JIMPITAN_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("JIMPITAN_SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("JIMPITAN_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("JIMPITAN_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content Security Policy (django-csp 4). No inline script anywhere: scripts come from our own
# static files, and a script that truly must be inline carries the per-request nonce
# (`nonce="{{ request.csp_nonce }}"`). Inline *styles* stay allowed: Bootstrap progress bars set
# their width in a style attribute and pygal's SVG carries a <style> element.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Libraries ------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm align-middle"}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("JIMPITAN_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
