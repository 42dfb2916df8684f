"""Settings of the ASEAN Customs Secretariat Portal.

One module for every environment: everything that differs between a laptop and production
comes from environment variables (see ``.env.example`` and the table in the README). The
embedded defaults give a demo that needs nothing but Python: SQLite under ``var/`` and tasks
run in-process. Production refuses to start without a ``SECRET_KEY``.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from secretariat.env import env_bool, env_int, env_list, env_str, parse_storage_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (DEBUG is off, so no "
            "development default is used)."
        )
    SECRET_KEY = "dev-only-insecure-key-never-used-when-debug-is-off"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    # The portal, in dependency order: each app only imports the ones above it.
    "secretariat",
    "workgroups",
    "workgroups.reporting",
    "workgroups.enforcement",  # issue 16: operations and seizure reports
    "meetings",
    "meetings.bilaterals",  # issue 16: bilateral side meetings
    "meetings.records",  # issue 12: the meeting record (attendance, decisions, action items)
    "consultations",
]

MIDDLEWARE = [
    "secretariat.middleware.RequestIdMiddleware",
    # NUL bytes and undecodable text are a 400 before anything reads them (issue 10).
    "secretariat.middleware.BadInputMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Answers asked several times per page (chair terms) computed once (issue 14).
    "secretariat.request_memo.RequestMemoMiddleware",
    "secretariat.middleware.SessionLifetimeMiddleware",
    # After the password, the second factor (secretariat.mfa): nothing else until verified.
    "secretariat.mfa.SecondFactorMiddleware",
    "secretariat.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the lockout flag set by the authentication backend.
    "axes.middleware.AxesMiddleware",
]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

ROOT_URLCONF = "secretariat.urls"
WSGI_APPLICATION = "secretariat.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "secretariat.context_processors.portal",
            ],
        },
    },
]

# --- Data stores -------------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's web server and its worker write to the same file: wait for the other's
    # lock instead of failing, and let readers and the writer work side by side (WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": 20, "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    })
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A restarted PostgreSQL must give a quick error, never a hung request.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
# Without socket timeouts a Redis that accepts TCP but never answers hangs the request for
# minutes (QUALITY.md fact 4); with them it fails in about a second.
REDIS_SOCKET_TIMEOUT = env_int("REDIS_SOCKET_TIMEOUT", 2, minimum=1)

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "secretariat.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
            "OPTIONS": {
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Per-process tier for public pages (secretariat.caching): no network hop at all.
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "public-pages",
    "OPTIONS": {"MAX_ENTRIES": 2000},
}

# --- Authentication and sessions -----------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out username/IP before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "secretariat.auth.PortalModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 2 * 3600, minimum=300)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Idle sessions end after 30 minutes (SessionLifetimeMiddleware refreshes an active session
# once a minute); any session ends 12 hours after login whatever the activity.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
SESSION_REFRESH_SECONDS = 60
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 3600, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Read from the shared cache, written to the database and the cache (secretariat.sessions);
# a cached copy lives two minutes at most.
SESSION_ENGINE = "secretariat.sessions"
SESSION_CACHE_SECONDS = 120
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
MESSAGE_COOKIE_NAME = "messages"

AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
# Lock the (username, IP) pair: an attacker elsewhere cannot lock a delegate out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "secretariat.views.login_locked_out"
AXES_VERBOSE = False

# --- Front proxy (issue 10) -------------------------------------------------------------------
# Addresses or networks of the proxies in front of the portal (nginx). Only a request that
# comes from one of them has its X-Forwarded-For read (secretariat.proxies.client_ip); by
# default none is trusted and the header is ignored. Axes, the throttles and the logs all use
# that one function.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
AXES_CLIENT_IP_CALLABLE = "secretariat.proxies.client_address"
# --- end front proxy ---------------------------------------------------------------------------

# --- Second factor and API tokens (issue 10) ------------------------------------------------------
OTP_TOTP_ISSUER = "ASEAN Customs Portal"
# Failed codes make the next attempt wait 1, 2, 4... seconds (django-otp's throttling).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The demo (`make run`, DEBUG on) does not force enrolment, and says so on every page.
MFA_SKIP_ENROLMENT_IN_DEBUG = env_bool("MFA_SKIP_ENROLMENT_IN_DEBUG", True)
KNOX_TOKEN_MODEL = "secretariat.ApiToken"  # noqa: S105  (a model name)
# Knox's own migrations create its default token table even when the model is swapped; the
# portal's table is secretariat.ApiToken, so knox's migrations are not run.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env_int("API_TOKEN_DAYS", 30, minimum=1)),
    "TOKEN_LIMIT_PER_USER": 20,
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
# --- end second factor and API tokens -----------------------------------------------------------

# --- Security headers ---------------------------------------------------------------------

# HTTPS-only features are on whenever DEBUG is off; each can be set explicitly for a proxy.
SECURE_BY_DEFAULT = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE_BY_DEFAULT)
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE_BY_DEFAULT else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_BY_DEFAULT)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", SECURE_BY_DEFAULT)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if SESSION_COOKIE_SECURE:
    # The __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only, Path=/.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}

# Uploads are checked against this limit by the views; Django refuses larger raw bodies too.
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_MB", 50, minimum=1) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Internationalisation and time ---------------------------------------------------------

LANGUAGE_CODE = "en"
# Stored in UTC; shown in the viewer's zone (UserTimezoneMiddleware). The ASEAN Secretariat
# sits in Jakarta, the default for anonymous visitors.
TIME_ZONE = "UTC"
PORTAL_DEFAULT_TIME_ZONE = env_str("PORTAL_TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# No MEDIA_URL route is ever served: every file goes through a view that checks access.
MEDIA_URL = "/media-not-served/"
# Production serves hashed, compressed files made by ``collectstatic``; the demo and the tests
# serve the source folders directly.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
# --- Object storage for papers (issue 15) ---
# STORAGE_URL=s3://<bucket>[/<prefix>][?endpoint_url=http://minio:9000&region=eu-west-1], or the
# AWS_STORAGE_BUCKET_NAME / AWS_S3_ENDPOINT_URL / AWS_S3_REGION_NAME trio; the keys come from
# AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (read by boto3 itself). Unset: the local disk.
PAPERS_STORAGE = parse_storage_url(
    env_str("STORAGE_URL"),
    bucket=env_str("AWS_STORAGE_BUCKET_NAME"),
    endpoint_url=env_str("AWS_S3_ENDPOINT_URL"),
    region=env_str("AWS_S3_REGION_NAME"),
)
# --- end object storage ---
STORAGES = {
    "default": PAPERS_STORAGE,
    "staticfiles": {
        "BACKEND": (
            # whitenoise's and Django's, with each URL worked out once per process
            "secretariat.staticfiles.ManifestStaticFiles"
            if STATIC_MANIFEST
            else "secretariat.staticfiles.StaticFiles"
        )
    },
}
# How a download leaves the server: "django" streams it from Python (FileResponse, constant
# memory); "nginx" hands it to the front server with X-Accel-Redirect.
FILE_DELIVERY = env_str("FILE_DELIVERY", "django")
if FILE_DELIVERY not in {"django", "nginx"}:
    raise ImproperlyConfigured("FILE_DELIVERY must be 'django' or 'nginx'.")

# --- Email ----------------------------------------------------------------------------------

# Django 6.1 mailers. The environment keeps the familiar EMAIL_* names.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ASEAN Customs Portal <portal@localhost>")
# What a reader sees as the sender and under every message (issue 13): a name, not an address.
EMAIL_SENDER_NAME = env_str("EMAIL_SENDER_NAME", "ASEAN Customs Secretariat")
EMAIL_SIGNATURE = env_str(
    "EMAIL_SIGNATURE", "The ASEAN Customs Secretariat\nASEAN Secretariat, Jakarta")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_email_host = env_str("EMAIL_HOST")
if _email_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": env_int("EMAIL_PORT", 587, minimum=1),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                # A stalled SMTP server must fail the send, not hang a worker.
                "timeout": env_int("EMAIL_TIMEOUT", 10, minimum=1),
            },
        }
    }
else:
    # No SMTP server configured: keep every message as a file so the demo can show it.
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }

# --- Celery ---------------------------------------------------------------------------------

# CELERY_BROKER_URL=filesystem:// (``make run``): kombu's file-system transport under
# VAR_DIR/broker, an embedded broker for the demo's worker that needs no Redis.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL or "memory://localhost/"
# Without a broker, tasks run in the calling process so the demo still works end to end.
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL.startswith("memory://")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# Late acks + prefetch 1: a task lost with its worker is redelivered. That makes delivery
# at-least-once, so every task must be idempotent in the database (QUALITY.md fact 6).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    _broker_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir), "data_folder_out": str(_broker_dir),
        "control_folder": str(_broker_dir / "control"), "store_processed": False,
    }
# A request that enqueues must fail fast when Redis is down; the sweeper re-queues later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
CELERY_TIMEZONE = "UTC"
# --- Outbox (issue 9): secretariat/outbox.py, jobs.py, claims.py. Short values are for the
# chaos tests' processes; the lease must outlast CELERY_TASK_TIME_LIMIT in production.
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 600, minimum=1)
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 60, minimum=1)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 5, minimum=1)
OUTBOX_SWEEP_SECONDS = env_int("OUTBOX_SWEEP_SECONDS", 60, minimum=1)
# After the SMTP server accepted a message, keep trying to record "sent" this long while the
# database is away (a PostgreSQL restart), rather than resend after the lease.
OUTBOX_DB_RETRY_SECONDS = env_int("OUTBOX_DB_RETRY_SECONDS", 60, minimum=0)
OUTBOX_MESSAGE_ID_DOMAIN = env_str("OUTBOX_MESSAGE_ID_DOMAIN", "asean-customs-portal")
# How often the beat hands due reminders to the outbox (they go at the next sweep after).
REPORTING_PLAN_SECONDS = env_int("REPORTING_PLAN_SECONDS", 5 * 60, minimum=1)
# One schedule for the whole portal. Each entry expires before its next run, so a backlog
# after an outage never piles up duplicate planner runs (the planner catches up by itself).
CELERY_BEAT_SCHEDULE: dict = {
    # --- outbox (issue 9) ---
    "secretariat-outbox-sweep": {
        "task": "secretariat.tasks.sweep",
        "schedule": OUTBOX_SWEEP_SECONDS,
        "options": {"expires": max(OUTBOX_SWEEP_SECONDS - 1, 1)},
    },
    # --- end outbox ---
    # --- meeting record (issue 12) ---
    "records-action-reminders": {
        "task": "meetings.records.tasks.plan_action_reminders",
        "schedule": 15 * 60,
        "options": {"expires": 14 * 60},
    },
    # --- end meeting record ---
    "reporting-plan-reminders": {
        "task": "workgroups.reporting.tasks.plan_reminders",
        "schedule": REPORTING_PLAN_SECONDS,
        "options": {"expires": max(REPORTING_PLAN_SECONDS - 1, 1)},
    },
}

# --- One beat (issue 15) ---
# secretariat.beat: a second `celery beat` anywhere refuses to start while the first holds
# the lock in Redis; a dead beat's lock expires after BEAT_LOCK_SECONDS.
CELERY_BEAT_SCHEDULER = "secretariat.beat:SingleBeatScheduler"
BEAT_LOCK_SECONDS = env_int("BEAT_LOCK_SECONDS", 60, minimum=3)
# --- end one beat ---

# --- REST API -------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header turns a bad credential into a 401.
        "secretariat.tokens.PortalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # DRF defaults to AllowAny; public endpoints must opt out explicitly.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "secretariat.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "secretariat.openapi.PortalAutoSchema",
    # Every throttle counts the real client (secretariat.throttles), never a forged header.
    "DEFAULT_THROTTLE_RATES": {
        "token": "10/min",
        "consultation_feeds": "60/min",
        "password_reset": "5/hour",
        "password_reset_account": "3/hour",
        "search": "30/min",
        "uploads": "30/hour",
        "pack": "10/min",
    },
    "EXCEPTION_HANDLER": "secretariat.api.portal_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ASEAN Customs Secretariat Portal API",
    "DESCRIPTION": "Meetings, working groups, the Strategic Plan and consultations.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "kind" or "status"; name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "AccessLevelEnum": "meetings.models.AccessLevel",
        "DocumentKindEnum": "meetings.models.Document.Kind",
        "AttendanceModeEnum": "meetings.models.Session.Mode",
        "PartnerKindEnum": "secretariat.models.Partner.Kind",
        "BodyKindEnum": "workgroups.models.Body.Kind",
        "MilestoneStatusEnum": "workgroups.models.MilestoneStatus",
        "ConsultationStatusEnum": "consultations.models.Consultation.Status",
        "MeetingStatusEnum": "meetings.models.MeetingStatus",
        "NominationStateEnum": ["not_started", "draft", "submitted"],
        "VisibilityEnum": "meetings.models.Visibility",
        "DelegateRoleEnum": "meetings.models.DelegationMember.Role",
        "DecisionKindEnum": "meetings.records.models.DecisionKind",
        "AttendanceStatusEnum": "meetings.records.models.AttendanceStatus",
        "ActionStatusEnum": "meetings.records.models.ActionStatus",
    },
}

# --- Logging --------------------------------------------------------------------------------

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "secretariat.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "secretariat.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.security": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        # One line per successful task is noise; failures are logged at ERROR all the same.
        "celery.app.trace": {"level": "WARNING"},
        # WeasyPrint logs each layout step at INFO (issue 12's PDFs).
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Metrics, health thresholds and error reports (issue 15) ---
# /metrics answers a scraper that sends "Authorization: Bearer <METRICS_TOKEN>" or connects
# from METRICS_NETWORKS (CIDRs, the client address as secretariat.proxies reads it); with
# neither set the endpoint does not exist (404).
METRICS_TOKEN = env_str("METRICS_TOKEN")
METRICS_NETWORKS = env_list("METRICS_NETWORKS", [])
INSTALLED_APPS.append("django_prometheus")
# Outermost pair: the latency measured covers every other middleware.
MIDDLEWARE.insert(0, "django_prometheus.middleware.PrometheusBeforeMiddleware")
MIDDLEWARE.append("django_prometheus.middleware.PrometheusAfterMiddleware")
PROMETHEUS_EXPORT_MIGRATIONS = False  # would query the database at every start-up
# Same drivers, wrapped to count and time every query.
_METERED_ENGINES = {
    "django.db.backends.postgresql": "django_prometheus.db.backends.postgresql",
    "django.db.backends.sqlite3": "django_prometheus.db.backends.sqlite3",
}
DATABASES["default"]["ENGINE"] = _METERED_ENGINES.get(
    DATABASES["default"]["ENGINE"], DATABASES["default"]["ENGINE"]
)
# /healthz answers 503 once a due message (a reminder, a notice) has waited longer than this.
HEALTH_MAX_UNSENT_SECONDS = env_int("HEALTH_MAX_UNSENT_SECONDS", 3600, minimum=60)
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # Errors only, and no personal data: delegates' names and addresses stay here.
        send_default_pii=False,
        traces_sample_rate=0.0,
    )
# --- end metrics ---

# --- Demo -----------------------------------------------------------------------------------

DEMO_PASSWORD = env_str("DEMO_PASSWORD", "asean-demo")
