"""Django settings, read from the environment (django-environ).

Values come from the process environment first, then from `.env` in the project root, then from
`dashboard.env` in `$DEVCLOUD_HOME` (default `.devcloud/`), which the local cloud writes; a file
never overrides a variable that is already set. `.env.example` documents every variable.
"""

import base64
import hashlib
import os
import secrets
from datetime import timedelta
from pathlib import Path

import environ
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy
from python_ipware import IpWare

from dashboard.logging import logging_config
from dashboard.redis_client import RedisConfig, cache_settings

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
DEVCLOUD_HOME = Path(os.environ.get("DEVCLOUD_HOME") or BASE_DIR / ".devcloud")
for env_file in (BASE_DIR / ".env", DEVCLOUD_HOME / "dashboard.env"):
    if env_file.is_file():
        env.read_env(env_file, overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)


def _secret_key() -> str:
    """The key from the environment, else one generated once and kept in var/ (one host only)."""
    if key := env.str("DJANGO_SECRET_KEY", default=""):
        return str(key)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()


def _token_encryption_keys() -> list[str]:
    """Fernet keys for the Keystone tokens at rest (dashboard/token_encryption.py), first one
    encrypting; by default one derived from SECRET_KEY, so development needs none."""
    keys = env.list("TOKEN_ENCRYPTION_KEYS", default=[])
    if not keys:
        digest = hashlib.sha256(f"keystone-token-encryption:{SECRET_KEY}".encode()).digest()
        return [base64.urlsafe_b64encode(digest).decode()]
    for key in keys:
        try:
            Fernet(key)
        except ValueError as exc:
            raise ImproperlyConfigured(
                "TOKEN_ENCRYPTION_KEYS holds a value that is not a Fernet key; make one with "
                '`python3 -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"`.'
            ) from exc
    return [str(key) for key in keys]


TOKEN_ENCRYPTION_KEYS = _token_encryption_keys()
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "axes",
    "dashboard.web",
    "dashboard.operations",
    "dashboard.mirror",
    "tenants",
    "networks",
    "instances",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dashboard.web.middleware.FullPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The signed-in user's language (over the browser's) and time zone.
    "tenants.middleware.UserSettingsMiddleware",
    "dashboard.web.middleware.NoStoreWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tenants.middleware.KeystoneSessionMiddleware",
    "dashboard.mirror.middleware.MirrorVersionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dashboard.urls"
WSGI_APPLICATION = "dashboard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dashboard.web.context_processors.navigation",
                "tenants.context_processors.trial",
            ],
        },
    },
]

FORM_RENDERER = "dashboard.web.forms.BootstrapRenderer"
DJANGO_TABLES2_TEMPLATE = "web/table.html"
# A filter's empty choice when it names none itself (django-filter's default is "---------").
FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("Any")

# SQLite in WAL mode by default (the demo and the tests); PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
# Persistent connections, checked before reuse: a new PostgreSQL connection per request cost
# 5 to 15 ms a page (bench/scale_pages.py --postgres). A process still holds at most one per
# thread (docs/scaling.md counts them); 0 closes each at the end of its request or task.
# PostgreSQL binds a query's parameters itself (psycopg no longer writes them into the SQL in
# Python), and psycopg prepares a query run five times on a connection, so PostgreSQL plans it
# once, not at every run: planning the quota table's 14 subqueries took 1.2 ms a page. Turn the
# prepared statements off behind a pooler that drops them (PgBouncer's transaction mode before
# 1.21, or without max_prepared_statements).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True,
        prepare_threshold=5 if env.bool("DATABASE_PREPARED_STATEMENTS", default=True) else None,
    )
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "tenants.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "tenants.auth.KeystoneBackend",
]
LOGIN_URL = "tenants:login"
LOGIN_REDIRECT_URL = "tenants:overview"

