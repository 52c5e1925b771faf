"""Base settings, read from the environment.

Every value has an embedded default that runs the demo with no services at all:
no DATABASE_URL → a SQLite file under var/; no REDIS_URL → Celery tasks run inline.
Production overrides live in `production.py`, test overrides in `test.py`.
"""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
# The fallback key is only good for the local demo; production.py refuses to start without one.
SECRET_KEY = env.str("SECRET_KEY", default="insecure-demo-key-do-not-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "core.apps.QingmiaoAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "treebeard",
    "simple_history",
    "import_export",
    "core",
    "cadres",
    "mentoring",
    "training",
    "scoring",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "core.context_processors.roles",
                "core.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'qingmiao.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    VAR_DIR.mkdir(exist_ok=True)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # The standings statement is cheap but its estimated cost crosses PostgreSQL's JIT
    # threshold at ~20,000 cadres, where compiling would cost more than running it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# SQLite (the demo) ignores the ledger index's included column; PostgreSQL uses it.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
# The session's user comes with its unread notification count (the navbar bell).
AUTHENTICATION_BACKENDS = ["core.auth_backends.ModelBackendWithUnread"]
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Photos on a cadre profile (干部照片).
QINGMIAO_PHOTO_MAX_BYTES = env.int("QINGMIAO_PHOTO_MAX_BYTES", default=2 * 1024 * 1024)
QINGMIAO_PAGE_SIZE = 50
# A posting's monthly report (挂职月报) is overdue this many days after its month ends.
QINGMIAO_MONTHLY_REPORT_GRACE_DAYS = env.int("QINGMIAO_MONTHLY_REPORT_GRACE_DAYS", default=5)
# Required talks (谈心谈话) per level: a `core.cadence` frequency, the days of grace after a
# period ends before it is overdue, and optionally the unit kinds of the cadres it applies to.
# A level missing here (导师) has no cadence: talks at any time. Periods are calendar ones,
# counted back at most QINGMIAO_TALK_LOOKBACK_DAYS days from today.
QINGMIAO_TALK_CADENCES = {
    "org": {"frequency": "half_year", "grace_days": 0},
    "town": {"frequency": "quarter", "grace_days": 0},
    "village": {"frequency": "week", "grace_days": 0, "unit_kinds": ["village", "community"]},
}
QINGMIAO_TALK_LOOKBACK_DAYS = env.int("QINGMIAO_TALK_LOOKBACK_DAYS", default=365)
# Mentor duties "四个一" per pairing: a `core.cadence` frequency and the days of grace after a
# period ends before it is overdue. Periods are calendar ones from the pairing's start through
# its end; a duty missing here is not required.
QINGMIAO_MENTOR_DUTIES = {
    "article": {"frequency": "month", "grace_days": 7},
    "research": {"frequency": "quarter", "grace_days": 15},
    "special_guidance": {"frequency": "half_year", "grace_days": 15},
    "seminar": {"frequency": "year", "grace_days": 31},
}
# Self-reports by every serving cadre: thought reports (思想汇报) yearly, monthly summaries
# (月小结) monthly; calendar periods counted back at most QINGMIAO_TALK_LOOKBACK_DAYS days and
# not before the cadre was entered. A kind missing here is not required.
QINGMIAO_SELF_REPORTS = {
    "thought": {"frequency": "year", "grace_days": 31},
    "monthly": {"frequency": "month", "grace_days": 5},
}

# Structure targets (domain.md): of the middle-level cadres (中层干部), at least 20 % aged 35
# or under, and of those at least 1/3 aged 30 or under (ages in full years, as the age bands
# count them). A serving cadre counts as middle-level when they are not a village/community
# cadre and their position (职务) contains one of these words (中层正职/副职, 主任/副主任 of an
# office, 站长, 所长, 科长, 局长 …); the rank (职级) is left aside, as town offices fill it
# inconsistently.
QINGMIAO_MIDDLE_LEVEL_POSITION_WORDS = ["中层", "主任", "站长", "所长", "科长", "局长", "队长"]
QINGMIAO_STRUCTURE_UNDER_35_SHARE = "1/5"
QINGMIAO_STRUCTURE_UNDER_30_SHARE = "1/3"
# Width of the bands of the points distribution on the dashboard (a quarter's totals).
QINGMIAO_DASHBOARD_POINTS_BAND = 10

# Mail (optional): with EMAIL_HOST set, notifications are also mailed; links in mails start
# with QINGMIAO_SITE_URL (e.g. https://qingmiao.example.gov.cn).
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="qingmiao@localhost")
QINGMIAO_SITE_URL = env.str("QINGMIAO_SITE_URL", default="")
# Reminders (coming due) go out this many days before a deadline.
QINGMIAO_REMINDER_DAYS_BEFORE = env.int("QINGMIAO_REMINDER_DAYS_BEFORE", default=3)

REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 3600}
CELERY_BEAT_SCHEDULE: dict = {
    "import-jobs-expire": {"task": "core.tasks.import_jobs_expire_task", "schedule": 3600},
    "periods-close-due": {
        "task": "scoring.tasks.periods_close_due_task",
        "schedule": crontab(hour=1, minute=0),
    },
    "reminders-run": {
        "task": "core.tasks.reminders_run_task",
        "schedule": crontab(hour=7, minute=0),
    },
    # The overall quarterly report (季度报告) of the quarter just ended.
    "quarterly-report": {
        "task": "reports.tasks_quarterly.quarterly_report_beat_task",
        "schedule": crontab(minute=0, hour=2, day_of_month="1", month_of_year="1,4,7,10"),
    },
}

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.ScopedModelPermissions"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PageNumberPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"auth_token": env.str("TOKEN_THROTTLE_RATE", default="10/min")},
}

SPECTACULAR_SETTINGS = {
    "TITLE": "青苗 Qingmiao API",
    "DESCRIPTION": "Young-cadre training programme management (年轻干部培养).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CadreCategoryEnum": "cadres.choices.CadreCategory",
        "NotificationLevelEnum": "core.models.Notification.Level",
        "UnitKindEnum": "cadres.choices.UnitKind",
        "RuleCategoryEnum": "scoring.choices.RuleCategory",
        "EntryKindEnum": "scoring.choices.EntryKind",
        "RoundKindEnum": "scoring.choices.RoundKind",
        "RoundStatusEnum": "scoring.choices.RoundStatus",
        "FundSourceEnum": "training.choices.FundSource",
        "ResearchFieldEnum": "training.choices.ResearchField",
        "MemberRoleEnum": "training.choices.MemberRole",
        "ForumFormatEnum": "training.choices.ForumFormat",
        "WritingKindEnum": "training.choices.WritingKind",
        "AdoptionLevelEnum": "training.choices.AdoptionLevel",
        "ReviewStatusEnum": "training.choices.Review",
        "CollectiveKindEnum": "training.choices.CollectiveKind",
        "AssessmentEnum": "training.choices.Assessment",
        "TalkLevelEnum": "mentoring.choices.TalkLevel",
        "PairingRoleEnum": "mentoring.choices.PairingRole",
        "PairingStatusEnum": "mentoring.choices.PairingStatus",
        "MentorTypeEnum": "mentoring.choices.MentorType",
        "DutyKindEnum": "mentoring.models.duties.DutyKind",
        "PeriodStatusEnum": "core.cadence.PeriodStatus",
        "GrowthKindEnum": "core.growth.GrowthKind",
        "JobStatusEnum": "reports.models.JobStatus",
    },
}

IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
# Between the admin's preview and confirm steps the file waits in the cache (Redis in
# production), so any web process can pick it up.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every rendering step at INFO and every unsupported CSS property at
    # WARNING ("weasyprint" / "weasyprint.progress"): keep its errors only.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}

# Excel imports (花名册导入): limits, and the size above which they run as a Celery task.
QINGMIAO_IMPORT_MAX_BYTES = env.int("QINGMIAO_IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
QINGMIAO_IMPORT_MAX_ROWS = env.int("QINGMIAO_IMPORT_MAX_ROWS", default=50_000)
QINGMIAO_IMPORT_INLINE_ROWS = env.int("QINGMIAO_IMPORT_INLINE_ROWS", default=2_000)

# Batch exports of growth records (成长档案批量导出): hours a ZIP is kept for download.
QINGMIAO_EXPORT_TTL_HOURS = env.int("QINGMIAO_EXPORT_TTL_HOURS", default=72)
# Workers rendering many PDFs: recycle a child past ~400 MB (WeasyPrint's memory; library notes).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=400_000)
