"""Released tables built by hand for the rendering tests (the shapes `selectors` returns)."""

from __future__ import annotations

from network.observatory.tables import Cell, CellFlag, Granularity, ReleasedTable, Scope

HIDDEN = Cell(None, CellFlag.SUPPRESSED)


def quarterly_table(
    *, release_id: int | None = 41, title: str = "Referrals received, by service category"
) -> ReleasedTable:
    """Two categories over four quarters; one cell, one row total, one column total and the median suppressed."""
    periods = ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    return ReleasedTable(
        table="referrals_received_by_category",
        title=title,
        scope=Scope.NETWORK,
        scope_key="",
        granularity=Granularity.QUARTER,
        periods=periods,
        row_label="Service category",
        rows=[("sexual-health-testing", "Sexual health testing"), ("legal-advice", "Legal advice")],
        columns=[(period, period.replace("2026-", "") + " 2026") for period in periods],
        cells=[[Cell(15), Cell(20), HIDDEN, Cell(1235)], [Cell(10), Cell(25), Cell(30), Cell(40)]],
        row_totals=[HIDDEN, Cell(105)],
        column_totals=[Cell(25), Cell(45), HIDDEN, Cell(1275)],
        total=Cell(1390),
        statistics={"median": Cell(4.5), "q3": HIDDEN},
        release_id=release_id,
        note="Counts under 10 are not shown; the others are rounded to a multiple of 5.",
    )


def shown_cells(table: ReleasedTable) -> dict[tuple[str, str], int | float]:
    """(row label, column label) → value of every cell the table shows."""
    return {
        (row_label, column_label): cell.value
        for (_r, row_label), row in zip(table.rows, table.cells, strict=True)
        for (_c, column_label), cell in zip(table.columns, row, strict=True)
        if not cell.suppressed
    }