# The Keystone tokens live in the server-side session (encrypted, tenants/session.py); the cookie
# holds only the session id. Every page reads its session from the cache (Redis, one round trip)
# and from the database only when the cache lost it: a query through the ORM cost three times
# as much, on every page.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# ---- Deployment security (HTTPS, HSTS, CSP) ----------------------------------------------------
# Outside DEBUG the dashboard is served over HTTPS (TLS ends at a proxy in front of gunicorn, which
# takes the scheme from X-Forwarded-Proto of the proxies in DJANGO_TRUSTED_PROXIES only;
# docker/gunicorn.conf.py): cookies are Secure, plain HTTP is redirected and HSTS is sent. bin/run,
# the tests and the benchmarks serve plain HTTP on loopback with DJANGO_HTTPS=false.
HTTPS = env.bool("DJANGO_HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("DJANGO_SSL_REDIRECT", default=HTTPS)
# Load balancers and the compose health check ask for /healthz over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# HSTS for a year, for this host and its subdomains (all of them belong to whoever runs the
# dashboard's host). Not preloaded: a preload entry is a commitment for the whole registered
# domain, which the dashboard's operator rarely owns alone, and hard to undo; so W021 is silenced.
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # No inline styles: pages use classes of static/css/dashboard.css; htmx and cytoscape.js are
    # kept from adding their own <style> (base.html). Styles set from JS through the CSSOM
    # (Bootstrap, cytoscape.js) remain allowed: CSP does not govern them.
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Failed logins are throttled per (user, address) well before Keystone's own lockout
# (`[security_compliance] lockout_failure_attempts`, 10 on the local cloud) would lock the user out.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "tenants.auth.throttle_key"
AXES_LOCKOUT_CALLABLE = "tenants.views.sign_in.login_locked_out"
AXES_RESET_ON_SUCCESS = True
# The reverse proxies in front of gunicorn, one entry per hop (an address or a CIDR), outermost
# first; gunicorn reads the same variable (docker/gunicorn.conf.py). Only a request whose peer
# is the last of them has its client address read from X-Forwarded-For; empty (the default): the
# peer's address is the client's.
TRUSTED_PROXIES = env.list("DJANGO_TRUSTED_PROXIES", default=[])
IpWare(proxy_list=TRUSTED_PROXIES or None)  # refuses, at start, an entry it could never match
AXES_CLIENT_IP_CALLABLE = "tenants.auth.client_address"

# English is the default; a browser's Accept-Language, or the user's own setting, chooses.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
# One catalog for the whole project (locale/GLOSSARY.md keeps its terms consistent).
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language chosen on the sign-in page or in a user's settings (set_language, the settings
# page); the server reads it, scripts need not.
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# The production image sets DJANGO_STATIC_MANIFEST=true and runs collectstatic into STATIC_ROOT;
# elsewhere whitenoise serves straight from the static folders.
STATIC_MANIFEST = env.bool("DJANGO_STATIC_MANIFEST", default=False)
STATIC_ROOT = BASE_DIR / "staticfiles" if STATIC_MANIFEST else None
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# The OpenStack cloud. The service account reconciles the mirror and answers questions a user's
# token cannot (does this domain exist?); users' changes run with their own tokens.
OPENSTACK_AUTH_URL = env.str("OPENSTACK_AUTH_URL", default="http://127.0.0.1:5000/v3")
OPENSTACK_REGION_NAME = env.str("OPENSTACK_REGION_NAME", default="RegionOne")
OPENSTACK_INTERFACE = env.str("OPENSTACK_INTERFACE", default="public")
OPENSTACK_VERIFY = env.str("OPENSTACK_CA_BUNDLE", default="") or env.bool(
    "OPENSTACK_VERIFY_TLS", default=True
)
OPENSTACK_SERVICE_USERNAME = env.str("OPENSTACK_SERVICE_USERNAME", default="")
OPENSTACK_SERVICE_PASSWORD = env.str("OPENSTACK_SERVICE_PASSWORD", default="")
OPENSTACK_SERVICE_PROJECT_NAME = env.str("OPENSTACK_SERVICE_PROJECT_NAME", default="service")
OPENSTACK_SERVICE_USER_DOMAIN_NAME = env.str(
    "OPENSTACK_SERVICE_USER_DOMAIN_NAME", default="Default"
)
OPENSTACK_SERVICE_PROJECT_DOMAIN_NAME = env.str(
    "OPENSTACK_SERVICE_PROJECT_DOMAIN_NAME", default="Default"
)
OPENSTACK_DEFAULT_DOMAIN = env.str("OPENSTACK_DEFAULT_DOMAIN", default="Default")
# The try-out cloud's own account (tenants' sign-up, trials and their clean-up): the only account
# besides an admin's own token that writes to the cloud, and only inside operations on the record
# (approvals without an admin present, invitations, set-password links, the expiry clean-up). It
# needs the admin role on its project. Unset: those steps wait for an admin (the pages say so).
TRIAL_ACCOUNT_USERNAME = env.str("TRIAL_ACCOUNT_USERNAME", default="")
TRIAL_ACCOUNT_PASSWORD = env.str("TRIAL_ACCOUNT_PASSWORD", default="")
TRIAL_ACCOUNT_PROJECT_NAME = env.str("TRIAL_ACCOUNT_PROJECT_NAME", default="admin")
TRIAL_ACCOUNT_USER_DOMAIN_NAME = env.str("TRIAL_ACCOUNT_USER_DOMAIN_NAME", default="Default")
TRIAL_ACCOUNT_PROJECT_DOMAIN_NAME = env.str("TRIAL_ACCOUNT_PROJECT_DOMAIN_NAME", default="Default")

# The try-out cloud's trials. A trial project lives TRIAL_PROJECT_LIFETIME_DAYS (0: no end) and
# starts with TRIAL_QUOTAS ("<service>:<resource>=<limit>", as `tenants.Quota` names them; the
# default is trystack's: 3 instances, 6 vCPUs, 12 GB RAM, 4 floating IPs).
TRIAL_PROJECT_LIFETIME_DAYS = env.int("TRIAL_PROJECT_LIFETIME_DAYS", default=0)
TRIAL_QUOTAS: dict[str, int] = {
    key: int(value)
    for key, value in env.dict(
        "TRIAL_QUOTAS",
        default={
            "compute:instances": "3",
            "compute:cores": "6",
            "compute:ram": "12288",
            "network:floatingip": "4",
        },
    ).items()
}

# Each trial project starts with a ready-to-use network (`networks.starter`): a network, a subnet
# of TRIAL_SUBNET_CIDR with these DNS servers, and a router whose gateway is on
# TRIAL_EXTERNAL_NETWORK (a name or id; empty: the cloud's one external network).
TRIAL_SUBNET_CIDR = env.str("TRIAL_SUBNET_CIDR", default="10.0.0.0/24")
TRIAL_DNS_NAMESERVERS: list[str] = env.list("TRIAL_DNS_NAMESERVERS", default=[])
TRIAL_EXTERNAL_NETWORK = env.str("TRIAL_EXTERNAL_NETWORK", default="")
# The public sign-up page (/signup/): its verification link works SIGNUP_VERIFY_HOURS, the
# set-password link mailed after approval SIGNUP_PASSWORD_LINK_DAYS; each client address may send
# the form THROTTLE_SIGN_UP times (REST_FRAMEWORK's rate syntax).
SIGNUP_VERIFY_HOURS = env.int("SIGNUP_VERIFY_HOURS", default=24)
SIGNUP_PASSWORD_LINK_DAYS = env.int("SIGNUP_PASSWORD_LINK_DAYS", default=7)
# Lifetimes inside a trial project, all off at 0: a server is deleted TRIAL_SERVER_LIFETIME_HOURS
# after Nova created it, a floating IP attached to nothing is released TRIAL_FLOATING_IP_IDLE_HOURS
# after Neutron last changed it (its allocation or detachment: `updated_at`), and the trial's
# people are mailed TRIAL_WARN_BEFORE_HOURS before each removal (once per removal). Beat's
# clean-up (tenants.tasks.trial_cleanup_task) runs every TRIAL_CLEANUP_SECONDS: it removes what
# has expired, and everything of a trial that has ended, as operations of the try-out account
# (TRIAL_ACCOUNT_*); it touches only projects with a `Trial` row that Keystone tags `trial`. The
# admin's dry run: /admin/trials/cleanup/.
TRIAL_SERVER_LIFETIME_HOURS = env.int("TRIAL_SERVER_LIFETIME_HOURS", default=0)
TRIAL_FLOATING_IP_IDLE_HOURS = env.int("TRIAL_FLOATING_IP_IDLE_HOURS", default=0)
TRIAL_WARN_BEFORE_HOURS = env.int("TRIAL_WARN_BEFORE_HOURS", default=0)
TRIAL_CLEANUP_SECONDS = env.int("TRIAL_CLEANUP_SECONDS", default=0)

# Tenants' requests: more quota, a longer trial (the admin queue at /admin/requests/). ADMIN_EMAILS
# are told when a request arrives (empty: nobody is mailed; the queue still shows it). A quota
# request may ask for at most QUOTA_REQUEST_MAX_VALUE of any resource, an extension for at most
# EXTENSION_REQUEST_MAX_DAYS more days. Automatic approval is off unless
# QUOTA_REQUEST_AUTO_APPROVE_DAYS is set: then a quota request whose every value is within the
# next of QUOTA_REQUEST_SIZE_{SMALL,MEDIUM,LARGE} above the project's current size ("one step";
# "<service>:<resource>=<limit>" as TRIAL_QUOTAS; small is the trial quotas unless set, medium and
# large none) is approved with the try-out account (TRIAL_ACCOUNT_*), at most once in that many
# days per project; any other waits for an administrator.
ADMIN_EMAILS: list[str] = env.list("ADMIN_EMAILS", default=[])
QUOTA_REQUEST_MAX_VALUE = env.int("QUOTA_REQUEST_MAX_VALUE", default=10_000_000)
EXTENSION_REQUEST_MAX_DAYS = env.int("EXTENSION_REQUEST_MAX_DAYS", default=30)
QUOTA_REQUEST_AUTO_APPROVE_DAYS = env.int("QUOTA_REQUEST_AUTO_APPROVE_DAYS", default=0)
QUOTA_REQUEST_SIZES: dict[str, dict[str, int]] = {
    size: {
        key: int(value)
        for key, value in env.dict(
            f"QUOTA_REQUEST_SIZE_{size.upper()}",
            default={k: str(v) for k, v in TRIAL_QUOTAS.items()} if size == "small" else {},
        ).items()
    }
    for size in ("small", "medium", "large")
}
# Invitations into a project (issue 16): the roles a project member may give a colleague
# (Keystone role names; an inviter gives only roles they hold themselves) and how many days the
# mailed link stays usable.
INVITATION_ROLES: list[str] = env.list("INVITATION_ROLES", default=["member", "reader"])
INVITATION_LIFETIME_DAYS = env.int("INVITATION_LIFETIME_DAYS", default=7)

# The passwords people choose here for their Keystone users (accepting an invitation, setting a
# password after sign-up) pass Django's validators; Keystone's own rules, if set, apply after.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Email: SMTP through Django's backend (`EMAIL_URL`, e.g. smtp+tls://user:pass@mail.example:587;
# `bin/run` starts a local sink on 127.0.0.1:1025, tests a real SMTP server on loopback).
# `SITE_URL` is how links in mails address the dashboard.
_email = env.email_url("EMAIL_URL", default="smtp://127.0.0.1:1025")
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {
            "host": _email.get("EMAIL_HOST", ""),
            "port": _email.get("EMAIL_PORT") or 25,
            "username": _email.get("EMAIL_HOST_USER", ""),
            "password": _email.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": bool(_email.get("EMAIL_USE_TLS", False)),
            "use_ssl": bool(_email.get("EMAIL_USE_SSL", False)),
            "timeout": env.int("EMAIL_TIMEOUT", default=10),
        },
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="dashboard@localhost")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Whether Nova takes its compute quotas from Keystone's unified limits (nova.conf `[quota]
# driver = nova.quota.UnifiedLimitsDriver`) instead of its own database. Nova's API does not say
# which, so the operator tells the dashboard: the admin quota pages then edit Keystone's limits
# and registered limits instead of Nova's quota sets and quota class, and the quota sweep reads
# every project's compute limits from Keystone at once (tenants.reconcile.reconcile_quotas).
OPENSTACK_COMPUTE_UNIFIED_LIMITS = env.bool("OPENSTACK_COMPUTE_UNIFIED_LIMITS", default=False)
# Every cloud call has explicit timeouts, in seconds: to connect, and to read an answer.
OPENSTACK_CONNECT_TIMEOUT = env.float("OPENSTACK_CONNECT_TIMEOUT", default=3.0)
OPENSTACK_READ_TIMEOUT = env.float("OPENSTACK_READ_TIMEOUT", default=20.0)
# A session ends this long before its Keystone token expires, so no request runs on a dying token.
KEYSTONE_TOKEN_EXPIRY_MARGIN = timedelta(
    seconds=env.int("KEYSTONE_TOKEN_EXPIRY_MARGIN", default=60)
)
# A signed-in session's token is re-validated with Keystone (cached per token) at most this often,
# so a revoked token, a disabled user or a removed role ends the session, or its admin pages,
# within that time. While Keystone cannot be asked, a session is kept for up to
# KEYSTONE_REVALIDATE_GRACE after its last confirmation (then signed out, saying why), and the
# check is retried each interval; each check waits at most KEYSTONE_VALIDATE_READ_TIMEOUT seconds.
KEYSTONE_REVALIDATE_INTERVAL = timedelta(seconds=env.int("KEYSTONE_REVALIDATE_SECONDS", default=60))
KEYSTONE_REVALIDATE_GRACE = timedelta(
    seconds=env.int("KEYSTONE_REVALIDATE_GRACE_SECONDS", default=600)
)
KEYSTONE_VALIDATE_READ_TIMEOUT = 5.0
# The cloud's policy overrides, one `<service>.yaml` per service (neutron.yaml) in the format the
# service reads; rules not in them keep the service's defaults (dashboard/policies/<service>.py).
# Pages offer only what this policy lets the user do.
OPENSTACK_POLICY_DIR = Path(
    env.str("OPENSTACK_POLICY_DIR", default="") or BASE_DIR / "dashboard" / "policies"
)
# The module whose `quota_line` and `require_quota` every create form's quota checks use, and
# whose `quota_request_url` a quota refusal links to (`dashboard.web.forms.QuotaChecks`): the app
# that mirrors quotas provides it.
QUOTA_CHECKS = "tenants.quotas"

