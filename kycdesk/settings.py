"""kycdesk settings: every value comes from the environment through django-environ.

Local mode (nothing configured) gives DEBUG on, SQLite, django-q2's ORM broker and the
built-in sandbox. Production sets DEBUG=off plus the variables documented in .env.example.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def secret(name: str, default: str = "") -> str:
    """A credential from NAME, or from the file named by NAME_FILE (Docker/K8s secrets)."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return env.str(name, default=default)


DEBUG = env.bool("DEBUG", default=True)
_LOCAL_SECRET = "django-insecure-local-only-never-in-production"
SECRET_KEY = secret("SECRET_KEY", default=_LOCAL_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_q",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "kycdesk.apps.KycdeskConfig",
    "providers.sandbox.apps.SandboxConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kycdesk.security.SessionIdleRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kycdesk.security.RequireOTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kycdesk.security.ContentSecurityPolicyMiddleware",
    "providers.sandbox.middleware.SandboxGateMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it turns a lockout into its response
]

ROOT_URLCONF = "kycdesk.urls"
WSGI_APPLICATION = "kycdesk.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web server and the django-q2 workers read while one of them writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")  # display zone; data is stored in UTC
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]

# Personal media (documents, selfies, PDFs, recordings) live outside any served root and are
# only ever read through kycdesk.media's permission-checked, audited view.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# No URL serves this prefix: private files are only read through kycdesk.media's view.
MEDIA_URL = "/private-media-is-never-served/"

# --- kycdesk ---------------------------------------------------------------------------
KYCDESK_PUBLIC_URL = env.str("KYCDESK_PUBLIC_URL", default="http://127.0.0.1:8000").rstrip("/")
KYCDESK_SANDBOX = env.bool("KYCDESK_SANDBOX", default=DEBUG)
if KYCDESK_SANDBOX and not DEBUG and not env.bool("KYCDESK_SANDBOX_IN_PRODUCTION", default=False):
    # The simulators answer as vendors and the sandbox fills in fake credentials: never by accident.
    raise environ.ImproperlyConfigured(
        "KYCDESK_SANDBOX is on while DEBUG is off. Set KYCDESK_SANDBOX_IN_PRODUCTION=on as well "
        "if a non-local deployment really must serve the vendor simulators."
    )
KYCDESK_WEBHOOK_MAX_BYTES = env.int("KYCDESK_WEBHOOK_MAX_BYTES", default=1024 * 1024)
KYCDESK_HTTP_CONNECT_TIMEOUT = env.float("KYCDESK_HTTP_CONNECT_TIMEOUT", default=5.0)
KYCDESK_HTTP_READ_TIMEOUT = env.float("KYCDESK_HTTP_READ_TIMEOUT", default=30.0)
KYCDESK_HTTP_MAX_RETRIES = env.int("KYCDESK_HTTP_MAX_RETRIES", default=3)
KYCDESK_LOW_CONFIDENCE = env.float("KYCDESK_LOW_CONFIDENCE", default=0.8)
KYCDESK_RECONCILE_GRACE_MINUTES = env.int("KYCDESK_RECONCILE_GRACE_MINUTES", default=30)
KYCDESK_REFUSED_DELIVERY_DAYS = env.int("KYCDESK_REFUSED_DELIVERY_DAYS", default=30)
# A failed delivery or media download is retried after base, 2 x base, 4 x base ... seconds (at most an hour).
KYCDESK_RETRY_BASE_SECONDS = env.int("KYCDESK_RETRY_BASE_SECONDS", default=30)
# Polling vendors (Identomat): a session still in progress this long after launch is given up as expired.
KYCDESK_POLL_GIVE_UP_HOURS = env.int("KYCDESK_POLL_GIVE_UP_HOURS", default=24)
# Length of one video-ident appointment: an agent is never booked twice within it.
KYCDESK_APPOINTMENT_MINUTES = env.int("KYCDESK_APPOINTMENT_MINUTES", default=30)

