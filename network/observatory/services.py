"""The observatory's writes: the scheduled build (count, then release under disclosure control) and its settings.

The build runs in the Celery worker (see tasks.py), never in a request: counting is set-based SQL, the release
step's linear-algebra audit (numpy) stays out of the web process.
"""

from __future__ import annotations

import time
import uuid
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from network.accounts.models import User
from network.orgs import policy
from network.pagecache.generations import OBSERVATORY, public_pages_changed

from .aggregates import count_everything
from .disclosure import Parameters
from .models import FrozenMonth, ObservatoryCount, ObservatorySettings
from .regions import region_of_organisations
from .releases import release_all


def observatory_aggregate(*, now: datetime | None = None) -> dict[str, int]:
    """Recount every measure into `ObservatoryCount`. Months not yet frozen are replaced by the new counts; a
    frozen month (one that ended before this month) only ever goes up, row by row: erasure, retention purges and
    deletions at the source never lower published history. Months that have ended are frozen afterwards."""
    now = now or timezone.now()
    this_month = timezone.localdate(now).replace(day=1)
    # Figures of months to come (an opportunity planned next year) wait for their month.
    counts = {key: value for key, value in count_everything().items() if key[1] <= this_month}
    region_of = region_of_organisations()
    with transaction.atomic():
        ObservatorySettings.load()
        ObservatorySettings.objects.select_for_update().get(pk=1)  # one build at a time
        frozen = set(FrozenMonth.objects.values_list("month", flat=True))
        kept = {
            (measure, month, organisation, dimension): (pk, value)
            for pk, measure, month, organisation, dimension, value in ObservatoryCount.objects.filter(
                month__in=frozen
            ).values_list("pk", "measure", "month", "organisation_id", "dimension", "value")
        }
        raised: list[int] = []
        rows: list[tuple[str, date, uuid.UUID | None, str, str, int]] = []
        for key, value in counts.items():
            measure, month, organisation, dimension = key
            if month in frozen:
                previous = kept.get(key)
                if previous is not None:
                    if previous[1] >= value:
                        continue
                    raised.append(previous[0])
            region = region_of.get(organisation, "") if organisation is not None else ""
            rows.append((measure, month, organisation, region, dimension, value))
        if raised:
            # A frozen row keeps the region it was counted under.
            regions = dict(ObservatoryCount.objects.filter(pk__in=raised).values_list("pk", "region"))
            by_key = {key: regions[pk] for key, (pk, _value) in kept.items() if pk in regions}
            rows = [(m, month, o, by_key.get((m, month, o, d), region), d, v) for m, month, o, region, d, v in rows]
        replaced, _detail = ObservatoryCount.objects.exclude(month__in=frozen).delete()
        ObservatoryCount.objects.filter(pk__in=raised).delete()
        _insert(rows)
        ended = {key[1] for key in counts if key[1] < this_month} - frozen
        FrozenMonth.objects.bulk_create([FrozenMonth(month=month) for month in sorted(ended)], ignore_conflicts=True)
    return {"written": len(rows), "replaced": replaced, "raised_frozen": len(raised), "frozen": len(ended)}


def _insert(rows: list[tuple[str, date, uuid.UUID | None, str, str, int]]) -> None:
    """Write the counts: PostgreSQL's COPY (a hundred thousand rows in a second or two), bulk inserts elsewhere."""
    if connection.vendor == "postgresql":
        table = ObservatoryCount._meta.db_table
        with connection.cursor() as cursor:
            copy_sql = f"COPY {table} (measure, month, organisation_id, region, dimension, value) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
        return
    fields = ("measure", "month", "organisation_id", "region", "dimension", "value")
    ObservatoryCount.objects.bulk_create(
        [ObservatoryCount(**dict(zip(fields, row, strict=True))) for row in rows], batch_size=2000
    )


def observatory_release(*, now: datetime | None = None) -> dict[str, Any]:
    """Control and store every table (see releases.py) with the current settings."""
    settings = ObservatorySettings.load()
    params = Parameters(
        threshold=settings.threshold,
        rounding_base=settings.rounding_base,
        dominance_share=settings.dominance_share,
    )
    run = release_all(params=params, now=now)
    if run.tables_released:
        public_pages_changed(OBSERVATORY)  # the public observatory pages and exports show the new release at once
    return {"run": str(run.pk), "tables_released": run.tables_released, "cells_suppressed": run.cells_suppressed}


def observatory_build(*, now: datetime | None = None) -> dict[str, Any]:
    """The scheduled pass: count, then release. Idempotent: running it twice releases nothing new."""
    started = time.monotonic()
    counted = observatory_aggregate(now=now)
    counting = time.monotonic() - started
    released = observatory_release(now=now)
    return {
        **counted,
        **released,
        "count_seconds": round(counting, 3),
        "seconds": round(time.monotonic() - started, 3),
    }


def observatory_settings_update(
    *, acting_user: User, threshold: int, rounding_base: int, dominance_share: int
) -> ObservatorySettings:
    """Change the disclosure-control parameters (network administrators). Refuses a threshold under 5 with a
    ValidationError naming the floor; takes effect at the next release."""
    # Network administrators only (the rule obs-views registers as `manage_observatory_settings` says the same).
    if not policy.is_network_admin(acting_user):
        raise PermissionDenied
    with transaction.atomic():
        ObservatorySettings.load()
        settings = ObservatorySettings.objects.select_for_update().get(pk=1)
        settings.threshold = threshold
        settings.rounding_base = rounding_base
        settings.dominance_share = dominance_share
        settings.full_clean()
        settings.save()
    return settings
