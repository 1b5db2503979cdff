"""The observatory in the Wagtail admin, for network administrators: the release log and the settings.

Both screens ask the access policy (`ObservatoryAction.VIEW_RELEASE_LOG`, `MANAGE_OBSERVATORY_SETTINGS`); anyone
else with admin access is sent back to the admin home with Wagtail's "no permission" message. The settings change
through `services.observatory_settings_update`, which validates (a threshold under 5 is refused) and takes effect
at the next release. The log shows codes, parameters and which cells were suppressed and why: never a value.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.auth import permission_denied
from wagtail.log_actions import log

from network.orgs import policy

from . import selectors, services
from .choices import tables_for
from .models import MINIMUM_THRESHOLD, ObservatorySettings
from .rules import ObservatoryAction
from .tables import Scope

RELEASES_PER_PAGE = 50
REASON_LABELS = {
    "threshold": gettext_lazy("under the threshold"),
    "dominance": gettext_lazy("one organisation dominates"),
    "revealing_zero": gettext_lazy("a revealing zero"),
    "secondary": gettext_lazy("secondary suppression"),
    "group_under_threshold": gettext_lazy("group under the threshold"),
    "unprotectable": gettext_lazy("cannot be protected otherwise"),
}


class ReleaseFilterForm(forms.Form):
    table = forms.ChoiceField(label=gettext_lazy("Table"), required=False)
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, data: Any) -> None:
        super().__init__(data)
        self.fields["table"].choices = [("", _("Every table"))] + [
            (spec.key, str(spec.title)) for spec in tables_for(Scope.NETWORK)
        ]
        self.fields["year"].choices = [("", _("Every year"))] + [
            (year, str(year)) for year in selectors.available_years()
        ]


def release_log(request: HttpRequest) -> HttpResponse:
    """Every release, newest first: which table, scope, periods and parameters, which cells were suppressed."""
    if not policy.can(request.user, ObservatoryAction.VIEW_RELEASE_LOG):
        return permission_denied(request)
    form = ReleaseFilterForm(request.GET or None)
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    releases = selectors.release_log(table=chosen.get("table") or None, year=chosen.get("year"))
    page = Paginator(releases, RELEASES_PER_PAGE).get_page(request.GET.get("p"))
    titles = {spec.key: str(spec.title) for spec in selectors.table_catalogue()}
    rows = [
        {
            "release": release,
            "title": titles.get(release.table, release.table),
            "suppressed": [
                {
                    "cell": entry.get("cell", ""),
                    "reason": REASON_LABELS.get(entry.get("reason", ""), entry.get("reason")),
                }
                for entry in release.suppressed
            ],
        }
        for release in page.object_list
    ]
    return TemplateResponse(
        request,
        "observatory/admin/release_log.html",
        {"page_title": _("Observatory: release log"), "header_icon": "table", "form": form, "rows": rows, "page": page},
    )


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ObservatorySettings
        fields = ["threshold", "rounding_base", "dominance_share"]


def observatory_settings(request: HttpRequest) -> HttpResponse:
    """The disclosure-control parameters: threshold (never under 5), rounding base, dominance share."""
    if not policy.can(request.user, ObservatoryAction.MANAGE_OBSERVATORY_SETTINGS):
        return permission_denied(request)
    current = selectors.observatory_settings()
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            updated = services.observatory_settings_update(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            log(instance=updated, action="observatory.settings.update", user=request.user)
            messages.success(request, _("Settings saved: they apply from the next release of the figures."))
            return redirect("observatory_admin:settings")
    return TemplateResponse(
        request,
        "observatory/admin/settings.html",
        {
            "page_title": _("Observatory: settings"),
            "header_icon": "cogs",
            "form": form,
            "minimum_threshold": MINIMUM_THRESHOLD,
        },
    )
