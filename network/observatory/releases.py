"""The release step: from the aggregates to stored, disclosure-controlled tables (run by the build task).

Tables that share figures are controlled together, as one family, year by year: every table of the family, for
the network and each configured region, by month, quarter and year, with their margins. Within a family the same
figure appearing in two tables (the total of referrals sent, by category and by urgency; network referrals sent
and received by category) is one variable, so it is shown or suppressed alike everywhere, and the relations
between tables (answered referrals = accepted + declined) are equations of the audit (see `disclosure.py`).
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from . import disclosure, labels
from .catalogue import TABLES_BY_KEY, RowSource, Side, TableSpec
from .disclosure import Parameters, Problem
from .models import ObservatoryCount, Release, ReleaseRun
from .periods import periods_of_year
from .regions import organisation_geographies, service_providers
from .statistics import QUANTILES, histogram, quantile, row_codes_of_measure
from .tables import Granularity, Scope

FAMILIES: tuple[tuple[str, ...], ...] = (
    (
        "referrals_sent_by_category",
        "referrals_received_by_category",
        "referrals_sent_by_urgency",
        "referrals_received_by_urgency",
        "interpreter_needed",
        "accompaniment",
    ),
    ("referral_answers", "time_to_first_answer", "referral_outcomes", "time_to_outcome"),
    ("consent_endings",),
    ("library_views_by_language", "library_views_by_kind"),
    ("library_downloads_by_language", "library_downloads_by_kind"),
    ("library_views_by_theme",),
    ("library_downloads_by_theme",),
    ("key_messages_proposed_by_theme",),
    ("key_messages_adopted_by_theme",),
    ("endorsements_by_theme",),
    ("advocacy_opportunities_by_level",),
)
# Tables whose totals are the same figure (per region, month…): one variable.
SHARED_TOTALS = {
    "referrals_sent_by_category": "referrals_sent",
    "referrals_sent_by_urgency": "referrals_sent",
    "accompaniment": "referrals_sent",
    "referrals_received_by_category": "referrals_received",
    "referrals_received_by_urgency": "referrals_received",
    "interpreter_needed": "referrals_received",
    "library_views_by_language": "library_views",
    "library_views_by_kind": "library_views",
    "library_downloads_by_language": "library_downloads",
    "library_downloads_by_kind": "library_downloads",
}
# Across the whole network a referral is both sent and received: these totals and rows are the same figures.
NETWORK_SAME = {"referrals_sent": "referrals", "referrals_received": "referrals"}
NETWORK_SAME_ROWS = {
    "referrals_received_by_category": "referrals_sent_by_category",
    "referrals_received_by_urgency": "referrals_sent_by_urgency",
}
DECLINED_ANSWERS = ("declined:no_capacity", "declined:not_eligible", "declined:out_of_area", "declined:other")
COMPLETED_OUTCOMES = ("service_provided", "did_not_come", "could_not_contact", "no_longer_needed")
# Relations between tables of a family: (table, row) total = sum of (table, rows).
LINKS: tuple[tuple[tuple[str, str], tuple[tuple[str, str], ...]], ...] = (
    (("time_to_first_answer", "TOTAL"), tuple(("referral_answers", r) for r in ("accepted", *DECLINED_ANSWERS))),
    (("time_to_outcome", "TOTAL"), tuple(("referral_outcomes", r) for r in COMPLETED_OUTCOMES)),
    (("referral_outcomes", "declined"), tuple(("referral_answers", r) for r in DECLINED_ANSWERS)),
)

TOTAL = "TOTAL"
NETWORK = ""  # the network's geography key
NO_REGION = None  # organisations matching no configured region (never released on their own)
MONTHS, QUARTERS, YEAR = range(12), range(12, 16), 16
TIMES = 17


def time_start(year: int, index: int) -> date:
    if index < 12:
        return date(year, index + 1, 1)
    if index < 16:
        return date(year, 3 * (index - 12) + 1, 1)
    return date(year, 1, 1)


def time_index(granularity: Granularity, position: int) -> int:
    return {Granularity.MONTH: position, Granularity.QUARTER: 12 + position, Granularity.YEAR: YEAR}[granularity]


@dataclass
class TableCube:
    """One table for one year: true values and per-contributor values by geography × row × time."""

    spec: TableSpec
    rows: list[str]  # codes, then TOTAL
    geographies: list[str | None]  # region codes, then NO_REGION, then NETWORK
    values: np.ndarray  # geographies × rows × TIMES
    largest: np.ndarray  # the largest organisation's contribution, same shape
    eligible: np.ndarray  # geographies × rows: organisations that could contribute
    days: dict[str | None, list[tuple[str, int]]]  # duration tables: (day, count) per geography, whole year


def build_cube(
    spec: TableSpec,
    year: int,
    counts: list[tuple[date, uuid.UUID | None, str, str, int]],
    region_codes: list[str],
    geography_of: dict[uuid.UUID, str | None],
    providers: dict[str, set[uuid.UUID]],
) -> TableCube:
    region_list = region_codes if Scope.REGION in spec.scopes else []
    geographies: list[str | None] = [*region_list, NO_REGION, NETWORK]
    geo_index = {geo: i for i, geo in enumerate(geographies)}
    present = {labels.row_of_dimension(spec.row_source, dimension) for _m, _o, _r, dimension, _v in counts}
    codes = row_codes_of_measure(spec, present=present)
    rows = [*codes, TOTAL]
    row_index = {code: i for i, code in enumerate(codes)}
    # Contributions per (organisation, geography): the organisation's region as it was when counted.
    contributors: dict[tuple[uuid.UUID | None, str | None], np.ndarray] = {}
    days: dict[str | None, list[tuple[str, int]]] = defaultdict(list)
    for month, organisation, region, dimension, value in counts:
        geo = region if region in geo_index and region != NETWORK else NO_REGION
        array = contributors.setdefault((organisation, geo), np.zeros((len(rows), TIMES), dtype=np.int64))
        array[row_index[labels.row_of_dimension(spec.row_source, dimension)], month.month - 1] += value
        if spec.row_source == RowSource.DAY_BUCKET:
            days[geo].append((dimension, value))
            days[NETWORK].append((dimension, value))
    for array in contributors.values():
        _fill_margins(array)
    shape = (len(geographies), len(rows), TIMES)
    values = np.zeros(shape, dtype=np.int64)
    largest = np.zeros(shape, dtype=np.int64)
    by_organisation: dict[uuid.UUID, np.ndarray] = {}
    for (organisation, geo), array in contributors.items():
        values[geo_index[geo]] += array
        values[geo_index[NETWORK]] += array
        if organisation is not None:
            largest[geo_index[geo]] = np.maximum(largest[geo_index[geo]], array)
            by_organisation[organisation] = by_organisation.get(organisation, 0) + array
    for array in by_organisation.values():
        largest[geo_index[NETWORK]] = np.maximum(largest[geo_index[NETWORK]], array)
    eligible = _eligible(spec, geographies, codes, contributors, geography_of, providers)
    return TableCube(spec, rows, geographies, values, largest, eligible, days)


def _fill_margins(array: np.ndarray) -> None:
    """Rows × times with months filled: add the total row, the quarters and the year (from true values)."""
    array[-1, :12] = array[:-1, :12].sum(axis=0)
    for quarter in range(4):
        array[:, 12 + quarter] = array[:, 3 * quarter : 3 * quarter + 3].sum(axis=1)
    array[:, YEAR] = array[:, :12].sum(axis=1)


def _eligible(
    spec: TableSpec,
    geographies: list[str | None],
    codes: list[str],
    contributors: dict[tuple[uuid.UUID | None, str | None], np.ndarray],
    geography_of: dict[uuid.UUID, str | None],
    providers: dict[str, set[uuid.UUID]],
) -> np.ndarray:
    """How many organisations could have contributed to each geography × row (a zero is revealing when one)."""
    eligible = np.zeros((len(geographies), len(codes) + 1), dtype=np.int64)
    if spec.side == Side.NONE:
        eligible[:] = 1_000_000  # counts of the network's own calendar, not of any organisation
        return eligible
    by_row: list[dict[str | None, set[uuid.UUID]]] = [defaultdict(set) for _code in codes]
    for i, code in enumerate(codes):
        if spec.row_source == RowSource.SERVICE_CATEGORY and spec.side == Side.RECEIVER:
            candidates = providers.get(code, set())
        else:
            candidates = set(geography_of)
        for organisation in candidates:
            by_row[i][geography_of.get(organisation, NO_REGION)].add(organisation)
        for (organisation, geo), array in contributors.items():
            if organisation is not None and array[i, YEAR]:
                by_row[i][geo].add(organisation)
    for g, geo in enumerate(geographies):
        total: set[uuid.UUID] = set()
        for i in range(len(codes)):
            members = set().union(*by_row[i].values()) if geo == NETWORK else by_row[i].get(geo, set())
            eligible[g, i] = len(members)
            total |= members
        eligible[g, -1] = len(total)
    return eligible


class FamilyProblem:
    """The linked cells of one family for one year, and the audit's equations over them."""

    def __init__(self, cubes: list[TableCube], params: Parameters, today: date, year: int) -> None:
        self.cubes = cubes
        self.params = params
        self.problem = Problem()
        self.keys: dict[tuple[str, str | None, str, int], int] = {}
        self.primary: dict[int, str] = {}
        # (table, geography, row, time) → variable
        self.cell: dict[tuple[str, str | None, str, int], int] = {}
        future = [time_start(year, t) > today for t in range(TIMES)]
        for cube in cubes:
            self._add_cube(cube, future)
        for cube in cubes:
            self._add_equations(cube)
        self._add_links()

    def _key(self, cube: TableCube, geo: str | None, row: str) -> tuple[str, str | None, str]:
        table = cube.spec.key
        if row == TOTAL and table in SHARED_TOTALS:
            table = SHARED_TOTALS[table]
            if geo == NETWORK:
                table = NETWORK_SAME.get(table, table)
        elif geo == NETWORK and table in NETWORK_SAME_ROWS:
            table = NETWORK_SAME_ROWS[table]
        return table, geo, row

    def _add_cube(self, cube: TableCube, future: list[bool]) -> None:
        published = [g for g, geo in enumerate(cube.geographies) if geo is not NO_REGION]
        for g in published:
            geo = cube.geographies[g]
            for r, row in enumerate(cube.rows):
                for t in range(TIMES):
                    value = int(cube.values[g, r, t])
                    shared = (*self._key(cube, geo, row), t)
                    variable = self.keys.get(shared)
                    if variable is not None and self.problem.values[variable] != value:
                        # The same figure in principle but not in fact (an edge of the data): keep it apart.
                        own = (cube.spec.key, geo, row, t)
                        variable = self.keys.get(own)
                        if variable is None:
                            variable = self.keys[own] = self.problem.add_cell(value)
                    elif variable is None:
                        variable = self.keys[shared] = self.problem.add_cell(value)
                    self.cell[(cube.spec.key, geo, row, t)] = variable
                    if future[t] or cube.values[-1, r, t] == 0:
                        # Nothing yet, or nobody in the network: every part is zero and everybody knows it.
                        self.problem.fixed_known.add(variable)
                        continue
                    reason = disclosure.primary_reason(
                        value,
                        int(cube.largest[g, r, t]),
                        int(cube.eligible[g, r]),
                        self.params,
                        network_value=int(cube.values[-1, r, t]),
                    )
                    if reason and variable not in self.primary:
                        self.primary[variable] = reason
                        self.problem.protect.append(({variable: 1}, reason))
        self._protect_no_region(cube, future)

    def _protect_no_region(self, cube: TableCube, future: list[bool]) -> None:
        """The organisations with no configured region are never shown on their own, but network − regions gives
        their figures: protect that difference where it is disclosive, or state it is zero where there are none."""
        if len(cube.geographies) <= 2:  # network only: nothing to subtract
            return
        g_none = cube.geographies.index(NO_REGION)
        regions = [geo for geo in cube.geographies if geo not in (NO_REGION, NETWORK)]
        nobody = not cube.values[g_none].any() and not cube.eligible[g_none].any()
        for r, row in enumerate(cube.rows):
            for t in range(TIMES):
                difference = {self.cell[(cube.spec.key, NETWORK, row, t)]: 1}
                for geo in regions:
                    variable = self.cell[(cube.spec.key, geo, row, t)]
                    difference[variable] = difference.get(variable, 0) - 1
                difference = {v: c for v, c in difference.items() if c and v not in self.problem.fixed_known}
                if nobody:
                    if len(difference) > 1:
                        self.problem.equations.append(difference)  # network = sum of the regions
                    continue
                if future[t] or cube.values[-1, r, t] == 0:
                    continue
                reason = disclosure.primary_reason(
                    int(cube.values[g_none, r, t]),
                    int(cube.largest[g_none, r, t]),
                    int(cube.eligible[g_none, r]),
                    self.params,
                    network_value=int(cube.values[-1, r, t]),
                )
                if reason:
                    self.problem.protect.append((difference, reason))

    def _add_equations(self, cube: TableCube) -> None:
        table = cube.spec.key
        for geo in cube.geographies:
            if geo is NO_REGION:
                continue
            parts = cube.rows[:-1]
            for t in range(TIMES):
                self._equation((table, geo, TOTAL, t), [(table, geo, row, t) for row in parts])
            for row in cube.rows:
                for quarter in range(4):
                    months = [(table, geo, row, m) for m in range(3 * quarter, 3 * quarter + 3)]
                    self._equation((table, geo, row, 12 + quarter), months)
                self._equation((table, geo, row, YEAR), [(table, geo, row, 12 + q) for q in range(4)])

    def _add_links(self) -> None:
        tables = {cube.spec.key: cube for cube in self.cubes}
        for (table, row), parts in LINKS:
            if table not in tables or any(part_table not in tables for part_table, _row in parts):
                continue
            for geo in tables[table].geographies:
                if geo is NO_REGION:
                    continue
                for t in range(TIMES):
                    terms = [(part_table, geo, part_row, t) for part_table, part_row in parts]
                    if all(term in self.cell for term in terms) and (table, geo, row, t) in self.cell:
                        self._equation((table, geo, row, t), terms)

    def _equation(self, total: tuple[str, str | None, str, int], parts: Iterable[tuple[str, str | None, str, int]]):
        equation: dict[int, int] = {self.cell[total]: 1}
        for part in parts:
            variable = self.cell[part]
            equation[variable] = equation.get(variable, 0) - 1
        known = self.problem.fixed_known
        equation = {variable: c for variable, c in equation.items() if c and variable not in known}
        if len(equation) > 1:
            self.problem.equations.append(equation)

    def solve(self) -> dict[int, str]:
        return disclosure.suppress(self.problem, self.primary)


