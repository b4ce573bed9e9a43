"""Syn-Data settings: one module, configured by environment variables.

Defaults run with no services at all (SQLite, django-q2's ORM broker, files under var/).
``DATABASE_URL`` switches to PostgreSQL, ``REDIS_URL`` to a Redis broker.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected a boolean (1/0, true/false)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected an integer") from exc


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a number") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


VAR_DIR = Path(env_str("SYNDATA_VAR_DIR", str(BASE_DIR / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_secret() -> str:
    """SECRET_KEY from the environment, else generated once and kept under var/."""
    key = os.environ.get("SECRET_KEY") or os.environ.get("SYNDATA_SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env_secret()
DEBUG = env_bool("SYNDATA_DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

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
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_q",
    "generation",
    "evaluation",
    "templates_catalog",
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "syndata_site.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A full disk or an unavailable database answers 507/503 with a JSON error, not a 500.
    "syndata_site.errors.FaultMiddleware",
]

ROOT_URLCONF = "syndata_site.urls"
WSGI_APPLICATION = "syndata_site.wsgi.application"
ASGI_APPLICATION = "syndata_site.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "syndata_site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # Keep each thread's connection between requests: opening one (and running its
            # PRAGMAs) on every job-status poll cost about a third of the request.
            "CONN_MAX_AGE": 600,
        }
    }
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Web server and workers write concurrently: WAL, immediate transactions, patient locks.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    if env_str("SYNDATA_TEST_DB"):
        # A file, not :memory:, so that worker processes can share the test database.
        DATABASES["default"]["TEST"] = {"NAME": env_str("SYNDATA_TEST_DB")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
# Build output (collectstatic), not data: stays in the checkout whatever SYNDATA_VAR_DIR says.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static"))).resolve()
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
STATICFILES_DIRS = [FRONTEND_DIST] if FRONTEND_DIST.exists() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media"))).resolve()
MEDIA_ROOT.mkdir(parents=True, exist_ok=True)

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "syndata_site.openapi.AutoSchema",
    # JSON bodies (uploads declare multipart themselves): one content type per operation keeps
    # the OpenAPI spec, and the clients generated from it, simple.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "EXCEPTION_HANDLER": "syndata_site.errors.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "syndata_site.throttling.AnonRateThrottle",
        "syndata_site.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("SYNDATA_THROTTLE_ANON", "120/min"),
        "user": env_str("SYNDATA_THROTTLE_USER", "1200/min"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Syn-Data API",
    "DESCRIPTION": "Synthetic data as a service: generate from a spec, a template or a model.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # No online validator badge: an image from validator.swagger.io, which the CSP refuses.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Stable names for enums that share a field name ("kind" of a job and of a metrics
    # document), so the generated clients keep theirs.
    "ENUM_NAME_OVERRIDES": {
        "KindEnum": "generation.models.Job.Kind",
        "StatusEnum": "generation.models.Job.Status",
        "MetricsStatusEnum": "generation.models.Job.MetricsStatus",
        "MetricsKindEnum": ["conformance", "model", "evaluation"],
        "PrivacyLevelEnum": ["low", "medium", "high"],
        "PrivacyGateEnum": ["off", "warn", "block"],
    },
}

# --- Workers (django-q2) --------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
Q_CLUSTER: dict[str, object] = {
    "name": env_str("SYNDATA_Q_NAME", "syndata"),
    "workers": env_int("SYNDATA_WORKERS", 2),
    "timeout": env_int("SYNDATA_TASK_TIMEOUT", 3600),
    "retry": env_int("SYNDATA_TASK_RETRY", 3660),
    "max_attempts": env_int("SYNDATA_TASK_MAX_ATTEMPTS", 3),
    "poll": 0.2,
    "catch_up": False,
    "save_limit": 1000,
    "ack_failures": True,
    "label": "Task queue",
}
# Fits and heavy model sampling (PAR, HMA) run on a cluster of their own, so a team's short
# jobs, joins, metrics and the recovery schedule never wait behind someone's 40-minute fit
# (docs/deploy.md, "Scheduling"): `Q_CLUSTER_NAME=<SYNDATA_HEAVY_CLUSTER> manage.py qcluster`, with
# SYNDATA_HEAVY_WORKERS processes (manage.py serve starts it). 0: one cluster does everything.
SYNDATA_HEAVY_WORKERS = env_int("SYNDATA_HEAVY_WORKERS", 1)
SYNDATA_HEAVY_CLUSTER = f"{Q_CLUSTER['name']}-heavy"
Q_CLUSTER["ALT_CLUSTERS"] = {SYNDATA_HEAVY_CLUSTER: {"workers": max(1, SYNDATA_HEAVY_WORKERS)}}
if REDIS_URL:
    # A broker that is down must fail a request in seconds (503), not hang a web thread for
    # the kernel's TCP timeout: bound the connect unless the URL already says otherwise.
    Q_CLUSTER["redis"] = (
        REDIS_URL
        if "socket_connect_timeout=" in REDIS_URL
        else REDIS_URL + ("&" if "?" in REDIS_URL else "?") + "socket_connect_timeout=5"
    )
else:
    Q_CLUSTER["orm"] = "default"

# The cache holds the API's throttle counters: it must be shared by every web process (and
# host), or each gunicorn worker would grant the whole rate on its own. Files under var/ on
# the embedded default; Redis when there is one.
CACHES: dict[str, dict[str, object]] = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}
if REDIS_URL:
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # Deployments (or test runs) sharing one Redis keep apart by prefix, as their queues
        # do by SYNDATA_Q_NAME.
        "KEY_PREFIX": env_str("SYNDATA_CACHE_PREFIX", str(Q_CLUSTER["name"])),
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }

# --- Syn-Data -------------------------------------------------------------------------------
# CSV injection (OWASP): text cells and header names starting with = + - @ tab or CR (plain
# numbers aside) get a leading ' so spreadsheets show them instead of running them. On by
# default; 0 writes text verbatim (for consumers that are programs, not spreadsheets).
SYNDATA_CSV_NEUTRALIZE_FORMULAS = env_bool("SYNDATA_CSV_NEUTRALIZE_FORMULAS", True)
# Domains of templates' e-mail addresses (comma-separated), e.g. a test domain you own.
# Empty: the RFC 2606 example.com/.net/.org, which never deliver to anyone.
SYNDATA_EMAIL_DOMAINS = env_list("SYNDATA_EMAIL_DOMAINS", [])
SYNDATA_BLOCK_SIZE = env_int("SYNDATA_BLOCK_SIZE", 100_000)
SYNDATA_MAX_ROWS_PER_JOB = env_int("SYNDATA_MAX_ROWS_PER_JOB", 50_000_000)
# A job expected to have more rows than this is planned (its child counts drawn) by a worker,
# not in the web request; the request checks the limits on an estimate (engine.estimate_rows).
SYNDATA_PLAN_INLINE_ROWS = env_int("SYNDATA_PLAN_INLINE_ROWS", 1_000_000)
# A job whose files have not changed for this long gets its lost blocks enqueued again
# (generation/recovery.py: a worker killed mid-task takes its task with it on Redis).
SYNDATA_STALL_SECONDS = env_int("SYNDATA_STALL_SECONDS", 120)
# The every-minute recovery task is enqueued again only once the last one ran; one that has
# not run this long (lost with its worker) no longer holds the schedule back.
SYNDATA_RECOVER_LEASE_SECONDS = env_int("SYNDATA_RECOVER_LEASE_SECONDS", 900)
# At least this much must stay free on MEDIA_ROOT's disk: checked before a job is accepted
# (507), before each block, and by /healthz (503). Under the default layout the database shares
# that disk, so a full one would also stop the write that fails the job (generation/storage.py).
SYNDATA_MIN_FREE_BYTES = env_int("SYNDATA_MIN_FREE_BYTES", 100 * 1024 * 1024)
# A worker whose state writes keep failing (database full or away) takes no work this long.
SYNDATA_DB_PAUSE_SECONDS = env_int("SYNDATA_DB_PAUSE_SECONDS", 30)
# gunicorn (manage.py serve, syndata_site/gunicorn_conf.py): a request running longer than
# SYNDATA_WEB_TIMEOUT seconds has its worker killed; on SIGTERM workers get
# SYNDATA_WEB_GRACEFUL_TIMEOUT seconds to finish, then are killed.
SYNDATA_WEB_TIMEOUT = env_int("SYNDATA_WEB_TIMEOUT", 300)
SYNDATA_WEB_GRACEFUL_TIMEOUT = env_int("SYNDATA_WEB_GRACEFUL_TIMEOUT", 20)
# A qcluster imports what jobs need (pandas, scipy, the metrics) before forking its workers.
SYNDATA_WORKER_PRELOAD = env_bool("SYNDATA_WORKER_PRELOAD", True)
# Metrics run on seeded samples of at most this many rows per table (their cost is bounded,
# whatever the job's rows); they follow the data in a task of their own, retried this many
# times when their worker is lost (generation/recovery.py).
SYNDATA_METRICS_SAMPLE_ROWS = env_int("SYNDATA_METRICS_SAMPLE_ROWS", 50_000)
SYNDATA_METRICS_RETRIES = env_int("SYNDATA_METRICS_RETRIES", 2)
# Per-user limits of the API (each error names the limit it hit).
SYNDATA_MAX_CONCURRENT_JOBS = env_int("SYNDATA_MAX_CONCURRENT_JOBS", 10)
SYNDATA_MAX_SPEC_BYTES = env_int("SYNDATA_MAX_SPEC_BYTES", 256 * 1024)
# Generated files (not the job rows) are deleted this many days after the job finished.
SYNDATA_RETENTION_DAYS = env_int("SYNDATA_RETENTION_DAYS", 7)
# Accounts: operators invite (admin, Invitations: a one-time signup link valid this many
# days); anyone may sign up on their own only when SYNDATA_SELF_SIGNUP is on.
SYNDATA_SELF_SIGNUP = env_bool("SYNDATA_SELF_SIGNUP", False)
SYNDATA_INVITE_DAYS = env_int("SYNDATA_INVITE_DAYS", 7)
# Learning from real data (generation/synthesis): upload limits and the synthesizers offered.
SYNDATA_DATASET_MAX_BYTES = env_int("SYNDATA_DATASET_MAX_BYTES", 200 * 1024 * 1024)
SYNDATA_DATASET_MAX_COLUMNS = env_int("SYNDATA_DATASET_MAX_COLUMNS", 500)
SYNDATA_DATASET_MIN_ROWS = env_int("SYNDATA_DATASET_MIN_ROWS", 10)
# The BSL-licensed ones (SDV) can be left out for a licence-clean deployment:
# SYNDATA_SYNTHESIZERS=spec,argn,auto (argn: mostlyai-engine, Apache-2.0)
SYNDATA_SYNTHESIZERS = env_list(
    "SYNDATA_SYNTHESIZERS",
    ["spec", "argn", "gaussian_copula", "ctgan", "tvae", "copulagan", "par", "hma", "auto"],
)
SYNDATA_FIT_MAX_ROWS = env_int("SYNDATA_FIT_MAX_ROWS", 200_000)
# A fit whose worker was lost (no heartbeat for SYNDATA_STALL_SECONDS) is run again this many
# times (same seed, same model), then failed (generation/recovery.py).
SYNDATA_FIT_RETRIES = env_int("SYNDATA_FIT_RETRIES", 2)
SYNDATA_PRIVACY_SAMPLE_ROWS = env_int("SYNDATA_PRIVACY_SAMPLE_ROWS", 20_000)
# Privacy attacks (evaluation/metrics/attacks.py): training and held-out rows attacked (the
# attacker holds SYNDATA_PRIVACY_SAMPLE_ROWS synthetic rows), their time budget per table, and
# the risk (membership advantage, attribute and singling-out risk, 0..1) at which the verdict
# is medium / high.
SYNDATA_PRIVACY_ATTACK_ROWS = env_int("SYNDATA_PRIVACY_ATTACK_ROWS", 2_000)
SYNDATA_PRIVACY_ATTACK_SECONDS = env_float("SYNDATA_PRIVACY_ATTACK_SECONDS", 20.0)
SYNDATA_PRIVACY_MEDIUM = env_float("SYNDATA_PRIVACY_MEDIUM", 0.1)
SYNDATA_PRIVACY_HIGH = env_float("SYNDATA_PRIVACY_HIGH", 0.3)
# What a high verdict does to a model job's download: off (nothing), warn (it needs
# ?acknowledge_privacy_risk=1), block (refused); a generate request's privacy_gate overrides.
SYNDATA_PRIVACY_GATE = env_str("SYNDATA_PRIVACY_GATE", "warn")
if SYNDATA_PRIVACY_GATE not in ("off", "warn", "block"):
    raise ImproperlyConfigured(
        f"SYNDATA_PRIVACY_GATE={SYNDATA_PRIVACY_GATE!r}: expected off, warn or block"
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("SYNDATA_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

if not DEBUG:
    SESSION_COOKIE_HTTPONLY = True
    X_FRAME_OPTIONS = "DENY"

# --- Security behind HTTPS (production) -----------------------------------------------------
# SYNDATA_HTTPS=1 says the site is served only over HTTPS: secure cookies, HSTS and a redirect
# of plain HTTP. Each piece can be tuned alone (e.g. a proxy that already redirects, or HSTS
# rolled out with a short max-age first). `manage.py check --deploy` is clean with it on.
SYNDATA_HTTPS = env_bool("SYNDATA_HTTPS", False)
SESSION_COOKIE_SECURE = env_bool("SYNDATA_SECURE_COOKIES", SYNDATA_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SYNDATA_SSL_REDIRECT", SYNDATA_HTTPS)
# Health checks from a load balancer often speak plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SYNDATA_HSTS_SECONDS", 31_536_000 if SYNDATA_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SYNDATA_HSTS_INCLUDE_SUBDOMAINS", SYNDATA_HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SYNDATA_HSTS_PRELOAD", SYNDATA_HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The enforced Content-Security-Policy of every page (syndata_site/csp.py says what each page
# needs): no inline script anywhere. SYNDATA_CSP replaces it; an empty value sends none.
SYNDATA_CSP = env_str(
    "SYNDATA_CSP",
    "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    ),
)
if env_bool("SYNDATA_BEHIND_PROXY", False):
    # Only behind a proxy that sets (and strips client-sent) X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
