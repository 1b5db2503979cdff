"""CSV, XLSX and the PDF report carry the cells the page shows, a suppressed one as "[c]", never a number."""

from __future__ import annotations

import csv
import io

from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from network.observatory import exports
from network.observatory.presentation import suppressed_explanation
from tests.observatory.view_tables import quarterly_table

EXPECTED_GRID = [
    ["Service category", "Q1 2026", "Q2 2026", "Q3 2026", "Q4 2026", "Total"],
    ["Sexual health testing", 15, 20, "[c]", 1235, "[c]"],
    ["Legal advice", 10, 25, 30, 40, 105],
    ["Total", 25, 45, "[c]", 1275, 1390],
]


def test_csv_is_the_released_grid_with_suppressed_cells_marked(in_english):
    body = exports.table_csv(quarterly_table()).decode("utf-8-sig")

    rows = list(csv.reader(io.StringIO(body)))

    assert rows == [[str(value) for value in row] for row in EXPECTED_GRID]


def test_xlsx_has_the_same_grid_and_a_notes_sheet_with_the_method(in_english):
    body = exports.table_xlsx(quarterly_table(), scope_label="The whole network")

    workbook = load_workbook(io.BytesIO(body))
    figures, notes = workbook.worksheets
    assert [list(row) for row in figures.iter_rows(values_only=True)] == EXPECTED_GRID
    noted = dict(notes.iter_rows(values_only=True))
    assert noted["Scope"] == "The whole network"
    assert noted["Third quartile (days)"] == "[c]"
    assert noted["[c]"] == suppressed_explanation()
    assert noted["Release"] == "41"


def test_arabic_workbook_reads_right_to_left():
    with translation.override("ar"):
        body = exports.table_xlsx(quarterly_table(), scope_label="x", rtl=True)

    assert all(sheet.sheet_view.rightToLeft for sheet in load_workbook(io.BytesIO(body)).worksheets)


def test_pdf_report_prints_the_tables_and_method_without_a_hidden_value(in_english):
    # Given a released table and the sections of a report
    table = quarterly_table(release_id=1207)

    # When the yearly report is printed
    pdf = exports.report_pdf(
        year=2026,
        tables=[table],
        context={"settings": _Settings(), "suppressed_explanation": suppressed_explanation(), "page_url": "/"},
    )

    # Then it is a PDF whose text has the title, the figures, the marks and the method note
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert pdf.startswith(b"%PDF")
    assert "The network in 2026" in text
    assert "Referrals received, by service category" in text
    assert "1,235" in text and "[c]" in text
    assert "count under 10 is not shown" in " ".join(text.split())


class _Settings:
    threshold = 10
    rounding_base = 5
    dominance_share = 85
