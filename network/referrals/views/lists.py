"""Inbox (received by my organisations) and sent (by my organisations).

Lists carry metadata only: number, service, organisations, urgency, status, dates. No personal field is read,
so no access-log row is written and the query count stays the same whatever the number of referrals.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from network.core.fragments import cached_fragments
from network.directory.models import Service
from network.orgs.models import Organisation
from network.referrals import rules as referral_rules
from network.referrals.services import ERASABLE_MODEL_FIELDS

from ..forms import ReferralFilterForm
from ..models import Referral
from .common import (
    NO_REFERRAL_ROLE,
    forbidden,
    may_receive,
    may_send,
    receiving_organisations_named,
    sending_organisations,
)

PAGE_SIZE = 25
# What a row of the list shows (referrals/list.html): no personal field among them (ERASABLE_MODEL_FIELDS).
LIST_COLUMNS = (
    "status",
    "urgency",
    "created_at",
    "updated_at",
    "appointment_at",
    "service",
    "service__name",
    "service__category",
    "service__category__name",
    "sender_organisation",
    "sender_organisation__name",
    "receiver_organisation",
    "receiver_organisation__name",
)
assert not set(LIST_COLUMNS) & set(ERASABLE_MODEL_FIELDS)  # noqa: S101  (a list never loads a personal field)


@never_cache
@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """Referrals received by the organisations where I may receive them."""
    user = request.user
    receivers = receiving_organisations_named(user)
    if not receivers and not may_send(user):
        return forbidden(request, NO_REFERRAL_ROLE)
    referrals = referral_rules.visible_referrals(user, direction="received")
    services = Service.objects.filter(organisation__in=[org.pk for org in receivers])
    return _render_list(request, referrals, services, receivers, direction="received")


@never_cache
@login_required
@require_GET
def sent(request: HttpRequest) -> HttpResponse:
    """Referrals sent by the organisations where I may send them."""
    user = request.user
    senders = list(sending_organisations(user))
    if not senders and not may_receive(user):
        return forbidden(request, NO_REFERRAL_ROLE)
    referrals = referral_rules.visible_referrals(user, direction="sent")
    # The services my organisations have sent to: one query, whatever the number of referrals.
    services = Service.objects.filter(pk__in=referrals.order_by().values("service_id"))
    return _render_list(request, referrals, services, senders, direction="sent")


def _render_list(
    request: HttpRequest,
    referrals: QuerySet[Referral],
    services: QuerySet[Service],
    organisations: list[Organisation],
    *,
    direction: str,
) -> HttpResponse:
    # The filter offers each service by name and organisation: those two columns, not the whole rows.
    services = services.select_related("organisation").only("name", "organisation__name")
    form = ReferralFilterForm(request.GET or None, services=list(services.order_by("organisation__name", "name")))
    # Lists show metadata only: personal fields are neither loaded nor decrypted, nor any column a row does not show.
    referrals = (
        form.filter(referrals)
        .select_related("service", "service__category", "sender_organisation", "receiver_organisation")
        .only(*LIST_COLUMNS)
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
            "rows": list_rows(list(page_obj.object_list), direction=direction),
            "is_filtered": form.is_filtered,
            "can_send": may_send(request.user) if direction == "received" else bool(organisations),
        },
    )


ROW_TEMPLATE = "referrals/_list_row.html"
# Rows hold metadata only, but no longer than a working session: a purged referral's row leaves the cache soon.
ROW_SECONDS = 10 * 60


def list_rows(referrals: list[Referral], *, direction: str) -> list[SafeString]:
    """The rows of a list page, each rendered once and kept a few minutes in the cache, keyed by everything the
    row shows (number, status, urgency, service, category, the other organisation, dates): nothing personal, and
    nothing that depends on who looks beyond the row being in their list."""

    def shown(referral: Referral) -> tuple[Any, ...]:
        service = referral.service
        other = referral.sender_organisation if direction == "received" else referral.receiver_organisation
        return (
            direction,
            referral.pk,
            referral.status,
            referral.urgency,
            service.name,
            service.category.name if service.category_id else None,
            other.name,
            referral.created_at,
            referral.appointment_at,
            referral.updated_at,
        )

    return cached_fragments(
        ROW_TEMPLATE,
        referrals,
        shown=shown,
        context=lambda referral: {"referral": referral, "direction": direction},
        seconds=ROW_SECONDS,
    )
