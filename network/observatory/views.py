"""The observatory's screens and exports: the network's figures for everyone, a region's for its members, an
organisation's own figures for its coordinators and staff beside the network's.

Every figure comes from `selectors` as a released table (disclosure-controlled, or an organisation's own exact
figures), after the access policy allowed the exact view asked for (`rules.FigureView`). Choices come from fixed
lists (the table catalogue, the released years, the granularities the policy offers), never free filters, so no
two overlapping selections can be set side by side to reveal a small group. Pages for visitors carry nothing
personal and no form token: a shared cache may keep them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, NoReturn

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import get_language_bidi, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from network.orgs import policy
from network.orgs.models import Organisation

from . import charts, exports, selectors
from .catalogue import TableSpec
from .choices import ScopeChoice, network_scope, offered_years, scope_choices, tables_for
from .presentation import display_table, suppressed_explanation
from .rules import FigureView, ObservatoryAction, granularities_for
from .tables import Granularity, ReleasedTable, Scope

PUBLIC_MAX_AGE = 15 * 60
GRANULARITY_LABELS = {
    Granularity.YEAR: gettext_lazy("Per year"),
    Granularity.QUARTER: gettext_lazy("Per quarter"),
    Granularity.MONTH: gettext_lazy("Per month"),
}
EXPORT_FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


class FigureForm(forms.Form):
    """Which table, year and granularity: each from a fixed list."""

    table = forms.ChoiceField(label=gettext_lazy("Table"))
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int)
    granularity = forms.ChoiceField(label=gettext_lazy("Periods"))

    def __init__(self, data: Any, *, user: Any, scope: Scope) -> None:
        super().__init__(data)
        self.specs = tables_for(scope)
        self.years = offered_years()
        self.granularities = granularities_for(user, scope)
        self.fields["table"].choices = [(spec.key, str(spec.title)) for spec in self.specs]
        self.fields["year"].choices = [(year, str(year)) for year in self.years]
        self.fields["granularity"].choices = [(g.value, GRANULARITY_LABELS[g]) for g in self.granularities]

    def chosen(self) -> tuple[TableSpec, int, Granularity] | None:
        """The choice made, the defaults when none was made (first table, latest year, per year), or None when a
        value is not in its list (the errors say which) or nothing was released yet."""
        if not self.specs or not self.years:
            return None
        if not self.is_bound:
            return self.specs[0], self.years[0], Granularity.YEAR
        if not self.is_valid():
            return None
        spec = next(spec for spec in self.specs if spec.key == self.cleaned_data["table"])
        granularity = Granularity(self.cleaned_data["granularity"])
        if granularity not in spec.granularities:
            self.add_error("granularity", _("This table is not given at this granularity."))
            return None
        return spec, self.cleaned_data["year"], granularity


@dataclass
class Figure:
    """One released table as a page shows it: its chart, its table, its downloads."""

    table: ReleasedTable
    heading: str
    chart: charts.Chart | None
    display: Any
    downloads: list[tuple[str, str]]


def figure_of(table: ReleasedTable, *, heading: str, chart_id: str, scope: ScopeChoice, query: str) -> Figure:
    downloads = [(fmt.upper(), f"{scope.url('_export', fmt=fmt)}?{query}") for fmt in EXPORT_FORMATS]
    return Figure(
        table=table,
        heading=heading,
        chart=charts.render_chart(table, chart_id=chart_id),
        display=display_table(table),
        downloads=downloads,
    )


def _refuse(request: HttpRequest) -> NoReturn:
    """A view the policy refuses answers 404, exactly like a missing one."""
    raise Http404(_("No such figures."))


def _cache_for(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Visitors all get the same public figures; what a member sees stays in their browser only."""
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, no_store=True)
    else:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


def _resolve(request: HttpRequest, choice: ScopeChoice) -> tuple[FigureForm, tuple[TableSpec, int, Granularity] | None]:
    form = FigureForm(request.GET or None, user=request.user, scope=choice.scope)
    chosen = form.chosen()
    if chosen is not None:
        _spec, _year, granularity = chosen
        if not policy.can(
            request.user, ObservatoryAction.VIEW_FIGURES, FigureView(choice.scope, choice.key, granularity)
        ):
            _refuse(request)
    return form, chosen


def _released(choice: ScopeChoice, spec: TableSpec, year: int, granularity: Granularity) -> ReleasedTable | None:
    if choice.scope == Scope.ORGANISATION:
        return selectors.own_organisation_table(choice.key, spec.key, granularity, year)
    return selectors.released_table(spec.key, choice.scope, choice.key, granularity, year)


def _query(spec: TableSpec, year: int, granularity: Granularity) -> str:
    return urlencode({"table": spec.key, "year": year, "granularity": granularity.value})


