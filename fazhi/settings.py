"""One env-driven settings module.

Environment variables:
  DATABASE_URL   postgres://user:pass@host:port/name  (unset: SQLite in var/fazhi.sqlite3, WAL mode)
  SECRET_KEY     required in production; a development key is generated into var/ otherwise
  DEBUG          "1" to enable Django debug pages
  ALLOWED_HOSTS  comma separated
  MEDIA_ROOT     where uploaded files live (default var/media; never served as static files)
  REDIS_URL      optional cache (rate limits); default is a file cache in var/cache
"""
import os
import secrets
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("FAZHI_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key():
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # security: never world-readable
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


def database_from_url(url):
    """Parse DATABASE_URL (postgres only; anything else falls back to SQLite)."""
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise ValueError(f"不支持的 DATABASE_URL：{parsed.scheme}")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")) or "fazhi",
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "CONN_MAX_AGE": 0 if ("pytest" in sys.modules) else 60,
        "TEST": {"NAME": os.environ.get("TEST_DATABASE_NAME") or None},
    }


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG")
TESTING = _env_bool("FAZHI_TESTING") or "pytest" in sys.modules
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "fazhi.core",
    "fazhi.portal",
    "fazhi.disputes",
    "fazhi.enforcement",
    "fazhi.legalservice",
    "fazhi.publicity",
    "fazhi.governance",
    "fazhi.reports",
    "fazhi.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "fazhi.core.middleware.UploadLimitMiddleware",  # before CSRF, which reads the body
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "fazhi.core.middleware.RequestContextMiddleware",
    "fazhi.core.middleware.PublicScrubMiddleware",  # one personal-data scrubber for every public page
]

ROOT_URLCONF = "fazhi.urls"
WSGI_APPLICATION = "fazhi.wsgi.application"

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
                "fazhi.core.context_processors.shell",
            ],
        },
    }
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "fazhi.sqlite3")),
            "OPTIONS": {
                # WAL lets readers run while one writer writes; IMMEDIATE takes the write lock at BEGIN so two
                # writers queue instead of failing half-way (this also serialises the audit hash chain).
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
        }
    }
# A connection kept between requests (CONN_MAX_AGE) is checked before reuse, so the first requests after a
# database restart reconnect instead of answering 500.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True  # works without collectstatic (tests, first run); collectstatic adds compression
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Uploaded files live outside any static directory and are only served by download views that apply scoping.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Deliberately no route serves this prefix: uploads are read only through core:file_download.
MEDIA_URL = "/_private_media_not_served/"
FILE_UPLOAD_TEMP_DIR = str(VAR_DIR / "tmp")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger uploads stream to a temp file on disk
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Limits that sites may change.
FAZHI = {
    "UPLOAD_MAX_BYTES": int(os.environ.get("FAZHI_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)),
    "EVIDENCE_MAX_BYTES": int(os.environ.get("FAZHI_EVIDENCE_MAX_BYTES", 4 * 1024 * 1024 * 1024)),
    "LEDGER_MAX_BYTES": int(os.environ.get("FAZHI_LEDGER_MAX_BYTES", 10 * 1024 * 1024)),
    "LEDGER_MAX_ROWS": int(os.environ.get("FAZHI_LEDGER_MAX_ROWS", 50000)),
    # a ledger preview (dry run) of more rows than this runs as a background job with a progress bar
    "LEDGER_BACKGROUND_CHECK_ROWS": int(os.environ.get("FAZHI_LEDGER_BACKGROUND_CHECK_ROWS", 200)),
    "PUBLIC_BASE_URL": os.environ.get("FAZHI_PUBLIC_BASE_URL", "http://127.0.0.1:8000"),
    # PDFs (fazhi.core.docx_layout): LibreOffice converts the .docx when installed ("" turns it off); otherwise the
    # PDF embeds a TrueType Chinese font — this path, or the first installed Debian one (fonts-arphic-uming, fonts-wqy-*)
    "SOFFICE": os.environ.get("FAZHI_SOFFICE"),
    "PDF_FONT": os.environ.get("FAZHI_PDF_FONT", ""),
}

# Notifications beyond the workbench inbox (fazhi.core.notifications): dotted paths of channel classes, comma-separated,
# e.g. "fazhi.core.notifications.EmailChannel" (Django's SMTP backend, EMAIL_* below) or ".OutboxChannel" (the log).
FAZHI_NOTIFICATION_CHANNELS = [p.strip() for p in os.environ.get("FAZHI_NOTIFICATION_CHANNELS", "").split(",") if p.strip()]
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "fazhi@localhost")
EMAIL_USE_SSL = _env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", 10))
# SMTP in production (EMAIL_HOST... above); in development (DEBUG) mail is written to var/outbox/mail instead.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.filebased.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = str(VAR_DIR / "outbox" / "mail")

# Messages that leave the platform (fazhi.core.delivery): one backend per channel. The defaults store SMS and WeChat
# messages in the outbox table (消息发送记录) without sending them; a deployment names its adapters here, e.g.
# FAZHI_SMS_BACKEND=fazhi.core.delivery.HttpSms with FAZHI_SMS_ENDPOINT/_TOKEN/_TEMPLATE/_SIGN_NAME, or
# FAZHI_WECHAT_BACKEND=fazhi.core.delivery.WechatTemplate with FAZHI_WECHAT_APP_ID/_APP_SECRET/_TEMPLATE.
FAZHI_EMAIL_BACKEND = os.environ.get("FAZHI_EMAIL_BACKEND", "fazhi.core.delivery.EmailBackend")
FAZHI_SMS_BACKEND = os.environ.get("FAZHI_SMS_BACKEND", "fazhi.core.delivery.OutboxSms")
FAZHI_WECHAT_BACKEND = os.environ.get("FAZHI_WECHAT_BACKEND", "fazhi.core.delivery.OutboxWechat")
FAZHI_SMS = {key: os.environ.get(f"FAZHI_SMS_{key}", "")
             for key in ("ENDPOINT", "TOKEN", "TEMPLATE", "SIGN_NAME", "TIMEOUT") if os.environ.get(f"FAZHI_SMS_{key}")}
FAZHI_WECHAT = {key: os.environ.get(f"FAZHI_WECHAT_{key}", "")
                for key in ("APP_ID", "APP_SECRET", "TEMPLATE", "API") if os.environ.get(f"FAZHI_WECHAT_{key}")}
# How long the link in a resident's "your case moved" SMS opens the case without its tracking code (days).
FAZHI_TRACK_LINK_DAYS = int(os.environ.get("FAZHI_TRACK_LINK_DAYS", 30))

if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}}
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "cache")}}
# With Redis, sessions are read from the cache and written through to the database (a Redis restart logs nobody out).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if os.environ.get("REDIS_URL") else "django.contrib.sessions.backends.db"

TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TESTING
        else "django_tasks_db.DatabaseBackend"
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "fazhi.core.endpoints.exception_handler",
    "DEFAULT_FILTER_BACKENDS": [],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "法治政府建设工作平台 API",
    "DESCRIPTION": "矛盾纠纷多元化解、行政执法三项制度、法律顾问与普法、政务公开、年度报告的 JSON 接口。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# ---- security (accounts, sessions, proxies, headers, cookies) — owned by the security work; keep edits here ------
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = [
    "fazhi.core.parsers.SafeJSONParser",  # JSON nested too deep: a 400, not a RecursionError
    "rest_framework.parsers.FormParser",
    "rest_framework.parsers.MultiPartParser",
]
INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp", "csp"]
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "django_otp.middleware.OTPMiddleware")
MIDDLEWARE += [
    "fazhi.core.accounts.SessionTimeoutMiddleware",
    "fazhi.core.accounts.SecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "rest_framework.authentication.SessionAuthentication",
    "fazhi.core.accounts.BasicAuthentication",  # refuses accounts that need a second factor
]

# Passwords (等保 level 3): 10+ characters, three kinds of character, not like the username, not common.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "fazhi.core.accounts.ComplexityValidator"},
]

# Lock-out (django-axes): 5 failures by one account OR from one client address → locked 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("FAZHI_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "fazhi.core.middleware.axes_client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

# Second factor (TOTP) for administrators, legal reviewers and roles that export personal data. On by default;
# the demo/dev profile relaxes it with FAZHI_REQUIRE_2FA=0 (tests switch it on where they prove it).
FAZHI_REQUIRE_2FA = _env_bool("FAZHI_REQUIRE_2FA", not TESTING)
OTP_TOTP_ISSUER = "法治政府建设工作平台"

# Sessions: 30 minutes idle, 8 hours at most since login. The idle clock is renewed by SessionTimeoutMiddleware at most
# once a minute (FAZHI_SESSION_RENEW_SECONDS), not by a database write on every page view.
SESSION_COOKIE_AGE = int(os.environ.get("FAZHI_SESSION_IDLE_SECONDS", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = False
FAZHI_SESSION_RENEW_SECONDS = 60
FAZHI_SESSION_ABSOLUTE_SECONDS = int(os.environ.get("FAZHI_SESSION_ABSOLUTE_SECONDS", 8 * 3600))
SESSION_COOKIE_SAMESITE = "Lax"

# Trusted proxies: only when the socket peer is one of these is X-Forwarded-For believed (rightmost untrusted hop).
FAZHI_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("FAZHI_TRUSTED_PROXIES", "").split(",") if p.strip()]

# Content-Security-Policy (django-csp): scripts only from our own static files (a template that needs an inline
# script uses the per-request nonce: <script nonce="{{ request.csp_nonce }}">); styles may stay inline (style="…").
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE  # noqa: E402

MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# API schema and docs: for signed-in staff only (residents have no account).
SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"] = ["rest_framework.permissions.IsAuthenticated"]

# HTTPS (FAZHI_HTTPS=1): HSTS, secure cookies, redirect to https. Behind a reverse proxy that terminates TLS, name
# it in FAZHI_TRUSTED_PROXIES; its X-Forwarded-Proto then tells Django the request was https.
FAZHI_HTTPS = _env_bool("FAZHI_HTTPS")
if FAZHI_HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("FAZHI_HSTS_SECONDS", 365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Secure-sessionid"
    CSRF_COOKIE_NAME = "__Secure-csrftoken"
    if FAZHI_TRUSTED_PROXIES:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# var/secret_key and the SQLite database readable by the service account only.
for _private in (VAR_DIR / "secret_key", Path(DATABASES["default"]["NAME"]) if DATABASES["default"]["ENGINE"].endswith("sqlite3") else None):
    if _private is not None:
        try:
            if not _private.exists():
                _private.touch(mode=0o600)
            os.chmod(_private, 0o600)
        except OSError:
            pass
