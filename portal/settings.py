"""Settings for the portal, read from environment variables only (see `.env.example`).

With nothing set, the portal runs on SQLite, prints e-mail to the console and runs Celery tasks
in-process after commit, so a new user needs no other service. `DATABASE_URL` and `REDIS_URL` switch to
PostgreSQL and a real broker; `DJANGO_PRODUCTION=true` switches on the production hardening.
"""

import os
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

PRODUCTION = env.bool("DJANGO_PRODUCTION", default=False)
DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)

_INSECURE_KEY = "django-insecure-development-key-only-for-local-use"
SECRET_KEY = env("DJANGO_SECRET_KEY", default=_INSECURE_KEY)
if PRODUCTION and (
    SECRET_KEY == _INSECURE_KEY or len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")
):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters in production."
    )

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# The absolute address of the site, used in e-mails and feeds written outside a request. Unset, it
# follows the address `make run` serves on (its HOST and PORT, passed on as PORTAL_HOST/PORTAL_PORT).
_RUN_HOST = env("PORTAL_HOST", default="127.0.0.1")
_RUN_HOST = "127.0.0.1" if _RUN_HOST in ("", "0.0.0.0", "::", "[::]") else _RUN_HOST
SITE_URL = env("SITE_URL", default=f"http://{_RUN_HOST}:{env('PORTAL_PORT', default='8000')}").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL

INSTALLED_APPS = [
    "portal",
    "organisations",
    "consultations",
    "meetings",
    "actionplan",
    "notifications",
    "opendata",
    "privacy",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
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
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # First: a hit is answered with the stored response, headers and all, before any other middleware
    # runs; what it must not store, it sees on the finished response (see portal/caching.py).
    "portal.caching.AnonymousPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "portal.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.TwoFactorAdminMiddleware",
    "privacy.middleware.ConsentMiddleware",
    # Empty error responses (a bare 403/410 from a view) get the portal's page; see portal/site_views.py.
    "portal.site_views.ErrorPageMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

# No "loaders": Django then wraps the filesystem and app-directories loaders in its cached loader in every
# configuration (with DEBUG on too, where the autoreloader empties it when a template changes), so each
# template is compiled once per process. Setting "loaders" by hand would lose that unless it names
# django.template.loaders.cached.Loader; tests/performance/test_template_loader.py checks it.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0 if DEBUG else 60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery --------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if (
    REDIS_URL
    and os.environ.get("PYTEST_XDIST_WORKER", "").startswith("gw")
    and not os.environ.get("XDIST_REDIS_DB_CHOSEN")
):
    # The test suite on several cores (pytest-xdist): each test process gets its own Redis database, so
    # that their Celery queues, caches and rate-limit counters never meet (gw0 keeps the one given).
    _worker = int(os.environ["PYTEST_XDIST_WORKER"].removeprefix("gw"))
    _base, _, _db = REDIS_URL.rpartition("/")
    if _db.isdigit():
        REDIS_URL = f"{_base}/{(int(_db) + _worker) % 16}"
    # The workers and servers a test starts follow it, and keep whatever REDIS_URL the test gives them (a
    # private redis-server) instead of moving it again.
    os.environ["REDIS_URL"] = REDIS_URL
    os.environ["XDIST_REDIS_DB_CHOSEN"] = "1"
