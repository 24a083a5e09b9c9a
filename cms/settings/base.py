"""Settings shared by every environment.

Configuration comes only from environment variables; each one is documented in
`.env.example` and the README. With nothing set, the zero-config default runs:
SQLite, an embedded (filesystem) Celery broker, local-memory cache, console email.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from cms.settings.storage import object_storage_origins, object_storages

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PROJECT_DIR = BASE_DIR / "cms"
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "cms.core",
    "cms.people",
    "cms.pages",
    "modules",
    "learning",
    "practiceweek",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.search_promotions",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.microsoft",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
]

# A refused form (expired page, no cookies) is explained on the site's own page, not Django's bare one.
CSRF_FAILURE_VIEW = "cms.core.views.csrf_failure"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cms.core.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Whole-response cache for anonymous visitors to public pages (docs/recruitment.md).
    "cms.pages.middleware.PublicPageCacheMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's AuthenticationMiddleware, with the signed-in person's row cached (cms/people/middleware.py).
    "cms.people.middleware.CachedAuthenticationMiddleware",
    # The Wagtail site and page route of a GET request from the cache (cms/core/page_cache.py).
    "cms.core.page_cache.PageTreeCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # One door for signing in: allauth's (cms/core/sign_in.py).
    "cms.core.middleware.SignInDoorMiddleware",
    "cms.core.middleware.AdminMFARequiredMiddleware",
    # The documents and images admin API only for people with a permission on them (cms/core/admin_api.py).
    "cms.core.admin_api.AdminApiGuardMiddleware",
    "cms.core.middleware.AdminContentSecurityPolicyMiddleware",
    "cms.core.middleware.IncompleteFormMiddleware",
    # Admin POSTs that broke Wagtail when hand-made: a 400, or our delete refusal (cms/core/admin_guards.py).
    "cms.core.admin_guards.AdminPostGuardMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "cms.core.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "cms.wsgi.application"

# Database: PostgreSQL from DATABASE_URL; a SQLite file otherwise.
if not os.environ.get("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # psycopg prepares the statements a service asks it to (cms/core/db/prepared.py's
    # prepared_cursor: a completion's statements, a page read by id) and no other: Django's own cursors
    # bind on the client and never prepare. Behind a connection pooler that cannot keep prepared
    # statements, set DATABASE_PREPARE_STATEMENTS=false: those statements then run unprepared.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        1_000_000 if env_bool("DATABASE_PREPARE_STATEMENTS", True) else None
    )
    # Django's backend, with the per-request health check answered by polling the connection's
    # socket (no round trip) where that shows nothing wrong; SELECT 1 otherwise (cms/core/db).
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["ENGINE"] = "cms.core.db.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (Index.include) are PostgreSQL's; on the zero-config SQLite file
# they are plain indexes, which is all a demo needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"] if DATABASES["default"]["ENGINE"].endswith("sqlite3") else []

REDIS_URL = os.environ.get("REDIS_URL", "")

# Cache (also the store for allauth's login rate limits): shared Redis when
# configured so limits hold across processes; local memory otherwise.
# Redis down: short timeouts, then no tries for CIRCUIT_OPEN_SECONDS; rate-limit
# counters count in each process meanwhile (cms/core/cache.py).
REDIS_CACHE_OPTIONS = {
    "socket_connect_timeout": 0.5,
    "socket_timeout": 0.5,
    "CIRCUIT_OPEN_SECONDS": 5,
    "LOCAL_FALLBACK_PREFIXES": ("allauth:rl:", "pages:interest-rate:", "learning:nudges:"),
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "cms.core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "fsm"),
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: Redis when REDIS_URL is set; kombu's filesystem transport otherwise,
# so `make run` has a real worker process with no broker installed.
CELERY_QUEUE_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A broker that has gone away fails a publish in seconds rather than hanging it
    # (socket_timeout stays above kombu's one-second BRPOP); cms.core.queue then runs
    # the task where it was queued.
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"socket_connect_timeout": 2, "socket_timeout": 5}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
    }
    # The zero-config default keeps its queue on disk: make the folders so the first
    # message (and the worker) find them on a fresh machine.
    for _folder in ("queue", "control"):
        (CELERY_QUEUE_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TIMEZONE = "Europe/London"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {}

AUTH_USER_MODEL = "people.User"
# Sessions live in the cache (Redis in production) and are written through to the
# database, so a request reads no session row while the cache holds it.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# django-allauth: email is the login; sign-up only for allowed domains.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "cms.people.adapters.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "cms.people.forms_accounts.SignupForm"
ACCOUNT_FORMS = {"login": "cms.people.forms_accounts.LoginForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "5/5m/key,20/5m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_SESSION_REMEMBER = None
# Behind a proxy the client's address is the proxy's: IP rate limits would then
# throttle everyone at once. Count the proxies that append to X-Forwarded-For
# (production defaults to one: the TLS-terminating proxy).
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
ALLOWED_SIGNUP_DOMAINS = env_list(
    "ALLOWED_SIGNUP_DOMAINS", "oxfordshire.gov.uk,thamesvalley.police.uk,nhs.net"
)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "Family Safeguarding Learning")

# Optional Microsoft Entra ID single sign-on, restricted to one tenant.
ENTRA_TENANT_ID = os.environ.get("ENTRA_TENANT_ID", "")
ENTRA_CLIENT_ID = os.environ.get("ENTRA_CLIENT_ID", "")
ENTRA_CLIENT_SECRET = os.environ.get("ENTRA_CLIENT_SECRET", "")
SOCIALACCOUNT_ADAPTER = "cms.people.adapters.SocialAccountAdapter"
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_PROVIDERS: dict = {}
if ENTRA_TENANT_ID and ENTRA_CLIENT_ID and ENTRA_CLIENT_SECRET:
    SOCIALACCOUNT_PROVIDERS["microsoft"] = {
        "APPS": [
            {
                "client_id": ENTRA_CLIENT_ID,
                "secret": ENTRA_CLIENT_SECRET,
                "settings": {"tenant": ENTRA_TENANT_ID},
            }
        ]
    }

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static" / "build"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# Media storage: S3-compatible object storage when a bucket is configured (docs/media.md:
# private files through signed addresses, image renditions under a
# public prefix with addresses that never expire, and the bucket's origins in the CSP below.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
MEDIA_PUBLIC_DOMAIN = os.environ.get("MEDIA_PUBLIC_DOMAIN", "")
PROTECTED_MEDIA_URL_SECONDS = int(os.environ.get("PROTECTED_MEDIA_URL_SECONDS", "300"))
# Front server hand-off for protected files (H5P packages): nginx's internal location prefix,
# or the header Apache's mod_xsendfile / lighttpd read. Empty: Django sends the file itself.
PROTECTED_MEDIA_ACCEL_REDIRECT = os.environ.get("PROTECTED_MEDIA_ACCEL_REDIRECT", "")
PROTECTED_MEDIA_SENDFILE_HEADER = os.environ.get("PROTECTED_MEDIA_SENDFILE_HEADER", "")
STORAGES: dict[str, dict] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ORIGINS: list[str] = []
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
    # Path-style on a self-hosted endpoint (MinIO, Ceph): the origin is the endpoint's own.
    AWS_S3_ADDRESSING_STYLE = os.environ.get("AWS_S3_ADDRESSING_STYLE") or (
        "path" if AWS_S3_ENDPOINT_URL else None
    )
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_S3_FILE_OVERWRITE = False
    STORAGES.update(
        object_storages(
            public_domain=MEDIA_PUBLIC_DOMAIN, public_acl=os.environ.get("AWS_PUBLIC_MEDIA_ACL") or None
        )
    )
    WAGTAILIMAGES_RENDITION_STORAGE = "public_media"
    MEDIA_ORIGINS = env_list("MEDIA_CSP_ORIGINS") or object_storage_origins(
        bucket=AWS_STORAGE_BUCKET_NAME,
        endpoint_url=AWS_S3_ENDPOINT_URL,
        region=AWS_S3_REGION_NAME,
        public_domain=MEDIA_PUBLIC_DOMAIN,
        addressing_style=AWS_S3_ADDRESSING_STYLE,
    )

# Upload limits: requests over these are refused before they reach a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000  # refuses decompression bombs before Pillow decodes them
WAGTAILDOCS_MAX_UPLOAD_SIZE = 200 * 1024 * 1024  # lesson videos are documents
# Any request body larger than this is refused with 413 before a view reads it
# (file uploads are not covered by DATA_UPLOAD_MAX_MEMORY_SIZE).
MAX_REQUEST_BODY_SIZE = int(os.environ.get("MAX_REQUEST_BODY_MB", "250")) * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "avif"]
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt", "txt", "csv", "vtt", "mp4", "webm"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"

# Email: Django 6.1's MAILERS. SMTP when EMAIL_URL-style parts are given, console otherwise.
SMTP_HOST = os.environ.get("SMTP_HOST", "")
if SMTP_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": SMTP_HOST,
                "port": int(os.environ.get("SMTP_PORT", "587")),
                "username": os.environ.get("SMTP_USERNAME", ""),
                "password": os.environ.get("SMTP_PASSWORD", ""),
                "use_tls": env_bool("SMTP_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "learning@oxfordshire.gov.uk")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
RECRUITMENT_NOTIFY_EMAIL = os.environ.get("RECRUITMENT_NOTIFY_EMAIL", "recruitment@oxfordshire.gov.uk")
SITE_BASE_URL = os.environ.get("SITE_BASE_URL", "http://127.0.0.1:8000")

# Wagtail
WAGTAIL_SITE_NAME = "Family Safeguarding Learning"
WAGTAILADMIN_BASE_URL = SITE_BASE_URL
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_LOGIN_URL = "/accounts/login/"
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
# Shared passwords on pages and document collections are not a way in here: editors
# are not offered them, and their forms answer 404 (cms/core/sign_in.py).
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAILEMBEDS_RESPONSIVE_HTML = True

# Security headers common to every environment; production hardens further.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False

# Content-Security-Policy (Django 6's built-in). Strict on public and learner
# pages; the Wagtail admin gets a documented relaxation in
# cms.core.middleware.AdminContentSecurityPolicyMiddleware.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", *MEDIA_ORIGINS],
    "font-src": [CSP.SELF],
    "media-src": [CSP.SELF, *MEDIA_ORIGINS],
    "connect-src": [CSP.SELF],
    "frame-src": [CSP.SELF, "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
    "frame-ancestors": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
}
# The Wagtail admin's relaxation, as narrow as Wagtail 8 needs (checked in Chromium;
# docs/accounts-and-security.md says why each source is here):
# - inline <script> blocks without a nonce (inline panels, date widgets) need
#   'unsafe-inline' (a nonce would make browsers ignore it); no 'unsafe-eval':
#   the editor, choosers and uploads work without it;
# - style attributes throughout the admin need 'unsafe-inline' for styles;
# - blob: for upload previews; video hosts for embed previews in the editor.
VIDEO_EMBED_FRAMES = [
    "https://www.youtube.com",
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
]
ADMIN_CSP = {
    **SECURE_CSP,
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:", *MEDIA_ORIGINS, "https://i.ytimg.com", "https://i.vimeocdn.com"],
    "frame-src": [CSP.SELF, *VIDEO_EMBED_FRAMES],
}
# Staff avatars are not fetched from Gravatar (no email hashes sent to a third party).
WAGTAIL_GRAVATAR_PROVIDER_URL = None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # Wagtail's background tasks (search index, references) log every run at INFO.
        "django.tasks": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

# Learning records of leavers are anonymised this many days after they leave.
LEARNING_RETENTION_DAYS = int(os.environ.get("LEARNING_RETENTION_DAYS", str(6 * 365)))

# The readiness dashboard's figures are kept this long in the cache; Celery beat
# recomputes them every five minutes, so they are never older than that. 0: always live.
READINESS_CACHE_SECONDS = int(os.environ.get("READINESS_CACHE_SECONDS", "600"))

# Forwarding statements to other LRSs (learning.LrsForwardingTarget): how long one request to a
# target may take before it counts as a failure and its rows wait for the next try.
LRS_FORWARD_TIMEOUT_SECONDS = float(os.environ.get("LRS_FORWARD_TIMEOUT_SECONDS", "10"))
# Days delivered outbox rows are kept before the nightly prune deletes them (dead letters are kept
# until resent or deleted by L&D).
LRS_OUTBOX_KEEP_DAYS = int(os.environ.get("LRS_OUTBOX_KEEP_DAYS", "30"))

# How long a launched xAPI / cmi5 course's restricted credential lasts, in hours (capped at 8 by
# learning.selectors.cmi5.launch_hours).
XAPI_LAUNCH_HOURS = int(os.environ.get("XAPI_LAUNCH_HOURS", "8"))
