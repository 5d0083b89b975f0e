"""Settings for the Wushui portal, read from the environment (12-factor).

Every variable is listed in README.md. Defaults give the embedded set-up of
``make run``: SpatiaLite in ``var/``, Celery on the filesystem broker. Production
(``WUSHUI_PRODUCTION=1``) refuses to start with a development secret or DEBUG on; without
it, servers still refuse the development secret unless DEBUG is on (``wushui/wsgi.py``).
"""

import datetime
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from wushui.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("WUSHUI_VAR_DIR", str(BASE_DIR / "var")))

PRODUCTION = env_bool("WUSHUI_PRODUCTION", False)
DEBUG = env_bool("DEBUG", False)
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

if PRODUCTION:
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("WUSHUI_PRODUCTION=1 needs SECRET_KEY (or SECRET_KEY_FILE) of 32+ characters")
    if DEBUG:
        raise ImproperlyConfigured("WUSHUI_PRODUCTION=1 refuses DEBUG=1")
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        # The client's address for the sign-in lockout is the one the proxy saw.
        AXES_IPWARE_PROXY_COUNT = 1
        AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "axes",
    "csp",
    "simple_history",
    "wushui",
    "rivers",
    "inspections",
    "projects",
    "dashboard",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "wushui.middleware.PrivateAnswersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Outlet history records who made each change.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the answer to a sign-in and can replace it when the attempt was locked out.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wushui.urls"
WSGI_APPLICATION = "wushui.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wushui.context_processors.csp_nonce",
            ],
        },
    },
]

# Widgets render through TEMPLATES, so that templates/django/forms/ can replace Django's own (the
# select there writes its options in place: a filter form's choices cost a template each otherwise).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: SpatiaLite file by default, PostGIS when DATABASE_URL names it.
DATABASE_URL = env_str("DATABASE_URL", f"spatialite:///{VAR_DIR / 'wushui.sqlite3'}")
_database = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0))
_SPATIAL_ENGINES = {
    "django.db.backends.postgresql": "django.contrib.gis.db.backends.postgis",
    "django.db.backends.sqlite3": "django.contrib.gis.db.backends.spatialite",
}
_database["ENGINE"] = _SPATIAL_ENGINES.get(_database["ENGINE"], _database["ENGINE"])
if _database["ENGINE"] not in _SPATIAL_ENGINES.values():
    raise ImproperlyConfigured(f"DATABASE_URL must name PostGIS or SpatiaLite, not {_database['ENGINE']}")
if _database["ENGINE"] == "django.contrib.gis.db.backends.postgis":
    # The planner's price of a random page read, for every connection the portal opens: 1.1 for
    # SSDs and a working set in memory (PostgreSQL's default of 4 prices spinning disks and makes it
    # hash whole tables, all 8,700 users for a page's 150 chiefs, instead of an index lookup each).
    _random_page_cost = env_str("DATABASE_RANDOM_PAGE_COST", "1.1")
    try:
        if not 0 < float(_random_page_cost) < 1000:
            raise ValueError
    except ValueError:
        raise ImproperlyConfigured("DATABASE_RANDOM_PAGE_COST must be a number above 0") from None
    _options = _database.setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c random_page_cost={_random_page_cost}".strip()
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "wushui.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in lockout (等保 2.0): after AXES_FAILURE_LIMIT failed sign-ins the username, and separately the
# address, is refused for the cool-off time; every attempt is recorded (admin: Axes). A success resets
# the count. Locking by username lets an attacker lock a chief out for the cool-off: the price of
# stopping password guessing against one account from many addresses.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "wushui.security.lockout_response"
AXES_VERBOSE = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Front-end libraries come from the npm registry at set-up (package.json) and are
# served by the portal itself: government intranets have no internet.
_NODE_MODULES = BASE_DIR / "node_modules"
if (_NODE_MODULES / "htmx.org").is_dir():
    STATICFILES_DIRS.append(("vendor/htmx", _NODE_MODULES / "htmx.org" / "dist"))