# Neutron's per-resource limits (neutron.conf `[DEFAULT]`), which its API does not tell: forms
# refuse more than these up front. Neutron's defaults; set them to the cloud's values.
NEUTRON_LIMITS = {
    "max_dns_nameservers": env.int("NEUTRON_MAX_DNS_NAMESERVERS", default=5),
    "max_subnet_host_routes": env.int("NEUTRON_MAX_SUBNET_HOST_ROUTES", default=20),
    "max_fixed_ips_per_port": env.int("NEUTRON_MAX_FIXED_IPS_PER_PORT", default=5),
    "max_allowed_address_pair": env.int("NEUTRON_MAX_ALLOWED_ADDRESS_PAIR", default=10),
}

# Nova's, Neutron's and Glance's notifications (oslo.messaging on RabbitMQ) keep the mirror fresh
# within a second; empty: the mirror follows the cloud by beat's polling alone. One listener per
# queue.
OPENSTACK_NOTIFICATIONS_URL = env.str("OPENSTACK_NOTIFICATIONS_URL", default="")
OPENSTACK_NOTIFICATIONS_QUEUE = env.str("OPENSTACK_NOTIFICATIONS_QUEUE", default="dashboard-mirror")
OPENSTACK_NOTIFICATIONS_TOPIC = env.str("OPENSTACK_NOTIFICATIONS_TOPIC", default="notifications")