def release_all(*, params: Parameters, now: Any = None) -> ReleaseRun:
    """Control and store every table of the catalogue, for the network and each region, per month, quarter and
    year, for every year with figures. A table is logged again only when what it shows changed."""
    started = time.monotonic()
    now = now or timezone.now()
    today = timezone.localdate(now)
    region_codes, geography_of = organisation_geographies()
    providers = service_providers()
    measures = [key for family in FAMILIES for key in family]
    stored = ObservatoryCount.objects.filter(measure__in=measures).values_list(
        "measure", "month", "organisation_id", "region", "dimension", "value"
    )
    by_table_year: dict[tuple[str, int], list[tuple[date, uuid.UUID | None, str, str, int]]] = defaultdict(list)
    for measure, month, organisation, region, dimension, value in stored.iterator(chunk_size=5000):
        by_table_year[(measure, month.year)].append((month, organisation, region, dimension, value))
    years = sorted({year for _measure, year in by_table_year})
    releases: list[Release] = []
    suppressed_total = 0
    with transaction.atomic():
        run = ReleaseRun.objects.create(parameters=params.as_dict())
        latest = _latest_digests()
        for family in FAMILIES:
            for year in years:
                specs = [TABLES_BY_KEY[key] for key in family]
                cubes = [
                    build_cube(
                        spec, year, by_table_year.get((spec.key, year), []), region_codes, geography_of, providers
                    )
                    for spec in specs
                ]
                linked = FamilyProblem(cubes, params, today, year)
                suppressed = linked.solve()
                for cube in cubes:
                    for release in _releases_of(cube, linked, suppressed, params, year, run):
                        suppressed_total += len(release.suppressed)
                        key = (release.table, release.scope, release.scope_key, release.granularity, release.year)
                        if latest.get(key) != release.digest:
                            releases.append(release)
        Release.objects.bulk_create(releases, batch_size=500)
        run.tables_released = len(releases)
        run.cells_suppressed = suppressed_total
        run.seconds = round(time.monotonic() - started, 3)
        run.save(update_fields=["tables_released", "cells_suppressed", "seconds"])
    return run