if (_NODE_MODULES / "echarts").is_dir():
    STATICFILES_DIRS.append(("vendor/echarts", _NODE_MODULES / "echarts" / "dist"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "wushui.storage.PortalStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Uploaded and produced files are private: MEDIA_ROOT is never served as a folder (wushui/files.py).
# "django" streams them after the scope check; "accel" hands the transfer to the proxy (X-Accel-Redirect
# to PRIVATE_FILES_INTERNAL_URL, an internal location of the proxy mapped to MEDIA_ROOT).
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
PRIVATE_FILES_SERVER = env_str("PRIVATE_FILES_SERVER", "django")
if PRIVATE_FILES_SERVER not in ("django", "accel"):
    raise ImproperlyConfigured(f"PRIVATE_FILES_SERVER={PRIVATE_FILES_SERVER!r}: use django or accel")
PRIVATE_FILES_INTERNAL_URL = env_str("PRIVATE_FILES_INTERNAL_URL", "/protected-media/")

# Geography: stored in EPSG:4326, measured in a metric CRS (CGCS2000 3-degree
# Gauss-Kruger, central meridian 120E, right for Wenzhou).
METRIC_SRID = env_int("METRIC_SRID", 4549)
SILENCED_SYSTEM_CHECKS = ["gis.W001"]  # GDAL 3.6: harmless notice
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (27.95, 120.82),
    "DEFAULT_ZOOM": 12,
    "MIN_ZOOM": 8,
    "MAX_ZOOM": 18,
    "RESET_VIEW": False,
    # An empty tile list keeps the vector layers working on an offline intranet.
    "TILES": [(_("Base map"), MAP_TILE_URL, {"attribution": MAP_TILE_ATTRIBUTION})] if MAP_TILE_URL else [],
}


# Content-Security-Policy: scripts only from the portal itself or inline with the page's nonce; no
# frames, plugins or foreign form targets. Inline styles stay allowed (Leaflet, Swagger UI and htmx
# set them); images also from the tile server when one is configured.
def _tile_origin(url):
    if not url:
        return []
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0].replace("{s}", "*")
    return [f"{scheme}://{host}"] if scheme and host else []


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:", *_tile_origin(MAP_TILE_URL)],
        "connect-src": [SELF],
        "font-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# HTTPS: the proxy terminates TLS and should send HSTS and redirect plain HTTP itself (README); these
# make Django do it too where no proxy does.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an anonymous call answers 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PARSER_CLASSES": [
        "wushui.api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # The browsable API draws forms: in production only JSON is served (API_BROWSABLE=1 brings it back).
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if env_bool("API_BROWSABLE", not PRODUCTION) else []),
    ],
    "DEFAULT_PAGINATION_CLASS": "wushui.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "wushui.api.errors.exception_handler",
    "DEFAULT_VERSIONING_CLASS": None,
    # Per signed-in user and per anonymous address; the token endpoint has its own, tighter rate.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_RATE_ANON", "120/min"),
        "user": env_str("API_RATE_USER", "1200/min"),
        "auth": env_str("API_RATE_AUTH", "10/min"),
        # Per station: automatic stations post HJ 212 packets or JSON every few minutes.
        "station": env_str("API_RATE_STATION", "600/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Wushui river-chief portal API",
    "DESCRIPTION": "River registry, chiefs and regions of the district's river-chief system (河长制).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "wushui.api.schema.document_errors"],
    # Names for enums that several components share (a test keeps the schema free of warnings).
    "ENUM_NAME_OVERRIDES": {
        "PatrolSourceEnum": "inspections.choices.PatrolSource.choices",
        "FindingCategoryEnum": "inspections.choices.FindingCategory.choices",
        "ProblemCategoryEnum": "inspections.choices.ProblemCategory.choices",
        "ProblemSourceEnum": "inspections.choices.ProblemSource.choices",
        "StaffProblemSourceEnum": "inspections.choices.ProblemSource.REGISTERED_BY_STAFF",
        "ProblemStatusEnum": "inspections.choices.ProblemStatus.choices",
        "GeoJSONFeatureTypeEnum": ["Feature"],
        "WaterCategoryEnum": "projects.choices.WaterCategory.choices",
        "MeasureUnitEnum": "projects.choices.MeasureUnit.choices",
        "MilestoneKindEnum": "projects.choices.MilestoneKind.choices",
        "TargetClassEnum": "rivers.choices.WaterClass.target_choices",
        "WaterClassEnum": "rivers.choices.WaterClass.choices",
    },
}

