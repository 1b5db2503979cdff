"""The headline promise, seen from the outputs: a region holding 3 referrals of one category never shows 3 on any
page, chart, export, API answer or report, nor in a margin; only the organisation's own members see its 3."""

from __future__ import annotations

import csv
import io
import re

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from pypdf import PdfReader

from network.observatory.services import observatory_build
from network.orgs.models import Role
from tests import factories

from . import world

pytestmark = pytest.mark.django_db

TABLE = "referrals_sent_by_category"
YEAR = world.YEAR


def figures_on_page(html: bytes) -> list[str]:
    """Every figure a page prints: table cells and margins, statistics, chart bars, numbers of the summaries."""
    main = BeautifulSoup(html, "html.parser").find("main")
    texts = [td.get_text(" ", strip=True) for td in main.select("table td")]
    texts += [dd.get_text(" ", strip=True) for dd in main.select("dl.observatory-statistics dd")]
    texts += [path["aria-label"].rsplit(": ", 1)[1] for path in main.select('path[aria-roledescription="bar"]')]
    for summary in main.select("figcaption"):
        texts += re.findall(r"\d[\d,.]*", re.sub(r"Q[1-4] \d{4}|\b\d{4}-\d{2}\b|\b\d{4}\b", "", summary.get_text()))
    return texts


def charts_agree_with_tables(html: bytes) -> bool:
    """Each figure's chart draws exactly the cells its table prints as numbers, with the same text."""
    main = BeautifulSoup(html, "html.parser").find("main")
    for section in main.select("section.observatory-figure"):
        table = section.find("table")
        columns = [th.get_text(strip=True) for th in table.thead.find_all("th")][1:]
        printed = {
            f"{tr.th.get_text(strip=True)} — {column}: {td.get_text(' ', strip=True)}"
            for tr in table.tbody.find_all("tr")
            for column, td in zip(columns, tr.find_all("td"), strict=False)
            if column != "Total" and "[c]" not in td.get_text()
        }
        drawn = {path["aria-label"] for path in section.select('path[aria-roledescription="bar"]')}
        if printed != drawn:
            return False
    return True


@pytest.fixture
def built():
    seeded = world.network_with_a_small_region()
    observatory_build()
    return seeded


def test_no_page_chart_export_api_answer_or_report_shows_the_three_but_to_its_own_organisation(
    client, signed_in, built, in_english
):
    # Given East's one organisation sent 3 legal-advice referrals in March, and the build released every table
    east_member = factories.member(built["east"], Role.VOLUNTEER)
    outputs: dict[str, list[str]] = {}

    # When a visitor reads the network (per year and quarter), pages and exports and the API and the report
    for granularity in ("year", "quarter"):
        query = f"?table={TABLE}&year={YEAR}&granularity={granularity}"
        page = client.get(f"/en/observatory/{query}")
        assert page.status_code == 200 and charts_agree_with_tables(page.content)
        outputs[f"network page {granularity}"] = figures_on_page(page.content)
        outputs[f"network csv {granularity}"] = _csv(client.get(f"/en/observatory/export/csv/{query}"))
        outputs[f"network xlsx {granularity}"] = _xlsx(client.get(f"/en/observatory/export/xlsx/{query}"))
        outputs[f"network api {granularity}"] = _api(client.get(f"/api/v1/observatory/tables/{TABLE}/{query}"))
    outputs["report"] = _pdf(client.get(f"/en/observatory/report/{YEAR}/"))

    # And a member of East reads East per month, quarter and year
    member = signed_in(east_member)
    for granularity in ("month", "quarter", "year"):
        query = f"?table={TABLE}&year={YEAR}&granularity={granularity}"
        page = member.get(f"/en/observatory/regions/east/{query}")
        assert page.status_code == 200 and charts_agree_with_tables(page.content)
        assert "[c]" in page.content.decode()  # the cell is there, marked, not a number
        outputs[f"east page {granularity}"] = figures_on_page(page.content)
        outputs[f"east csv {granularity}"] = _csv(member.get(f"/en/observatory/regions/east/export/csv/{query}"))
        outputs[f"east xlsx {granularity}"] = _xlsx(member.get(f"/en/observatory/regions/east/export/xlsx/{query}"))
        outputs[f"east api {granularity}"] = _api(
            member.get(f"/api/v1/observatory/tables/{TABLE}/?region=east&year={YEAR}&granularity={granularity}")
        )

    # Then not one of them shows 3, as a cell, a margin, a bar or in a summary
    showing_three = {name: figures for name, figures in outputs.items() if "3" in figures}
    assert not showing_three
    assert all(outputs.values())  # each output did print figures (the check is not vacuous)

    # While East's organisation's own staff see their own 3, exact (theirs, shown to them only)
    client = signed_in(factories.member(built["east"], Role.STAFF))
    response = client.get(
        f"/en/observatory/organisations/{built['east'].pk}/?table={TABLE}&year={YEAR}&granularity=quarter"
    )
    own = BeautifulSoup(response.content, "html.parser").select("section.observatory-figure")[0]
    legal = next(tr for tr in own.find("tbody").find_all("tr") if tr.th.get_text(strip=True).startswith("Legal"))
    assert [td.get_text(strip=True) for td in legal.find_all("td")] == ["3", "0", "0", "0", "3"]
    assert charts_agree_with_tables(response.content)


def _csv(response) -> list[str]:
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return [value for row in rows[1:] for value in row[1:]]


def _xlsx(response) -> list[str]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [str(value) for row in list(sheet.iter_rows(values_only=True))[1:] for value in row[1:]]


def _api(response) -> list[str]:
    assert response.status_code == 200
    body = response.json()
    cells = [cell for row in body["rows"] for cell in [*row["cells"], row["total"]]]
    cells += [*body["column_totals"], body["total"], *body["statistics"].values()]
    return [str(cell["value"]) for cell in cells if cell is not None]


def _pdf(response) -> list[str]:
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    # Leave out the page numbers in the footer and the rows named by numbers ("2 to 3 days")
    text = re.sub(r"\b\d+ / \d+\b|\b\d+ to \d+ days\b|\b\d+ days or more\b", " ", text)
    return re.findall(r"(?<![\w-])\d[\d,.]*(?![\w-])", text)
