"""Thin Celery task for the observatory: the service does the work (ids only, nothing personal travels)."""

from typing import Any

from celery import shared_task

from .services import observatory_build as run_build


@shared_task(acks_late=True, ignore_result=True)
def observatory_build() -> dict[str, Any]:
    return run_build()