# Redis keeps the users' tokens for their operations, the locks and Celery's broker; the cache
# (the throttles' counts, shared by every web process) is a database apart (a cache may be
# flushed; the broker's queues and the tokens must not be). The URL may carry a password
# (redis://:password@host:6379/0). Behind Sentinel, REDIS_SENTINELS (host:port,host:port) and
# REDIS_SENTINEL_MASTER say where the master is, and REDIS_URL gives only its password and
# database; dashboard/redis_client.py turns these into every client.
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
REDIS_SENTINELS = env.str("REDIS_SENTINELS", default="")
REDIS_SENTINEL_MASTER = env.str("REDIS_SENTINEL_MASTER", default="")
REDIS_SENTINEL_PASSWORD = env.str("REDIS_SENTINEL_PASSWORD", default="")
_redis = RedisConfig.parse(
    url=REDIS_URL,
    sentinels=REDIS_SENTINELS,
    master=REDIS_SENTINEL_MASTER,
    sentinel_password=REDIS_SENTINEL_PASSWORD,
)
# Default: REDIS_URL's Redis (and password), database 1.
CACHES = {
    "default": cache_settings(
        config=_redis, location=env.str("CACHE_URL", default=_redis.with_db(1).url)
    ),
    # Template fragments that are the same for every user of a language (base.html's menu): kept
    # in each process, where reading one costs less than a Redis round trip.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}
CELERY_BROKER_URL = _redis.broker_url()
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A transient cloud fault (unreachable, timeout, 5xx) is retried this many times, each after a
# random delay (full jitter) of up to OPERATION_RETRY_BACKOFF * 2**n seconds, capped at
# OPERATION_RETRY_BACKOFF_MAX: up to 1, 2, 4, 8, 16 s, about 31 s in all at worst.
# The most an operation's params may hold, as JSON: the largest form (a launch with 64 KiB of
# user data and 128 metadata items) needs about half of it; more is refused before it is stored.
OPERATION_MAX_PARAMS_BYTES = 256 * 1024
OPERATION_MAX_RETRIES = 5
OPERATION_RETRY_BACKOFF = 1.0
OPERATION_RETRY_BACKOFF_MAX = 60.0
# Time limits of one attempt of an operation, in seconds. Each cloud call gives up after
# OPENSTACK_CONNECT_TIMEOUT + OPENSTACK_READ_TIMEOUT (23 s by default) and an action makes a few
# (create, tag, the targeted reconcile), so two minutes means the cloud is badly overloaded. At
# the soft limit the action is interrupted and the operation fails saying so; the hard limit
# kills a worker process that does not even stop then (prefork pool: the worker's default).
OPERATION_SOFT_TIME_LIMIT = env.int("OPERATION_SOFT_TIME_LIMIT", default=120)
OPERATION_TIME_LIMIT = env.int("OPERATION_TIME_LIMIT", default=150)
# Every other task (reconcile sweeps) is killed after this long.
CELERY_TASK_TIME_LIMIT = 600
# Redelivery. Tasks are acknowledged late (after they end), so the message of a worker killed
# mid-task (kill -9, OOM, a lost node) stays unacknowledged in Redis, which hands it to another
# worker once it has been unacknowledged for `visibility_timeout` seconds. A message also stays
# unacknowledged while it waits for its countdown in the worker that holds it (an operation's
# retry: up to OPERATION_RETRY_BACKOFF_MAX; a server follow-up reconcile:
# instances.tasks.FOLLOWUP_MAX_DELAY, 60 s) and then while it runs (up to its time limit). So the
# timeout must be longer than the longest countdown plus the longest time limit, or a slow but
# healthy task runs twice; any longer only delays the rerun of a killed worker's task. Celery's
# default is an hour; this gives 600 + 60 + a minute's margin = 12 minutes.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(
        max(CELERY_TASK_TIME_LIMIT, OPERATION_TIME_LIMIT) + OPERATION_RETRY_BACKOFF_MAX + 60
    ),
    **_redis.broker_transport_options(),
}
# Beat fails operations still unfinished this many seconds after they were started: no worker
# picked them up, or the one running them died and the rerun failed to finish too. It must
# leave time for a killed worker's message to come back (the visibility timeout) and for that
# rerun to run out its time limit and retries, or beat would fail an operation that is about to
# succeed. 30 minutes by default; a value that leaves no such time is refused.
OPERATION_STUCK_AFTER = env.int("OPERATION_STUCK_AFTER", default=1800)
# A running operation's claim holds this long: a second copy of its task's message (a broker's
# redelivery) runs it only after the hard time limit has surely ended the first run.
OPERATION_CLAIM_LEASE = OPERATION_TIME_LIMIT + 30
_redelivered_by = CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] + OPERATION_TIME_LIMIT
if _redelivered_by >= OPERATION_STUCK_AFTER:
    raise ImproperlyConfigured(
        f"OPERATION_STUCK_AFTER={OPERATION_STUCK_AFTER} would fail operations that a worker "
        "may still run: set it above "
        f"{CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'] + OPERATION_TIME_LIMIT} "
        "seconds (the broker's visibility timeout plus OPERATION_TIME_LIMIT)."
    )
