"""Thin Celery tasks for the observatory: the service does the work (ids only, nothing personal travels)."""

from typing import Any

from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from .services import observatory_build as run_build


@shared_task(acks_late=True, ignore_result=True)
def observatory_build() -> dict[str, Any]:
    return run_build()


@shared_task(acks_late=True, ignore_result=True)
def observatory_prepare_reports() -> int:
    """Draw each year's PDF report in every language in the worker (beat, after the builds): a report already
    drawn for the same releases is a cache hit, so only what a build changed is drawn again, and a visitor does
    not wait for WeasyPrint."""
    from . import exports, selectors

    drawn = 0
    for year in selectors.available_years():
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                page_url = settings.PUBLIC_BASE_URL + reverse("observatory:index")
                exports.yearly_report(year, page_url=page_url)
            drawn += 1
    return drawn
