"""Periodic work of the library (Celery beat)."""

from celery import shared_task

from network.resources import services


@shared_task(ignore_result=True)
def resource_views_flush() -> int:
    """Move the resource views counted in Redis into the daily counters (exactly once; see the service)."""
    return services.resource_views_flush()
