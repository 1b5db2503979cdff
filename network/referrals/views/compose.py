"""The referral form: consent, then the person, then a service picked from the directory.

One POST sends the referral through `services.referral_send`. Narrowing the list of services (by category,
language and city) is a second submit button of the same POST form, so what the worker typed stays on the page
and never travels in a URL; a GET with only category/language/city (e.g. a link) narrows the list as well.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from network.core.service_errors import add_service_errors
from network.directory import rules as directory_rules
from network.directory.models import Service, ServiceCategory
from network.orgs import policy
from network.orgs.models import Organisation

from .. import services
from ..forms import ReferralForm, ServiceSearchForm
from ..models import PersonalField
from .common import forbidden, sending_organisations

REFINE = "refine"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """Record the consent and the person, pick the service, send: POST, then redirect to the referral page."""
    user = request.user
    sender_choices = sending_organisations(user)
    senders = list(sender_choices)
    if not senders:
        return forbidden(request, _("Only staff and coordinators of an organisation can send referrals."))
    data = request.POST if request.method == "POST" else None
    sender = _chosen_sender(request, senders)
    referable = directory_rules.referable_services(user, sender).order_by(
        "category__sort_order", "organisation__name", "name"
    )
    search = _search_form(request.POST if data is not None else request.GET, referable)
    offered = search.filter(referable)
    if data is not None and REFINE in data:
        # Narrowing the list is not sending: show the form again with what was typed, without errors.
        form = ReferralForm(initial=_initial_from(data), senders=sender_choices, services=offered)
    else:
        form = ReferralForm(
            data,
            initial=_service_from_link(request, referable) if data is None else None,
            senders=sender_choices,
            services=_offered_with_choice(offered, referable, data if data is not None else request.GET),
        )
    if data is not None and REFINE not in data and form.is_valid():
        try:
            referral = services.referral_send(
                acting_user=user,
                sender=form.cleaned_data["sender"],
                service=form.cleaned_data["service"],
                person=form.person_data(),
                urgency=form.cleaned_data["urgency"],
                consent=form.consent_data(),
                accompaniment=form.cleaned_data["accompaniment"],
            )
        except policy.AccessDenied:
            return forbidden(request, _("You cannot send referrals for this organisation."))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Referral %(number)s was sent to %(organisation)s.")
                % {"number": referral.number, "organisation": referral.receiver_organisation.name},
            )
            if kept := form.unshared_filled():
                messages.info(request, _kept_message(kept))
            return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/new.html",
        {
            "form": form,
            "search": search,
            "offered_count": len(form.fields["service"].queryset),
            "several_senders": len(senders) > 1,
            # Shown again after a POST (errors, or narrowing the services): each box is what the worker chose.
            "sent_back": data is not None,
        },
    )


def _service_from_link(request: HttpRequest, referable: QuerySet[Service]) -> dict[str, Any]:
    """`?service=<id>` (the directory's "Refer someone here"): that service chosen in the form, when the user may
    refer to it; any other value is ignored without a word."""
    try:
        chosen = uuid.UUID(request.GET.get("service", ""))
    except ValueError:
        return {}
    return {"service": chosen} if referable.filter(pk=chosen).exists() else {}


def _kept_message(fields: list[str]) -> str:
    """What was typed but not shared (the person did not agree): kept for the sender, never for the receiver."""
    labels = ", ".join(str(PersonalField(field).label) for field in fields)
    return _("Kept for your organisation only, not shared with the receiving service: %(fields)s.") % {"fields": labels}


def _chosen_sender(request: HttpRequest, senders: list[Organisation]) -> Organisation | None:
    """The sender picked in the form (or the only one); None lists the services any of them may refer to."""
    if len(senders) == 1:
        return senders[0]
    chosen = (request.POST if request.method == "POST" else request.GET).get("sender", "")
    return next((org for org in senders if str(org.pk) == chosen), None)


def _search_form(data: Any, referable: QuerySet[Service]) -> ServiceSearchForm:
    """The search offers only the categories, languages and cities of the services this user may refer to."""
    rows = list(referable.order_by().values_list("category_id", "languages", "city", "organisation__city").distinct())
    category_ids = {category_id for category_id, *_rest in rows}
    languages = sorted({code for _category, codes, _city, _org_city in rows for code in codes or ()})
    cities = sorted({city or org_city for _cat, _codes, city, org_city in rows if city or org_city}, key=str.casefold)
    categories = list(ServiceCategory.objects.filter(pk__in=category_ids))
    bound = {name: data.get(name, "") for name in ServiceSearchForm.base_fields}
    return ServiceSearchForm(bound, categories=categories, languages=languages, cities=cities)


def _offered_with_choice(offered: QuerySet[Service], referable: QuerySet[Service], data: Any) -> QuerySet[Service]:
    """Keep the service already chosen selectable even when the search no longer lists it."""
    chosen = data.get("service") if data is not None else None
    try:
        chosen_id = uuid.UUID(str(chosen)) if chosen else None
    except ValueError:
        chosen_id = None
    if chosen_id is None:
        return offered
    return referable.filter(Q(pk__in=offered.values("pk")) | Q(pk=chosen_id))


def _initial_from(data: Any) -> dict[str, Any]:
    """What the worker typed, as initial values of an unbound form (no error shown while they search)."""
    initial: dict[str, Any] = {}
    for name, field in ReferralForm.base_fields.items():
        if name == "shared_fields":
            initial[name] = data.getlist(name)
        elif name in data:
            initial[name] = data.get(name)
        elif isinstance(field, forms.BooleanField):
            initial[name] = False
    return initial