# Patrol photos: refused above this size (bytes); the phone page shrinks photos before sending.
PATROL_PHOTO_MAX_BYTES = env_int("PATROL_PHOTO_MAX_BYTES", 8 * 1024 * 1024, minimum=1024)
PATROL_PHOTO_MAX_PIXELS = env_int("PATROL_PHOTO_MAX_PIXELS", 50_000_000, minimum=1_000_000)
# Sample files: refused above this size; above the second, imported by a worker as a recorded job.
SAMPLE_IMPORT_MAX_BYTES = env_int("SAMPLE_IMPORT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
SAMPLE_IMPORT_SYNC_BYTES = env_int("SAMPLE_IMPORT_SYNC_BYTES", 512 * 1024, minimum=0)
# The HJ 212 listener (manage.py hj212_listen): address, port, and how long a silent connection stays open.
HJ212_HOST = env_str("HJ212_HOST", "127.0.0.1")
HJ212_PORT = env_int("HJ212_PORT", 9212, minimum=1)
HJ212_IDLE_SECONDS = env_int("HJ212_IDLE_SECONDS", 600, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 8 * 1024 * 1024, minimum=1024)

# Signboards (公示牌) and reports from the public (their QR pages and Open311; docs/architecture.md,
# "Public reporting and Open311"). Rates are "count/period" (s, m, h, d), counted in the cache by
# django-ratelimit: shared through Redis when there is one, per process otherwise.
SUPERVISION_HOTLINE = env_str("SUPERVISION_HOTLINE", "12345")
# The address the public reaches the portal at (https://…), printed in the boards' QR codes; empty = the
# address of the request that makes the code (right when staff and the public use the same host).
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "").rstrip("/")
_RATE = r"^[1-9][0-9]*/[1-9]?[0-9]*[smhd]$"


def _env_rate(name, default):
    value = env_str(name, default)
    if not re.match(_RATE, value):
        raise ImproperlyConfigured(f"{name}={value!r} is not a rate such as 5/h or 20/10m")
    return value


PUBLIC_REPORT_RATE_CLIENT = _env_rate("PUBLIC_REPORT_RATE_CLIENT", "5/h")
PUBLIC_REPORT_RATE_SEGMENT = _env_rate("PUBLIC_REPORT_RATE_SEGMENT", "20/h")
PUBLIC_PHOTO_RATE_CLIENT = _env_rate("PUBLIC_PHOTO_RATE_CLIENT", "30/h")
OPEN311_RATE_API_KEY = _env_rate("OPEN311_RATE_API_KEY", "300/h")
PUBLIC_PHOTO_MAX_BYTES = env_int("PUBLIC_PHOTO_MAX_BYTES", 8 * 1024 * 1024, minimum=1024)
PUBLIC_PHOTO_MAX_PIXELS = env_int("PUBLIC_PHOTO_MAX_PIXELS", 40_000_000, minimum=1_000_000)
PUBLIC_REPORT_MAX_PHOTOS = env_int("PUBLIC_REPORT_MAX_PHOTOS", 4, minimum=1)
OPEN311_JURISDICTION_ID = env_str("OPEN311_JURISDICTION_ID", "longwan.wushui")
if PRODUCTION and env_bool("BEHIND_TLS_PROXY", False):
    # The client a rate counts is the one the proxy saw (the last address it appended).
    RATELIMIT_IP_META_KEY = "wushui.security.client_address"

# The cache holds API throttle counts and kept figures: shared through Redis when there is one, per
# process otherwise. The figures' data versions (wushui.figures) are always shared by every process,
# so that a write by the worker or the HJ 212 listener is seen by the web process at once: in Redis,
# or in files under var/ in the embedded default.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env_str("REDIS_URL")}
        if env_str("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    "versions": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env_str("REDIS_URL")}
        if env_str("REDIS_URL")
        else {
            "BACKEND": "wushui.figures.VersionFiles",
            "LOCATION": str(VAR_DIR / "data-versions"),
        }
    ),
}

# Celery: Redis when REDIS_URL is set, else kombu's filesystem transport so that
# `make run` still has a real worker and beat with nothing else installed.
REDIS_URL = env_str("REDIS_URL", "")
CELERY_BROKER_DIR = VAR_DIR / "celery-broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    CELERY_BROKER_URL = "filesystem://"
    # kombu's filesystem transport moves messages between two folders; using the
    # same folder for both makes every process see every message. The folders are
    # made by the Celery app when it is first used (wushui/celery.py), not here.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR),
        "data_folder_out": str(CELERY_BROKER_DIR),
        # The exchange tables: kombu's default is a "control" folder in the working directory.
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Periodic tasks are registered by the apps (wushui.celery.every), not listed here.
CELERY_BEAT_SCHEDULE: dict = {}
# How often beat turns new water-quality alerts into problems (seconds).
ALERT_SWEEP_SECONDS = env_int("ALERT_SWEEP_SECONDS", 300, minimum=10)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "wushui@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
