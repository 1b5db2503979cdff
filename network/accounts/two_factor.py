"""Two-factor sign-in is required of network administrators and of the roles that open personal data."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from network.orgs import policy
from network.orgs.policy import Actor
from network.orgs.roles import SENSITIVE_PERMISSIONS

TOTP_FLAG = "has_totp"


def _totp_authenticators(user: Actor) -> QuerySet[Any]:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP)


# Read with the user's roles, in the policy's one query per request.
policy.register_user_flag(TOTP_FLAG, _totp_authenticators)


def requires_two_factor(user: Actor) -> bool:
    """Network administrators, and roles that can read personal data, must sign in with a second factor."""
    if not policy.is_signed_in(user):
        return False
    if policy.is_network_admin(user):
        return True
    return any(perms & SENSITIVE_PERMISSIONS for perms in policy.organisation_permissions(user).values())


def two_factor_missing(user: Actor) -> bool:
    """True when the user must use two-factor authentication and has not enrolled an authenticator yet."""
    if not settings.PASSERELLE_REQUIRE_TWO_FACTOR or not requires_two_factor(user):
        return False
    return not policy.user_flag(user, TOTP_FLAG)
