"""Releases written as the release step stores them, for the screen tests that need one without a full build."""

from __future__ import annotations

from typing import Any

from network.observatory.models import ObservatoryRegion, Release, ReleaseRun
from network.observatory.periods import periods_of_year
from network.observatory.tables import Granularity

PARAMETERS = {"threshold": 10, "rounding_base": 5, "dominance_share": 85}


def make_region(code: str = "test-region", label: str = "Test region", *organisations: Any) -> ObservatoryRegion:
    """A configured region, with these organisations placed in it (their region field names it)."""
    region, _created = ObservatoryRegion.objects.get_or_create(code=code, defaults={"label": label})
    for organisation in organisations:
        type(organisation).objects.filter(pk=organisation.pk).update(region=label)
    return region


def make_release(
    *,
    table: str = "referrals_sent_by_category",
    scope: str = "network",
    scope_key: str = "",
    granularity: Granularity = Granularity.YEAR,
    year: int = 2026,
    rows: tuple[str, ...] = ("legal-advice", "sexual-health-testing"),
    value: int = 15,
    hidden_row: int | None = 1,
) -> Release:
    """A release of `table`: every cell `value`, the first period of `hidden_row` suppressed with its row total
    and that period's column total (secondary suppression), as the release step would store them."""
    periods = periods_of_year(year, granularity)
    cells: list[list[int | None]] = [[value] * len(periods) for _row in rows]
    row_totals: list[int | None] = [value * len(periods) for _row in rows]
    column_totals: list[int | None] = [value * len(rows) for _period in periods]
    suppressed = []
    if hidden_row is not None:
        cells[hidden_row][0] = None
        row_totals[hidden_row] = None
        column_totals[0] = None
        suppressed = [
            {"cell": f"{rows[hidden_row]}:{periods[0]}", "reason": "threshold"},
            {"cell": f"{rows[hidden_row]}:total", "reason": "secondary"},
            {"cell": f"total:{periods[0]}", "reason": "secondary"},
        ]
    run = ReleaseRun.objects.create(parameters=PARAMETERS, tables_released=1, cells_suppressed=len(suppressed))
    return Release.objects.create(
        run=run,
        table=table,
        scope=scope,
        scope_key=scope_key,
        granularity=granularity.value,
        year=year,
        periods=periods,
        rows=list(rows),
        cells={
            "cells": cells,
            "row_totals": row_totals,
            "column_totals": column_totals,
            "total": value * len(rows) * len(periods),
            "statistics": {},
        },
        suppressed=suppressed,
        parameters=PARAMETERS,
        digest=f"{table}:{scope}:{scope_key}:{granularity}:{year}",
    )
