"""Settings shared by every environment. Everything that varies comes from the environment (12-factor)."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean from the environment ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Passerelle
    "network.accounts",
    "network.orgs",
    "network.directory",
    "network.outbox",
    "network.notifications",
    "network.crypto",
    "network.referrals",
    "network.themes",
    "network.translation",
    "network.backups",
    "network.resources",
    "network.advocacy",
    "network.observatory",
    "cms",
    "network.demo",  # the demo network (`seed_demo`); nothing imports it
    # Before Wagtail's and wagtail-localize's apps: its templates give their inline scripts the CSP nonce (docs/csp.md)
    "network.admincsp",
    # Wagtail (wagtail_localize before the Wagtail apps, as its docs require)
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
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
    "django_filters",
    "django_countries",
    # Accounts, sign-in, permissions
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "axes",
    "guardian",
    # API
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # ReDoc's files served from /static/, not a CDN
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",  # allauth's usersessions templates load it (the sessions page was a 500)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages for anonymous visitors from the shared cache, before any session or user work (docs/caching.md).
    "network.pagecache.middleware.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "network.i18n.UnprefixedLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "network.accounts.middleware.TwoFactorRequiredMiddleware",
    "network.accounts.middleware.PrivateResponsesMiddleware",
    "cms.middleware.AdminPageScopeMiddleware",  # admin page URLs by id: 404 for a page the policy hides
    "django.contrib.messages.middleware.MessageMiddleware",
    "network.translation.middleware.MachineTranslationErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "network.admincsp.middleware.AdminScriptNonceMiddleware",  # after CSPMiddleware: the admin's scoped policy
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Axes last, as its docs require.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "network.urls"
WSGI_APPLICATION = "network.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "network.referrals.context_processors.navigation",
            ],
        },
    },
]

# Database: DATABASE_URL (postgres://… in CI and production); SQLite is the embedded default.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A request never hangs on a dead database.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c statement_timeout=30000")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Personal fields of referrals are encrypted at rest with these Fernet keys (newest first; rotate with
# `manage.py rotate_encryption_keys`). Production refuses to start without them.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")

# Sessions: an idle session ends after SESSION_IDLE_SECONDS (pushed back by requests, written at most once a
# minute when nothing else in the session changed: network/accounts/sessions.py).
SESSION_ENGINE = "network.accounts.sessions"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Internationalisation: the interface ships in French and English; content comes in six locales.
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "fr")
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True
ALL_CONTENT_LANGUAGES = {
    "fr": _("French"),
    "en": _("English"),
    "es": _("Spanish"),
    "ru": _("Russian"),
    "zh-hans": _("Simplified Chinese"),
    "ar": _("Arabic"),
}
LANGUAGES = [
    (code, ALL_CONTENT_LANGUAGES[code])
    for code in env_list("CONTENT_LANGUAGES", "fr,en,es,ru,zh-hans,ar")
    if code in ALL_CONTENT_LANGUAGES
]
WAGTAIL_I18N_ENABLED = True
# The languages the network's people speak most, offered first in the language pickers (service form, directory
# filter); every other language comes after them. Codes as `global_settings.LANGUAGES` knows them.
NETWORK_COMMON_LANGUAGES = env_list("NETWORK_COMMON_LANGUAGES", "fr,en,es,pt,ro,ru,zh-hans,ar,bg,uk")
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# Machine pre-translation in the translation editor: MACHINE_TRANSLATOR=none|libretranslate|dummy (+ LIBRETRANSLATE_*).
from network.translation.config import machine_translator_setting  # noqa: E402

WAGTAILLOCALIZE_MACHINE_TRANSLATOR = machine_translator_setting(os.environ)
# "Translate this page" creates drafts: a translation is published by whoever translated it, never live with the
# source's text (wagtail-localize's default publishes the new copies when the source is live).
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
LOCALE_PATHS = [BASE_DIR / "locale"]

# Static and media files
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "assets"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Serve uploaded images (never documents) from /media/ in the application: the demo's `make run` only (dev.py).
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
# Uploads (images, documents, avatars): MEDIA_ROOT, or an S3-compatible bucket with MEDIA_STORAGE=s3 + AWS_*.
from network.core.media_storage import media_storage_setting  # noqa: E402

STORAGES = {
    "default": media_storage_setting(os.environ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Backups: encrypted pg_dump (AES-256-GCM, keys newest first) and the erasure ledger kept outside the database,
# replayed on restore so that erased personal data never comes back.
BACKUP_ENCRYPTION_KEYS = env_list("BACKUP_ENCRYPTION_KEYS")
ERASURE_LEDGER_PATH = os.environ.get("ERASURE_LEDGER_PATH", "")
BACKUP_PG_BIN_DIR = os.environ.get("BACKUP_PG_BIN_DIR", "")

# Cache: Redis where REDIS_URL is set, local memory otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis errors answer as cache misses: a dead Redis never fails a request (throttles, rate limits).
            "BACKEND": "network.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The anonymous page cache (network/pagecache, docs/caching.md): kept PAGE_CACHE_SECONDS on the server (0: off),
# dropped at once on a change; proxies and browsers may keep a page PAGE_CACHE_MAX_AGE seconds.
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
PAGE_CACHE_MAX_AGE = int(os.environ.get("PAGE_CACHE_MAX_AGE", "60"))
PAGE_CACHE_MAX_QUERY_LENGTH = 200

# Email: SMTP (a mail catcher in development, a relay in production), from EMAIL_* variables.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "1025"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Passerelle <no-reply@passerelle.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Wagtail
WAGTAIL_SITE_NAME = "Passerelle"
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no email hash sent to a third party from admin pages
# Wagtail 8.0.1's autosave can race with "Publish" on a new page (two posts, the second fails on the slug):
# off until fixed upstream; editors save drafts explicitly.
WAGTAIL_AUTOSAVE_INTERVAL = 0
# Draftail, with malformed submitted content refused as a form error rather than a server error.
WAGTAILADMIN_RICH_TEXT_EDITORS = {"default": {"WIDGET": "network.core.rich_text.CheckedDraftailRichTextArea"}}
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False  # moderation mail goes to the organisation's own moderators
WAGTAILADMIN_BASE_URL = PUBLIC_BASE_URL
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False  # allauth owns passwords
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False  # and email addresses: Wagtail's account page would skip verification
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False
WAGTAILIMAGES_IMAGE_MODEL = "cms.SafeImage"  # re-encoded without EXIF/GPS before storage
WAGTAILDOCS_SERVE_METHOD = "serve_view"  # private collections must not be bypassed
WAGTAILDOCS_EXTENSIONS = [
    "csv",
    "docx",
    "odt",
    "pdf",
    "pptx",
    "rtf",
    "txt",
    "xlsx",
    "zip",
    "epub",
    "mp4",
]  # no svg/html/js
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf"]  # everything else downloads as an attachment
WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT = True  # Content-Security-Policy: default-src 'none' on documents
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORD": False}  # shared passwords are stored in plain text
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_ALLOW_UNICODE_SLUGS = False

# django-guardian: no "AnonymousUser" row in the user list.
ANONYMOUS_USER_NAME = None
GUARDIAN_RENDER_403 = False

# django-allauth: sign-in by username or email; reset never says whether an account exists.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_ADAPTER = "network.accounts.adapters.AccountAdapter"
# An email address counts only once its owner proved it: sign-in by an unverified address stops at the verification
# page, an unverified address never becomes primary (allauth keeps the old verified one primary until the new one is
# confirmed), and invitations and notifications only ever use verified addresses.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Passerelle] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PUBLIC_BASE_URL.startswith("https") else "http"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "orgs:dashboard"
LOGOUT_REDIRECT_URL = "/"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Passerelle"
# Sessions are recorded at sign-in (so disabling a user can end them all); no per-request activity write.
USERSESSIONS_TRACK_ACTIVITY = False
# Coordinators and staff (who can read referral personal fields) must enrol in TOTP. Only the demo relaxes it.
PASSERELLE_REQUIRE_TWO_FACTOR = env_bool("PASSERELLE_REQUIRE_TWO_FACTOR", True)

# django-axes: lock out an account + address pair after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_VERBOSE = False
# allauth passes username= or email=, never "login": map every sign-in to its account so one address's failures
# never lock out everyone behind the same connection (a drop-in centre's wifi).
AXES_USERNAME_CALLABLE = "network.accounts.lockout.lockout_username"
# Minimum data: no typed email in clear in failure records, no permanent log of every successful sign-in.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "login", "email", "code"]
AXES_DISABLE_ACCESS_LOG = True
# Per-account lock-out is axes' job; allauth keeps only a per-address brake.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip"}
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False

# Django REST framework and the OpenAPI schema
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: DRF takes the status from the first class, and 401 with WWW-Authenticate is the honest answer.
        "network.accounts.api_auth.ActiveUserTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "network.api_schema.NetworkAutoSchema",
    # JSON bodies only under /api/ (other types: 415), DRF's parsers for wagtail-localize's editor: see the module.
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "network.core.negotiation.JsonOnlyUnderApiNegotiation",
    "DEFAULT_PAGINATION_CLASS": "network.pagination.NetworkPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_ANON_RATE", "120/minute"),
        "user": os.environ.get("API_USER_RATE", "600/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Passerelle API",
    "DESCRIPTION": (
        "Organisations, partnerships, the service directory, consent-based referrals, the resource library and "
        "shared advocacy (key messages, endorsements, opportunities) of the network."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["network.api_schema.keep_only_our_api"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "network.api_schema.name_query_enums",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    # The API reads JSON bodies only (network/core/negotiation.py): the one body type the schema offers clients.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    # Operation ids and tags without the version (`referrals_create`, tag `referrals`): generated clients get one
    # module per part of the API (`api/referrals/referrals_create.py`), the paths keep their `/api/v1/`.
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "REDOC_DIST": "SIDECAR",
    # Every enum named after what it lists (no `Status0bdEnum` from a collision, no bare `ReasonEnum`): the
    # generated clients' type names. tests/test_api_client.py fails when an enum is left unnamed here.
    "ENUM_NAME_OVERRIDES": {
        "ServiceAccessModeEnum": "network.directory.models.AccessMode",
        "PersonAgeRangeEnum": "network.referrals.models.AgeRange",
        "ResourceAudienceEnum": "network.resources.models.Audience",
        "ContactChannelEnum": "network.referrals.models.ContactChannel",
        "ReferralDirectionEnum": ["sent", "received"],
        "ObservatoryCellFlagEnum": ["shown", "suppressed", "exact"],
        "ObservatoryGranularityEnum": ["month", "quarter", "year"],
        "KeyMessageStatusEnum": "network.advocacy.models.MessageStatus",
        "OpportunityLevelEnum": "network.advocacy.models.OpportunityLevel",
        "ResourceLicenceEnum": "network.resources.models.Licence",
        "ConsentMethodEnum": "network.referrals.models.ConsentMethod",
        "OrganisationKindEnum": "network.orgs.models.OrganisationKind",
        "ReferralOutcomeEnum": "network.referrals.models.Outcome",
        "PartnershipStatusEnum": "network.orgs.models.PartnershipStatus",
        "ReferralDeclineReasonEnum": "network.referrals.models.DeclineReason",
        "ServiceReferralsFromEnum": "network.directory.models.ReferralsFrom",
        "ResourceKindEnum": "network.resources.models.ResourceKind",
        "ResourceVisibilityEnum": "network.resources.models.Visibility",
        "ObservatoryScopeEnum": ["network", "region", "organisation"],
        "PersonalFieldEnum": "network.referrals.models.PersonalField",
        "ReferralUrgencyEnum": "network.referrals.models.Urgency",
        "WeekdayEnum": "network.directory.models.Weekday",
        "ReferralStatusEnum": "network.referrals.models.ReferralStatus",
        "ReferralEventKindEnum": "network.referrals.models.EventKind",
    },
}

# Celery: Redis broker, late acknowledgement, bounded connections; ids only in arguments.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600")),
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
    "unacked_restore_interval": int(os.environ.get("CELERY_UNACKED_RESTORE_INTERVAL", "30")),
    "unacked_restore_throttle": int(os.environ.get("CELERY_UNACKED_RESTORE_THROTTLE", "10")),
    "max_retries": 0,  # a retry would make the request wait again; the outbox relay retries instead
}
CELERY_TASK_PUBLISH_RETRY = False  # the outbox retries; a request never waits on a dead broker
CELERY_BEAT_SCHEDULE = {
    "outbox-relay": {
        "task": "network.outbox.tasks.outbox_relay",
        "schedule": float(os.environ.get("OUTBOX_RELAY_SECONDS", "30")),
    },
    "referrals-housekeeping": {"task": "network.referrals.tasks.referrals_housekeeping", "schedule": 15 * 60.0},
    "notifications-digest": {"task": "network.notifications.tasks.notifications_digest", "schedule": 24 * 3600.0},
    # The observatory: count, then release the disclosure-controlled tables (idempotent).
    "observatory-build": {
        "task": "network.observatory.tasks.observatory_build",
        "schedule": float(os.environ.get("OBSERVATORY_BUILD_SECONDS", "3600")),
    },
    # Then the yearly PDF reports, drawn in the worker so no visitor waits for them (unchanged ones are cache hits).
    "observatory-reports": {
        "task": "network.observatory.tasks.observatory_prepare_reports",
        "schedule": float(os.environ.get("OBSERVATORY_BUILD_SECONDS", "3600")),
    },
    # Resource views counted in Redis (cached pages included) move into the daily counters.
    "resources-views-flush": {"task": "network.resources.tasks.resource_views_flush", "schedule": 60.0},
}
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))

# Invitations to join an organisation: the emailed link works once, for this many days.
INVITATION_EXPIRY_DAYS = int(os.environ.get("INVITATION_EXPIRY_DAYS", "14"))

# Referrals: a reminder after N days without an answer, expiry after M days; personal fields and messages are
# erased RETENTION days after a referral ends (statistics survive without them).
REFERRAL_REMINDER_DAYS = int(os.environ.get("REFERRAL_REMINDER_DAYS", "3"))
REFERRAL_EXPIRY_DAYS = int(os.environ.get("REFERRAL_EXPIRY_DAYS", "14"))
REFERRAL_RETENTION_DAYS = int(os.environ.get("REFERRAL_RETENTION_DAYS", "90"))
# Sending a person their slip by SMS or a messaging app: the dotted path of a backend class with `send(to, text)`
# (network/referrals/messaging.py). Off (None) unless a deployment names one.
REFERRAL_SLIP_MESSAGING_BACKEND = os.environ.get("REFERRAL_SLIP_MESSAGING_BACKEND") or None

# A "busy" receiving organisation received more than this many referrals in the last 7 days: its members who left
# their notification emails on "automatic" get new referrals, reminders and messages in the daily digest.
REFERRAL_BUSY_RECEIVER_PER_WEEK = int(os.environ.get("REFERRAL_BUSY_RECEIVER_PER_WEEK", "5"))

# Security headers (production tightens the transport ones).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "style-src": ["'self'", "'unsafe-inline'"],  # Wagtail admin sets inline styles
        # Under /admin/ only, also scripts carrying the request's nonce (network/admincsp, docs/csp.md).
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        # Embedded videos of library resources (privacy-enhanced hosts only).
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "django_tasks": {"level": "WARNING"}},
}
