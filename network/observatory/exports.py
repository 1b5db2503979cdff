"""Exports of released tables: CSV, XLSX and the yearly PDF report, from the same cells as the screens.

Each export writes what the page shows, cell by cell: a suppressed cell is the mark "[c]", never a number, and the
margins are the released (controlled) totals, never sums computed here. The PDF report is an HTML page of the
year's network tables printed by WeasyPrint; it is cached per year, language and set of releases.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .charts import render_chart
from .presentation import (
    SUPPRESSED_MARK,
    display_table,
    shown_value,
    statistic_label,
    statistic_text,
    suppressed_explanation,
)
from .tables import Cell, ReleasedTable

REPORT_CACHE_SECONDS = 24 * 60 * 60
# WeasyPrint's font subsetting logs every table of every font at INFO: hundreds of lines per report.
logging.getLogger("fontTools").setLevel(logging.WARNING)
REPORT_VERSION = 1


def _machine_value(cell: Cell) -> int | float | str:
    value = shown_value(cell)
    return SUPPRESSED_MARK if value is None else value


def table_grid(table: ReleasedTable) -> list[list[Any]]:
    """The table as rows of values: a header, one row per row of the table with its total, the totals row."""
    with_row_totals = len(table.row_totals) == len(table.rows)
    header: list[Any] = [table.row_label, *(label for _code, label in table.columns)]
    if with_row_totals:
        header.append(_("Total"))
    grid: list[list[Any]] = [header]
    for index, (_code, label) in enumerate(table.rows):
        line: list[Any] = [label, *(_machine_value(cell) for cell in table.cells[index])]
        if with_row_totals:
            line.append(_machine_value(table.row_totals[index]))
        grid.append(line)
    if table.column_totals:
        totals: list[Any] = [_("Total"), *(_machine_value(cell) for cell in table.column_totals)]
        if with_row_totals:
            totals.append(_machine_value(table.total))
        grid.append(totals)
    return grid


def notes_of(table: ReleasedTable, *, scope_label: str) -> list[tuple[str, str]]:
    """What goes with the figures: what they are, where from, how they were controlled."""
    notes = [
        (_("Table"), table.title),
        (_("Scope"), scope_label),
        (_("Periods"), ", ".join(label for _code, label in table.columns)),
    ]
    for name, cell in table.statistics.items():
        notes.append((statistic_label(name), statistic_text(name, cell)))
    if table.note:
        notes.append((_("Method"), table.note))
    notes.append((SUPPRESSED_MARK, suppressed_explanation()))
    if table.release_id is not None:
        # Translators: a publication of disclosure-controlled figures (noun).
        notes.append((_("Release"), str(table.release_id)))
    return notes


def table_csv(table: ReleasedTable) -> bytes:
    """The grid as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read accents and Arabic right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in table_grid(table):
        writer.writerow(line)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def table_xlsx(table: ReleasedTable, *, scope_label: str, rtl: bool = False) -> bytes:
    """A workbook: the figures on the first sheet, what they mean and how they were controlled on the second."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    figures = workbook.active
    figures.title = _("Figures")[:31]
    figures.sheet_view.rightToLeft = rtl
    for line in table_grid(table):
        figures.append(line)
    for cell in figures[1]:
        cell.font = Font(bold=True)
    figures.column_dimensions["A"].width = max(12, min(60, max(len(str(row[0])) for row in table_grid(table)) + 2))
    notes = workbook.create_sheet(_("Notes")[:31])
    notes.sheet_view.rightToLeft = rtl
    for label, text in notes_of(table, scope_label=scope_label):
        notes.append([label, text])
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_pdf(*, year: int, tables: Iterable[ReleasedTable], context: dict[str, Any]) -> bytes:
    """The yearly report as PDF, drawn by WeasyPrint from `observatory/report.html` (each table with its chart,
    its data and its note), cached per year, language and releases shown: a new release makes a new report, and
    a cached one costs no drawing at all."""
    tables = list(tables)
    releases = ",".join(f"{table.table}:{table.release_id}" for table in tables)
    digest = hashlib.sha256(releases.encode()).hexdigest()[:16]
    key = f"observatory:report:v{REPORT_VERSION}:{year}:{get_language()}:{digest}"
    pdf = cache.get(key)
    if pdf is None:
        import weasyprint

        sections = [
            {
                "table": table,
                "chart": render_chart(table, chart_id=f"report-chart-{index}"),
                "display": display_table(table),
            }
            for index, table in enumerate(tables)
        ]
        html = render_to_string("observatory/report.html", {**context, "year": year, "sections": sections})
        pdf = weasyprint.HTML(string=html).write_pdf()
        cache.set(key, pdf, REPORT_CACHE_SECONDS)
    return bytes(pdf)


def yearly_report(year: int, *, page_url: str) -> bytes:
    """The network's yearly report in the active language: every network table of the year per quarter, as
    released. Drawn once per set of releases (`observatory_prepare_reports` draws it after each build, so a visitor
    does not wait the ~20 s WeasyPrint takes)."""
    from . import selectors
    from .choices import tables_for
    from .tables import Granularity, Scope

    released = (
        selectors.released_table(spec.key, Scope.NETWORK, "", Granularity.QUARTER, year)
        for spec in tables_for(Scope.NETWORK)
    )
    return report_pdf(
        year=year,
        tables=[table for table in released if table is not None],
        context={
            "settings": selectors.observatory_settings(),
            "suppressed_explanation": suppressed_explanation(),
            "page_url": page_url,
        },
    )
