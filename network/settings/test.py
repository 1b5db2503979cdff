"""Test settings: DATABASE_URL / REDIS_URL where set (CI: PostgreSQL and Redis), SQLite otherwise."""

import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSERELLE_REQUIRE_TWO_FACTOR = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = os.environ.get("TEST_MEDIA_ROOT", "/tmp/passerelle-test-media")  # noqa: S108
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "10000/minute", "user": "10000/minute"}}  # noqa: F405
AXES_FAILURE_LIMIT = 5
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
FIELD_ENCRYPTION_KEYS = ["dGVzdC1vbmx5LWtleS1mb3ItcGFzc2VyZWxsZS10ZXM="]
WAGTAILLOCALIZE_MACHINE_TRANSLATOR = None  # tests choose their own backend
ERASURE_LEDGER_PATH = ""  # tests that need the ledger set their own
BACKUP_ENCRYPTION_KEYS: list[str] = []
