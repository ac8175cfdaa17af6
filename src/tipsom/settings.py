"""Django settings for tipsom, read from TIPSOM_* environment variables (see docs/admin/configuration.md)."""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("TIPSOM_HOME", PACKAGE_DIR.parent.parent)).resolve()
VAR_DIR = Path(os.environ.get("TIPSOM_VAR_DIR", BASE_DIR / "var")).resolve()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


TESTING = "pytest" in sys.modules or os.environ.get("TIPSOM_TESTING") == "1"
PRODUCTION = os.environ.get("TIPSOM_ENV", "development") == "production"
DEBUG = env_bool("TIPSOM_DEBUG", default=False)

_DEV_SECRET = "insecure-development-key-never-use-in-production-0123456789abcdef"  # noqa: S105
SECRET_KEY = os.environ.get("TIPSOM_SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and len(SECRET_KEY) < 50:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("TIPSOM_SECRET_KEY must be set to at least 50 random characters in production.")

ALLOWED_HOSTS = env_list("TIPSOM_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("TIPSOM_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "tipsom.core",
    "tipsom.audit",
    "tipsom.organizations",
    "tipsom.accounts",
    "tipsom.people",
    "tipsom.matching",
    "tipsom.cases",
    "tipsom.referrals",
    "tipsom.justice",
    "tipsom.helpline",
    "tipsom.intake",
    "tipsom.stats",
    "tipsom.programme",
    "tipsom.notifications",
    "tipsom.demo",
]

MIDDLEWARE = [
    "tipsom.core.middleware.RequestIdMiddleware",
    "tipsom.core.middleware.ResponseHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tipsom.core.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tipsom.core.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tipsom.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "tipsom.core.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "tipsom.urls"
# `make bench` adds its framework floor (a trivial authenticated API view) to the URLs; never in production.
if env_bool("TIPSOM_BENCH_FLOOR", default=False) and not PRODUCTION:
    ROOT_URLCONF = "tipsom.bench_urls"
WSGI_APPLICATION = "tipsom.wsgi.application"
ASGI_APPLICATION = "tipsom.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tipsom.core.context_processors.navigation",
            ],
        },
    },
]

# Widgets are rendered by Django's own templates, except the commonest (select, input, radio/checkbox), which
# tipsom.core.renderers writes in Python with the same output: per-option includes were most of a page's CPU.
FORM_RENDERER = "tipsom.core.renderers.FormRenderer"

# --- Database -----------------------------------------------------------------------------------------------
# TIPSOM_DATABASE_URL selects the database (PostgreSQL in production); the SQLite file under var/ is the
# embedded default. Tests use TIPSOM_TEST_DATABASE_URL when it is set, so CI can run the suite on both.
_default_db_url = f"sqlite:///{VAR_DIR / 'tipsom.sqlite3'}"
_db_url = os.environ.get("TIPSOM_DATABASE_URL", _default_db_url)
if _db_url == _default_db_url:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # a fresh checkout has no var/ yet
if TESTING and os.environ.get("TIPSOM_TEST_DATABASE_URL"):
    _db_url = os.environ["TIPSOM_TEST_DATABASE_URL"]
