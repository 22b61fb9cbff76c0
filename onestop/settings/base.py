"""Settings shared by every environment. Everything that differs between machines is read
from the environment (see docs/operations.md for the list)."""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp import constants as csp
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "core",
    "procedures",
    "dossiers",
    "payments",
    "exchange",
    "reform_index",
    "dashboard",
    "demo",
    "onestop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Vietnamese unless the visitor chose English; the browser's language is not asked.
    "core.middleware_language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Refuses unusable input before any view runs (the path, the query and the body's
    # Content-Type on the way in; form values once the view is resolved, after the CSRF
    # check has parsed them); after authentication so that its error pages show the menu.
    "core.middleware.InputLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that lockouts see the authenticated user and the final response.
    "axes.middleware.AxesMiddleware",
]

# Content Security Policy: scripts, styles, fonts and images come from the site itself
# (third-party assets are vendored under static/vendor/), no page may be framed, and forms
# post only to the site. Inline style attributes stay allowed: bars and chart boxes are
# sized from data in the templates.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF, csp.UNSAFE_INLINE],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}

ROOT_URLCONF = "onestop.urls"
WSGI_APPLICATION = "onestop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
        },
    },
]

# An embedded SQLite file when DATABASE_URL is unset, so a newcomer needs nothing installed.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The embedded SQLite demo builds covering indexes without their extra columns; it says so
# at every migrate, and it is only the demo.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login lockout: a few wrong passwords lock the username+address pair for a while.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Pages without their own lockout message (the admin's login) answer this one, in Vietnamese.
AXES_LOCKOUT_TEMPLATE = "429.html"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
# Listed first, so our catalogues also override Django's own Vietnamese (the admin's): the
# project's, then the Vietnamese its libraries lack (admin, DRF, django-filter), kept apart
# so that makemessages, which writes to the first, never drops them as unused.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
# The language switch is remembered for a year (by default only until the browser closes).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded dossier files live outside anything served statically; a view checks access.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Redis serves as Celery broker and shared cache when REDIS_URL is set; without it, tasks
# run inline and the cache is per process, so the portal runs with nothing installed.
REDIS_URL = env("REDIS_URL", default="")
# A cache call waits at most this long for Redis; past it the call is a miss (core/cache.py),
# so a hung Redis slows no request by more than this.
CACHE_TIMEOUT_SECONDS = env.float("CACHE_TIMEOUT_SECONDS", default=0.25)
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
    CACHES = {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# With the broker down, a request must not hang on publishing: fail fast, the sweeps
# recover whatever was not queued.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# The whole beat schedule, in one place. Every job recomputes from the database.
CELERY_BEAT_SCHEDULE = {
    "reminders-every-15-minutes": {
        "task": "dossiers.tasks.sweep_reminders",
        "schedule": crontab(minute="*/15"),
    },
    "daily-digest": {
        "task": "dossiers.tasks.send_daily_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    "monthly-report": {
        "task": "dossiers.tasks.send_monthly_reports",
        "schedule": crontab(hour=7, minute=30),
    },
    "held-uploads-hourly": {
        "task": "dossiers.tasks.discard_stale_held_uploads",
        "schedule": crontab(minute=40),
    },
    "nightly-roll-up": {
        "task": "dossiers.tasks.roll_up_statistics",
        "schedule": crontab(hour=1, minute=0),
    },
    "nightly-reform-index": {
        "task": "reform_index.tasks.compute_open_scorecards",
        "schedule": crontab(hour=2, minute=0),
    },
    "national-sync-every-minute": {
        "task": "exchange.tasks.sync_with_national_portal",
        "schedule": crontab(minute="*"),
    },
    "personal-data-retention": {
        "task": "dossiers.tasks.erase_expired_personal_data",
        "schedule": crontab(hour=3, minute=0),
    },
}

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Một cửa <no-reply@onestop.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

REST_FRAMEWORK = {
    # The token comes first so that an anonymous caller gets 401 with a `WWW-Authenticate:
    # Token` challenge (session authentication has no challenge, so DRF would answer 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Bodies within the input limits (core.parsers): JSON measured before it is decoded,
    # multipart text fields checked like query values; forms are checked by the middleware.
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "core.parsers.BoundedMultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    # "format" is a report parameter (csv/xlsx), not DRF's renderer override.
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("THROTTLE_ANON", default="120/min"),
        "user": env("THROTTLE_USER", default="600/min"),
        "auth": env("THROTTLE_AUTH", default="10/min"),
        "lookup": env("THROTTLE_LOOKUP", default="20/min"),
        "verify": env("THROTTLE_VERIFY", default="20/min"),
        "gateway": env("THROTTLE_GATEWAY", default="600/min"),
        "signup": env("THROTTLE_SIGNUP", default="10/hour"),
    },
    # Throttles count per client address. Unset, DRF would trust whatever X-Forwarded-For a
    # client sends, so a forged header per request would escape every limit; behind one
    # reverse proxy that appends the real address, set NUM_PROXIES=1.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Onestop API",
    "DESCRIPTION": "One-stop administrative service desk portal",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DossierStatusEnum": "dossiers.models.Status",
        "SatisfactionEnum": "dossiers.models.Satisfaction",
        "ExemptionEnum": "dossiers.models.Exemption",
        "ProcedureLevelEnum": "procedures.models.Level",
        "ScorecardStateEnum": "reform_index.models.ScorecardState",
        "AssessmentStateEnum": "reform_index.models.AssessmentState",
        "CriterionKindEnum": "reform_index.models.CriterionKind",
        "MetricEnum": "reform_index.models.Metric",
        "RuleEnum": "reform_index.models.Rule",
    },
}

