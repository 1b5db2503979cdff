"""Production settings for the load test on 127.0.0.1: plain HTTP and one extra URL (the bare view).

Everything else (DEBUG off, manifest static files, 2FA enforced, PostgreSQL, Redis, Celery) stays as in production.
"""

from network.settings.production import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ROOT_URLCONF = "benchmarks.load.urls"