# The demo's own state folder (`make run` sets it to .run/): with no Redis, the web process and the
# demo's worker and beat share a broker, a cache and an e-mail folder there, so that what a user does in
# the demo (a reminder, a digest, an export, an e-mail) happens as in production, with no server.
RUN_DIR = Path(env("PORTAL_RUN_DIR")).resolve() if env("PORTAL_RUN_DIR", default="") else None
if REDIS_URL:
    # An unreachable Redis is a cache miss (portal.cache_backends.TolerantRedisCache), found out fast.
    CACHES = {
        "default": {
            "BACKEND": "portal.cache_backends.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
elif RUN_DIR:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(RUN_DIR / "cache"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions live in the database (read through the cache when it answers): a Redis outage logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Anonymous visitors get public pages from the cache for up to this many seconds (0 switches it off;
# off by default while DEBUG is on, so that template edits show at once); any change to published
# content invalidates them at once. See portal/caching.py.
PORTAL_PAGE_CACHE_SECONDS = env.int("PORTAL_PAGE_CACHE_SECONDS", default=0 if DEBUG else 120)

_DEMO_BROKER = "filesystem://" if RUN_DIR and not REDIS_URL else "memory://"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or _DEMO_BROKER)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
# Without a broker, tasks run in-process (after commit, as `delay_on_commit` schedules them).
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL and not CELERY_BROKER_URL.startswith("filesystem://")
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = "Europe/Stockholm"
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker that loses the broker keeps trying to reconnect, however long Redis is away (the default
# gives up after 100 attempts and stops the worker).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A task whose worker process dies (killed, out of memory) while running it goes back to the queue
# (for the tasks with `acks_late`, e.g. the notifications'; they are safe to run twice).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Tasks running when the broker connection drops are left to finish (their e-mails are claimed and
# recorded in the database); Celery 6 would cancel them, which could cut a send in half.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Redis has no acknowledgements: a message a worker took and did not acknowledge within
# `visibility_timeout` seconds is handed to another worker. Short, so that a killed worker's tasks are
# redelivered within a minute; portal.broker renews the messages a live worker still holds (running,
# prefetched or waiting for a countdown) every `unacked_restore_interval` seconds, so long tasks and
# retries are not redelivered while their worker lives. portal.broker also works around kombu's
# fault that made a busy worker exit when Redis went away.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=40),
    "unacked_restore_interval": 5,
    "unacked_restore_throttle": 1,
}
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT = "portal.broker:Transport"
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu's filesystem transport: one folder of message files, shared by web, worker and beat.
    _BROKER_DIR = Path(
        env("CELERY_FILESYSTEM_BROKER_DIR", default=str((RUN_DIR or BASE_DIR / ".run") / "broker"))
    )
    for _part in ("queue", "control"):
        (_BROKER_DIR / _part).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR / "queue"),
        "data_folder_out": str(_BROKER_DIR / "queue"),
        "control_folder": str(_BROKER_DIR / "control"),
        "store_processed": False,
        "polling_interval": 0.5,
    }
# For a demo or a test that cannot wait for the clock: every scheduled task runs every N seconds.
BEAT_EVERY_SECONDS = env.int("PORTAL_BEAT_EVERY_SECONDS", default=0)
# The beat schedule lives here so that it is reviewed with the code; apps add their entries.
CELERY_BEAT_SCHEDULE = {
    "opendata-rebuild": {
        "task": "opendata.rebuild",
        "schedule": crontab(minute=5),
    },
    "portal-heartbeat": {
        "task": "portal.heartbeat",
        "schedule": crontab(minute="*/5"),
    },
    # Also queues at once what could not be handed to the broker (Redis was down); a worker asks for
    # the same each time it reconnects (portal/celery.py).
    "notifications-requeue-stale": {
        "task": "notifications.requeue_stale",
        "schedule": 60.0,
    },
    "notifications-daily-digest": {
        "task": "notifications.send_digests",
        "schedule": crontab(hour=7, minute=0),
        "args": ("daily",),
    },
    "notifications-weekly-digest": {
        "task": "notifications.send_digests",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
        "args": ("weekly",),
    },
    "consultations-announce": {
        "task": "consultations.announce",
        "schedule": crontab(minute="*/15"),
    },
    "notifications-purge-read": {
        "task": "notifications.purge_read",
        "schedule": crontab(hour=3, minute=30),
    },
    "meetings-send-reminders": {
        "task": "meetings.send_reminders",
        "schedule": crontab(minute=15),
    },
    "meetings-overdue-action-items": {
        "task": "meetings.notify_overdue_action_items",
        "schedule": crontab(hour=8, minute=0),
    },
    "meetings-due-action-items": {
        "task": "meetings.notify_due_action_items",
        "schedule": crontab(hour=8, minute=5),
    },
    "meetings-minutes-review-reminders": {
        "task": "meetings.send_minutes_review_reminders",
        "schedule": crontab(minute=20),
    },
    "consultations-outcome-reminders": {
        "task": "consultations.send_outcome_reminders",
        "schedule": crontab(hour=8, minute=10),
    },
    "privacy-retention": {
        "task": "privacy.apply_retention",
        "schedule": crontab(hour=3, minute=45),
    },
}

# --- Notifications ------------------------------------------------------------------------------
# Pending e-mail not handed over for this many minutes (Redis or a worker was down) is queued again.
NOTIFICATIONS_REQUEUE_AFTER_MINUTES = env.int("NOTIFICATIONS_REQUEUE_AFTER_MINUTES", default=5)
# Deliveries per sending task when one event reaches many people.
NOTIFICATIONS_BATCH_SIZE = env.int("NOTIFICATIONS_BATCH_SIZE", default=100)
# Audiences up to this size get their inbox rows inside the request; larger ones are expanded by a
# worker right after commit, so publishing to thousands costs the request a few queries.
NOTIFICATIONS_INLINE_MAX_RECIPIENTS = env.int("NOTIFICATIONS_INLINE_MAX_RECIPIENTS", default=50)
# E-mails claimed, sent and marked sent per database transaction within a batch; a worker killed
# mid-chunk may send up to this many again (1 = strictly one message at risk, but slower).
NOTIFICATIONS_SEND_CHUNK = env.int("NOTIFICATIONS_SEND_CHUNK", default=20)
# SMTP connections a worker uses at once for one batch (sending is mostly waiting for the server).
NOTIFICATIONS_SMTP_CONNECTIONS = env.int("NOTIFICATIONS_SMTP_CONNECTIONS", default=8)
# Attempts at one e-mail (with exponential backoff between them) before it is marked failed.
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=6)
# Backoff before the n-th retry: this many seconds × 2^(n-1), at most the maximum.
NOTIFICATIONS_RETRY_BACKOFF_SECONDS = env.int("NOTIFICATIONS_RETRY_BACKOFF_SECONDS", default=60)
NOTIFICATIONS_RETRY_BACKOFF_MAX_SECONDS = env.int("NOTIFICATIONS_RETRY_BACKOFF_MAX_SECONDS", default=3600)
# Read inbox notifications are deleted after this many days.
NOTIFICATIONS_READ_RETENTION_DAYS = env.int("NOTIFICATIONS_READ_RETENTION_DAYS", default=180)
# How long the one-click unsubscribe link in an e-mail keeps working.
NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE_DAYS = env.int("NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE_DAYS", default=365)

