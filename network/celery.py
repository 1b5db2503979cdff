"""The Celery application. Settings come from Django's (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "network.settings.production")

app = Celery("network")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="network.ping", ignore_result=False)
def ping() -> str:
    return "pong"