def _latest_digests() -> dict[tuple[str, str, str, str, int], str]:
    latest: dict[tuple[str, str, str, str, int], str] = {}
    for key in Release.objects.order_by("created_at", "pk").values_list(
        "table", "scope", "scope_key", "granularity", "year", "digest"
    ):
        latest[tuple(key[:5])] = key[5]  # type: ignore[index]
    return latest


def _releases_of(
    cube: TableCube,
    linked: FamilyProblem,
    suppressed: dict[int, str],
    params: Parameters,
    year: int,
    run: ReleaseRun,
) -> Iterable[Release]:
    spec = cube.spec
    table = spec.key
    for geo in cube.geographies:
        if geo is NO_REGION:
            continue
        scope = Scope.NETWORK if geo == NETWORK else Scope.REGION

        def shown(row: str, t: int, geo: str | None = geo) -> int | None:
            variable = linked.cell[(table, geo, row, t)]
            if variable in suppressed:
                return None
            return disclosure.rounded(linked.problem.values[variable], params.rounding_base)

        def why(row: str, t: int, geo: str | None = geo) -> str:
            return suppressed.get(linked.cell[(table, geo, row, t)], "")

        statistics, statistic_reasons = _statistics(cube, geo, shown, suppressed, linked, params)
        for granularity in spec.granularities:
            periods = periods_of_year(year, granularity)
            times = [time_index(granularity, i) for i in range(len(periods))]
            codes = cube.rows[:-1]
            content = {
                "cells": [[shown(row, t) for t in times] for row in codes],
                "row_totals": [shown(row, YEAR) for row in codes],
                "column_totals": [shown(TOTAL, t) for t in times],
                "total": shown(TOTAL, YEAR),
                "statistics": statistics,
            }
            reasons = [
                {"cell": f"{row if row != TOTAL else 'total'}:{period}", "reason": why(row, t)}
                for row in cube.rows
                for period, t in zip(periods, times, strict=True)
                if why(row, t)
            ]
            reasons += [
                {"cell": f"{row if row != TOTAL else 'total'}:total", "reason": why(row, YEAR)}
                for row in cube.rows
                if why(row, YEAR)
            ]
            reasons += [{"cell": f"statistic:{key}", "reason": reason} for key, reason in statistic_reasons.items()]
            digest_source = json.dumps(
                {"periods": periods, "rows": codes, "content": content, "params": params.as_dict()}, sort_keys=True
            )
            yield Release(
                run=run,
                table=table,
                scope=scope.value,
                scope_key="" if geo == NETWORK else str(geo),
                granularity=granularity.value,
                year=year,
                periods=periods,
                rows=codes,
                cells=content,
                suppressed=reasons,
                parameters=params.as_dict(),
                digest=hashlib.sha256(digest_source.encode()).hexdigest(),
            )


def _statistics(
    cube: TableCube,
    geo: str | None,
    shown: Any,
    suppressed: dict[int, str],
    linked: FamilyProblem,
    params: Parameters,
) -> tuple[dict[str, float | None], dict[str, str]]:
    """Median and quartiles (from the true histogram) or a rate (from the shown figures), for the whole year,
    only where the group counts at least the threshold and its total is shown."""
    spec = cube.spec
    values: dict[str, float | None] = {}
    reasons: dict[str, str] = {}
    g = cube.geographies.index(geo)
    group = int(cube.values[g, -1, YEAR])
    group_shown = shown(TOTAL, YEAR) is not None and group >= params.threshold
    for key in spec.statistics:
        value: float | None = None
        if group_shown and key in QUANTILES:
            value = quantile(histogram(cube.days.get(geo, [])), QUANTILES[key])
        elif group_shown and key == "rate":
            yes, total = shown("yes", YEAR), shown(TOTAL, YEAR)
            value = round(yes / total, 3) if yes is not None and total else None
        if value is None:
            reasons[key] = disclosure.GROUP_UNDER_THRESHOLD if group < params.threshold else disclosure.SECONDARY
        values[key] = value
    return values, reasons
