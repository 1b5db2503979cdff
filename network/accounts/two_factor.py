"""Two-factor sign-in is required of network administrators and of the roles that open personal data."""

from __future__ import annotations

from django.conf import settings

from network.orgs import policy
from network.orgs.policy import Actor
from network.orgs.roles import SENSITIVE_PERMISSIONS

_TOTP_CACHE = policy.cache_attribute("has_totp")


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
    if not hasattr(user, _TOTP_CACHE):
        from allauth.mfa.models import Authenticator

        setattr(
            user,
            _TOTP_CACHE,
            Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists(),
        )
    return not getattr(user, _TOTP_CACHE)
