"""Inbox (received by my organisations) and sent (by my organisations).

A row shows metadata (number, service, organisations, urgency, status, due date) and, to those who may read it on
the referral page (same policy, same consent scope), the person's first name or pseudonym. The name is decrypted
for the page's rows only, never cached (the cached row fragments hold metadata only), and each name shown writes
an access-log row (one query for the page). Overdue referrals come first, then by due date.

The search by name is a POST (a name never travels in a URL): the user's own list is decrypted in memory, bounded
by `selectors.SEARCH_LIMIT`, and only names the user may read can match. The query count stays the same whatever
the number of referrals.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from network.core.fragments import cached_fragments
from network.directory.models import Service, ServiceCategory
from network.orgs.models import Organisation
from network.referrals import rules as referral_rules
from network.referrals import selectors
from network.referrals import services as services_module
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
    "due_at",  # annotated by selectors.referrals_by_due
)
assert not {name.split("__")[0] for name in LIST_VALUES} & set(ERASABLE_MODEL_FIELDS)  # noqa: S101  (never personal)


class NameSearchForm(forms.Form):
    """Find a referral by the person's name among one's own: POSTed, so the name never lands in a URL or a log."""

    q = forms.CharField(
        label=gettext_lazy("First name or pseudonym"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
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
@require_http_methods(["GET", "POST"])
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
    search = NameSearchForm(request.POST if request.method == "POST" else None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    # A search starts on its first page (its pages are POSTed too); a plain list pages through its URL.
    page_number = (search.cleaned_data.get("page") or 1) if query else request.GET.get("page")
    filtered = form.filter(referrals)
    if query:
        filtered = filtered.filter(pk__in=selectors.referral_ids_named(request.user, filtered, query))
    # Rows read metadata only: personal fields are neither loaded nor decrypted here, nor any column not shown.
    rows = selectors.referrals_by_due(filtered).values_list(*LIST_VALUES, named=True)
    page_obj = Paginator(rows, PAGE_SIZE).get_page(page_number)
    page_rows = list(page_obj.object_list)
    # The names of this page's rows, for those who may read them (one query), each read written to the access log.
    names = selectors.referral_names_for(request.user, [row.id for row in page_rows])
    services_module.referrals_log_name_reads(
        acting_user=request.user,
        shown=[
            (row.id, row.sender_organisation_id, row.receiver_organisation_id) for row in page_rows if row.id in names
        ],
    )
    now = timezone.now()
    return render(
        request,
        "referrals/list.html",
        {
            "direction": direction,
            "title": _("Referrals received") if direction == "received" else _("Referrals sent"),
            "organisations": organisations,
            "form": form,
            "filter_fields": filter_fields(form),
            "search": search,
            "query": query,
            "page_obj": page_obj,
            "rows": [
                {"html": html, "name": names.get(row.id, ""), "overdue": _overdue(row, now)}
                for row, html in zip(page_rows, list_rows(page_rows, direction=direction, now=now), strict=True)
            ],
            "is_filtered": form.is_filtered or bool(query),
            "can_send": may_send(request.user) if direction == "received" else bool(organisations),
        },
    )


FILTERS_TEMPLATE = "referrals/_list_filters.html"


def filter_fields(form: ReferralFilterForm) -> SafeString:
    """The filter fields' HTML, rendered once per choices offered and values asked, then from the cache: the
    services' select was a tenth of the page's CPU. The key holds all the fields show (the choices, the values
    of these three fields only, so other parameters make no new entry; their errors follow from both), and only
    service ids and names, status and urgency codes: nothing personal."""
    return cached_fragments(
        FILTERS_TEMPLATE,
        [form],
        shown=lambda form: (
            # As text (lazy labels would be keyed by their object's address), in the key's language.
            tuple(
                (name, tuple((str(value), str(label)) for value, label in field.choices))
                for name, field in form.fields.items()
            ),
            tuple(tuple(form.data.getlist(name)) for name in form.fields) if form.is_bound else None,
        ),
        context=lambda form: {"form": form},
        seconds=ROW_SECONDS,
    )[0]


def _overdue(row: Any, now: Any) -> bool:
    return row.due_at is not None and row.due_at < now


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


def list_rows(rows: list[Any], *, direction: str, now: Any = None) -> list[SafeString]:
    """The rows of a list page, each rendered once and kept a few minutes in the cache, keyed by everything the
    row shows (number, status, urgency, service, category, the other organisation, dates): nothing personal, and
    nothing that depends on who looks beyond the row being in their list. The person's name is never in them."""
    now = now or timezone.now()

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
            row.due_at,
            _overdue(row, now),
        )

    return cached_fragments(
        ROW_TEMPLATE,
        rows,
        shown=shown,
        context=lambda row: {
            "referral": _referral_of(row),
            "direction": direction,
            "due_at": row.due_at,
            "overdue": _overdue(row, now),
        },
        seconds=ROW_SECONDS,
    )
