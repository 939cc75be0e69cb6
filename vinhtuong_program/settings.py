"""Settings for the whole project; every value that differs between machines
comes from an environment variable (see .env.example)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from vinhtuong_program.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 -- DEBUG only

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks",
    "django_tasks_db",
    "import_export",
    "students",
    "donations",
    "telecom",
    "allocation",
    "reports",
    "vinhtuong_program.core",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "vinhtuong_program.core.middleware.RejectNulCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "vinhtuong_program.urls"
WSGI_APPLICATION = "vinhtuong_program.wsgi.application"

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
                "vinhtuong_program.core.context_processors.navigation",
            ],
        },
    },
]

# SQLite file by default so that a newcomer needs nothing else; PostgreSQL in
# production and CI through DATABASE_URL=postgres://user@host:5432/name.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff-home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "vi"
# The interface is Vietnamese only; msgids stay English for the developers.
LANGUAGES = [("vi", "Tiếng Việt")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Vietnamese conventions everywhere, whatever the request's language: 1.500.000
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["vinhtuong_program.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str(
            "DJANGO_STATICFILES_STORAGE",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# Tests and `runserver` work without collectstatic; whitenoise then serves from the finders.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", default=DEBUG)

# History is for audit; a "revert" in the admin would bypass the services
# that keep business rules, so corrections are made as new changes instead.
SIMPLE_HISTORY_REVERT_DISABLED = True

# The public forms' rate limits count attempts per client in the cache. The default
# is per process; with several server processes point this at a shared cache
# (e.g. DJANGO_CACHE_BACKEND=django.core.cache.backends.db.DatabaseCache).
CACHES = {
    "default": {
        "BACKEND": env_str("DJANGO_CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": env_str("DJANGO_CACHE_LOCATION", "vinhtuong"),
    }
}
# The public transparency page (/cong-khai/) is computed at most once per this many seconds per
# cache (per process with the default cache); anonymous visitors' browsers may keep it as long.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 60)
# Public pledge form: seconds a person needs at least to fill it; attempts per client per window.
DONATIONS_MIN_FILL_SECONDS = env_int("DONATIONS_MIN_FILL_SECONDS", 3)
DONATIONS_PLEDGE_RATE_LIMIT = (env_int("DONATIONS_PLEDGE_RATE_LIMIT", 10), 60 * 60)
DONATIONS_LOOKUP_RATE_LIMIT = (env_int("DONATIONS_LOOKUP_RATE_LIMIT", 30), 10 * 60)
# Behind the proxy every request comes from the proxy's address; the client is the
# address the proxy appended last to X-Forwarded-For.
DONATIONS_CLIENT_IP_FROM_PROXY = env_bool("DJANGO_BEHIND_PROXY", default=False)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

TASKS = {"default": {"BACKEND": env_str("DJANGO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Staff sessions end after an idle hour; each request renews the hour.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_COOKIE_AGE", 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=SECURE_HSTS_SECONDS > 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("DJANGO_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /healthz is probed over plain HTTP by the load balancer or monitoring.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

MEDIA_URL = "/media/"
# Uploaded originals (pupil lists) are personal data: never served directly.
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
# Largest spreadsheet accepted anywhere (pupil lists, donation lists, SIM lists).
SPREADSHEET_MAX_BYTES = env_int("SPREADSHEET_MAX_BYTES", 20 * 1024 * 1024)
# Cells beyond this many in a sheet mean a hostile or broken file (zip bombs expand to millions).
SPREADSHEET_MAX_CELLS = env_int("SPREADSHEET_MAX_CELLS", 5_000_000)

# PDF documents (handover records, reports) need a Unicode TTF for Vietnamese: DejaVuSans.ttf and
# DejaVuSans-Bold.ttf from this directory (Debian's fonts-dejavu-core); checked when a PDF is made.
PDF_FONT_DIR = Path(env_str("PDF_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
# Largest signed handover record scan accepted (PDF, JPEG or PNG).
HANDOVER_SCAN_MAX_BYTES = env_int("HANDOVER_SCAN_MAX_BYTES", 5 * 1024 * 1024)

# Exports never hand Excel a live formula (a cell starting with = + - @ is written as text).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DJANGO_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # fpdf2 subsets the PDF fonts through fontTools, which logs every glyph at INFO.
    "loggers": {"fontTools": {"level": "WARNING"}},
}
