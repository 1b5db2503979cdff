"""Charts and tables of a released table: the same cells in both, suppressed ones in neither as a number."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from django.template.loader import render_to_string
from django.utils import translation

from network.observatory import charts
from network.observatory.presentation import display_table, suppressed_explanation
from tests.observatory.view_tables import quarterly_table, shown_cells

PATH = re.compile(r"M([\d.]+),([\d.]+)h([\d.]+)v([\d.]+)")


def bars(svg: str) -> list[tuple[str, float, float]]:
    """(description, x, height) of every bar the SVG draws: Vega writes each bar as a path with its description."""
    drawn = []
    for path in BeautifulSoup(svg, "html.parser").find_all("path", attrs={"aria-roledescription": "bar"}):
        x, _y, _width, height = PATH.match(path["d"]).groups()
        drawn.append((path["aria-label"], float(x), float(height)))
    return drawn


def page_of(table, *, chart_id="chart-network"):
    figure = {
        "table": table,
        "heading": "The whole network",
        "chart": charts.render_chart(table, chart_id=chart_id),
        "display": display_table(table),
        "downloads": [],
    }
    html = render_to_string(
        "observatory/_figure.html",
        {"figure": figure, "suppressed_explanation": suppressed_explanation(), "forloop": {"counter": 1}},
    )
    return BeautifulSoup(html, "html.parser")


def html_table_cells(soup) -> dict[tuple[str, str], str]:
    table = soup.find("table")
    columns = [th.get_text(strip=True) for th in table.thead.find_all("th")][1:]
    cells = {}
    for tr in table.tbody.find_all("tr"):
        row = tr.th.get_text(strip=True)
        for column, td in zip(columns, tr.find_all("td"), strict=True):
            cells[(row, column)] = td.get_text(" ", strip=True)
    return cells


def test_chart_and_table_show_the_same_cells_one_by_one(in_english):
    # Given a released table with a suppressed cell
    table = quarterly_table()

    # When its figure is rendered
    soup = page_of(table)
    svg = str(soup.find("svg"))
    drawn = {label: height for label, _x, height in bars(svg)}
    printed = html_table_cells(soup)

    # Then every cell the table prints as a figure is one bar saying the same text, and nothing else is drawn
    expected = {
        f"{row} — {column}: {text}"
        for (row, column), text in printed.items()
        if column != "Total" and "[c]" not in text
    }
    assert set(drawn) == expected
    assert len(drawn) == len(shown_cells(table)) == 7
    # And the bars' heights are the released values on one scale
    values = {
        f"{row} — {column}: {text}": shown_cells(table)[(row, column)]
        for (row, column), text in printed.items()
        if f"{row} — {column}: {text}" in drawn
    }
    ratios = {round(drawn[label] / values[label], 6) for label in drawn}
    assert len(ratios) == 1
    # And the suppressed cell is marked in the table and drawn nowhere
    assert printed[("Sexual health testing", "Q3 2026")] == "[c] not shown"
    assert not any(label.startswith("Sexual health testing — Q3 2026") for label in drawn)


def test_a_suppressed_cell_is_never_shown_as_a_number(in_english):
    # Given a table whose suppressed cell, row total and statistic hide values
    table = quarterly_table()

    # When the figure is rendered
    soup = page_of(table)
    text = soup.get_text(" ", strip=True)

    # Then each is the suppressed mark with its explanation, and the summary says how many are hidden
    suppressed = soup.select("td.observatory-cell--suppressed")
    assert len(suppressed) == 3  # one cell, one row total, one column total
    assert "One cell is not shown" in text
    assert "[c]: not shown." in text
    assert soup.find("dl").get_text(" ", strip=True) == "Median (days) 4.5 Third quartile (days) [c] not shown"


def test_chart_is_an_accessible_image_with_a_title_and_a_summary(in_english):
    table = quarterly_table()

    chart = charts.render_chart(table, chart_id="chart-network")
    svg = BeautifulSoup(str(chart.svg), "html.parser").svg

    assert svg["role"] == "img"
    assert svg["aria-labelledby"] == "chart-network-title"
    assert svg["aria-describedby"] == chart.summary_id == "chart-network-summary"
    assert svg.title.get_text() == "Chart: Referrals received, by service category"
    assert "Total: 1,390." in chart.summary
    assert "<script" not in str(chart.svg)


def test_arabic_chart_reads_right_to_left():
    # Given a table of four quarters
    table = quarterly_table(release_id=None)

    # When it is drawn in French and in Arabic
    with translation.override("fr"):
        ltr = bars(str(charts.render_chart(table, chart_id="c").svg))
    with translation.override("ar"):
        rtl = bars(str(charts.render_chart(table, chart_id="c").svg))

    # Then the first quarter's bar is on the left in French and on the right in Arabic
    def x_of(drawn, quarter):
        return min(x for label, x, _h in drawn if f"{quarter} 2026:" in label and label.startswith("Legal advice"))

    assert x_of(ltr, "Q1") < x_of(ltr, "Q4")
    assert x_of(rtl, "Q1") > x_of(rtl, "Q4")


def test_a_release_is_drawn_once_then_read_from_the_cache(in_english, monkeypatch):
    # Given a released table drawn once
    table = quarterly_table(release_id=97)
    charts.render_chart(table, chart_id="first")
    drawn = []
    monkeypatch.setattr(charts, "_render", lambda spec, language: drawn.append(spec) or "<svg></svg>")

    # When the same release is shown again (another chart id on another page)
    again = charts.render_chart(table, chart_id="second")

    # Then vl-convert is not asked again, and the page still gets its own ids
    assert drawn == []
    assert 'id="second"' in str(again.svg)


def test_a_table_with_every_cell_suppressed_has_no_chart(in_english):
    from dataclasses import replace

    from tests.observatory.view_tables import HIDDEN

    table = quarterly_table()
    hidden = replace(table, cells=[[HIDDEN] * 4, [HIDDEN] * 4])

    assert charts.render_chart(hidden, chart_id="c") is None
    assert "No figure of this table can be shown" in page_of(hidden).get_text()


def test_labels_translated_when_read_are_drawn_in_the_request_language():
    from dataclasses import replace

    from django.utils.translation import gettext_lazy

    table = replace(quarterly_table(release_id=None), rows=[("a", gettext_lazy("Yes")), ("b", gettext_lazy("No"))])

    with translation.override("fr"):
        chart = charts.render_chart(table, chart_id="lazy")

    assert chart is not None and "Oui — " in str(chart.svg)


def test_a_rate_is_shown_as_a_percentage_and_a_hidden_one_as_the_mark(in_english):
    from dataclasses import replace

    from network.observatory.tables import Cell
    from tests.observatory.view_tables import HIDDEN

    shown = page_of(replace(quarterly_table(), statistics={"rate": Cell(0.42)}))
    hidden = page_of(replace(quarterly_table(), statistics={"rate": HIDDEN}))

    assert shown.find("dl").get_text(" ", strip=True) == "Share answering yes (%) 42\u00a0%"
    assert hidden.find("dl").get_text(" ", strip=True) == "Share answering yes (%) [c] not shown"
