"""The headline promise: a region holding 3 referrals of one category never shows 3, nor lets it be computed from
margins, from other granularities or from the network's and other regions' tables of the same release."""

from __future__ import annotations

import numpy as np
import pytest

from network.observatory import selectors
from network.observatory.models import Release
from network.observatory.services import observatory_build
from network.observatory.tables import Granularity, Scope

from . import world

pytestmark = pytest.mark.django_db

FAMILY = ("referrals_sent_by_category", "referrals_received_by_category")


def _published(year: int) -> dict[tuple, int | None]:
    """Every figure released for the family, keyed (table, scope key, row, period); totals as row/period 'total'."""
    figures: dict[tuple, int | None] = {}
    latest: dict[tuple, Release] = {}
    for release in Release.objects.filter(table__in=FAMILY, year=year).order_by("created_at"):
        latest[(release.table, release.scope_key, release.granularity)] = release
    for release in latest.values():
        cells = release.cells
        for r, row in enumerate(release.rows):
            for p, period in enumerate(release.periods):
                figures[(release.table, release.scope_key, row, period)] = cells["cells"][r][p]
            figures[(release.table, release.scope_key, row, str(year))] = cells["row_totals"][r]
        for p, period in enumerate(release.periods):
            figures[(release.table, release.scope_key, "total", period)] = cells["column_totals"][p]
        figures[(release.table, release.scope_key, "total", str(year))] = cells["total"]
    return figures


def _derivable(figures: dict[tuple, int | None], target: tuple, regions: list[str], year: int) -> bool:
    """An attacker's view, built from the releases only: every additive relation a reader knows (row and column
    totals, months → quarters → year, network = sum of regions, sent = received across the network); is the
    target fixed by the published figures?"""
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    quarters = [f"{year}-Q{q}" for q in range(1, 5)]
    unknown = sorted({key for key, value in figures.items() if value is None}, key=str)
    if target not in unknown:
        return True
    index = {key: i for i, key in enumerate(unknown)}
    equations: list[dict[tuple, int]] = []
    tables = {key[0] for key in figures}
    rows = {key[2] for key in figures if key[2] != "total"}
    periods = [*months, *quarters, str(year)]
    for table in tables:
        for geo in ["", *regions]:
            for period in periods:
                equations.append({(table, geo, "total", period): 1, **{(table, geo, r, period): -1 for r in rows}})
            for row in [*rows, "total"]:
                for q, quarter in enumerate(quarters):
                    eq = {(table, geo, row, quarter): 1}
                    eq.update({(table, geo, row, months[3 * q + i]): -1 for i in range(3)})
                    equations.append(eq)
                eq = {(table, geo, row, str(year)): 1}
                eq.update({(table, geo, row, quarter): -1 for quarter in quarters})
                equations.append(eq)
        for row in [*rows, "total"]:
            for period in periods:
                eq = {(table, "", row, period): 1}
                eq.update({(table, geo, row, period): -1 for geo in regions})
                equations.append(eq)
    for row in [*rows, "total"]:
        for period in periods:
            equations.append({(FAMILY[0], "", row, period): 1, (FAMILY[1], "", row, period): -1})
    matrix = np.zeros((len(equations), len(unknown)))
    for e, eq in enumerate(equations):
        for key, coefficient in eq.items():
            if key in index:
                matrix[e, index[key]] = coefficient
    rank = np.linalg.matrix_rank(matrix)
    unit = np.zeros(len(unknown))
    unit[index[target]] = 1
    return np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank


def test_three_referrals_of_one_category_in_a_region_are_neither_shown_nor_computable():
    # given a region (East) whose one organisation sent 3 legal-advice referrals, in March
    seeded = world.network_with_a_small_region()
    # when the build releases every table
    observatory_build()
    # then no East table shows them at any granularity…
    for granularity in Granularity:
        table = selectors.released_table("referrals_sent_by_category", Scope.REGION, "east", granularity, world.YEAR)
        assert table is not None
        legal = [code for code, _label in table.rows].index("legal-advice")
        march = {Granularity.MONTH: 2, Granularity.QUARTER: 0, Granularity.YEAR: 0}[granularity]
        assert table.cells[legal][march].value is None, granularity
        assert table.row_totals[legal].value is None
        # months when nobody in the network sent any referral show 0, as the network's table does
        assert all(cell.value in (None, 0) for cell in table.cells[legal])
        assert 3 not in [cell.value for row in table.cells for cell in row]
    # …no released figure anywhere is 3 (shown figures are rounded to 5 and at least the threshold)…
    for release in Release.objects.all():
        shown = [v for row in release.cells["cells"] for v in row if v is not None]
        shown += [*release.cells["row_totals"], *release.cells["column_totals"], release.cells["total"]]
        assert all(v is None or (v % 5 == 0 and (v == 0 or v >= 10)) for v in shown), release
    # …and no combination of released figures (margins, months/quarters/year, network − other regions, sent vs
    # received) gives the East legal-advice figure, for any period.
    figures = _published(world.YEAR)
    regions = ["north", "south", "east"]
    for period in [f"{world.YEAR}-03", f"{world.YEAR}-Q1", str(world.YEAR)]:
        assert not _derivable(figures, ("referrals_sent_by_category", "east", "legal-advice", period), regions, 2025)
    # while the big regions' figures are shown (the control is not simply "suppress everything")
    network = selectors.released_table("referrals_sent_by_category", Scope.NETWORK, "", Granularity.YEAR, world.YEAR)
    assert network is not None and network.total.value is not None and network.total.value >= 10
    # (hiding every East figure costs the matching figures of one other region: network = the three regions)
    shown = 0
    for region in ("north", "south"):
        table = selectors.released_table(
            "referrals_sent_by_category", Scope.REGION, region, Granularity.QUARTER, world.YEAR
        )
        assert table is not None
        busy = [cell for row in table.cells for cell in row[:2]]  # the two quarters with referrals
        shown += sum(cell.value is not None and cell.value >= 10 for cell in busy)
    assert shown >= 4
    assert len(seeded["small"]) == 3
