from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from network.orgs import policy

from .rules import ReferralAction


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Whether the navigation offers the referral workspace, decided by the policy (evaluated only when asked)."""
    user = getattr(request, "user", None)
    return {
        "nav_has_referrals": SimpleLazyObject(lambda: policy.can(user, ReferralAction.USE_REFERRAL_WORKSPACE)),
    }
