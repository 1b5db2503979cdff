"""Thin Celery tasks for referrals: the services do the work."""

from celery import shared_task

from .services import referrals_housekeeping as run_housekeeping


@shared_task(acks_late=True, ignore_result=True)
def referrals_housekeeping() -> dict[str, int]:
    return run_housekeeping()
