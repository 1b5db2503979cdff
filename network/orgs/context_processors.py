from django.utils.functional import SimpleLazyObject

from . import policy


def navigation(request) -> dict:
    """What the navigation offers this user, decided by the policy (evaluated only when a template asks)."""
    user = getattr(request, "user", None)
    return {
        "nav_has_referrals": SimpleLazyObject(lambda: policy.has_referral_role(user)),
    }
