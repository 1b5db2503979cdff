"""The person's slip: a printable page in the person's language, its .ics, and sending it by message (preview, then
confirm). What the slip shows is decided in network/referrals/slip.py; who may use it in rules.py.

A referral outside `visible_referrals(user)` answers 404 exactly like a missing one; one the user sees but may not
print a slip for answers 403 with the reason. Every response here says `Cache-Control: no-store`.
"""

from __future__ import annotations

from typing import cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from network.accounts.models import User
from network.orgs import policy
from network.referrals import rules as referral_rules
from network.referrals.rules import ReferralAction

from .. import slip as slips
from ..models import ContactChannel, Referral
from .common import forbidden


def _referral(request: HttpRequest, pk: UUID) -> Referral:
    return get_object_or_404(
        referral_rules.visible_referrals(request.user).select_related(
            "service", "service__organisation", "consent", "sender_organisation", "receiver_organisation"
        ),
        pk=pk,
    )


def _cannot_print(request: HttpRequest, referral: Referral) -> HttpResponse:
    return forbidden(
        request,
        _(
            "The slip is for staff who may read this referral's personal data, while the referral is open and the "
            "consent holds."
        ),
        referral=referral,
    )


@never_cache
@login_required
@require_GET
def slip(request: HttpRequest, pk: UUID) -> HttpResponse:
    """The one-page slip, ready to print (no navigation, nothing else about the person)."""
    referral = _referral(request, pk)
    if not policy.can(request.user, ReferralAction.PRINT_REFERRAL_SLIP, referral):
        return _cannot_print(request, referral)
    language = slips.slip_language(referral, requested=request.GET.get("language"), fallback=get_language())
    return render(
        request,
        "referrals/slip.html",
        {
            "referral": referral,
            "slip": slips.slip_for(referral, language=language),
            "language_query": _language_query(referral, language),
            "languages": slips.slip_languages(),
            "can_send": slips.slip_message_refusal(request.user, referral) is None,
        },
    )


def _language_query(referral: Referral, language: str) -> str:
    """`?language=…` for the onward links only when the worker chose another language than the default one: the
    default follows the person's preferred language, which stays out of addresses (and so out of server logs)."""
    return "" if language == slips.slip_language(referral, fallback=get_language()) else f"?language={language}"


@never_cache
@login_required
@require_GET
def slip_ics(request: HttpRequest, pk: UUID) -> HttpResponse:
    """The appointment as a calendar file (404 while there is no appointment)."""
    referral = _referral(request, pk)
    if not policy.can(request.user, ReferralAction.PRINT_REFERRAL_SLIP, referral):
        return _cannot_print(request, referral)
    if referral.appointment_at is None:
        raise Http404
    language = slips.slip_language(referral, requested=request.GET.get("language"), fallback=get_language())
    response = HttpResponse(
        slips.slip_ical(slips.slip_for(referral, language=language)), content_type="text/calendar; charset=utf-8"
    )
    # A neutral file name: it stays in the person's downloads.
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def slip_send(request: HttpRequest, pk: UUID) -> HttpResponse:
    """GET: the message exactly as it will be sent, and a button to confirm. POST: send it (after commit)."""
    user = request.user
    referral = _referral(request, pk)
    refusal = slips.slip_message_refusal(user, referral)
    if refusal is not None:
        return forbidden(request, refusal, referral=referral)
    source = request.POST if request.method == "POST" else request.GET
    language = slips.slip_language(referral, requested=source.get("language"), fallback=get_language())
    if request.method == "POST":
        try:
            slips.referral_slip_send(referral=referral, acting_user=cast(User, user), language=language)
        except policy.AccessDenied as error:
            return forbidden(request, str(error), referral=referral)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The slip is on its way to the person."))
            return redirect("referrals:detail", pk=referral.pk)
    slip = slips.slip_for(referral, language=language)
    return render(
        request,
        "referrals/slip_send.html",
        {
            "referral": referral,
            "slip": slip,
            "text": slips.slip_message_text(slip),
            "language_query": _language_query(referral, language),
            "channel": _("by SMS") if referral.contact_channel == ContactChannel.PHONE else _("by messaging app"),
            "languages": slips.slip_languages(),
        },
    )
