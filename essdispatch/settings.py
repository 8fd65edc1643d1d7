"""ESS Dispatch settings: one module, read from the environment.

With nothing set the project runs on the *embedded default*: a SQLite file, the in-memory channel
layer, tasks on a background thread inside the web process and the LINE simulator. ``DATABASE_URL``
switches to PostgreSQL; ``REDIS_URL`` switches the channel layer, the cache and the Celery broker
together (a Celery worker can only reach the dashboards through a shared channel layer).
Every variable is listed in ``.env.example``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
import django_stubs_ext

from essdispatch.env import ConfigError, env_bool, env_float, env_int, env_list, env_str, env_url

# Lets admin and model classes be subscripted for the type checker (ModelAdmin[Station]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ESS_VAR_DIR", str(BASE_DIR / "var")))

TESTING = "pytest" in sys.modules
# The embedded default (no DATABASE_URL, no REDIS_URL) is a developer's machine; anything with a
# real database or broker is a deployment and gets DEBUG off unless it asks otherwise.
EMBEDDED = not env_str("DATABASE_URL", "").strip() and not env_str("REDIS_URL", "").strip()
DEBUG = env_bool("DEBUG", EMBEDDED and not TESTING)

SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ConfigError("SECRET_KEY must be set when DEBUG is off (see .env.example)")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Production hardening is switched on by the deployment's environment (see README "Production").
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600, minimum=300)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

INSTALLED_APPS = [
    "daphne",
    "essdispatch.apps.EssAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "leaflet",
    "django_htmx",
    "template_partials",
    "stations",
    "accounts",
    "incidents",
    "lineoa",
    "lineoa.simulator",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "essdispatch.middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "essdispatch.urls"
WSGI_APPLICATION = "essdispatch.wsgi.application"
ASGI_APPLICATION = "essdispatch.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Database ---------------------------------------------------------------------------------------
DATABASE_URL = env_url(
    "DATABASE_URL",
    f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
    ("sqlite", "postgres", "postgresql", "pgsql"),
)
EMBEDDED_DATABASE = DATABASE_URL.startswith("sqlite")
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=0, conn_health_checks=True)
if EMBEDDED_DATABASE:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the dashboard read while the intake thread writes; IMMEDIATE takes the write lock
    # at BEGIN so two writers queue on the busy timeout instead of failing mid-transaction.
    _db["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not Django's default in-memory test database, so that threads of concurrency tests
    # and a server process started by browser tests share it.
    # One file per test process, so two test runs on one machine never share it.
    _db["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
elif env_bool("DATABASE_POOL", True):
    # Under ASGI, Django's persistent connections don't fit (threads come and go); psycopg's pool
    # saves the connection set-up on every request instead.
    _db["OPTIONS"] = {
        "pool": {"min_size": 1, "max_size": env_int("DATABASE_POOL_MAX", 10, minimum=1), "timeout": 10}
    }
    _db["CONN_MAX_AGE"] = 0
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: channel layer, cache and Celery broker switch together ------------------------------------
REDIS_URL = env_url("REDIS_URL", "", ("redis", "rediss", "unix"))
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # The prefix keeps two deployments (or test runs) sharing one Redis apart.
            "CONFIG": {
                "hosts": [REDIS_URL],
                "capacity": 1000,
                "expiry": 60,
                "prefix": env_str("CHANNEL_LAYER_PREFIX", "ess"),
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# How background work runs: "celery" (a worker through the Redis broker), "thread" (a background
# thread of this process, the embedded default) or "inline" (immediately after commit, used by tests
# that need determinism).
TASK_MODE = env_str("TASK_MODE", "celery" if REDIS_URL else "thread")
if TASK_MODE not in {"celery", "thread", "inline"}:
    raise ConfigError(f"TASK_MODE must be celery, thread or inline, got {TASK_MODE!r}")
if TASK_MODE == "celery" and not REDIS_URL:
    raise ConfigError("TASK_MODE=celery needs REDIS_URL for the broker")

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 30, minimum=1)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 15
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "Asia/Bangkok"
# Sweeps are periodic database scans, never long countdowns (see DESIGN "Known pitfalls").
SWEEP_INTERVAL_SECONDS = env_int("SWEEP_INTERVAL_SECONDS", 15, minimum=1)
# On the embedded default nothing else runs beat, so the web process sweeps on a thread.
EMBEDDED_SWEEPER = env_bool("EMBEDDED_SWEEPER", TASK_MODE == "thread" and not TESTING)

# LINE ----------------------------------------------------------------------------------------------
LINE_CHANNEL_SECRET = env_str("LINE_CHANNEL_SECRET", "")
LINE_CHANNEL_ACCESS_TOKEN = env_str("LINE_CHANNEL_ACCESS_TOKEN", "")
LINE_SIMULATOR = env_bool("LINE_SIMULATOR", EMBEDDED)
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", ("http", "https")).rstrip("/")
LINE_API_BASE_URL = env_url(
    "LINE_API_BASE_URL",
    f"{SITE_URL}/simulator/api" if LINE_SIMULATOR else "https://api.line.me",
    ("http", "https"),
).rstrip("/")
# Content (images the reporter sends, the rich-menu image) lives on LINE's separate data host.
LINE_API_DATA_BASE_URL = env_url(
    "LINE_API_DATA_BASE_URL",
    LINE_API_BASE_URL if LINE_SIMULATOR else "https://api-data.line.me",
    ("http", "https"),
).rstrip("/")
LINE_API_TIMEOUT_SECONDS = env_int("LINE_API_TIMEOUT_SECONDS", 5, minimum=1)
LINE_WEBHOOK_MAX_BYTES = env_int("LINE_WEBHOOK_MAX_BYTES", 1_000_000, minimum=1024)
if LINE_SIMULATOR:
    # The simulator signs its events with the channel secret, so it needs one even in development.
    LINE_CHANNEL_SECRET = LINE_CHANNEL_SECRET or "simulator-channel-secret"
    LINE_CHANNEL_ACCESS_TOKEN = LINE_CHANNEL_ACCESS_TOKEN or "simulator-access-token"

# Dispatch ------------------------------------------------------------------------------------------
ESCALATION_ACCEPT_SECONDS = env_int("ESCALATION_ACCEPT_SECONDS", 180, minimum=10)
ESCALATION_MAX_STATIONS = env_int("ESCALATION_MAX_STATIONS", 3, minimum=1)
CONVERSATION_IDLE_SECONDS = env_int("CONVERSATION_IDLE_SECONDS", 30 * 60, minimum=60)
WELFARE_CHECK_SECONDS = env_int("WELFARE_CHECK_SECONDS", 30 * 60, minimum=60)
# Outbound LINE messages: first retry after about this many seconds, doubling each time (with
# jitter); a sender's claim on a message lapses after the lease, so a crashed worker's message is
# retried by the sweep (with the same retry key, so LINE never shows it twice).
LINE_RETRY_BASE_SECONDS = env_float("LINE_RETRY_BASE_SECONDS", 2.0)
LINE_SEND_LEASE_SECONDS = env_int("LINE_SEND_LEASE_SECONDS", 60, minimum=1)
# Who queues the reporter's status messages (incidents does not import lineoa).
INCIDENT_REPORTER_NOTIFIER = "lineoa.notify.status_message_create"
# What the privacy notice promises: reporter details are removed this long after a case ends, and
# raw LINE traffic (inbox events, sent messages) is kept only as a short delivery buffer.
RETENTION_DAYS = env_int("RETENTION_DAYS", 730, minimum=30)
LINE_RECORDS_DAYS = env_int("LINE_RECORDS_DAYS", 30, minimum=1)
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")

LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (13.75, 100.5),
    "DEFAULT_ZOOM": 6,
    "MIN_ZOOM": 5,
    "MAX_ZOOM": 18,
    "TILES": [("map", MAP_TILE_URL, {"attribution": MAP_TILE_ATTRIBUTION})] if MAP_TILE_URL else [],
    "RESET_VIEW": False,
}

# Auth ----------------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Language and time ---------------------------------------------------------------------------------
LANGUAGE_CODE = "th"
LANGUAGES = [("th", "ไทย"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

# Static files: self-hosted, fingerprinted by WhiteNoise (no CDN at run time) -----------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
WHITENOISE_USE_FINDERS = DEBUG or TESTING

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