# --- review workspace (read at call time, so tests and operators can change them) ---------------
KYCDESK_SLA_AMBER_HOURS = env.float("KYCDESK_SLA_AMBER_HOURS", default=24.0)
KYCDESK_SLA_RED_HOURS = env.float("KYCDESK_SLA_RED_HOURS", default=48.0)
KYCDESK_CLAIM_MINUTES = env.int("KYCDESK_CLAIM_MINUTES", default=30)
# Reviewer reason codes by outcome: {"approve": {code: label}, "reject": {code: label}} (JSON).
KYCDESK_REVIEW_REASONS = env.json(
    "KYCDESK_REVIEW_REASONS",
    default={
        "approve": {
            "verified_manually": "Identity verified manually against the document",
            "vendor_false_positive": "Vendor flag checked and found to be a false positive",
            "documents_supplied": "Missing or unclear data confirmed with extra documents",
        },
        "reject": {
            "document_fraud": "Forged, altered or fake document",
            "face_mismatch": "Face does not match the document",
            "data_mismatch": "Personal data does not match",
            "document_expired": "Document expired or not accepted",
            "poor_quality": "Images unreadable: a new verification is needed",
            "sanctions_hit": "Confirmed sanctions, PEP or watch-list match",
            "other": "Other (explained in the comment)",
        },
    },
)


def _vendor(code: str, cls: str, **credentials: str) -> dict:
    """One vendor's settings block. The base URL defaults to the sandbox when it is on."""
    upper = code.upper()
    default_url = f"{KYCDESK_PUBLIC_URL}/sandbox/{code}/" if KYCDESK_SANDBOX else ""
    block = {
        "class": env.str(f"{upper}_CLASS", default=cls),  # a subclass of the vendor's provider, if wanted
        "enabled": env.bool(f"{upper}_ENABLED", default=True),
        "base_url": env.str(f"{upper}_BASE_URL", default=default_url),
    }
    sandbox_defaults = {key: f"sandbox-{code}-{key}" for key in credentials}
    for key, setting_name in credentials.items():
        fallback = sandbox_defaults[key] if KYCDESK_SANDBOX else ""
        block[key] = secret(setting_name, default=fallback)
    return block


KYCDESK_VENDORS = {
    "datakeen": _vendor(
        "datakeen",
        "providers.datakeen.provider.DatakeenProvider",
        username="DATAKEEN_USERNAME",
        password="DATAKEEN_PASSWORD",
        webhook_token="DATAKEEN_WEBHOOK_TOKEN",
    ),
    "idenfy": _vendor(
        "idenfy",
        "providers.idenfy.provider.IdenfyProvider",
        api_key="IDENFY_API_KEY",
        api_secret="IDENFY_API_SECRET",
        webhook_signing_key="IDENFY_WEBHOOK_SIGNING_KEY",
    ),
    "vult": _vendor(
        "vult",
        "providers.vult.provider.VultProvider",
        client_id="VULT_CLIENT_ID",
        client_secret="VULT_CLIENT_SECRET",
        token_url="VULT_TOKEN_URL",
        webhook_token="VULT_WEBHOOK_TOKEN",
        capture_url="VULT_CAPTURE_URL",
    ),
    "identomat": _vendor(
        "identomat",
        "providers.identomat.provider.IdentomatProvider",
        company_key="IDENTOMAT_COMPANY_KEY",
        secret_key="IDENTOMAT_SECRET_KEY",
    ),
    "identify24": _vendor(
        "identify24",
        "providers.identify24.provider.Identify24Provider",
        partner="IDENTIFY24_PARTNER",
        api_key="IDENTIFY24_API_KEY",
        webhook_token="IDENTIFY24_WEBHOOK_TOKEN",
    ),
}
if KYCDESK_SANDBOX:
    # The sandbox's own OAuth2 endpoint; Identomat's HMAC stays off unless a key is given.
    KYCDESK_VENDORS["vult"]["token_url"] = env.str(
        "VULT_TOKEN_URL", default=f"{KYCDESK_PUBLIC_URL}/sandbox/vult/oauth/token"
    )
    # The person's page: VULT captures with its SDK in our app; the sandbox serves a stand-in.
    KYCDESK_VENDORS["vult"]["capture_url"] = env.str("VULT_CAPTURE_URL", default="{base_url}capture/{session_id}/")
    KYCDESK_VENDORS["identomat"]["secret_key"] = secret("IDENTOMAT_SECRET_KEY", default="")