# Connections are kept for reuse on both backends (a new SQLite connection and its PRAGMAs cost a quarter to a
# third of an API list's time), and checked before a request reuses one.
DATABASES = {
    "default": dj_database_url.parse(
        _db_url, conn_max_age=env_int("TIPSOM_DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
PASSWORD_MIN_LENGTH = env_int("TIPSOM_PASSWORD_MIN_LENGTH", 12)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Roles that may reveal identifying data must pass a TOTP second factor. Turning this off is for demos only.
TIPSOM_REQUIRE_2FA = env_bool("TIPSOM_REQUIRE_2FA", default=True)
# Failed logins: each failure past the free ones doubles a wait; at the limit the account locks for a while.
TIPSOM_LOGIN_FREE_FAILURES = env_int("TIPSOM_LOGIN_FREE_FAILURES", 3)
TIPSOM_LOGIN_LOCKOUT_FAILURES = env_int("TIPSOM_LOGIN_LOCKOUT_FAILURES", 10)
TIPSOM_LOGIN_LOCKOUT_MINUTES = env_int("TIPSOM_LOGIN_LOCKOUT_MINUTES", 30)
# Those counts are per username and client address; an address also locks after this many failures whatever the
# usernames, and a username after this many from all addresses (except where it has signed in before).
TIPSOM_LOGIN_ADDRESS_FAILURES = env_int("TIPSOM_LOGIN_ADDRESS_FAILURES", 30)
TIPSOM_LOGIN_ACCOUNT_FAILURES = env_int("TIPSOM_LOGIN_ACCOUNT_FAILURES", 100)
OTP_TOTP_ISSUER = "tipsom"

# Sessions end after a period of inactivity (sliding expiry) and when the browser closes. The expiry slides by
# a write of the session at most once a minute (tipsom.core.sessions), not on every request.
SESSION_COOKIE_AGE = env_int("TIPSOM_SESSION_IDLE_MINUTES", 30) * 60
SESSION_ENGINE = "tipsom.core.sessions"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Security headers ---------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and env_bool("TIPSOM_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env_int("TIPSOM_HSTS_SECONDS", 31536000) if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
if env_bool("TIPSOM_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Requests larger than this are refused with 413 before anything reads them.
TIPSOM_MAX_REQUEST_BYTES = env_int("TIPSOM_MAX_REQUEST_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = TIPSOM_MAX_REQUEST_BYTES
# The largest file an import takes (intake: registers, exports of field submissions); the import's upload page alone
# accepts a request this large (core.middleware.RequestSizeLimitMiddleware, the `request_size_limits` registry).
TIPSOM_IMPORT_MAX_BYTES = env_int("TIPSOM_IMPORT_MAX_BYTES", 50 * 1024 * 1024)

# Statistics (issue 15): a published count below this is withheld ("<5" at 5; tipsom.core.disclosure).
TIPSOM_SMALL_CELL = env_int("TIPSOM_SMALL_CELL", 5)

# Programme (issue 16): the IATI organisation identifier (and name) that reports the programme's activity file
# (UNODC's by default: XM-DAC-41110); the file's activities are "<identifier>-GLOACT-<country>".
TIPSOM_IATI_REPORTING_ORG = os.environ.get("TIPSOM_IATI_REPORTING_ORG", "") or "XM-DAC-41110"
TIPSOM_IATI_REPORTING_ORG_NAME = (
    os.environ.get("TIPSOM_IATI_REPORTING_ORG_NAME", "") or "United Nations Office on Drugs and Crime"
)

# Cases (issue 4). Which case decisions wait for a supervisor: "actual_victim", "closure", both or neither.
TIPSOM_CASE_APPROVALS = env_list("TIPSOM_CASE_APPROVALS", ["actual_victim", "closure"])
# Attachments: the largest file accepted, and the types accepted (checked against the file's own bytes).
TIPSOM_ATTACHMENT_MAX_BYTES = env_int("TIPSOM_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)
TIPSOM_ATTACHMENT_TYPES = env_list("TIPSOM_ATTACHMENT_TYPES", ["application/pdf", "image/jpeg", "image/png"])
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Referrals (issue 5). Hours a receiver has to answer a referral, per urgency, where the country has not set
# its own (Referral pathways and response times screen): "emergency=2,urgent=24,routine=120".
TIPSOM_REFERRAL_RESPONSE_HOURS = {
    urgency: int(hours)
    for urgency, _sep, hours in (
        item.partition("=")
        for item in env_list("TIPSOM_REFERRAL_RESPONSE_HOURS", ["emergency=2", "urgent=24", "routine=120"])
    )
}

# Audit chain (issue 10). Events are appended without a lock and chained by `tipsom audit chain` (every minute).
# The linker waits this long for a missing id (a transaction still open) before taking it as rolled back, and
# `tipsom audit verify` fails when an event has waited longer than the maximum lag to be chained, or the newest
# signed head is older than that.
TIPSOM_AUDIT_CHAIN_GAP_WAIT = env_int("TIPSOM_AUDIT_CHAIN_GAP_WAIT", 30)
TIPSOM_AUDIT_CHAIN_MAX_LAG = env_int("TIPSOM_AUDIT_CHAIN_MAX_LAG", 300)

# --- Email (notifications and the daily digest) ---------------------------------------------------------
# Outside production, mail is written to the console. In production it goes through an SMTP relay.
EMAIL_BACKEND = os.environ.get(
    "TIPSOM_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("TIPSOM_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("TIPSOM_EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("TIPSOM_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("TIPSOM_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("TIPSOM_EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("TIPSOM_EMAIL_FROM", "tipsom <tipsom@localhost>")
# The address users reach tipsom at, to make the links in email absolute ("https://tipsom.example.org").
TIPSOM_BASE_URL = os.environ.get("TIPSOM_BASE_URL", "").rstrip("/")

# --- Encryption keys ----------------------------------------------------------------------------------------
# The keyring never lives in the database: a JSON file (TIPSOM_KEYRING_FILE) or the JSON itself in
# TIPSOM_KEYRING (for secret stores that inject environment variables).
TIPSOM_KEYRING_FILE = Path(os.environ.get("TIPSOM_KEYRING_FILE", VAR_DIR / "keys" / "keyring.json"))
TIPSOM_KEYRING = os.environ.get("TIPSOM_KEYRING", "")
# The RSA key pair field forms encrypt submissions to on the phone (intake): kept like the keyring, outside the
# database, in a JSON file (by default form-key.json beside the keyring) or the JSON itself in TIPSOM_FORM_KEY.
TIPSOM_FORM_KEY_FILE = os.environ.get("TIPSOM_FORM_KEY_FILE", "")
TIPSOM_FORM_KEY = os.environ.get("TIPSOM_FORM_KEY", "")

# --- Field submissions servers (`tipsom intake pull`) --------------------------------------------------------
TIPSOM_ODK_URL = os.environ.get("TIPSOM_ODK_URL", "").rstrip("/")
TIPSOM_ODK_USER = os.environ.get("TIPSOM_ODK_USER", "")
TIPSOM_ODK_PASSWORD = os.environ.get("TIPSOM_ODK_PASSWORD", "")
TIPSOM_ODK_PROJECT = env_int("TIPSOM_ODK_PROJECT", 0)
TIPSOM_KOBO_URL = os.environ.get("TIPSOM_KOBO_URL", "").rstrip("/")
TIPSOM_KOBO_TOKEN = os.environ.get("TIPSOM_KOBO_TOKEN", "")
TIPSOM_KOBO_ASSET = os.environ.get("TIPSOM_KOBO_ASSET", "")

# --- Internationalisation -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("pt-br", _("Brazilian Portuguese")),
    ("ru", _("Russian")),
    ("uk", _("Ukrainian")),
    ("ar", _("Arabic")),
    ("ur", _("Urdu")),
    ("ne", _("Nepali")),
    ("lo", _("Lao")),
]
# pt-br has no catalogue of its own: gettext falls back from pt_BR to the pt catalogue (written in Brazilian
# Portuguese); what differs is the CLDR data (country and language names: "pt" is European Portuguese, see
# core/locale_names.py). Django knows every language here but Lao: its name for the switcher is added once, here.
# Right to left (Django's LANGUAGES_BIDI): ar and ur.
LANG_INFO.setdefault("lo", {"bidi": False, "code": "lo", "name": "Lao", "name_local": "ລາວ"})
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# One short date and one date-time format per language (tipsom/formats/<language>/formats.py): the `date` filter,
# a date shown as it is, and tipsom.core.date_formats (PDF, notifications) all use them.
FORMAT_MODULE_PATH = ["tipsom.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIPSOM_TIME_ZONE", "UTC")
LANGUAGE_COOKIE_NAME = "tipsom_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = PRODUCTION

# --- Static files -------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = None if TESTING else Path(os.environ.get("TIPSOM_STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- API ----------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tipsom.core.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "tipsom.core.api.pagination.KeysetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["tipsom.core.filtering.FilterBackend"],  # skipped when no filter is given
    "DEFAULT_SCHEMA_CLASS": "tipsom.core.api.schema.TipsomAutoSchema",
    "EXCEPTION_HANDLER": "tipsom.core.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "tipsom.core.api.throttling.AnonRateThrottle",
        "tipsom.core.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("TIPSOM_API_ANON_RATE", "60/min"),
        "user": os.environ.get("TIPSOM_API_USER_RATE", "1200/min"),
        "auth_token": os.environ.get("TIPSOM_API_SIGNIN_RATE", "10/min"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON nested deeper than core.jsontext.MAX_JSON_DEPTH is a 400, never a RecursionError.
    "DEFAULT_PARSER_CLASSES": [
        "tipsom.core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
_token_days = env_int("TIPSOM_API_TOKEN_TTL_DAYS", 90)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=_token_days) if _token_days else None,
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "tipsom API",
    "DESCRIPTION": "Information system for the response to trafficking in persons and smuggling of migrants.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # Choice sets named after their meaning where two apps use the same field name (level, outcome).
    "ENUM_NAME_OVERRIDES": {
        "CourtDecisionLevelEnum": "tipsom.justice.models.choices.DecisionLevel",
        "CourtOutcomeEnum": "tipsom.justice.models.choices.Outcome",
        "OffenceTypeEnum": "tipsom.justice.models.choices.OffenceType",
        "ContactTypeEnum": "tipsom.justice.models.choices.ContactType",
        "UrgencyEnum": "tipsom.referrals.models.Urgency",
        "HelplineContactTypeEnum": "tipsom.helpline.models.ContactType",
        "HelplineUrgencyEnum": "tipsom.helpline.models.Urgency",
        "HelplineContactStatusEnum": "tipsom.helpline.models.ContactStatus",
        "ActivityTypeEnum": "tipsom.programme.models.choices.ActivityType",
    },
}

# --- Caches, logging ----------------------------------------------------------------------------------------
# "shared" holds what every worker process must see alike: the sign-in counters (a table created by accounts'
# migrations; the API throttles count in their own table, core.api.throttling); "default" stays in each process.
# Background work (imports, exports, batch jobs): django-tasks with its database backend, so a job survives a restart
# and needs no broker. `tipsom serve` starts a worker beside the web server; `tipsom db_worker` runs one on its own.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tipsom"},
    "shared": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "tipsom_shared_cache",
        # Expired rows are deleted first; live ones (locks among them) only past this many (decision 0005).
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
}
TIPSOM_SHARED_CACHE = "shared"

LOG_LEVEL = os.environ.get("TIPSOM_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "tipsom.core.logging.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"level": "ERROR" if TESTING else "WARNING"},
    },
}

if TESTING:
    # Argon2 is deliberately slow; tests that check hashing ask for it explicitly.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
