"""Charts of released tables, drawn on the server as SVG (Vega-Lite through Altair, rendered by vl-convert).

The chart is built from the same cells as the HTML table beside it (`presentation.cell_text`): one bar per shown
cell, labelled with the text the table prints; a suppressed cell is not drawn at all (there is no bar whose height
could give its value away). The SVG goes inline in the page with role="img", a <title> and a description, so it
reads without any script; in a right-to-left language the periods run from right to left, as the table does.

Rendering costs ~0.15 s (over a second for the first one of a process), so the SVG of a released table is cached
per release id and language; an organisation's own figures (no release) per digest of what is drawn.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _

from .presentation import cell_text, shown_value, text_summary
from .tables import ReleasedTable

CACHE_SECONDS = 24 * 60 * 60  # a release never changes; a day bounds what a changed label costs
CHART_VERSION = 1  # bump when the drawing changes, so cached charts are drawn anew
# Number formats of the axes per language (Arabic keeps the table's digits: the default).
FORMAT_LOCALES = {"fr": "fr-FR", "en": "en-US", "es": "es-ES", "ru": "ru-RU", "zh-hans": "zh-CN"}
BAR_COLOURS = ["#1f5f8b", "#c4572f", "#2e7d4f", "#7b4b94", "#8a6d1c", "#3b6e75", "#a3385f", "#4d5b70"]


def description_of(row_label: str, column_label: str, text: str) -> str:
    """What a bar says to assistive technology and to the test comparing chart and table."""
    return f"{row_label} — {column_label}: {text}"


def chart_data(table: ReleasedTable) -> list[dict[str, Any]]:
    """One datum per shown cell (a suppressed cell gives none)."""
    data = []
    for row_index, ((_row, row_label), cells) in enumerate(zip(table.rows, table.cells, strict=True)):
        for column_index, ((_column, column_label), cell) in enumerate(zip(table.columns, cells, strict=True)):
            value = shown_value(cell)
            if value is None:
                continue
            data.append(
                {
                    "row": str(row_label),
                    "row_order": row_index,
                    "column": str(column_label),
                    "column_order": column_index,
                    "value": value,
                    "description": description_of(row_label, column_label, cell_text(cell)),
                }
            )
    return data


def chart_spec(table: ReleasedTable, *, rtl: bool) -> dict[str, Any]:
    import altair as alt

    data = chart_data(table)
    row_labels = [str(label) for _code, label in table.rows]  # labels may come lazy (translated when read)
    column_labels = [str(label) for _code, label in table.columns]
    several_rows = len(row_labels) > 1
    # Right to left: the first period on the right, the value axis on the right, the legend on the left.
    column_sort = list(reversed(column_labels)) if rtl else column_labels
    encoding: dict[str, Any] = {
        "x": alt.X("column:N", title=None, sort=column_sort, axis=alt.Axis(labelAngle=0, labelLimit=120)),
        "y": alt.Y(
            "value:Q",
            title=str(table.title) if not several_rows else None,
            axis=alt.Axis(orient="right" if rtl else "left"),
        ),
        "description": alt.Description("description:N"),
        "color": alt.Color(
            "row:N",
            title=str(table.row_label) or None,
            sort=row_labels,
            scale=alt.Scale(domain=row_labels, range=BAR_COLOURS),
            legend=alt.Legend(orient="bottom", direction="vertical", columns=2) if several_rows else None,
        ),
    }
    if several_rows:
        encoding["xOffset"] = alt.XOffset("row:N", sort=list(reversed(row_labels)) if rtl else row_labels)
    width = max(240, min(720, 36 * max(1, len(column_labels)) * (1 + len(row_labels) // 3)))
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_bar()
        .encode(**encoding)
        .properties(width=width, height=220, background="transparent")
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=12, titleFontSize=12)
        .configure_legend(labelFontSize=12, titleFontSize=12, labelLimit=240)
    )
    spec: dict[str, Any] = chart.to_dict()
    return spec


def _render(spec: dict[str, Any], language: str) -> str:
    import vl_convert

    locale = FORMAT_LOCALES.get(language)
    return str(vl_convert.vegalite_to_svg(spec, format_locale=locale) if locale else vl_convert.vegalite_to_svg(spec))


def _cache_key(table: ReleasedTable, spec: dict[str, Any], language: str, rtl: bool) -> str:
    if table.release_id is not None:
        return f"observatory:chart:v{CHART_VERSION}:release:{table.release_id}:{table.table}:{language}:{int(rtl)}"
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()
    return f"observatory:chart:v{CHART_VERSION}:own:{digest}:{language}"


def raw_svg(table: ReleasedTable) -> str:
    """The SVG as vl-convert draws it, from the cache when this release was drawn before in this language."""
    language = get_language() or "fr"
    rtl = get_language_bidi()
    spec = chart_spec(table, rtl=rtl)
    key = _cache_key(table, spec, language, rtl)
    svg = cache.get(key)
    if svg is None:
        svg = _render(spec, language)
        cache.set(key, svg, CACHE_SECONDS)
    return svg


@dataclass(frozen=True)
class Chart:
    svg: SafeString  # inline, accessible
    summary: str
    summary_id: str
    drawn_cells: int  # bars drawn (shown cells)


_SVG_START = re.compile(r"<svg\b([^>]*)>")
_DROPPED = re.compile(r'\s(width|height|class)="[^"]*"')


def accessible_svg(svg: str, *, chart_id: str, title: str, summary_id: str) -> str:
    """The SVG made an image with a name and a description: role="img", <title> and aria-describedby pointing at
    the text summary printed under it; its size follows its container (the viewBox keeps the proportions)."""
    match = _SVG_START.search(svg)
    if match is None:
        raise ValueError("not an SVG document")
    attributes = _DROPPED.sub("", match.group(1))
    opening = (
        f'<svg{attributes} id="{chart_id}" role="img" aria-labelledby="{chart_id}-title" '
        f'aria-describedby="{summary_id}" focusable="false" class="observatory-chart__svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
    )
    return svg[: match.start()] + opening + svg[match.end() :]


def render_chart(table: ReleasedTable, *, chart_id: str) -> Chart | None:
    """The accessible chart of `table`, or None when no cell can be drawn (every one suppressed, or none)."""
    data = chart_data(table)
    if not data:
        return None
    summary_id = f"{chart_id}-summary"
    title = _("Chart: %(title)s") % {"title": table.title}
    svg = accessible_svg(raw_svg(table), chart_id=chart_id, title=title, summary_id=summary_id)
    return Chart(svg=mark_safe(svg), summary=text_summary(table), summary_id=summary_id, drawn_cells=len(data))  # noqa: S308  (vl-convert escapes every text it writes; our attributes are escaped above)  # nosec B308 B703
