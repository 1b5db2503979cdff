"""The service directory: public pages (/services/) and coordinators' screens (/manage/<slug>/services/).

Views stay thin: the policy's selectors find the objects (anything outside them is a 404, exactly like a missing
object), `network.orgs.directory` changes them, and its ValidationError becomes form errors. A confidential address
is shown only where `directory.service_shows_address` (the policy) allows it.
"""

from __future__ import annotations

import copy
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from .. import directory, policy
from ..forms import LanguageCodesField, add_service_errors
from ..models import Organisation, Service, ServiceCategory, Weekday
from ..policy import Action
from .public import language_name, speaks_language

DIRECTORY_PAGE_SIZE = 20
FILTER_NAMES = ("q", "category", "language", "city")


# ---------------------------------------------------------------------------------------------------------------
# Forms


class ServiceFilterForm(forms.Form):
    """Search the directory by category, language, city and free text. Choices come from what is listed."""

    q = forms.CharField(
        label=gettext_lazy("Search"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False)
    city = forms.ChoiceField(label=gettext_lazy("City"), required=False)

    def __init__(
        self, *args: Any, categories: list[ServiceCategory], languages: list[str], cities: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        every = [("", gettext_lazy("All"))]
        self.fields["category"].choices = every + [(category.code, category.name) for category in categories]
        self.fields["language"].choices = every + sorted(
            ((code, language_name(code)) for code in languages), key=lambda choice: choice[1].casefold()
        )
        self.fields["city"].choices = every + [(city, city) for city in cities]

    def filter(self, services: QuerySet[Service]) -> QuerySet[Service]:
        """Apply the valid filters; an invalid value (a stale link) is ignored rather than failing the page."""
        data = self.cleaned_data if self.is_valid() else {}
        if text := (data.get("q") or "").strip():
            services = services.filter(
                Q(name__icontains=text)
                | Q(description__icontains=text)
                | Q(eligibility__icontains=text)
                | Q(organisation__name__icontains=text)
                | Q(category__name__icontains=text)
            )
        if data.get("category"):
            services = services.filter(category__code=data["category"])
        if data.get("language"):
            services = services.filter(speaks_language(data["language"]))
        if data.get("city"):
            services = services.filter(Q(city=data["city"]) | Q(city="", organisation__city=data["city"]))
        return services


class ServiceForm(forms.ModelForm):
    """A service as its organisation's coordinators declare it. The form parses; `directory` validates and saves."""

    languages = LanguageCodesField(label=gettext_lazy("Languages"))
    url = forms.URLField(label=gettext_lazy("Web page"), max_length=200, required=False, assume_scheme="https")

    class Meta:
        model = Service
        # Languages are declared above, outside Meta.fields, so the form never writes them onto the instance.
        fields = [name for name in directory.SERVICE_FIELDS if name not in ("languages", "url")]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "eligibility": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = directory.service_categories()
        self.fields["category"].empty_label = None
        if self.instance.pk and not self.is_bound:
            self.initial["languages"] = self.instance.languages

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in directory.SERVICE_FIELDS}

    def _post_clean(self) -> None:
        # The service validates the model (with its opening hours, in one go); the form only parses.
        pass


class OpeningHoursForm(forms.Form):
    weekday = forms.TypedChoiceField(label=gettext_lazy("Day"), choices=Weekday.choices, coerce=int)
    opens_at = forms.TimeField(label=gettext_lazy("Opens at"), widget=forms.TimeInput(attrs={"type": "time"}))
    closes_at = forms.TimeField(label=gettext_lazy("Closes at"), widget=forms.TimeInput(attrs={"type": "time"}))
    notes = forms.CharField(label=gettext_lazy("Notes"), max_length=160, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            raise ValidationError(_("The closing time must be after the opening time."), code="closes_before_opens")
        return data


OpeningHoursFormSet = forms.formset_factory(OpeningHoursForm, extra=2, can_delete=True, max_num=21, validate_max=True)


def opening_hours_slots(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    """The filled-in, not deleted rows of a valid formset, as the directory service takes them."""
    return [
        {name: form.cleaned_data[name] for name in ("weekday", "opens_at", "closes_at", "notes")}
        for form in formset.forms
        if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def opening_hours_initial(service: Service) -> list[dict[str, Any]]:
    return [
        {"weekday": slot.weekday, "opens_at": slot.opens_at, "closes_at": slot.closes_at, "notes": slot.notes}
        for slot in service.opening_hours.all()
    ]


# ---------------------------------------------------------------------------------------------------------------
# Public directory


def service_directory(request: HttpRequest) -> HttpResponse:
    """Public services for everyone, members-only ones for network members; the same few queries whatever the size."""
    listed = directory.directory_services(request.user)
    # The filters offer only what is listed: one query for the languages and cities, one for the categories.
    rows = list(listed.order_by().values_list("languages", "city", "organisation__city").distinct())
    languages = sorted({code for codes, _city, _org_city in rows for code in codes or ()})
    cities = sorted({city or org_city for _codes, city, org_city in rows if city or org_city}, key=str.casefold)
    form = ServiceFilterForm(
        request.GET or None, categories=list(directory.service_categories()), languages=languages, cities=cities
    )
    services = form.filter(listed).order_by("category__sort_order", "organisation__name", "name")
    paginator = Paginator(services, DIRECTORY_PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "orgs/services/directory.html",
        {
            "form": form,
            "page_obj": page_obj,
            "services": page_obj.object_list,
            "result_count": paginator.count,
            "is_filtered": any(request.GET.get(name) for name in FILTER_NAMES),
            "is_network_member": policy.is_network_member(request.user),
        },
    )


def service_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    """One service: what it offers, for whom, when, where (never a confidential address to the public)."""
    service = get_object_or_404(directory.directory_services(request.user), pk=pk)
    user = request.user
    return render(
        request,
        "orgs/services/detail.html",
        {
            "service": service,
            "organisation": service.organisation,
            "show_address": directory.service_shows_address(user, service),
            "languages": [language_name(code) for code in service.languages],
            "opening_hours": list(service.opening_hours.all()),
            "can_manage": policy.can(user, Action.MANAGE_SERVICES, service),
        },
    )


# ---------------------------------------------------------------------------------------------------------------
# Coordinators' screens


def _managed_organisation(request: HttpRequest, slug: str) -> Organisation:
    return get_object_or_404(policy.organisations_where(request.user, Action.MANAGE_SERVICES), slug=slug)


def _managed_service(organisation: Organisation, pk: UUID) -> Service:
    return get_object_or_404(
        Service.objects.filter(organisation=organisation).select_related("organisation", "category"), pk=pk
    )


@login_required
def service_manage_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Every service of the organisation, active or not, with its visibility and last verification."""
    organisation = _managed_organisation(request, slug)
    services = (
        Service.objects.filter(organisation=organisation)
        .select_related("category")
        .order_by("-is_active", "category__sort_order", "name")
    )
    return render(request, "orgs/services/manage_list.html", {"organisation": organisation, "services": services})


@login_required
@require_http_methods(["GET", "POST"])
def service_create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _managed_organisation(request, slug)
    form = ServiceForm(request.POST or None, instance=Service(organisation=organisation))
    formset = OpeningHoursFormSet(request.POST or None, prefix="hours")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            service = directory.service_create(
                organisation=organisation,
                acting_user=request.user,
                opening_hours=opening_hours_slots(formset),
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The service “%(name)s” is in the directory.") % {"name": service.name})
            return redirect("orgs:services_manage", slug=organisation.slug)
    return render(
        request,
        "orgs/services/form.html",
        {"organisation": organisation, "form": form, "formset": formset, "service": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, slug: str, pk: UUID) -> HttpResponse:
    organisation = _managed_organisation(request, slug)
    service = _managed_service(organisation, pk)
    saved = copy.copy(service)  # the page shows the saved state, whatever the refused input was
    if request.method == "POST":
        form = ServiceForm(request.POST, instance=saved)
        formset = OpeningHoursFormSet(request.POST, prefix="hours")
        if form.is_valid() and formset.is_valid():
            try:
                directory.service_update(
                    service=service,
                    acting_user=request.user,
                    opening_hours=opening_hours_slots(formset),
                    **form.service_fields(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The service “%(name)s” is saved.") % {"name": service.name})
                return redirect("orgs:services_manage", slug=organisation.slug)
    else:
        form = ServiceForm(instance=service)
        formset = OpeningHoursFormSet(initial=opening_hours_initial(service), prefix="hours")
    return render(
        request,
        "orgs/services/form.html",
        {"organisation": organisation, "form": form, "formset": formset, "service": saved},
    )


@login_required
@require_POST
def service_set_active(request: HttpRequest, slug: str, pk: UUID) -> HttpResponse:
    organisation = _managed_organisation(request, slug)
    service = _managed_service(organisation, pk)
    active = request.POST.get("active") == "1"
    directory.service_set_active(service=service, active=active, acting_user=request.user)
    if active:
        messages.success(request, _("The service “%(name)s” is back in the directory.") % {"name": service.name})
    else:
        messages.success(request, _("The service “%(name)s” is withdrawn.") % {"name": service.name})
    return redirect("orgs:services_manage", slug=organisation.slug)


@login_required
@require_POST
def service_mark_verified(request: HttpRequest, slug: str, pk: UUID) -> HttpResponse:
    organisation = _managed_organisation(request, slug)
    service = _managed_service(organisation, pk)
    directory.service_mark_verified(service=service, acting_user=request.user)
    messages.success(request, _("The service “%(name)s” is marked as verified today.") % {"name": service.name})
    return redirect("orgs:services_manage", slug=organisation.slug)
