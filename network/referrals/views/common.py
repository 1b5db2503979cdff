"""What the workspace screens share: who may use the workspace at all, and the 403 page."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy

from network.orgs import policy
from network.orgs.models import Organisation
from network.orgs.policy import Action

NO_REFERRAL_ROLE = gettext_lazy("Referrals are for staff and coordinators.")


def sending_organisations(user: Any) -> QuerySet[Organisation]:
    return policy.organisations_where(user, Action.SEND_REFERRALS).order_by("name")


def receiving_organisations(user: Any) -> QuerySet[Organisation]:
    return policy.organisations_where(user, Action.RECEIVE_REFERRALS).order_by("name")


def forbidden(request: HttpRequest, reason: str, *, referral: Any = None) -> HttpResponse:
    """A 403 page that gives the reason, and nothing about any referral the user may not see."""
    response = render(request, "referrals/forbidden.html", {"reason": reason, "referral": referral}, status=403)
    add_never_cache_headers(response)
    return response
