"""Row codes and their translated labels, period labels, and the notes that go with a table.

Labels are resolved when a table is read (in the request's language); releases store codes only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import formats, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .catalogue import RowSource

# Days are counted exactly and shown in these buckets: (code, first day, last day or None).
DAY_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-1", 0, 1),
    ("2-3", 2, 3),
    ("4-7", 4, 7),
    ("8-14", 8, 14),
    ("15-30", 15, 30),
    ("31+", 31, None),
)
MAX_DAYS = 366  # longer durations are counted as this many days

ANSWER_ROWS: tuple[tuple[str, str | Promise], ...] = (
    ("accepted", _("Accepted")),
    ("redirected", _("Redirected to another service")),
    ("declined:no_capacity", _("Declined: no capacity")),
    ("declined:not_eligible", _("Declined: not eligible")),
    ("declined:out_of_area", _("Declined: out of area")),
    ("declined:other", _("Declined: other reason")),
)
OUTCOME_ROWS: tuple[tuple[str, str | Promise], ...] = (
    ("service_provided", _("Service provided")),
    ("did_not_come", _("The person did not come")),
    ("could_not_contact", _("Could not contact the person")),
    ("no_longer_needed", _("No longer needed")),
    ("declined", _("Declined")),
    ("cancelled", _("Cancelled")),
    ("expired", _("Expired unanswered")),
    ("consent_withdrawn", _("Consent withdrawn or expired")),
)
CONSENT_END_ROWS: tuple[tuple[str, str | Promise], ...] = (
    ("withdrawn", _("Consent withdrawn")),
    ("expired", _("Consent expired")),
)
YES_NO_ROWS: tuple[tuple[str, str | Promise], ...] = (
    ("yes", pgettext_lazy("observatory row", "Yes")),
    ("no", pgettext_lazy("observatory row", "No")),
)


def fixed_rows(row_source: str) -> tuple[tuple[str, str | Promise], ...] | None:
    """The rows of a dimension with a fixed list, None for one read from the database (categories, themes,
    languages)."""
    from network.advocacy.models import OpportunityLevel
    from network.referrals.models import Urgency
    from network.resources.models import ResourceKind

    fixed: dict[str, tuple[tuple[str, str | Promise], ...]] = {
        RowSource.URGENCY: tuple(Urgency.choices),
        RowSource.ANSWER: ANSWER_ROWS,
        RowSource.DAY_BUCKET: tuple((code, day_bucket_label(code)) for code, _first, _last in DAY_BUCKETS),
        RowSource.OUTCOME: OUTCOME_ROWS,
        RowSource.CONSENT_END: CONSENT_END_ROWS,
        RowSource.YES_NO: YES_NO_ROWS,
        RowSource.RESOURCE_KIND: tuple(ResourceKind.choices),
        RowSource.OPPORTUNITY_LEVEL: tuple(OpportunityLevel.choices),
    }
    return fixed.get(row_source)


def day_bucket_label(code: str) -> str | Promise:
    first, _dash, last = code.partition("-")
    if code.endswith("+"):
        return _("%(days)s days or more") % {"days": code[:-1]}
    return _("%(first)s to %(last)s days") % {"first": first, "last": last}


def day_bucket(days: int) -> str:
    for code, first, last in DAY_BUCKETS:
        if days >= first and (last is None or days <= last):
            return code
    return DAY_BUCKETS[0][0]


def row_of_dimension(row_source: str, dimension: str) -> str:
    """The row a stored dimension counts under (durations are stored per day and shown per bucket)."""
    if row_source == RowSource.DAY_BUCKET:
        return day_bucket(int(dimension))
    return dimension


def database_row_codes(row_source: str) -> list[str]:
    """The current rows of a dimension read from the database, in their display order."""
    if row_source == RowSource.SERVICE_CATEGORY:
        from network.directory.models import ServiceCategory

        return list(ServiceCategory.objects.order_by("sort_order", "name").values_list("code", flat=True))
    if row_source == RowSource.THEME:
        from network.themes.models import Theme

        return list(Theme.objects.filter(is_active=True).order_by("sort_order", "slug").values_list("slug", flat=True))
    if row_source == RowSource.LANGUAGE:
        return [code for code, _name in getattr(settings, "WAGTAIL_CONTENT_LANGUAGES", settings.LANGUAGES)]
    return []


def row_labels(row_source: str, codes: list[str]) -> list[tuple[str, str]]:
    """(code, label in the active language) for each code, in the given order."""
    names: dict[str, str] = {}
    fixed = fixed_rows(row_source)
    if fixed is not None:
        names = {code: str(label) for code, label in fixed}
    elif row_source == RowSource.SERVICE_CATEGORY:
        from network.directory.models import ServiceCategory

        names = {category.code: category.label for category in ServiceCategory.objects.filter(code__in=codes)}
    elif row_source == RowSource.THEME:
        from network.themes.models import Theme

        names = {theme.slug: theme.label for theme in Theme.objects.filter(slug__in=codes)}
    elif row_source == RowSource.LANGUAGE:
        for code in codes:
            try:
                names[code] = translation.get_language_info(code)["name_translated"]
            except KeyError:
                names[code] = code
    return [(code, names.get(code, str(_("Other")) if code == "" else code)) for code in codes]


def period_labels(periods: list[str]) -> list[tuple[str, str]]:
    """(period code, its label in the active language): "2026-07" → "July 2026", "2026-Q3" → "Q3 2026"."""
    from datetime import date

    result = []
    for period in periods:
        if "-Q" in period:
            year, quarter = period.split("-Q")
            label = str(_("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year})
        elif "-" in period:
            year, month = period.split("-")
            label = formats.date_format(date(int(year), int(month), 1), "YEAR_MONTH_FORMAT")
        else:
            label = period
        result.append((period, label))
    return result


def released_note(parameters: dict[str, Any], *, overlapping: bool) -> str:
    note = _(
        "Counts under %(threshold)s are not shown, nor those where one organisation makes up more than "
        "%(share)s%%, nor cells that would let them be worked out; the others are rounded to the nearest "
        "multiple of %(base)s, totals included (they are rounded from the true figures, so they may differ "
        "from the sum of the rounded cells)."
    ) % {
        "threshold": parameters.get("threshold", ""),
        "share": parameters.get("dominance_share", ""),
        "base": parameters.get("rounding_base", ""),
    }
    if overlapping:
        note = f"{note} {_('An item with several themes counts under each of them.')}"
    return str(note)


def own_figures_note() -> str:
    return str(_("Your organisation's own figures, exact: for its members only."))