# --- Privacy rights: consent, exports, erasure and retention (privacy/) -------------------
# The version of the privacy terms people accept at sign-up. Change it (e.g. to the date of the new
# text) when the privacy page changes materially: everyone is asked to accept again at their next visit.
PRIVACY_TERMS_VERSION = env("PRIVACY_TERMS_VERSION", default="2026-11-01")
# A data export ("My data") can be downloaded for this many days, then the file is deleted.
PRIVACY_EXPORT_RETENTION_DAYS = env.int("PRIVACY_EXPORT_RETENTION_DAYS", default=7)
# Exports are written under PRIVATE_MEDIA_ROOT/<this> and only served by a permission-checked view.
PRIVACY_EXPORT_DIR = env("PRIVACY_EXPORT_DIR", default="exports")
# Accounts whose e-mail address was never verified are removed after this many days.
PRIVACY_UNVERIFIED_ACCOUNT_DAYS = env.int("PRIVACY_UNVERIFIED_ACCOUNT_DAYS", default=30)
# Accounts without a log-in for this many months are warned by e-mail, and erased this many days later
# unless the person logs in.
PRIVACY_INACTIVE_ACCOUNT_MONTHS = env.int("PRIVACY_INACTIVE_ACCOUNT_MONTHS", default=24)
PRIVACY_INACTIVE_GRACE_DAYS = env.int("PRIVACY_INACTIVE_GRACE_DAYS", default=30)
# Log-in events and finished e-mail delivery records are deleted after this many days.
PRIVACY_LOG_RETENTION_DAYS = env.int("PRIVACY_LOG_RETENTION_DAYS", default=365)