def _page(request: HttpRequest, choice: ScopeChoice) -> HttpResponse:
    form, chosen = _resolve(request, choice)
    figures: list[Figure] = []
    if chosen is not None:
        spec, year, granularity = chosen
        query = _query(spec, year, granularity)
        table = _released(choice, spec, year, granularity)
        if table is not None:
            figures.append(
                figure_of(
                    table,
                    heading=choice.label,
                    chart_id=f"chart-{slugify(choice.scope)}",
                    scope=choice,
                    query=query,
                )
            )
        if choice.scope == Scope.ORGANISATION:  # the network's controlled figures beside the organisation's own
            network = network_scope()
            allowed = policy.can(
                request.user, ObservatoryAction.VIEW_FIGURES, FigureView(Scope.NETWORK, "", granularity)
            )
            released = selectors.released_table(spec.key, Scope.NETWORK, "", granularity, year) if allowed else None
            if released is not None:
                figures.append(
                    figure_of(
                        released,
                        heading=network.label,
                        chart_id="chart-network",
                        scope=network,
                        query=query,
                    )
                )
    settings = selectors.observatory_settings()
    response = render(
        request,
        "observatory/observatory.html",
        {
            "form": form,
            "current": choice,
            "scopes": [
                (scope, scope.url() + (f"?{request.GET.urlencode()}" if request.GET else ""))
                for scope in scope_choices(request.user)
            ],
            "figures": figures,
            "chosen": chosen,
            "report_year": chosen[1] if chosen else None,
            "settings": settings,
            "suppressed_explanation": suppressed_explanation(),
            "rtl": get_language_bidi(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )
    return _cache_for(request, response)


def _region(request: HttpRequest, code: str) -> ScopeChoice:
    region = next((region for region in selectors.regions() if region.code == code), None)
    if region is None or not policy.can(request.user, ObservatoryAction.VIEW_FIGURES, FigureView(Scope.REGION, code)):
        _refuse(request)
    assert region is not None  # noqa: S101  (refused above)
    return ScopeChoice(Scope.REGION, region.code, region.label)


def _organisation(request: HttpRequest, organisation_id: uuid.UUID) -> ScopeChoice:
    key = str(organisation_id)
    if not policy.can(request.user, ObservatoryAction.VIEW_FIGURES, FigureView(Scope.ORGANISATION, key)):
        _refuse(request)
    name = Organisation.objects.filter(pk=organisation_id).values_list("name", flat=True).first() or ""
    return ScopeChoice(Scope.ORGANISATION, key, _("%(organisation)s (own figures)") % {"organisation": name})


# ---------------------------------------------------------------------------------------------------------------
# Pages


@require_GET
def observatory(request: HttpRequest) -> HttpResponse:
    """The network's figures: per year and quarter for everyone, per month too for the network's members."""
    return _page(request, network_scope())


@require_GET
@login_required
def region_observatory(request: HttpRequest, code: str) -> HttpResponse:
    """A region's figures, for the members of its organisations and for network administrators."""
    return _page(request, _region(request, code))


@require_GET
@login_required
def organisation_observatory(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    """An organisation's own figures, exact, beside the network's: for its coordinators and staff only."""
    return _page(request, _organisation(request, organisation_id))


# ---------------------------------------------------------------------------------------------------------------
# Exports


def _export(request: HttpRequest, choice: ScopeChoice, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404(_("No such format."))
    form, chosen = _resolve(request, choice)
    if chosen is None:
        return HttpResponse(
            _("Choose a table, a year and periods from the lists of the observatory page."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    spec, year, granularity = chosen
    table = _released(choice, spec, year, granularity)
    if table is None:
        raise Http404(_("No figures were released for this choice."))
    content_type, extension = EXPORT_FORMATS[fmt]
    if fmt == "csv":
        body = exports.table_csv(table)
    else:
        body = exports.table_xlsx(table, scope_label=choice.label, rtl=get_language_bidi())
    response = HttpResponse(body, content_type=content_type)
    name = slugify(f"passerelle-{spec.key}-{choice.key or 'network'}-{year}-{granularity.value}")
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return _cache_for(request, response)


@require_GET
def network_export(request: HttpRequest, fmt: str) -> HttpResponse:
    return _export(request, network_scope(), fmt)


@require_GET
@login_required
def region_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    return _export(request, _region(request, code), fmt)


@require_GET
@login_required
def organisation_export(request: HttpRequest, organisation_id: uuid.UUID, fmt: str) -> HttpResponse:
    return _export(request, _organisation(request, organisation_id), fmt)


@require_GET
def yearly_report(request: HttpRequest, year: int) -> HttpResponse:
    """The network's figures of a year as a PDF an association can hand to a funder: every table per quarter,
    its chart, its table and the method note, in the request's language."""
    if year not in selectors.available_years():
        raise Http404(_("No figures were released for this year."))
    granularity = Granularity.QUARTER
    if not policy.can(request.user, ObservatoryAction.VIEW_FIGURES, FigureView(Scope.NETWORK, "", granularity)):
        _refuse(request)
    pdf = exports.yearly_report(year, page_url=request.build_absolute_uri(reverse("observatory:index")))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="passerelle-observatory-{year}.pdf"'
    return _cache_for(request, response)