# Seconds between beat's passes that follow changes: with notifications flowing they are only
# the safety net for lost events (bench/scale.py: about 15 cloud calls a minute in all when
# nothing changes, the same at any size); without, they are how the mirror follows the cloud.
NETWORKING_SWEEP_SECONDS = 120.0 if OPENSTACK_NOTIFICATIONS_URL else 30.0
SERVERS_INCREMENTAL_SECONDS = 30.0 if OPENSTACK_NOTIFICATIONS_URL else 10.0
# Seconds between beat's sweeps of every project's quotas: a limit changed outside the dashboard
# shows within it (Neutron, and Keystone under unified limits, list every project's at once).
QUOTA_SWEEP_SECONDS = 60.0
# A server Nova is still working on is read again after this many seconds, then 1.5 times later
# each time (instances.tasks); the tests' fake hypervisor is done sooner than a real one.
SERVER_FOLLOWUP_FIRST_SECONDS = env.float("SERVER_FOLLOWUP_FIRST_SECONDS", default=2.0)
CELERY_BEAT_SCHEDULE = {
    # The safety net behind notifications and targeted reconciles: a sweep of Neutron by revision
    # numbers (it has no usable changed-since filter), under a Redis lock that expires before the
    # next run.
    "reconcile-networking": {
        "task": "networks.tasks.reconcile_networking_task",
        "schedule": NETWORKING_SWEEP_SECONDS,
        "options": {"expires": NETWORKING_SWEEP_SECONDS},
    },
    **{
        f"{name}-sweep": {"task": task, "schedule": 300.0, "options": {"expires": 300}}
        for name, task in [
            ("servers", "instances.tasks.reconcile_servers_task"),
            ("flavors", "instances.tasks.reconcile_flavors_task"),
            ("images", "instances.tasks.reconcile_images_task"),
            ("keypairs", "instances.tasks.reconcile_keypairs_task"),
            ("projects", "tenants.tasks.reconcile_projects_task"),
        ]
    },
    # Nova lists what changed since a watermark, so servers are polled often and cheaply; full
    # sweeps (which alone may delete rows) run every few minutes. After them in this order: as
    # beat starts (dashboard/celery.py), the sweep reads an empty mirror whole and sets the
    # watermark, and the incremental pass then reads what changed since, not everything again.
    "servers-incremental": {
        "task": "instances.tasks.reconcile_servers_incremental_task",
        "schedule": SERVERS_INCREMENTAL_SECONDS,
        "options": {"expires": SERVERS_INCREMENTAL_SECONDS},
    },
    # Every project's network limits (and compute limits under unified limits) and the default
    # quotas, and the compute quotas of a few projects each time from Nova, which lists none
    # across projects (tenants.tasks.COMPUTE_QUOTA_PROJECTS_PER_SWEEP).
    "quotas-sweep": {
        "task": "tenants.tasks.reconcile_quotas_task",
        "schedule": QUOTA_SWEEP_SECONDS,
        "kwargs": {"rolling": True},
        "options": {"expires": QUOTA_SWEEP_SECONDS},
    },
    "fail-stuck-operations": {
        "task": "dashboard.operations.tasks.fail_stuck_operations_task",
        "schedule": 60.0,
        "options": {"expires": 60},
    },
    "clear-expired-sessions": {
        "task": "tenants.tasks.clear_expired_sessions",
        "schedule": 3600.0,
        "options": {"expires": 3600},
    },
}
if TRIAL_CLEANUP_SECONDS > 0:
    CELERY_BEAT_SCHEDULE["trial-cleanup"] = {
        "task": "tenants.tasks.trial_cleanup_task",
        "schedule": float(TRIAL_CLEANUP_SECONDS),
        "options": {"expires": TRIAL_CLEANUP_SECONDS},
    }

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "dashboard.web.api.ApiSchema",
    # Per Keystone user, in the API and the pages alike (dashboard/web/throttling.py).
    "DEFAULT_THROTTLE_RATES": {
        "keypair_generate": env.str("THROTTLE_KEYPAIR_GENERATE", default="20/hour"),
        "server_live": env.str("THROTTLE_SERVER_LIVE", default="60/minute"),
        "sign_up": env.str("THROTTLE_SIGN_UP", default="5/hour"),
    },
    "EXCEPTION_HANDLER": "dashboard.web.api.exception_handler",
    # JSON bodies must be objects; forms posted as a page posts them work too.
    "DEFAULT_PARSER_CLASSES": [
        "dashboard.web.parsers.JSONObjectParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Self-service dashboard API",
    "DESCRIPTION": (
        "Tenant self-service for OpenStack networks, routers and instances. Reads come from the "
        "dashboard's mirror of the cloud; every write validates with the same form as the "
        "pages and answers 202 with the Operation it started (follow it at its Location). "
        "Sign in on the dashboard first: the API uses its session, and unsafe methods need the "
        "X-CSRFToken header (the csrftoken cookie's value)."
    ),
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Choices stay inline, where each field has them: forms of different resources share field
    # names (`protocol`) with different choices, which named enum components would collide on.
    "POSTPROCESSING_HOOKS": [],
    # The reference page's Swagger UI, vendored (drf-spectacular-sidecar), served from here.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

LOGGING = logging_config(debug=DEBUG, level=env.str("DJANGO_LOG_LEVEL", default="INFO"))
