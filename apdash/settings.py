"""Settings read from the environment. The defaults give the embedded demo:
SQLite file, eager Celery, console email."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="apdash-demo-secret-key-not-for-production-use-0123456789")
# Off unless asked for: the demo too never shows Django's debug page (issue 13 §13).
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "rules",
    "django_celery_beat",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "drf_spectacular_sidecar",
    "csp",
    "template_partials",
    "django_htmx",
    "apdash",
    "providers",
    "placements",
    "safeguarding",
    "inspection",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # auth: a DSL or head gives their one-time code before any page; provider staff keep the register.
    "apdash.access.AccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "apdash.urls"

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
                "apdash.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "apdash.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"].get("ENGINE") == "django.db.backends.postgresql":
    # No JIT compilation: a page's queries run in milliseconds, and PostgreSQL's estimate for a
    # count over a country's placements crosses its JIT threshold, spending ~30 ms compiling.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()

AUTH_USER_MODEL = "apdash.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Login throttling for everyone (issue 13): repeated failures lock the account from every address,
# and throttle the address for every account (two separate counts, each with this limit).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_TIME", default=1.0)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "apdash.accounts.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
OTP_TOTP_ISSUER = "apdash"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# UK dates throughout: 23 November 2026.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y"]
# Forms (issue 17): the en_GB input formats, so the date hint's "27 3 2026" is accepted as shown.
FORMAT_MODULE_PATH = ["apdash.formats"]

STATIC_URL = "static/"
# WhiteNoise serves the static files with DEBUG off; from the source folders unless collected
# (production collects them and turns this off).
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# NULLS NOT DISTINCT constraints hold on PostgreSQL (production, CI); the SQLite demo does without.
SILENCED_SYSTEM_CHECKS = ["models.W047"]

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="apdash <no-reply@apdash.example>")

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Celery: eager by default (demo, unit tests); a real broker when CELERY_BROKER_URL is set.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None) or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else "cache+memory://"
)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL == "memory://")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request must not hang when the broker is down: the next scheduled run picks the work up.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    # A task a killed worker had taken (acks_late) goes back on the queue after this many seconds.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}

# The queue tasks go to unless routed (the sweep's shards follow it).
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")

# Event-driven checks (issue 16): a write re-checks its scope on commit. The cache that holds
# "a re-check of this scope is queued" must be shared by every web and worker process for the
# de-duplication to hold across them: Redis beside a Redis broker, process memory in the demo.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "checks": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CELERY_BROKER_URL}
        if CELERY_BROKER_URL.startswith("redis")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "checks"}
    ),
}
APDASH_RECHECK_CACHE = "checks"
# The sweep runs the partnerships in shards of about this many schools (a whole partnership each
# at least): each task costs a fixed few dozen queries, so England's 150 partnerships one a task
# spent more on that than on their pupils.
APDASH_SWEEP_SHARD_SCHOOLS = env.int("APDASH_SWEEP_SHARD_SCHOOLS", default=80)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apdash.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "apdash.access.RegisterOnlyForProviderStaff",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "apdash.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "apdash API",
    "DESCRIPTION": "Alternative provision placements, attendance, visits and compliance flags.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc served from our own static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Group operations by resource (pupils, placements, …) rather than under one "v1" heading.
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # One name per choice set where field names collide (readiness colours, milestone progress,
    # how the parents and the LA were told, a pack's status).
    "ENUM_NAME_OVERRIDES": {
        "ReadinessStatusEnum": ["green", "amber", "red"],
        "MilestoneStatusEnum": "placements.plans.models.MilestoneStatus",
        "HowSentEnum": "placements.core.models.Placement.HowSent",
        "EvidencePackStatusEnum": "inspection.models.EvidencePack.Status",
    },
}

# --- Field rules: today's values as defaults; a change in the law is a settings change. ---
# DfE working view of "full-time" (domain.md, para 399): more than 18 hours a week.
APDASH_FULL_TIME_HOURS = env.float("APDASH_FULL_TIME_HOURS", default=18.0)
# G §3f: never three or more days a week at an unregistered provider.
APDASH_UNREGISTERED_MAX_DAYS = env.int("APDASH_UNREGISTERED_MAX_DAYS", default=3)
APDASH_HOURS_WARNING = env.float("APDASH_HOURS_WARNING", default=15.0)
# Education Act 1996 s.463: 5 full-time pupils, or 1 looked after / with an EHC plan.
APDASH_REGISTRATION_PUPIL_COUNT = env.int("APDASH_REGISTRATION_PUPIL_COUNT", default=5)
APDASH_REGISTRATION_NEEDS = env.list("APDASH_REGISTRATION_NEEDS", default=["looked_after", "ehcp"])
APDASH_VISIT_WARNING_SCHOOL_DAYS = env.int("APDASH_VISIT_WARNING_SCHOOL_DAYS", default=10)
APDASH_ATTENDANCE_LOOKBACK_SCHOOL_DAYS = env.int("APDASH_ATTENDANCE_LOOKBACK_SCHOOL_DAYS", default=5)
APDASH_ATTENDANCE_CUTOFF_AM = env("APDASH_ATTENDANCE_CUTOFF_AM", default="10:30")
APDASH_ATTENDANCE_CUTOFF_PM = env("APDASH_ATTENDANCE_CUTOFF_PM", default="14:30")
# G §3a: the directory audits each provider annually.
APDASH_PROVIDER_AUDIT_MAX_AGE_DAYS = env.int("APDASH_PROVIDER_AUDIT_MAX_AGE_DAYS", default=365)
APDASH_CONCERN_ACK_HOURS = env.dict(
    "APDASH_CONCERN_ACK_HOURS", cast={"value": int}, default={"urgent": 1, "other": 24}
)
# KCSIE categories plus what AP settings meet most; "other" must stay.
APDASH_CONCERN_CATEGORIES = {
    "physical_abuse": "Physical abuse",
    "emotional_abuse": "Emotional abuse",
    "sexual_abuse": "Sexual abuse or harassment",
    "neglect": "Neglect",
    "self_harm": "Self-harm or suicidal thoughts",
    "exploitation": "Criminal or sexual exploitation",
    "domestic_abuse": "Domestic abuse",
    "online": "Online safety",
    "missing": "Missing or absconding",
    "radicalisation": "Radicalisation (Prevent)",
    "other": "Other",
}
# G §3e: each pupil inducted at the start; flagged once this many school days have passed.
APDASH_INDUCTION_SCHOOL_DAYS = env.int("APDASH_INDUCTION_SCHOOL_DAYS", default=5)
# A provider's register link opens on its day and stays open this many days after (late registers).
APDASH_REGISTER_LINK_GRACE_DAYS = env.int("APDASH_REGISTER_LINK_GRACE_DAYS", default=1)
# Rules a head can defend (issue 18).
# An N code should be replaced by the right code within this many school days (2024 regulations).
APDASH_N_CODE_DAYS = env.int("APDASH_N_CODE_DAYS", default=5)
# KCSIE: a pupil's safeguarding file goes to the new school within this many school days.
APDASH_SAFEGUARDING_TRANSFER_SCHOOL_DAYS = env.int("APDASH_SAFEGUARDING_TRANSFER_SCHOOL_DAYS", default=5)
# DfE: a pupil missing 10% or more of possible sessions is persistently absent, so attendance of
# this percentage or less (90.0 included) counts.
APDASH_PERSISTENT_ABSENCE_BELOW = env.float("APDASH_PERSISTENT_ABSENCE_BELOW", default=90.0)
# Links in emails (register links, digests) point here.
APDASH_SITE_URL = env("APDASH_SITE_URL", default="http://127.0.0.1:8000")
APDASH_TIMETABLE_EARLIEST = env("APDASH_TIMETABLE_EARLIEST", default="07:00")
APDASH_TIMETABLE_LATEST = env("APDASH_TIMETABLE_LATEST", default="19:00")
# Learning plans and QA reports: PDF or Word documents up to this size.
APDASH_DOCUMENT_MAX_BYTES = env.int("APDASH_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
# An evidence pack still waiting this long was asked for while the broker was down: send it again.
APDASH_EVIDENCE_PACK_REQUEUE_MINUTES = env.int("APDASH_EVIDENCE_PACK_REQUEUE_MINUTES", default=5)

# --- Security (issue 13): caps on what one request or import may ask of the server. ---
# Request bodies (forms and API JSON); file uploads are capped per import below.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)
# API JSON nested deeper than this is a 400 (a deeply nested body would otherwise exhaust the stack).
APDASH_API_MAX_JSON_DEPTH = env.int("APDASH_API_MAX_JSON_DEPTH", default=32)
# Every CSV import (pupils, attendance registers): rows and bytes of one file.
APDASH_IMPORT_MAX_ROWS = env.int("APDASH_IMPORT_MAX_ROWS", default=2000)
APDASH_IMPORT_MAX_BYTES = env.int("APDASH_IMPORT_MAX_BYTES", default=2 * 1024 * 1024)
# A week has ten sessions (AM and PM, Monday to Friday): timetable slots per placement.
APDASH_MAX_SLOTS_PER_PLACEMENT = env.int("APDASH_MAX_SLOTS_PER_PLACEMENT", default=10)
# --- Data the sector already has (issue 14): GIAS, CTF, notices, time limits ---
# Where DfE's "all establishment data" extract can be fetched nightly ({date} = YYYYMMDD); empty:
# the import is by file (python manage.py import_gias FILE.csv, or the upload page).
APDASH_GIAS_URL = env("APDASH_GIAS_URL", default="")
# DfE "Arranging alternative provision": notice of an off-site direction 2 school days before it starts.
APDASH_PARENTAL_NOTICE_SCHOOL_DAYS = env.int("APDASH_PARENTAL_NOTICE_SCHOOL_DAYS", default=2)
# DfE's planned time limits on unregistered AP (legislation needed, so off by default; DfE's
# proposal: 12 weeks full-time, or part-time of up to 2 days / 4 sessions a week). Unset: no limit.
APDASH_MAX_FULL_TIME_WEEKS_UNREGISTERED = env.int("APDASH_MAX_FULL_TIME_WEEKS_UNREGISTERED", default=None)
APDASH_MAX_PART_TIME_DAYS = env.int("APDASH_MAX_PART_TIME_DAYS", default=None)
APDASH_MAX_PART_TIME_SESSIONS = env.int("APDASH_MAX_PART_TIME_SESSIONS", default=None)
# Evidence pack (issue 15): a partnership pack is rendered in parts on parallel Celery workers (a
# chord), then bound with pypdf; false renders it in one piece like a school's pack.
APDASH_EVIDENCE_PACK_IN_PARTS = env.bool("APDASH_EVIDENCE_PACK_IN_PARTS", default=True)

# CI sets this: a test that needs PostgreSQL, Redis or Chromium must fail, not skip, without them.
APDASH_REQUIRE_SERVICES = env.bool("APDASH_REQUIRE_SERVICES", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# --- auth (issue 13 §14): the broker being down fails a request fast, never a 19-second wait ---
# One try to publish, a short connect timeout to the broker and to the result store; the caller
# then says so (the pack page offers "try again") and the scheduled re-send picks the work up.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = CELERY_BROKER_CONNECTION_TIMEOUT
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 1, "interval_start": 0}}

# --- auth (issue 13 §13–14): what every response carries -----------------------------------------
# A Content-Security-Policy (django-csp 4) the pages and the API docs satisfy: scripts only from
# here or inline with the page's nonce; inline style attributes are still used by a few pages.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware"
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1, "apdash.headers.NoStoreMiddleware"
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- auth (issue 17 §16): error pages, and a lockout that says when it ends and who can help ----
AXES_LOCKOUT_CALLABLE = "apdash.errors.lockout_response"
# Who a locked-out user asks: whoever runs apdash for the school or partnership.
APDASH_HELP_CONTACT = env(
    "APDASH_HELP_CONTACT", default="your school's or partnership's apdash administrator"
)

# --- auth (issue 16 §5): the demo runs jobs the way production does, on an embedded broker -------
# `make demo` starts a real worker and beat beside the web server on kombu's filesystem transport:
# messages are files in a folder, so no broker server is needed; results are files too.
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_folder = Path(env("APDASH_BROKER_FOLDER", default=str(BASE_DIR / ".demo" / "broker")))
    for _part in ("queue", "processed", "control", "results"):
        (_broker_folder / _part).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_folder / "queue"),
        "data_folder_out": str(_broker_folder / "queue"),
        "processed_folder": str(_broker_folder / "processed"),
        "control_folder": str(_broker_folder / "control"),
        "store_processed": False,
    }
    if not env("CELERY_RESULT_BACKEND", default=None):
        CELERY_RESULT_BACKEND = f"file://{_broker_folder / 'results'}"
# Web, worker and beat share the demo's SQLite file: wait for a lock rather than fail at once,
# take the write lock at the start of a transaction, and let readers run beside the writer (WAL).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
