"""Django settings. Everything an operator may change comes from the environment (see README, Configuration)."""

from __future__ import annotations

import os
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

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "fairhearing.accounts",
    "fairhearing.access",
    "fairhearing.organisation",
    "fairhearing.cases",
    "fairhearing.evidence",
    "fairhearing.privacy",
    "fairhearing.audit",
    "fairhearing.demo",
    "fairhearing.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
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
SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = config.env_bool("FAIRHEARING_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
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