# Working calendar (DESIGN §3.4). Office hours are the working periods of a working day;
# Saturday-morning reception is opening time for the desk, never working time.
ONESTOP_OFFICE_HOURS = env("ONESTOP_OFFICE_HOURS", default="08:00-12:00,13:00-17:00")
ONESTOP_SATURDAY_RECEPTION = env("ONESTOP_SATURDAY_RECEPTION", default="08:00-11:30")
ONESTOP_SAME_DAY_CUTOFF = env("ONESTOP_SAME_DAY_CUTOFF", default="15:00")
ONESTOP_HOLIDAY_YEARS = env("ONESTOP_HOLIDAY_YEARS", default="2015-2035")
# A password reset link works once, for three days (the e-mail says so).
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
ONESTOP_SITE_NAME = env("ONESTOP_SITE_NAME", default="Cổng dịch vụ công một cửa")
ONESTOP_KIOSK_IDLE_SECONDS = env.int("ONESTOP_KIOSK_IDLE_SECONDS", default=90)
ONESTOP_DEMO_PASSWORD = env("ONESTOP_DEMO_PASSWORD", default="Demo@2026")
# Personal data (docs/privacy.md): years a finished dossier's personal data is kept when
# its procedure sets none, and the papers' share of a citizen's data download.
PERSONAL_DATA_RETENTION_YEARS = env.int("PERSONAL_DATA_RETENTION_YEARS", default=5)
PERSONAL_DATA_EXPORT_MAX_BYTES = env.int(
    "PERSONAL_DATA_EXPORT_MAX_BYTES", default=200 * 1024 * 1024
)
# The national portal's adapter (docs/national-exchange.md): off while no URL is set;
# the agency code goes in the `dstcode` header and as `madonvi`.
NATIONAL_ADAPTER_URL = env("NATIONAL_ADAPTER_URL", default="")
NATIONAL_USERNAME = env("NATIONAL_USERNAME", default="")
NATIONAL_PASSWORD = env("NATIONAL_PASSWORD", default="")
NATIONAL_AGENCY_CODE = env("NATIONAL_AGENCY_CODE", default="")
NATIONAL_TIMEOUT_SECONDS = env.float("NATIONAL_TIMEOUT_SECONDS", default=10)
# Who may push dossiers filed on the national portal: "partner:key" entries.
NATIONAL_INBOUND_KEYS = env.list("NATIONAL_INBOUND_KEYS", default=[])
# Fees and payments (docs/payments.md): the agency account that receives transfers (its
# bank's 6-digit NAPAS BIN), the shared secret of the payment gateway's signed callbacks
# (empty: no gateway), and the gateway's payment page.
PAYMENT_BANK_BIN = env("PAYMENT_BANK_BIN", default="970415")
PAYMENT_ACCOUNT_NUMBER = env("PAYMENT_ACCOUNT_NUMBER", default="113366668888")
PAYMENT_ACCOUNT_NAME = env("PAYMENT_ACCOUNT_NAME", default="KHO BAC NHA NUOC")
PAYMENT_GATEWAY_SECRET = env("PAYMENT_GATEWAY_SECRET", default="")
PAYMENT_GATEWAY_URL = env("PAYMENT_GATEWAY_URL", default="")
# The columns of the bank statement an import reads (CSV or XLSX, first row the names).
PAYMENT_STATEMENT_COLUMNS = {
    "transaction_id": env("PAYMENT_STATEMENT_ID_COLUMN", default="Số tham chiếu"),
    "booked_at": env("PAYMENT_STATEMENT_DATE_COLUMN", default="Ngày giao dịch"),
    "amount": env("PAYMENT_STATEMENT_AMOUNT_COLUMN", default="Số tiền ghi có"),
    "description": env("PAYMENT_STATEMENT_TEXT_COLUMN", default="Nội dung"),
}
# Electronic results (docs/digitisation.md): an agency signs with the PKCS#12 file named by
# its unit code in SIGNING_KEYS_DIR; a signature is trusted when its chain ends at one of
# the certificates in the PEM files of SIGNING_TRUST_ROOTS. seed_demo generates a demo CA
# and agency keys there; a real installation puts its certificates there instead.
SIGNING_KEYS_DIR = Path(env("SIGNING_KEYS_DIR", default=str(BASE_DIR / "var" / "keys")))
SIGNING_KEY_PASSWORD = env("SIGNING_KEY_PASSWORD", default="")
SIGNING_TRUST_ROOTS = env.list(
    "SIGNING_TRUST_ROOTS", default=[str(SIGNING_KEYS_DIR / "trust-roots.pem")]
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # The PDF libraries narrate every step (WeasyPrint) and every glyph (fontTools) at INFO.
    "loggers": {"fontTools": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}

# Dossier uploads: checked by content (not extension) against this allowlist, and by size.
ONESTOP_UPLOAD_MAX_BYTES = env.int("ONESTOP_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
ONESTOP_UPLOAD_TYPES = ["application/pdf", "image/jpeg", "image/png", DOCX_MIME]
# A DOCX is a zip archive: what it unpacks to is capped too, so a small upload cannot
# stand for gigabytes (a zip bomb). Ratio is unpacked size over stored size, overall.
ONESTOP_UPLOAD_MAX_UNPACKED_BYTES = env.int(
    "ONESTOP_UPLOAD_MAX_UNPACKED_BYTES", default=50 * 1024 * 1024
)
ONESTOP_UPLOAD_MAX_RATIO = env.int("ONESTOP_UPLOAD_MAX_RATIO", default=100)
ONESTOP_UPLOAD_MAX_ENTRIES = env.int("ONESTOP_UPLOAD_MAX_ENTRIES", default=1000)
# Input limits at the door (core.middleware, core.parsers): the longest path or query
# value, and how deep a JSON body may nest.
ONESTOP_INPUT_MAX_LENGTH = env.int("ONESTOP_INPUT_MAX_LENGTH", default=2000)
ONESTOP_JSON_MAX_DEPTH = env.int("ONESTOP_JSON_MAX_DEPTH", default=64)
ONESTOP_SMS_BACKEND = env("ONESTOP_SMS_BACKEND", default="core.sms.LoggingSmsBackend")
# The desk's "due soon" list: dossiers whose due time is within this many working hours.
ONESTOP_DUE_SOON_HOURS = env.int("ONESTOP_DUE_SOON_HOURS", default=8)
# Memory each grouping step of the statistics roll-up may use before spilling to disk
# (PostgreSQL's work_mem, set for the roll-up's transaction only).
ONESTOP_ROLLUP_WORK_MEM = env("ONESTOP_ROLLUP_WORK_MEM", default="256MB")
