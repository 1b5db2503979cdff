"""Test settings: DATABASE_URL / REDIS_URL where set (CI: PostgreSQL and Redis), SQLite otherwise."""

import os
from urllib.parse import urlsplit, urlunsplit


def _redis_url_of_this_worker(url: str, worker: str) -> str:
    """Each pytest-xdist worker gets its own Redis database (gw0 -> base + 1, gw1 -> base + 2, ...).

    The process tests start real Celery workers and the load test a real gunicorn on the configured Redis: two
    test workers sharing one broker queue would run each other's tasks against the wrong test database.
    """
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{base + 1 + int(worker.removeprefix('gw'))}"))


if os.environ.get("PYTEST_XDIST_WORKER", "").startswith("gw") and os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = _redis_url_of_this_worker(os.environ["REDIS_URL"], os.environ["PYTEST_XDIST_WORKER"])

from .base import *  # noqa: E402, F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Slips sent by message are kept in memory (network.referrals.messaging.sent_messages), as mail in mail.outbox.
REFERRAL_SLIP_MESSAGING_BACKEND = "network.referrals.messaging.MemoryMessagingBackend"
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
