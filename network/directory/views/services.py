"""The service directory: public pages (/services/) and coordinators' screens (/manage/<slug>/services/).

Views stay thin: the policy's selectors find the objects (anything outside them is a 404, exactly like a missing
object), `network.directory.services` changes them, and its ValidationError becomes form errors. A confidential
address is shown only where `selectors.service_shows_address` (the policy) allows it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from network.core.service_errors import add_service_errors
from network.directory.rules import DirectoryAction
from network.orgs import policy
from network.orgs.languages import language_name
from network.orgs.models import Organisation
from network.orgs.policy import Actor

from .. import selectors, services
from ..forms import OpeningHoursFormSet, ServiceFilterForm, ServiceForm, opening_hours_initial, opening_hours_slots
from ..models import Service

DIRECTORY_PAGE_SIZE = 20
FILTER_NAMES = ("q", "category", "language", "city")


# ---------------------------------------------------------------------------------------------------------------
# Public directory


def service_directory(request: HttpRequest) -> HttpResponse:
    """Public services for everyone, members-only ones for network members; the same few queries whatever the size."""
    listed = selectors.directory_services(request.user)
    # The filters offer only what is listed: one query for the languages and cities, one for the categories.
    rows = list(
        listed.order_by().values_list("languages", "interpreter_languages", "city", "organisation__city").distinct()
    )
    languages = sorted(
        {code for spoken, interpreted, *_cities in rows for code in [*(spoken or ()), *(interpreted or ())]}
    )
    cities = sorted({city or org_city for *_codes, city, org_city in rows if city or org_city}, key=str.casefold)
    form = ServiceFilterForm(
        request.GET or None, categories=list(selectors.service_categories()), languages=languages, cities=cities
    )
    matching = form.filter(listed).order_by("category__sort_order", "organisation__name", "name")
    paginator = Paginator(matching, DIRECTORY_PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    _present(request.user, page_obj.object_list)
    return render(
        request,
        "directory/directory.html",
        {
            "form": form,
            "page_obj": page_obj,
            "services": page_obj.object_list,
            "result_count": paginator.count,
            "is_filtered": any(request.GET.get(name) for name in FILTER_NAMES),
            "is_network_member": policy.is_network_member(request.user),
            "show_open_now": _shows_open_now(request),
        },
    )


def service_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    """One service: what it offers, for whom, when, where (never a confidential address to the public)."""
    service = get_object_or_404(selectors.directory_services(request.user), pk=pk)
    user = request.user
    _present(user, [service])
    return render(
        request,
        "directory/detail.html",
        {
            "service": service,
            "organisation": service.organisation,
            "show_address": selectors.service_shows_address(user, service),
            "opening_hours": list(service.opening_hours.all()),
            "can_manage": policy.can(user, DirectoryAction.MANAGE_SERVICES, service),
            "show_open_now": _shows_open_now(request),
        },
    )


def _shows_open_now(request: HttpRequest) -> bool:
    """ "Open now" only on pages made for a signed-in member: a visitor's page is kept in the shared page cache
    (network/pagecache) for minutes, past an opening or closing time; visitors read the hours instead."""
    return policy.is_signed_in(request.user)


def _present(user: Actor, shown: Iterable[Service]) -> None:
    """What the directory's card and page show besides the model's fields, for every service at once: language
    names in the reader's language, whether it is open now, and whether the user may refer someone there (one
    question to the policy for the whole page, never one per service)."""
    shown = list(shown)
    referable = selectors.referable_service_ids(user, shown)
    now = timezone.now()
    for service in shown:
        service.language_names = [language_name(code) for code in service.languages or ()]
        service.interpreter_language_names = [language_name(code) for code in service.interpreter_languages or ()]
        service.open_now = selectors.service_is_open(service, now)
        service.may_refer = service.pk in referable
        service.shown_area = service.area if selectors.service_shows_area(user, service) else ""


# ---------------------------------------------------------------------------------------------------------------
# Coordinators' screens


def _managed_organisation(request: HttpRequest, slug: str) -> Organisation:
    return get_object_or_404(policy.organisations_where(request.user, DirectoryAction.MANAGE_SERVICES), slug=slug)


def _managed_service(organisation: Organisation, pk: UUID) -> Service:
    return get_object_or_404(
        Service.objects.filter(organisation=organisation).select_related("organisation", "category"), pk=pk
    )


@login_required
def service_manage_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Every service of the organisation, active or not, with its visibility and last verification."""
    organisation = _managed_organisation(request, slug)
    offered = (
        Service.objects.filter(organisation=organisation)
        .select_related("category")
        .order_by("-is_active", "category__sort_order", "name")
    )
    return render(request, "directory/manage_list.html", {"organisation": organisation, "services": offered})


@login_required
@require_http_methods(["GET", "POST"])
def service_create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _managed_organisation(request, slug)
    form = ServiceForm(request.POST or None, instance=Service(organisation=organisation))
    formset = OpeningHoursFormSet(request.POST or None, prefix="hours")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            service = services.service_create(
                organisation=organisation,
                acting_user=request.user,
                opening_hours=opening_hours_slots(formset),
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The service “%(name)s” is in the directory.") % {"name": service.name})
            return redirect("directory:services_manage", slug=organisation.slug)
    return render(
        request,
        "directory/form.html",
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
                services.service_update(
                    service=service,
                    acting_user=request.user,
                    opening_hours=opening_hours_slots(formset),
                    **form.service_fields(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The service “%(name)s” is saved.") % {"name": service.name})
                return redirect("directory:services_manage", slug=organisation.slug)
    else:
        form = ServiceForm(instance=service)
        formset = OpeningHoursFormSet(initial=opening_hours_initial(service), prefix="hours")
    return render(
        request,
        "directory/form.html",
        {"organisation": organisation, "form": form, "formset": formset, "service": saved},
    )


@login_required
@require_POST
def service_set_active(request: HttpRequest, slug: str, pk: UUID) -> HttpResponse:
    organisation = _managed_organisation(request, slug)
    service = _managed_service(organisation, pk)
    active = request.POST.get("active") == "1"
    services.service_set_active(service=service, active=active, acting_user=request.user)
    if active:
        messages.success(request, _("The service “%(name)s” is back in the directory.") % {"name": service.name})
    else:
        messages.success(request, _("The service “%(name)s” is withdrawn.") % {"name": service.name})
    return redirect("directory:services_manage", slug=organisation.slug)


@login_required
@require_POST
def service_mark_verified(request: HttpRequest, slug: str, pk: UUID) -> HttpResponse:
    organisation = _managed_organisation(request, slug)
    service = _managed_service(organisation, pk)
    services.service_mark_verified(service=service, acting_user=request.user)
    messages.success(request, _("The service “%(name)s” is marked as verified today.") % {"name": service.name})
    return redirect("directory:services_manage", slug=organisation.slug)
