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
from network.directory.models import Service, ServiceCategory
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
# What a row of the list shows (referrals/_list_row.html), read as plain values: no personal field among them
# (ERASABLE_MODEL_FIELDS), and no model instance built for a row whose fragment the cache already holds.
LIST_VALUES = (
    "id",
    "status",
    "urgency",
    "created_at",
    "appointment_at",
    "updated_at",
    "service_id",
    "service__name",
    "service__category_id",
    "service__category__name",
    "service__category__code",
    "service__category__name_translations",
    "sender_organisation_id",
    "sender_organisation__name",
    "receiver_organisation_id",
    "receiver_organisation__name",
)
assert not {name.split("__")[0] for name in LIST_VALUES} & set(ERASABLE_MODEL_FIELDS)  # noqa: S101  (never personal)


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
    rows = form.filter(referrals).order_by("-created_at", "id").values_list(*LIST_VALUES, named=True)
    page_obj = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
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


def _category_of(row: Any) -> ServiceCategory | None:
    """The row's service category (unsaved), with its names in every language: rows show it in the reader's."""
    if not row.service__category_id:
        return None
    return ServiceCategory(
        pk=row.service__category_id,
        code=row.service__category__code,
        name=row.service__category__name,
        name_translations=row.service__category__name_translations,
    )


def _referral_of(row: Any) -> Referral:
    """A referral to render a row from (`LIST_VALUES`, unsaved: only what the row shows)."""
    referral = Referral(
        id=row.id,
        status=row.status,
        urgency=row.urgency,
        created_at=row.created_at,
        appointment_at=row.appointment_at,
        updated_at=row.updated_at,
    )
    referral.service = Service(pk=row.service_id, name=row.service__name, category=_category_of(row))
    referral.sender_organisation = Organisation(pk=row.sender_organisation_id, name=row.sender_organisation__name)
    referral.receiver_organisation = Organisation(pk=row.receiver_organisation_id, name=row.receiver_organisation__name)
    return referral


def list_rows(rows: list[Any], *, direction: str) -> list[SafeString]:
    """The rows of a list page, each rendered once and kept a few minutes in the cache, keyed by everything the
    row shows (number, status, urgency, service, category, the other organisation, dates): nothing personal, and
    nothing that depends on who looks beyond the row being in their list."""

    def shown(row: Any) -> tuple[Any, ...]:
        return (
            direction,
            row.id,
            row.status,
            row.urgency,
            row.service__name,
            category.label if (category := _category_of(row)) else None,
            row.sender_organisation__name if direction == "received" else row.receiver_organisation__name,
            row.created_at,
            row.appointment_at,
            row.updated_at,
        )

    return cached_fragments(
        ROW_TEMPLATE,
        rows,
        shown=shown,
        context=lambda row: {"referral": _referral_of(row), "direction": direction},
        seconds=ROW_SECONDS,
    )
