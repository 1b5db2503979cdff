"""What the workspace screens share: who may use the workspace at all, and the 403 page."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from network.core.responses import forbidden as core_forbidden
from network.orgs import policy
from network.orgs.models import Organisation
from network.referrals.rules import ReferralAction

NO_REFERRAL_ROLE = gettext_lazy("Referrals are for staff and coordinators.")


def sending_organisations(user: Any) -> QuerySet[Organisation]:
    return policy.organisations_where(user, ReferralAction.SEND_REFERRALS).order_by("name")


def receiving_organisations(user: Any) -> QuerySet[Organisation]:
    return policy.organisations_where(user, ReferralAction.RECEIVE_REFERRALS).order_by("name")


def receiving_organisations_named(user: Any) -> list[Organisation]:
    """`receiving_organisations(user)` with only their id and name, from the roles the request already read (no
    query, unless the policy cannot answer from them)."""
    named = policy.organisation_names_where(user, ReferralAction.RECEIVE_REFERRALS)
    if named is None:
        return list(receiving_organisations(user).only("name"))
    return [Organisation(pk=org_id, name=name) for org_id, name in named]


def may_send(user: Any) -> bool:
    """Whether `sending_organisations(user)` holds any (from the roles the request already read: no query)."""
    return policy.may_on_some_organisation(user, ReferralAction.SEND_REFERRALS)


def may_receive(user: Any) -> bool:
    """Whether `receiving_organisations(user)` holds any (from the roles the request already read: no query)."""
    return policy.may_on_some_organisation(user, ReferralAction.RECEIVE_REFERRALS)


def forbidden(request: HttpRequest, reason: str, *, referral: Any = None) -> HttpResponse:
    """A 403 page that gives the reason, and nothing about any referral the user may not see."""
    if referral is not None:
        back_url = reverse("referrals:detail", args=[referral.pk])
        back_label = _("Back to referral %(number)s") % {"number": referral.number}
    else:
        back_url, back_label = reverse("orgs:dashboard"), _("Back to the dashboard")
    return core_forbidden(
        request,
        reason,
        back_url=back_url,
        back_label=back_label,
        layout="referrals/_workspace.html",
        reason_class="notice",
    )
