"""The public organisation directory: public fields only, the same few queries whatever the number of organisations.

Who may see what is decided by the access policy: `VIEW_ORGANISATION` scopes every lookup (an inactive
organisation answers 404 to anyone who is not its member nor a network administrator), `can(VIEW_ADDRESS)`
decides the address, `can(CHANGE_ORGANISATION / MANAGE_MEMBERS)` the coordinators' links.
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from network.orgs import policy, selectors
from network.orgs.languages import language_name
from network.orgs.models import Organisation, OrganisationKind
from network.orgs.rules import OrganisationAction

DIRECTORY_PAGE_SIZE = 24


class DirectoryFilterForm(forms.Form):
    """The directory's filters. Country and language choices come from the organisations listed."""

    q = forms.CharField(
        label=_("Name"), required=False, max_length=100, widget=forms.SearchInput(attrs={"autocomplete": "off"})
    )
    kind = forms.ChoiceField(label=_("Type of organisation"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    language = forms.ChoiceField(label=_("Language spoken"), required=False)

    def __init__(self, *args, countries: list[str], languages: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        self.fields["kind"].choices = every + list(OrganisationKind.choices)
        self.fields["country"].choices = every + [(code, code) for code in countries]
        self.fields["language"].choices = every + sorted(
            ((code, language_name(code)) for code in languages), key=lambda choice: choice[1].casefold()
        )

    def filter(self, organisations: QuerySet[Organisation]) -> QuerySet[Organisation]:
        """Apply the valid filters; an invalid value (a stale link) is ignored rather than failing the page."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("q"):
            organisations = organisations.filter(name__icontains=data["q"].strip())
        if data.get("kind"):
            organisations = organisations.filter(kind=data["kind"])
        if data.get("country"):
            organisations = organisations.filter(country=data["country"])
        if data.get("language"):
            organisations = organisations.filter(speaks_language(data["language"]))
        return organisations


def speaks_language(code: str) -> Q:
    """Organisations whose `languages` list holds `code`.

    PostgreSQL answers with JSON containment; SQLite (the embedded default) has no such lookup, so we match the
    quoted code in the stored JSON text, which cannot match a longer code ("fr" never matches "fra").
    """
    if connection.features.supports_json_field_contains:
        return Q(languages__contains=[code])
    return Q(languages__icontains=f'"{code}"')


def listed_organisations(request: HttpRequest) -> QuerySet[Organisation]:
    """Active organisations the visitor may see (the directory never lists inactive ones, even to their members)."""
    return policy.visible(request.user, OrganisationAction.VIEW_ORGANISATION).filter(is_active=True)


def directory(request: HttpRequest) -> HttpResponse:
    """The directory with filters, a name search and pagination: three queries whatever the number of rows."""
    listed = listed_organisations(request)
    # The filters offer only what is listed: one query for both choice lists.
    choices = list(listed.order_by().values_list("country", "languages").distinct())
    countries = sorted({country for country, _codes in choices})
    languages = sorted({code for _country, codes in choices for code in codes or ()})
    form = DirectoryFilterForm(request.GET or None, countries=countries, languages=languages)
    organisations = form.filter(listed)
    paginator = Paginator(organisations.order_by("name"), DIRECTORY_PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "orgs/public/directory.html",
        {
            "form": form,
            "page_obj": page_obj,
            "organisations": page_obj.object_list,
            "result_count": paginator.count,
            "is_filtered": any(request.GET.get(name) for name in ("q", "kind", "country", "language")),
        },
    )


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One organisation's public profile; members of the network also see its active partnerships."""
    organisation = get_object_or_404(
        policy.visible(request.user, OrganisationAction.VIEW_ORGANISATION).select_related("space_page"), slug=slug
    )
    user = request.user
    sees_partnerships = policy.is_network_member(user)
    partners = []
    if sees_partnerships:
        # A deactivated partner is invisible to non-members (rule 4), so it is left out here too.
        partners = [
            {"organisation": other, "partnership": partnership}
            for partnership in selectors.active_partnerships_of(organisation).order_by("started_on", "proposed_at")
            if (other := partnership.other_side(organisation)).is_active
        ]
    space_page = organisation.space_page if organisation.space_page and organisation.space_page.live else None
    return render(
        request,
        "orgs/public/detail.html",
        {
            "organisation": organisation,
            "show_address": bool(organisation.address)
            and policy.can(user, OrganisationAction.VIEW_ADDRESS, organisation),
            "languages": [language_name(code) for code in organisation.languages],
            "sees_partnerships": sees_partnerships,
            "partners": partners,
            "space_page": space_page,
            "can_edit_profile": policy.can(user, OrganisationAction.CHANGE_ORGANISATION, organisation),
            "can_manage_members": policy.can(user, OrganisationAction.MANAGE_MEMBERS, organisation),
        },
    )