# --- Accounts (django-allauth) ------------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "privacy.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Referensgruppen] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# Re-authentication (before changing e-mail, password or two-factor settings) is by password or by an
# authenticator. allauth 65.22 added re-authentication by a code sent by e-mail; the portal does not
# offer it (a code to the very address being changed proves nothing), so its two pages answer 403.
ACCOUNT_REAUTHENTICATION_METHODS = ["password", "mfa"]
# Rate limits protect without locking anyone out (portal/ratelimits.py). Everything unauthenticated is
# limited per client address, read through ALLAUTH_TRUSTED_PROXY_COUNT trusted proxies (behind one nginx:
# 1) or from the one header ALLAUTH_TRUSTED_CLIENT_IP_HEADER names; unset, every visitor behind a proxy
# would share the proxy's address and its limits. A wrong password or two-factor code counts against the
# address ("login_failed", per address only: allauth's per-account part would lock the owner out too);
# per account, the portal slows repeated failures down instead (PORTAL_LOGIN_*).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", default="") or None
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,30/h/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
# The portal's own per-address limits, in allauth's notation (amount/period/ip).
PORTAL_RATE_LIMITS = {
    "contact": "5/10m/ip",
    "organisation_register": "5/h/ip",
}
# Wrong passwords (or two-factor codes) for one account that cost nothing; after them each further attempt
# from an unknown device waits BASE × 2^(n − FREE) seconds, at most MAX. The owner's own device (a cookie
# set at log-in) and the networks of their log-ins in the last USUAL_NETWORK_DAYS days are not slowed.
PORTAL_LOGIN_FREE_FAILURES = env.int("PORTAL_LOGIN_FREE_FAILURES", default=5)
PORTAL_LOGIN_BASE_DELAY_SECONDS = env.int("PORTAL_LOGIN_BASE_DELAY_SECONDS", default=2)
PORTAL_LOGIN_MAX_DELAY_SECONDS = env.int("PORTAL_LOGIN_MAX_DELAY_SECONDS", default=300)
PORTAL_LOGIN_USUAL_NETWORK_DAYS = env.int("PORTAL_LOGIN_USUAL_NETWORK_DAYS", default=90)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_FORMS = {"authenticate": "portal.mfa_forms.TwoFactorAuthenticateForm"}
MFA_TOTP_ISSUER = "Referensgruppen mot rasism"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
# Members of this group are the city's coordinators (created by a migration).
COORDINATORS_GROUP = "Coordinators"

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Files that are not for everyone (response attachments and submitted files, coordinators' exports,
# people's data exports, Wagtail documents such as members-only meeting documents) live here, outside
# MEDIA_ROOT, and are served only by views that check a permission first (portal/private_media.py).
PRIVATE_MEDIA_ROOT = env("DJANGO_PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media"))
_public_root, _private_root = Path(MEDIA_ROOT).resolve(), Path(PRIVATE_MEDIA_ROOT).resolve()
if _private_root.is_relative_to(_public_root) or _public_root.is_relative_to(_private_root):
    raise ImproperlyConfigured(
        "DJANGO_PRIVATE_MEDIA_ROOT must be a folder outside DJANGO_MEDIA_ROOT (and not contain it): "
        "whatever serves the media folder would otherwise serve private files too."
    )
# Who sends a private file once its view has allowed it: "django" (the view streams it), or the proxy
# with "x-accel-redirect" (nginx: an `internal` location at PRIVATE_MEDIA_ACCEL_PREFIX aliased to
# PRIVATE_MEDIA_ROOT) or "x-sendfile" (Apache mod_xsendfile, lighttpd).
PRIVATE_MEDIA_SERVE = env("PRIVATE_MEDIA_SERVE", default="django")
PRIVATE_MEDIA_ACCEL_PREFIX = env("PRIVATE_MEDIA_ACCEL_PREFIX", default="/_private/")
if PRIVATE_MEDIA_SERVE not in ("django", "x-accel-redirect", "x-sendfile"):
    raise ImproperlyConfigured("PRIVATE_MEDIA_SERVE must be django, x-accel-redirect or x-sendfile.")
# Wagtail's document view sends files through this backend (and so through the proxy when set above).
SENDFILE_BACKEND = "portal.private_media"
WAGTAILDOCS_SERVE_METHOD = "serve_view"
STORAGES = {
    # MEDIA_ROOT, except Wagtail's documents/ folder, which goes to PRIVATE_MEDIA_ROOT.
    "default": {"BACKEND": "portal.private_media.PortalDefaultStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail -------------------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if env("EMAIL_HOST", default="")
    else "django.core.mail.backends.console.EmailBackend",
)
if RUN_DIR and not env("EMAIL_HOST", default="") and not env("DJANGO_EMAIL_BACKEND", default=""):
    # The demo writes every e-mail, from the web process and the worker alike, as a file in .run/mail/.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(RUN_DIR / "mail")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Referensgruppen mot rasism <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Optional: send through an e-mail provider with django-anymail instead of SMTP, e.g.
# EMAIL_PROVIDER=postmark and ANYMAIL='{"POSTMARK_SERVER_TOKEN": "..."}'. The provider's bounce and
# complaint webhooks (at /anymail/<provider>/tracking/) fill the notifications suppression list.
EMAIL_PROVIDER = env("EMAIL_PROVIDER", default="")
if EMAIL_PROVIDER:
    EMAIL_BACKEND = f"anymail.backends.{EMAIL_PROVIDER}.EmailBackend"
    ANYMAIL = env.json("ANYMAIL", default={})
    if env("ANYMAIL_WEBHOOK_SECRET", default=""):
        ANYMAIL["WEBHOOK_SECRET"] = env("ANYMAIL_WEBHOOK_SECRET")
# Who receives the contact form and other messages meant for the city's coordinators, when the
# site settings name nobody.
COORDINATOR_EMAILS = env.list("COORDINATOR_EMAILS", default=["samordnare@localhost"])

# --- Wagtail ------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Referensgruppen mot rasism"
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "xlsx", "ods", "txt", "csv", "pptx"]
# Documents and images uploaded in the admin pass the same checks as response attachments
# (portal/uploads.py: type by content, no scripts or macros, no zip bombs or nested archives, a maximum).
WAGTAILDOCS_DOCUMENT_FORM_BASE = "portal.wagtail_forms.DocumentForm"
WAGTAILIMAGES_IMAGE_FORM_BASE = "portal.wagtail_forms.ImageForm"
PORTAL_DOCUMENT_MAX_BYTES = env.int("PORTAL_DOCUMENT_MAX_MB", default=20) * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env.int("PORTAL_IMAGE_MAX_MB", default=10) * 1024 * 1024
# No SVG: an SVG is a document that can carry script.
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "gif", "webp"]
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILIMAGES_IMAGE_MODEL = "wagtailimages.Image"
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILADMIN_LOGIN_URL = "account_login"
# Templates the home page includes, in order, when they exist: the domain apps provide them, so the
# portal shows open consultations and coming meetings without importing those apps.
PORTAL_HOME_SLOTS = [
    "consultations/includes/home_open_consultations.html",
    "meetings/includes/home_coming_meetings.html",
]
WAGTAIL_USER_CUSTOM_FIELDS = ["display_name", "preferred_language"]

