"""Settings for Welcome Back, read from environment variables.

Every variable is listed in ``.env.example`` and explained in
``docs/configuration.md``. Development defaults are safe on a laptop; with
``DEBUG=false`` the site refuses to start without a real secret key.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from welcomeback.lib.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=True)

_DEV_SECRET = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY") or _DEV_SECRET
if not DEBUG and (SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value when DEBUG=false "
        "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "welcomeback.care",
    "welcomeback.accounts",
    "welcomeback.worklist",
    "welcomeback.engagement",
    "welcomeback.outreach",
    "welcomeback.returns",
    "welcomeback.staff",
    "welcomeback.portal",
    "welcomeback.demo",
    "welcomeback.signin",
    "welcomeback.interop",
    "welcomeback.disclosures",
    "ninja",  # its own Swagger UI files, so /api/docs keeps to our CSP
    "welcomeback.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the user and messages are known (docs/security.md, "Sign-in and MFA").
    "welcomeback.signin.middleware.IdleTimeoutMiddleware",
    "welcomeback.signin.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "welcomeback.signin.headers.SecurityHeadersMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "welcomeback.urls"
WSGI_APPLICATION = "welcomeback.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "welcomeback" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'welcomeback.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers wait for each other instead of failing at once, and a write
    # transaction takes its lock up front so two sweeps never deadlock.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND") or "django_tasks_db.DatabaseBackend"}}
# Finished task results are deleted by the sweep after this many days
# (engagement/housekeeping.py); failed ones are kept longer.
TASK_RESULTS_KEEP_DAYS = env_int("TASK_RESULTS_KEEP_DAYS", 7)
TASK_RESULTS_KEEP_FAILED_DAYS = env_int("TASK_RESULTS_KEEP_FAILED_DAYS", 30)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff:today"
LOGOUT_REDIRECT_URL = "login"
# Argon2id first (OWASP's choice); the others only check and upgrade older hashes.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# django-axes counts failures before Django checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "welcomeback" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "welcomeback" / "static"]
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_SAMESITE = "Lax"
# A session ends when the browser closes, and after SESSION_MAX_HOURS in any
# case; the idle timeout (signin/idle.py) usually ends it much sooner.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env_int("SESSION_MAX_HOURS", 12) * 60 * 60
CSRF_COOKIE_SECURE = not DEBUG
# No script reads the CSRF cookie: htmx gets the token from the page.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs carry ids and counts, never names, phone numbers or message text.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL") or "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # At DEBUG, a missing template variable is logged with the whole
        # template context: a person's record. Never, whatever LOG_LEVEL says.
        "django.template": {"level": "INFO"},
    },
}

# How often the looping sweep wakes up to look for due rows.
SWEEP_INTERVAL_SECONDS = env_int("SWEEP_INTERVAL_SECONDS", 5)

# Outreach providers per channel. The console provider prints messages and
# keeps them in var/outbox, so the demo needs no credentials.
OUTREACH_PROVIDERS = {
    "sms": env_str("OUTREACH_SMS_PROVIDER") or "welcomeback.outreach.providers.console.ConsoleSms",
    "email": env_str("OUTREACH_EMAIL_PROVIDER")
    or "welcomeback.outreach.providers.email.DjangoEmail",
}
EMAIL_BACKEND = env_str("EMAIL_BACKEND") or (
    "django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_FILE_PATH = BASE_DIR / "var" / "outbox" / "email"
EMAIL_HOST = env_str("EMAIL_HOST") or "localhost"
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "hello@welcomeback.invalid"
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID") or ""
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN") or ""
TWILIO_FROM_NUMBER = env_str("TWILIO_FROM_NUMBER") or ""
TWILIO_MESSAGING_SERVICE_SID = env_str("TWILIO_MESSAGING_SERVICE_SID") or ""
# The public base URL, for one-tap links and provider callbacks.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL") or "http://127.0.0.1:8000"

# -- Channels: SMS through Twilio, email through Django or Anymail ----------
# (docs/sms-twilio.md, docs/email-providers.md)
# Empty means Twilio's own API; tests point it at a loopback server.
TWILIO_API_BASE_URL = env_str("TWILIO_API_BASE_URL") or ""
# Seconds to wait for Twilio; a timeout leaves the message "outcome unknown".
TWILIO_TIMEOUT_SECONDS = env_int("TWILIO_TIMEOUT_SECONDS", 15)
# The console SMS provider's outbox, beside the file email backend's.
SMS_FILE_PATH = BASE_DIR / "var" / "outbox" / "sms"
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# Provider status reports are applied for this long after a message is
# written, then answered and ignored.
OUTREACH_CALLBACK_WINDOW_DAYS = env_int("OUTREACH_CALLBACK_WINDOW_DAYS", 7)


def _anymail_from_environment() -> dict:
    """Every ANYMAIL_<NAME> (or ANYMAIL_<NAME>_FILE) variable, as Anymail's
    <NAME> setting: ANYMAIL_WEBHOOK_SECRET, ANYMAIL_POSTMARK_SERVER_TOKEN…"""
    import os

    names = {key.removesuffix("_FILE") for key in os.environ if key.startswith("ANYMAIL_")}
    values = {name.removeprefix("ANYMAIL_"): env_str(name) for name in sorted(names)}
    return {name: value for name, value in values.items() if value}


ANYMAIL = _anymail_from_environment()
# The SDK logs each API call at INFO (URLs and headers, no message text):
# noise in our logs, so only its warnings.
LOGGING["loggers"]["twilio.http_client"] = {"level": "WARNING"}

# -- The public side (docs/public-pages.md) ---------------------------------
# The program the public pages speak for: its discreet name, number, hours
# and response clock. Empty means the first program by id.
PUBLIC_PROGRAM_ID = env_int("PUBLIC_PROGRAM_ID", 0) or None
# Where "Exit this page" goes: a neutral site that says nothing about care.
PUBLIC_EXIT_URL = env_str("PUBLIC_EXIT_URL") or "https://www.bbc.com/weather"
# The visitor's address (rate limits) is the audit trail's and the sign-in
# lockout's: accounts.audit.client_address, set by BEHIND_TLS_PROXY.
# A form sent from a page left open too long: a kind page, and the public
# forms come back with what was typed (portal/errors.py).
CSRF_FAILURE_VIEW = "welcomeback.portal.errors.csrf_failure"
# Rate limits on the public forms: (requests, seconds), per visitor address
# and per phone number or email.
PUBLIC_LIMIT_PER_ADDRESS = (env_int("PUBLIC_LIMIT_PER_ADDRESS", 5), 10 * 60)
PUBLIC_LIMIT_PER_CONTACT = (env_int("PUBLIC_LIMIT_PER_CONTACT", 3), 60 * 60)
# The on-behalf form answers no sooner than this, known person or not, so
# its timing says nothing (42 CFR 2.13(c)).
PUBLIC_PROXY_ANSWER_SECONDS = env_int("PUBLIC_PROXY_ANSWER_MS", 250) / 1000
# The rate limits live in the cache. The default is per process; with
# several web processes use one shared cache, e.g.
# CACHE_BACKEND=django.core.cache.backends.db.DatabaseCache and
# CACHE_LOCATION=welcomeback_cache (then `manage.py createcachetable`).
CACHES = {
    "default": {
        "BACKEND": env_str("CACHE_BACKEND") or "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": env_str("CACHE_LOCATION") or "welcomeback",
    }
}

# -- Audit trail (docs/security.md) -----------------------------------------
# Keeps the request at hand for the audit trail and records refusals (403)
# under /staff/ and /admin/. Last, so it runs after AuthenticationMiddleware.
MIDDLEWARE += ["welcomeback.accounts.audit_middleware.AuditMiddleware"]
# Behind our TLS proxy the client's address is the last X-Forwarded-For entry.
AUDIT_FORWARDED_FOR = env_bool("BEHIND_TLS_PROXY", default=False)

# -- Sign-in, MFA, lockout, idle timeout (docs/security.md, "Sign-in and MFA") --
# Staff are signed out after this many idle minutes when they hold no role in
# any program; otherwise the shortest idle_timeout_minutes of their programs.
SIGNIN_IDLE_TIMEOUT_MINUTES = env_int("SIGNIN_IDLE_TIMEOUT_MINUTES", 15)
# django-otp: the name authenticator apps show beside the username.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER") or "Welcome Back"
# The admin's device pages never show a key or its QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# django-axes: SIGNIN_FAILURE_LIMIT wrong passwords or codes for one username
# from one address pause signing in for that pair for SIGNIN_LOCKOUT_MINUTES.
AXES_FAILURE_LIMIT = env_int("SIGNIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SIGNIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Cleared when both steps pass (signin/lockout.py), not after the password.
AXES_RESET_ON_SUCCESS = False
# The pause lasts 15 minutes from the failure that started it, as the page says.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "welcomeback.signin.lockout.locked_out_response"
AXES_CLIENT_IP_CALLABLE = "welcomeback.signin.lockout.client_ip"
AXES_HTTP_RESPONSE_CODE = 429
# The audit trail is the access log; axes keeps only its failure counts.
AXES_DISABLE_ACCESS_LOG = True
# Masked in what axes keeps of a failed request (the password always is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "csrfmiddlewaretoken"]
# Innermost, so it sees the view's failures (axes asks to be last).
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
# axes logs every sign-in at INFO; the audit trail already records them.
LOGGING["loggers"]["axes"] = {"level": "WARNING"}

# -- Content Security Policy (django-csp 4) ---------------------------------
# Everything from our own origin; no inline script or style, no eval, no
# framing, no plugins. Pages and htmx comply (docs/security.md,
# "Deployment hardening"); a test scans the templates.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # The favicon is an empty data: URI.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

# -- Imports (docs/integration.md) ------------------------------------------
# Where an uploaded CSV waits for its import task; web and worker processes
# must share it. Each file is deleted as soon as it has been read.
IMPORT_UPLOAD_DIR = Path(env_str("IMPORT_UPLOAD_DIR") or BASE_DIR / "var" / "imports")
