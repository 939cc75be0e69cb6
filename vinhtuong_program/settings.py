"""Settings for the whole project; every value that differs between machines
comes from an environment variable (deploy/vinhtuong.env.example lists them all)."""

from __future__ import annotations

from datetime import timedelta
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
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105  # nosec B105  # DEBUG only

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
    "axes",
    "csp",
    "students",
    "donations",
    "telecom",
    "allocation",
    "reports",
    "vinhtuong_program.core",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "vinhtuong_program.core.security.SiteCSPMiddleware",
    "vinhtuong_program.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "vinhtuong_program.core.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "vinhtuong_program.core.middleware.RejectNulCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
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
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Tests only: pytest.ini sets DJANGO_TEST_FAST_PASSWORD_HASHER=1, so a test user costs an MD5 instead
# of PBKDF2's hundreds of thousands of rounds. `check --deploy` fails when it is on (core/checks.py).
if env_bool("DJANGO_TEST_FAST_PASSWORD_HASHER", default=False):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "vinhtuong_program.core.security.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: AXES_FAILURE_LIMIT wrong passwords for one user name from one address lock that
# pair out for AXES_COOLOFF_MINUTES; other users and other addresses are not affected. A successful
# login clears the count. `python manage.py axes_reset` lifts every lockout at once.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "vinhtuong_program.core.security.lockout_response"
# The client's address as the public forms' rate limits see it (DJANGO_BEHIND_PROXY).
AXES_CLIENT_IP_CALLABLE = "vinhtuong_program.core.security.login_client_ip"
# The user name cut to axes' column: a longer one ended the login in a server error on PostgreSQL.
AXES_USERNAME_CALLABLE = "vinhtuong_program.core.security.login_username"
# Attempts are counted in the database, so every server process sees the same count.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False
# The attempts (user names and addresses) stay out of the admin: `axes_list_attempts` lists them and
# `axes_reset` / `axes_reset_username NAME` lift locks, from the server's command line.
AXES_ENABLE_ADMIN = False
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
# Django's own caches keep 300 entries by default: a burst of clients would evict each other's
# counters. (Redis and memcached manage their memory themselves and take no such option.)
if CACHES["default"]["BACKEND"].rsplit(".", 1)[-1] in {"LocMemCache", "DatabaseCache", "FileBasedCache"}:
    CACHES["default"]["OPTIONS"] = {"MAX_ENTRIES": env_int("DJANGO_CACHE_MAX_ENTRIES", 20_000)}
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
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# No script of ours reads the CSRF cookie: forms carry the token in a hidden field.
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "vinhtuong_program.core.security.csrf_failure"
# No inline script, style or event handler anywhere on the site's own pages (tests/test_security.py
# walks the templates); the admin gets the few inline styles and the one handler it needs
# (vinhtuong_program/core/security.py). Bootstrap's icons are data: SVG images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
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
# Measured from the cells before any reader runs (common/spreadsheets/sheet_extent.py): a sheet with a value
# below this row or right of this column is refused. The largest commune lists a few thousand pupils.
SPREADSHEET_MAX_ROWS = env_int("SPREADSHEET_MAX_ROWS", 200_000)
SPREADSHEET_MAX_COLUMNS = env_int("SPREADSHEET_MAX_COLUMNS", 200)
# Lists imported while the browser waits (hamlets, SIM lists, donations) stay well inside gunicorn's timeout.
REQUEST_IMPORT_MAX_ROWS = env_int("REQUEST_IMPORT_MAX_ROWS", 10_000)
# ... and in time: past this many seconds such an import stops and saves nothing (common/request_deadline.py).
# Half of gunicorn's timeout (120 s, deploy/gunicorn.conf.py), so the answer always comes back.
REQUEST_IMPORT_SECONDS = env_int("REQUEST_IMPORT_SECONDS", 60)
# Devices a donation list imported on its page may record as received (one inventory row each; a row may
# say 5,000): a district receives a few thousand in all. The command line has no such bound.
REQUEST_IMPORT_MAX_DEVICES = env_int("REQUEST_IMPORT_MAX_DEVICES", 20_000)
# Errors shown in full (page, command line, marked-up file); the others are counted by column and reason.
IMPORT_ERRORS_KEPT = env_int("IMPORT_ERRORS_KEPT", 200)
# Address-space ceiling (RLIMIT_AS, MB) of `run_worker` and `import_students`; 0 = none. systemd's
# MemoryMax (deploy/systemd) bounds the unit as a whole.
WORKER_MEMORY_LIMIT_MB = env_int("WORKER_MEMORY_LIMIT_MB", 2048)
# An upload "processing" with no sign of its worker for this long was left by a dead worker.
STUDENT_UPLOAD_STALE_SECONDS = env_int("STUDENT_UPLOAD_STALE_SECONDS", 900)

# PDF documents (handover records, reports) need a Unicode TTF for Vietnamese: DejaVuSans.ttf and
# DejaVuSans-Bold.ttf from this directory (Debian's fonts-dejavu-core); checked when a PDF is made.
PDF_FONT_DIR = Path(env_str("PDF_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
# Largest signed handover record scan accepted (PDF, JPEG or PNG).
HANDOVER_SCAN_MAX_BYTES = env_int("HANDOVER_SCAN_MAX_BYTES", 5 * 1024 * 1024)

# Exports never hand Excel a live formula (a cell starting with = + - @ is written as text).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# Form fields other than files (Django answers 400 beyond this); files larger than this go to a
# temporary file instead of memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DJANGO_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
# A whole request larger than this is refused with a 413 page before its body is read: the largest
# file accepted anywhere plus room for the form's other fields. nginx's client_max_body_size should match.
REQUEST_MAX_BYTES = env_int(
    "DJANGO_REQUEST_MAX_BYTES", max(SPREADSHEET_MAX_BYTES, HANDOVER_SCAN_MAX_BYTES) + 1024 * 1024
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No phone, ID or quoted value of a pupil reaches a log, even inside an exception's text.
    "filters": {"personal_data": {"()": "vinhtuong_program.core.logs.PersonalDataFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["personal_data"]}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # fpdf2 subsets the PDF fonts through fontTools, which logs every glyph at INFO.
    "loggers": {
        "fontTools": {"level": "WARNING"},
        # A locked-out login is logged at WARNING; each attempt would flood the log at INFO.
        "axes": {"level": "WARNING"},
    },
}

# Backups (`make backup`, `python manage.py backup_database`): one directory per backup in
# BACKUP_DIR, holding children's personal data (owner-only permissions; copy them off the server).
# Each backup deletes all but the BACKUP_KEEP newest (0 keeps every one).
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(BASE_DIR / "backups")))
BACKUP_KEEP = env_int("BACKUP_KEEP", 14)