# --- Security -----------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# No script of ours reads the CSRF cookie (forms carry the token, Wagtail's admin gets it from the page).
CSRF_COOKIE_HTTPONLY = True
# A refused form gets the site's own page, in the visitor's language (portal/site_views.py).
CSRF_FAILURE_VIEW = "portal.site_views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Pages may not be framed. Wagtail's preview views (the live preview panel shows the page in a
# same-origin frame) mark their own responses SAMEORIGIN, and portal.middleware then allows
# `frame-ancestors 'self'` for exactly those responses.
X_FRAME_OPTIONS = "DENY"
# django-csp 4. No inline script or style on the public site: JavaScript lives in static/js, styles in
# static/css. Wagtail's admin (inline scripts in its widgets, style attributes in its templates) gets
# CONTENT_SECURITY_POLICY_ADMIN instead, applied by portal.middleware.ContentSecurityPolicyMiddleware.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "frame-src": ["'self'"],
    },
}
# Browser features the portal never uses, switched off for every page (portal.middleware).
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "screen-wake-lock": [],
    "usb": [],
    "xr-spatial-tracking": [],
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    LANGUAGE_COOKIE_HTTPONLY = True
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the site's host names in production.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Wagtail runs its search and reference-index updates as django-tasks; one INFO line each is noise.
        "django_tasks": {"level": "WARNING"},
    },
}

if BEAT_EVERY_SECONDS:
    # PORTAL_BEAT_EVERY_SECONDS: a demo or test sees every scheduled task run without waiting for its hour.
    CELERY_BEAT_SCHEDULE = {
        name: {**entry, "schedule": float(BEAT_EVERY_SECONDS)} for name, entry in CELERY_BEAT_SCHEDULE.items()
    }

# --- Open data (opendata/): the OParl API, the open-data files, archive packages -----------------------
OPARL_PAGE_SIZE = env.int("OPARL_PAGE_SIZE", default=50)
OPARL_MAX_PAGE_SIZE = env.int("OPARL_MAX_PAGE_SIZE", default=200)
OPARL_RATE_LIMIT_PER_MINUTE = env.int("OPARL_RATE_LIMIT_PER_MINUTE", default=300)  # per client address
OPARL_CACHE_SECONDS = env.int("OPARL_CACHE_SECONDS", default=300)
OPARL_SINCE = env("OPARL_SINCE", default="2026-01-01T00:00:00+01:00")
OPARL_CONTACT_EMAIL = env("OPARL_CONTACT_EMAIL", default="")
# The OParl 1.1.1 JSON schemas the tests validate against (CI has ../shared beside the checkout).
OPARL_SCHEMA_DIR = env("OPARL_SCHEMA_DIR", default=str(BASE_DIR.parent / "shared" / "oparl-1.1.1-schema"))
# Licence of the open data (CC0, as Swedish authorities commonly choose); the name is shown on the pages.
OPENDATA_LICENSE_URL = env(
    "OPENDATA_LICENSE_URL", default="https://creativecommons.org/publicdomain/zero/1.0/"
)
OPENDATA_LICENSE_NAME = env("OPENDATA_LICENSE_NAME", default="CC0 1.0")
OPENDATA_DIR = env("OPENDATA_DIR", default="opendata")  # under MEDIA_ROOT
