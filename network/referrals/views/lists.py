"""Inbox (received by my organisations) and sent (by my organisations).

Lists carry metadata only: number, service, organisations, urgency, status, dates. No personal field is read,
so no access-log row is written and the query count stays the same whatever the number of referrals.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from network.directory.models import Service
from network.orgs.models import Organisation
from network.referrals import rules as referral_rules
from network.referrals.services import ERASABLE_MODEL_FIELDS

from ..forms import ReferralFilterForm
from ..models import Referral
from .common import NO_REFERRAL_ROLE, forbidden, receiving_organisations, sending_organisations

PAGE_SIZE = 25


@never_cache
@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """Referrals received by the organisations where I may receive them."""
    user = request.user
    receivers = list(receiving_organisations(user))
    if not receivers and not sending_organisations(user).exists():
        return forbidden(request, NO_REFERRAL_ROLE)
    referrals = referral_rules.visible_referrals(user, direction="received")
    services = Service.objects.filter(organisation__in=[org.pk for org in receivers]).select_related("organisation")
    return _render_list(request, referrals, services, receivers, direction="received")


@never_cache
@login_required
@require_GET
def sent(request: HttpRequest) -> HttpResponse:
    """Referrals sent by the organisations where I may send them."""
    user = request.user
    senders = list(sending_organisations(user))
    if not senders and not receiving_organisations(user).exists():
        return forbidden(request, NO_REFERRAL_ROLE)
    referrals = referral_rules.visible_referrals(user, direction="sent")
    # The services my organisations have sent to: one query, whatever the number of referrals.
    services = Service.objects.filter(pk__in=referrals.order_by().values("service_id")).select_related("organisation")
    return _render_list(request, referrals, services, senders, direction="sent")


def _render_list(
    request: HttpRequest,
    referrals: QuerySet[Referral],
    services: QuerySet[Service],
    organisations: list[Organisation],
    *,
    direction: str,
) -> HttpResponse:
    form = ReferralFilterForm(request.GET or None, services=list(services.order_by("organisation__name", "name")))
    # Lists show metadata only: personal fields are neither loaded nor decrypted.
    referrals = (
        form.filter(referrals)
        .select_related("service", "service__category", "sender_organisation", "receiver_organisation")
        .defer(*ERASABLE_MODEL_FIELDS)
    )
    page_obj = Paginator(referrals.order_by("-created_at", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "referrals/list.html",
        {
            "direction": direction,
            "title": _("Referrals received") if direction == "received" else _("Referrals sent"),
            "organisations": organisations,
            "form": form,
            "page_obj": page_obj,
            "referrals": page_obj.object_list,
            "is_filtered": form.is_filtered,
            "can_send": bool(sending_organisations(request.user)) if direction == "received" else bool(organisations),
        },
    )
