"""The one settings module. Every knob comes from the environment (or a `.env` file).

Development needs nothing: `DEBUG=1` gives SQLite in the project folder and a local-memory
cache. With `DEBUG` off the process refuses to start unless `SECRET_KEY` and `REDIS_URL`
are set, because several gunicorn nodes must share one cache (page cache, widget
generations, comment flood counters, view counters).
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from newsroom import headers
from newsroom.db_router import replica_database
from newsroom.storage import media_storage

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)


def _required_in_production(name: str, dev_default: str) -> str:
    value = env.str(name, default="")
    if value:
        return value
    if DEBUG:
        return dev_default
    raise ImproperlyConfigured(
        f"{name} must be set when DEBUG is off (see the configuration table in README.md)."
    )


SECRET_KEY = _required_in_production("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Public URLs in feeds, sitemaps, canonical links and JSON-LD are built from this scheme and
# SiteSettings.domain, never from the request's Host header.
SITE_SCHEME = env.str("SITE_SCHEME", default="http" if DEBUG else "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_prose_editor",
    "csp",
    "axes",
    "reversion",
    # The four rooms (README "Layout"); imports run one way, checked by `lint-imports`.
    "articles",
    "comments",
    "pagecache",
    "reader",
    "demo",  # the demo paper: `manage.py seed_demo`
]
# The benchmark's archive generator (`manage.py make_archive`), for development only.
if env.bool("BENCH_TOOLS", default=DEBUG):
    INSTALLED_APPS.append("bench")

MIDDLEWARE = [
    # Security headers first, outside the page cache, so cached pages carry them too
    # (newsroom/headers.py).
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsroom.headers.HeaderPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous reader pages from the cache, before sessions and auth are even looked at.
    "pagecache.middleware.PageCacheMiddleware",
    # Database unreachable: a 503 page (and, above, a stale copy), never a 500.
    "newsroom.outage.DatabaseOutageMiddleware",
    # Readers' database: the replica when DATABASE_REPLICA_URL is set (else a no-op).
    "newsroom.db_router.ReplicaMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # Kept compiled, with our pages' inheritance merged at load (newsroom/flat_templates.py).
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        (
                            "newsroom.flat_templates.Loader",
                            [
                                "django.template.loaders.filesystem.Loader",
                                "django.template.loaders.app_directories.Loader",
                            ],
                        )
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reader.context_processors.site",
            ],
            # The admin index's desk (what is waiting for whom) lives with the admin.
            "libraries": {"newsroom_desk": "articles.admin.desk"},
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django 5.2's built-in psycopg 3 pool: each gunicorn worker keeps a few warm connections.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["pool"] = {
        # Two kept open: a worker's second thread need not wait for a new connection, which
        # on a busy machine can take longer than DB_POOL_TIMEOUT.
        "min_size": env.int("DB_POOL_MIN", default=2),
        "max_size": env.int("DB_POOL_MAX", default=8),
        # A reader waits at most this long for a connection: with the database down the
        # answer is a 503 in under a second (newsroom/outage.py), not a thread held for 10 s.
        "timeout": env.float("DB_POOL_TIMEOUT", default=0.5),
        # Reconnection backs off 1, 2, 4... s and gives up after this; the next request then
        # tries at once, so the site is back within seconds of the database returning.
        "reconnect_timeout": 5,
    }
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 2)  # libpq's minimum
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool owns connection lifetime
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = (
        True  # no dead connection handed out after an outage
    )
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL lets readers continue while the dev server writes view counters.
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")

# Anonymous reader pages from a streaming replica when one is named (newsroom/db_router.py).
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = replica_database(
        env.db_url_config(DATABASE_REPLICA_URL), DATABASES["default"]
    )
    DATABASE_ROUTERS = ["newsroom.db_router.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = _required_in_production("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis behind a circuit breaker: Redis down is a slower site, not a broken one
            # (pagecache/shared.py, over the shared client of pagecache/redis_cache.py).
            "BACKEND": "pagecache.shared.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="newsroom"),
            "TIMEOUT": 300,
            "OPTIONS": {"TIMEOUT_SECONDS": env.float("CACHE_TIMEOUT_SECONDS", default=0.1)},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "newsroom",
            "TIMEOUT": 300,
        }
    }

# With the database unreachable, a reader page's last cached copy is served (marked stale)
# for at most this long (pagecache/middleware.py); other pages answer 503.
PAGE_STALE_IF_ERROR = env.int("PAGE_STALE_IF_ERROR", default=24 * 3600)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# Day-first date input in forms and the admin calendar (Django's "vi" locale has none).
FORMAT_MODULE_PATH = ["newsroom.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Uploaded media from the app itself: development and browser tests. Production serves
# MEDIA_ROOT from nginx (deploy/nginx.conf).
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads and renditions in an S3-compatible bucket when MEDIA_STORAGE is s3://... (see
# newsroom/storage.py); MEDIA_URL becomes the bucket's or the CDN's public base. Changing the
# base needs `manage.py copy_media --redraw` (stored bodies hold rendition URLs).
_media = media_storage(
    env.str("MEDIA_STORAGE", default=""), cdn_url=env.str("MEDIA_CDN_URL", default="")
)
STORAGES["default"] = _media.storage
MEDIA_URL = _media.media_url
if _media.is_s3:
    SERVE_MEDIA = False

# Uploaded photos: at most this many pixels are decoded (Pillow's bomb guard is set from it).
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=40_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="toasoan@example.vn")

# Reverse proxies whose X-Forwarded-For we believe (comment flood control, view counting).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"  # nothing of ours is framed; the image picker is a popup window
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# Content-Security-Policy (django-csp; the admin's allowances are in newsroom/headers.py).
CONTENT_SECURITY_POLICY = {"DIRECTIVES": headers.directives(MEDIA_URL, STATIC_URL)}

# Login throttling (django-axes): 5 failures for a username or from an address within
# AXES_COOLOFF_TIME lock that username or address for the same time. Attempts live in the
# database, so every web node sees them; a superuser unlocks in the admin (Access attempts).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one reaching the limit locks
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "articles.http.client_ip"  # honours TRUSTED_PROXIES
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"  # Vietnamese, status 429
AXES_COOLOFF_MESSAGE = "Đăng nhập sai quá nhiều lần. Tài khoản tạm khóa, vui lòng thử lại sau."
AXES_VERBOSE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