# Identomat's person link is on its widget host, not under the API's base URL; empty means
# https://widget.identomat.com/. A path is taken on KYCDESK_PUBLIC_URL: in sandbox mode the link
# opens the simulator's person page.
KYCDESK_VENDORS["identomat"]["widget_url"] = env.str(
    "IDENTOMAT_WIDGET_URL", default="/sandbox/identomat/widget/" if KYCDESK_SANDBOX else ""
)

# --- personal data: retention (kycdesk.services.retention; 0 turns a rule off) and thumbnails ----
KYCDESK_RETENTION_ANONYMISE_DAYS = env.int("KYCDESK_RETENTION_ANONYMISE_DAYS", default=5 * 365)
KYCDESK_RETENTION_DELETE_ABANDONED_DAYS = env.int("KYCDESK_RETENTION_DELETE_ABANDONED_DAYS", default=90)
KYCDESK_RETENTION_BATCH = env.int("KYCDESK_RETENTION_BATCH", default=500)
KYCDESK_THUMBNAIL_MAX_PIXELS = env.int("KYCDESK_THUMBNAIL_MAX_PIXELS", default=60_000_000)

# --- django-q2 (see shared notes: at-least-once, our own rows are the truth) -----------------
REDIS_URL = env.str("REDIS_URL", default="")
Q_CLUSTER = {
    "name": "kycdesk",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": 120,
    "retry": 300,  # above the slowest task plus queue wait, so a running task is not re-handed out
    "max_attempts": 1,  # we count attempts in our own rows
    "save_limit": -1,  # outcomes live in our tables; -1 keeps the monitor out of the hot path
    "ack_failures": True,
    "catch_up": False,
    "poll": 1,
    "label": "Background tasks",
    "sync": env.bool("Q_SYNC", default=False),
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
# Accepted deliveries are queued a batch at a time from each web process, the first waiting at
# most this long (kycdesk.services.dispatch); 0 queues each on commit, as sync mode must.
KYCDESK_WEBHOOK_BATCH_SECONDS = 0.0 if Q_CLUSTER["sync"] else env.float("KYCDESK_WEBHOOK_BATCH_SECONDS", default=0.05)

# --- security ----------------------------------------------------------------------------
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
# The age above is an inactivity limit: kycdesk.security.SessionIdleRefreshMiddleware renews a
# session in use at most once per KYCDESK_SESSION_REFRESH_SECONDS (not a write per page view).
KYCDESK_SESSION_REFRESH_SECONDS = env.int("KYCDESK_SESSION_REFRESH_SECONDS", default=60)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "SAMEORIGIN"  # inline PDFs are framed by our own pages
# W019 asks for DENY; SAMEORIGIN is deliberate (above) and still refuses every other site.
SILENCED_SYSTEM_CHECKS = ["security.W019"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Content-Security-Policy (kycdesk.security): the admin has no inline script or style; QR codes
# are data: images; media and PDFs come from our own origin.
KYCDESK_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "media-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
}
KYCDESK_CSP_REPORT_ONLY = env.bool("KYCDESK_CSP_REPORT_ONLY", default=False)

# Two-factor login (django-otp TOTP) for every staff account; off by default only in local mode.
KYCDESK_REQUIRE_2FA = env.bool("KYCDESK_REQUIRE_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="kycdesk")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # device keys are never shown in the admin
# Lockout after repeated failed logins (django-axes): by address, and by username whatever the
# address (so rotating addresses does not buy more guesses). An administrator can lift one early
# with `manage.py axes_reset_username NAME`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    if env.bool("BEHIND_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- logging: never bodies, headers or personal values (providers.http redacts) ----------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django-q": {"level": "WARNING"},  # django-q2 logs under this name
        # urllib3 logs whole URLs at DEBUG, query strings (vendor tokens) included.
        "urllib3": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # lockouts and failures, not its start-up banner
        "django.db.backends": {"level": "INFO"},  # SQL parameters carry personal values
    },
}
