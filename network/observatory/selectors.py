"""The observatory's public reads: what screens, exports, charts, the PDF and the API may show.

Network and region figures come only from the stored releases (disclosure-controlled by the build, see
`disclosure.py`); an organisation's own figures are read exact from the aggregates. Who may call which of these is
the access policy's decision (`rules.py`), not these functions'.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import get_language

from . import labels
from .catalogue import TABLES, TableSpec, table_spec
from .models import ObservatoryCount, ObservatoryRegion, ObservatorySettings, Release
from .periods import period_of_month, periods_of_year, year_bounds
from .statistics import duration_statistics, row_codes_of_measure
from .tables import Cell, CellFlag, Granularity, ReleasedTable, Scope


@dataclass(frozen=True)
class Region:
    code: str
    label: str


def table_catalogue() -> list[TableSpec]:
    """Every table the observatory offers, in display order: key, lazy translated title and row label, row
    dimension, the scopes (network, region) and granularities (month, quarter, year) it is released at, the
    statistics given beside it, and whether an organisation's own members get it exact (`own_organisation`)."""
    return list(TABLES)


def regions() -> list[Region]:
    """The network's configured region list (code, label in the active language), in its order: the only regions
    figures are given for. Organisations whose region matches none count in the network's figures only."""
    language = get_language() or settings.LANGUAGE_CODE
    return [
        Region(code=r.code, label=r.label_in(language))
        for r in ObservatoryRegion.objects.order_by("sort_order", "code")
    ]


def available_years() -> list[int]:
    """Years with at least one released table, most recent first."""
    return sorted(set(Release.objects.values_list("year", flat=True).distinct()), reverse=True)


def released_table(
    table: str, scope: Scope, scope_key: str, granularity: Granularity, year: int
) -> ReleasedTable | None:
    """The latest release of one table: disclosure-controlled (suppressed cells have `value=None` and
    `CellFlag.SUPPRESSED`, the others are rounded to the configured base), columns = the periods of `year` at
    `granularity`, row and column totals and the total controlled like the cells, statistics (median, quartiles,
    rate) only where the group is at least the threshold. `scope_key` is "" for the network, a region's code for
    a region. None when nothing was released for that combination (unknown table, region or year, or
    `Scope.ORGANISATION`, which is never released: see `own_organisation_table`)."""
    spec = table_spec(table)
    if spec is None or scope == Scope.ORGANISATION or scope not in spec.scopes:
        return None
    release = (
        Release.objects.filter(
            table=table,
            scope=scope.value,
            scope_key=scope_key if scope == Scope.REGION else "",
            granularity=granularity.value,
            year=year,
        )
        .order_by("-created_at")
        .first()
    )
    if release is None:
        return None
    return _released(spec, release)


def own_organisation_table(
    organisation_id: uuid.UUID | str, table: str, granularity: Granularity, year: int
) -> ReleasedTable | None:
    """One organisation's own figures for a table, exact (`CellFlag.EXACT`, not rounded, nothing suppressed,
    `release_id=None`), computed from the aggregates: for its own members only (the access policy decides).
    Statistics are exact too. None for a table not offered to organisations (see `TableSpec.own_organisation`)."""
    spec = table_spec(table)
    if spec is None or not spec.own_organisation:
        return None
    first, last = year_bounds(year)
    counts = ObservatoryCount.objects.filter(
        measure=table, organisation_id=organisation_id, month__gte=first, month__lte=last
    ).values_list("month", "dimension", "value")
    periods = periods_of_year(year, granularity)
    by_row: dict[str, dict[str, int]] = {}
    for month, dimension, value in counts:
        row = labels.row_of_dimension(spec.row_source, dimension)
        column = by_row.setdefault(row, {})
        period = period_of_month(month, granularity)
        column[period] = column.get(period, 0) + value
    codes = row_codes_of_measure(spec, present=set(by_row))
    values = [[by_row.get(code, {}).get(period, 0) for period in periods] for code in codes]
    statistics: dict[str, Cell] = {}
    if spec.statistics:
        days = ObservatoryCount.objects.filter(
            measure=table, organisation_id=organisation_id, month__gte=first, month__lte=last
        ).values_list("dimension", "value")
        for key, number in duration_statistics(spec, days).items():
            statistics[key] = Cell(number, CellFlag.EXACT)
    exact = CellFlag.EXACT
    return ReleasedTable(
        table=spec.key,
        title=str(spec.title),
        scope=Scope.ORGANISATION,
        scope_key=str(organisation_id),
        granularity=granularity,
        periods=periods,
        row_label=str(spec.row_label),
        rows=labels.row_labels(spec.row_source, codes),
        columns=labels.period_labels(periods),
        cells=[[Cell(v, exact) for v in row] for row in values],
        row_totals=[Cell(sum(row), exact) for row in values],
        column_totals=[Cell(sum(row[i] for row in values), exact) for i in range(len(periods))],
        total=Cell(sum(sum(row) for row in values), exact),
        statistics=statistics,
        release_id=None,
        note=str(labels.own_figures_note()),
    )


def release_log(*, table: str | None = None, year: int | None = None) -> QuerySet[Release]:
    """Every release, newest first, with its run: for network administrators (what was released, with which
    parameters, which cells were suppressed and why: `Release.suppressed`)."""
    releases = Release.objects.select_related("run").order_by("-created_at", "table", "scope", "scope_key")
    if table:
        releases = releases.filter(table=table)
    if year:
        releases = releases.filter(year=year)
    return releases


def observatory_settings() -> ObservatorySettings:
    """The disclosure-control parameters (threshold, rounding base, dominance share)."""
    return ObservatorySettings.load()


def _released(spec: TableSpec, release: Release) -> ReleasedTable:
    stored = release.cells

    def cell(value: int | float | None) -> Cell:
        return Cell(None, CellFlag.SUPPRESSED) if value is None else Cell(value, CellFlag.SHOWN)

    return ReleasedTable(
        table=spec.key,
        title=str(spec.title),
        scope=Scope(release.scope),
        scope_key=release.scope_key,
        granularity=Granularity(release.granularity),
        periods=list(release.periods),
        row_label=str(spec.row_label),
        rows=labels.row_labels(spec.row_source, list(release.rows)),
        columns=labels.period_labels(list(release.periods)),
        cells=[[cell(v) for v in row] for row in stored["cells"]],
        row_totals=[cell(v) for v in stored["row_totals"]],
        column_totals=[cell(v) for v in stored["column_totals"]],
        total=cell(stored["total"]),
        statistics={key: cell(v) for key, v in stored.get("statistics", {}).items()},
        release_id=release.pk,
        note=str(labels.released_note(release.parameters, overlapping=spec.overlapping_rows)),
    )
