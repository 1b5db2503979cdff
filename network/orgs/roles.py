"""Roles → the object permissions (codenames on Organisation) a membership grants: the one table of rights.

DESIGN.md, "Roles and what they may do". The policy core reads these permissions back; the Wagtail groups of an
organisation's space follow them (`roles_with`).
"""

from __future__ import annotations

from collections.abc import Iterable

from .models import Role

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset(
        {
            "change_organisation",
            "view_members",
            "manage_members",
            "manage_partnerships",
            "send_referrals",
            "receive_referrals",
            "read_referral_personal_data",
            "publish_resources",
            "draft_resources",
            "endorse_positions",
            "contribute_advocacy",
        }
    ),
    Role.STAFF: frozenset(
        {
            "view_members",
            "send_referrals",
            "receive_referrals",
            "read_referral_personal_data",
            "publish_resources",
            "draft_resources",
            "contribute_advocacy",
        }
    ),
    Role.PEER: frozenset({"draft_resources", "contribute_advocacy"}),
    Role.VOLUNTEER: frozenset(),
}
ALL_ORGANISATION_PERMISSIONS: frozenset[str] = frozenset().union(*ROLE_PERMISSIONS.values())
# Permissions that open personal data: whoever holds one must sign in with a second factor.
SENSITIVE_PERMISSIONS: frozenset[str] = frozenset({"read_referral_personal_data"})


def permissions_for_roles(roles: Iterable[str]) -> frozenset[str]:
    return frozenset().union(*(ROLE_PERMISSIONS[role] for role in roles))


def roles_with(codename: str) -> frozenset[str]:
    """The roles whose membership grants `codename` (e.g. the roles that publish, for the Wagtail editor group)."""
    return frozenset(role for role, codenames in ROLE_PERMISSIONS.items() if codename in codenames)
