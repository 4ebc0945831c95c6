"""Django settings. Everything an operator may change comes from the environment (see README, Configuration)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from fairhearing import config
from fairhearing.procedure.retention import RetentionSettingError, periods_from_environment

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()

SECRET_KEY = config.secret_key()
DEBUG = config.env_bool("FAIRHEARING_DEBUG")
ALLOWED_HOSTS = config.env_list("FAIRHEARING_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = config.env_list("FAIRHEARING_CSRF_TRUSTED_ORIGINS", [])
# Behind a reverse proxy that ends TLS (docs/deployment.md): trust its X-Forwarded-Proto, so Django knows the request
# came over HTTPS. Only with a proxy that always sets the header: a client could otherwise claim HTTPS itself.
if config.env_bool("FAIRHEARING_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "fairhearing.admin_site.FairhearingAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Before fairhearing.accounts: its signal receivers must run before ours (fairhearing.accounts.signin_log).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "fairhearing.accounts",
    "fairhearing.access",
    "fairhearing.organisation",
    "fairhearing.cases",
    "fairhearing.evidence",
    "fairhearing.privacy",
    "fairhearing.audit",
    "fairhearing.workspace",
    "fairhearing.demo",
    "fairhearing.web",
    "fairhearing.api",
    "fairhearing.imports",
    "fairhearing.analysis",
    "fairhearing.transparency",
    "fairhearing.backups",
    "fairhearing.outbox",
    # Only for the API docs' Swagger UI files, served from here rather than a CDN.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: OTPMiddleware marks request.user verified or not; ours sends unverified staff to the
    # two-factor page.
    "django_otp.middleware.OTPMiddleware",
    "fairhearing.accounts.middleware.RequireTwoFactorMiddleware",
    # After authentication, so a retried POST to the API is matched to the caller who first sent it.
    "fairhearing.api.idempotency.IdempotencyMiddleware",
    "fairhearing.api.method_not_allowed.MethodNotAllowedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as axes asks: it turns a sign-in refused for a locked account into the locked-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fairhearing.urls"
WSGI_APPLICATION = "fairhearing.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]


def _database() -> dict:
    db = dj_database_url.parse(config.database_url(), conn_max_age=60, conn_health_checks=True)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db["CONN_MAX_AGE"] = 0
        db["OPTIONS"] = {
            # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue instead of failing mid-transaction.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    return db


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Object permissions (fairhearing.access.rules) first, then the ordinary model permissions.
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGOUT_REDIRECT_URL = "web:home"

# Sign-in hardening (docs in README, Configuration). The axes backend goes first: it refuses a locked account before
# any password is checked. `rules` answers object permissions; Django's ModelBackend checks passwords.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Locked by username alone, so guessing from many addresses still locks the account; the owner gets back in after
# the cool-off or at once by resetting their password (which clears the lock).
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes warns (W006) when the address is not part of the lock. Locking addresses too would lock out everyone behind one
# office or mobile network after five typos, and a password reset could not lift it; a username lock cannot be
# dodged by changing address, browser or cookies, which is what the warning is about.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_FAILURE_LIMIT = config.env_int("FAIRHEARING_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=config.env_int("FAIRHEARING_LOCKOUT_MINUTES", 15))
# A locked account stays locked for the cool-off from the lockout, not from the last try: the page can say when.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "fairhearing.accounts.views.locked_out"
AXES_VERBOSE = False
# TOTP codes for every staff role (fairhearing.accounts.two_factor). Wrong codes back off 1, 2, 4... seconds.
OTP_TOTP_ISSUER = os.environ.get("FAIRHEARING_TWO_FACTOR_ISSUER", "fairhearing")
OTP_TOTP_THROTTLE_FACTOR = 1


def _mailers() -> dict:
    """Django 6.1 mailers. Without FAIRHEARING_EMAIL_HOST, email is printed on the server's output (the demo)."""
    host = os.environ.get("FAIRHEARING_EMAIL_HOST", "").strip()
    if not host:
        return {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": host,
                "port": config.env_int("FAIRHEARING_EMAIL_PORT", 587),
                "username": os.environ.get("FAIRHEARING_EMAIL_USER", ""),
                "password": os.environ.get("FAIRHEARING_EMAIL_PASSWORD", ""),
                "use_tls": config.env_bool("FAIRHEARING_EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }


MAILERS = _mailers()
DEFAULT_FROM_EMAIL = os.environ.get("FAIRHEARING_EMAIL_FROM", "fairhearing <fairhearing@localhost>")
# Case emails (fairhearing.outbox, docs/email.md): links in them start with the site's address; reminders go this
# many days before a deadline; a message failing this many times is given up.
FAIRHEARING_SITE_URL = os.environ.get("FAIRHEARING_SITE_URL", "").strip() or "http://127.0.0.1:8000"
FAIRHEARING_REMINDER_DAYS = config.env_int("FAIRHEARING_REMINDER_DAYS", 3)
FAIRHEARING_EMAIL_MAX_ATTEMPTS = config.env_int("FAIRHEARING_EMAIL_MAX_ATTEMPTS", 12)
# A reset link works once, for a day: long enough to find the email, short enough not to linger in an inbox.
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

LANGUAGE_CODE = "en-gb"
# Evidence files: encrypted blobs under generated names (fairhearing.evidence.vault), with upload limits.
FAIRHEARING_EVIDENCE_DIR = Path(os.environ.get("FAIRHEARING_EVIDENCE_DIR") or DATA_DIR / "evidence")
FAIRHEARING_EVIDENCE_MAX_BYTES = config.env_int("FAIRHEARING_EVIDENCE_MAX_BYTES", 25 * 1024 * 1024)
FAIRHEARING_EVIDENCE_MEDIA_TYPES = config.env_list(
    "FAIRHEARING_EVIDENCE_MEDIA_TYPES",
    [
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "application/pdf",
        "text/plain",
        "message/rfc822",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.oasis.opendocument.text",
    ],
)

# Retention (REQ 33): days each kind of record is kept, from FAIRHEARING_RETENTION_<KIND>_DAYS; defaults and what
# each kind covers are in docs/retention.md. A bad value stops start-up with every bad variable named.
try:
    FAIRHEARING_RETENTION_DAYS = periods_from_environment(os.environ)
except RetentionSettingError as exc:
    raise ImproperlyConfigured(f"retention settings: {exc}") from None

TIME_ZONE = os.environ.get("FAIRHEARING_TIME_ZONE", config.DEFAULT_TIME_ZONE)
USE_I18N = True
USE_TZ = True  # stored in UTC, shown in the organisation's time zone

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
# An idle session ends: every request saves the session and so pushes its expiry back by the idle time.
SESSION_COOKIE_AGE = 60 * config.env_int("FAIRHEARING_SESSION_IDLE_MINUTES", 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = config.env_bool("FAIRHEARING_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
# Behind HTTPS (FAIRHEARING_SECURE_COOKIES), browsers are told to use nothing else for a year.
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if SESSION_COOKIE_SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False  # the organisation's other sites are not ours to bind
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FAIRHEARING_LOG_LEVEL", "WARNING")},
}

# The rulebook used by the demo and shown as the default example.
EXAMPLE_RULEBOOK = BASE_DIR / "rulebooks" / "example-party.toml"
