"""How a released table is written out for people: one text per cell, shared by the HTML table, the chart, the
text summary and the exports, so that none of them can show a figure the others do not.

A suppressed cell is never a number: it is the marker "[c]" (the Government Statistical Service's convention for
a confidential cell) with an explanation beside the table.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .tables import Cell, CellFlag, ReleasedTable

SUPPRESSED_MARK = "[c]"


def suppressed_explanation() -> str:
    return _(
        "[c]: not shown. Too few cases to publish without risk of identifying someone, one organisation making up "
        "most of the figure, or a figure that would let another hidden one be worked out."
    )


def cell_text(cell: Cell) -> str:
    """The figure as written in the request's language (the mark for a suppressed cell)."""
    if cell.suppressed or cell.value is None:
        return SUPPRESSED_MARK
    value = cell.value
    if isinstance(value, float) and not value.is_integer():
        return formats.number_format(value, decimal_pos=1, use_l10n=True, force_grouping=True)
    return formats.number_format(int(value), decimal_pos=0, use_l10n=True, force_grouping=True)


def shown_value(cell: Cell) -> int | float | None:
    """The number a machine-readable output may carry: None for a suppressed cell (never its hidden value)."""
    if cell.suppressed or cell.value is None:
        return None
    return cell.value


@dataclass(frozen=True)
class DisplayCell:
    text: str
    suppressed: bool
    exact: bool

    @classmethod
    def of(cls, cell: Cell) -> DisplayCell:
        return cls(
            text=cell_text(cell), suppressed=cell.suppressed or cell.value is None, exact=cell.flag == CellFlag.EXACT
        )


@dataclass(frozen=True)
class DisplayRow:
    code: str
    label: str
    cells: list[DisplayCell]
    total: DisplayCell | None


@dataclass(frozen=True)
class DisplayTable:
    """A released table ready for a template: rows of display cells, margins, statistics."""

    table: ReleasedTable
    columns: list[tuple[str, str]]
    rows: list[DisplayRow]
    column_totals: list[DisplayCell]
    total: DisplayCell | None
    statistics: list[tuple[str, DisplayCell]]

    @property
    def has_suppressed(self) -> bool:
        cells = [cell for row in self.rows for cell in [*row.cells, *([row.total] if row.total else [])]]
        cells += [*self.column_totals, *([self.total] if self.total else []), *(cell for _n, cell in self.statistics)]
        return any(cell.suppressed for cell in cells)


def statistic_label(name: str) -> str:
    labels = {
        "median": _("Median (days)"),
        "q1": _("First quartile (days)"),
        "q3": _("Third quartile (days)"),
        "rate": _("Share answering yes (%)"),
    }
    return labels.get(name, name.replace("_", " "))


def statistic_text(name: str, cell: Cell) -> str:
    """A statistic as written: a rate (a share from 0 to 1) as a percentage, the others as days."""
    value = shown_value(cell)
    if name == "rate" and value is not None:
        return formats.number_format(round(value * 100), decimal_pos=0, use_l10n=True) + "\u00a0%"
    return cell_text(cell)


def statistic_cell(name: str, cell: Cell) -> DisplayCell:
    return DisplayCell(
        text=statistic_text(name, cell), suppressed=shown_value(cell) is None, exact=cell.flag == CellFlag.EXACT
    )


def display_table(table: ReleasedTable) -> DisplayTable:
    with_row_totals = len(table.row_totals) == len(table.rows)
    rows = [
        DisplayRow(
            code=code,
            label=label,
            cells=[DisplayCell.of(cell) for cell in table.cells[index]],
            total=DisplayCell.of(table.row_totals[index]) if with_row_totals else None,
        )
        for index, (code, label) in enumerate(table.rows)
    ]
    column_totals = [DisplayCell.of(cell) for cell in table.column_totals] if table.column_totals else []
    return DisplayTable(
        table=table,
        columns=list(table.columns),
        rows=rows,
        column_totals=column_totals,
        total=DisplayCell.of(table.total) if table.total is not None else None,
        statistics=[(statistic_label(name), statistic_cell(name, cell)) for name, cell in table.statistics.items()],
    )


def text_summary(table: ReleasedTable) -> str:
    """A sentence or two saying what the chart shows, from shown figures only (never a suppressed one)."""
    shown = [
        (row_label, column_label, cell)
        for (_code, row_label), row in zip(table.rows, table.cells, strict=True)
        for (_column, column_label), cell in zip(table.columns, row, strict=True)
        if shown_value(cell) is not None
    ]
    suppressed = sum(1 for row in table.cells for cell in row if shown_value(cell) is None)
    parts = []
    if shown_value(table.total) is not None:
        parts.append(_("Total: %(total)s.") % {"total": cell_text(table.total)})
    if shown and not any(cell.value for _row, _column, cell in shown):
        parts.append(_("Every figure shown is zero."))
    elif shown:
        row_label, column_label, cell = max(shown, key=lambda item: item[2].value or 0)
        parts.append(
            _("Highest figure: %(row)s, %(column)s (%(value)s).")
            % {"row": row_label, "column": column_label, "value": cell_text(cell)}
        )
    else:
        parts.append(_("No figure of this table can be shown."))
    if suppressed:
        parts.append(
            ngettext(
                "One cell is not shown (too few cases to publish safely).",
                "%(count)s cells are not shown (too few cases to publish safely).",
                suppressed,
            )
            % {"count": suppressed}
        )
    return " ".join(parts)
