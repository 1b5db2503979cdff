"""Reads about organisations that are not access rules (those live in `rules.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from . import policy
from .models import Organisation, OrganisationUserObjectPermission, Partnership, PartnershipStatus
from .policy import Action

if TYPE_CHECKING:
    from network.accounts.models import User


def active_partnerships_of(organisation: Organisation) -> QuerySet[Partnership]:
    """The organisation's active partnerships, either side, with both organisations loaded."""
    return Partnership.objects.filter(
        Q(proposer=organisation) | Q(partner=organisation), status=PartnershipStatus.ACTIVE
    ).select_related("proposer", "partner")


def users_who_can(action: Action) -> QuerySet[User]:
    """Active users who may perform `action` on at least one organisation (for notifications and reports)."""
    from network.accounts.models import User

    admins = Q(is_superuser=True) | Q(groups__name=policy.NETWORK_ADMINS_GROUP)
    who = admins if policy.network_admins_may(action) else Q(pk__in=[])
    rule = policy.organisation_rule(action)
    if rule is not None:
        holders = OrganisationUserObjectPermission.objects.filter(
            permission__codename=rule.organisation_permission, content_object__is_active=True
        ).values("user_id")
        who |= Q(pk__in=holders)
        if rule.never_for_network_admins:
            return User.objects.filter(who, is_active=True).exclude(admins).distinct()
    return User.objects.filter(who, is_active=True).distinct()


def organisation_users_who_can(organisation: Organisation, action: Action) -> QuerySet[User]:
    """Active users holding the permission behind `action` on this organisation (e.g. who receives referrals)."""
    from network.accounts.models import User

    rule = policy.organisation_rule(action)
    if rule is None or not organisation.is_active:
        return User.objects.none()
    holders = OrganisationUserObjectPermission.objects.filter(
        permission__codename=rule.organisation_permission, content_object=organisation
    ).values("user_id")
    return User.objects.filter(pk__in=holders, is_active=True)
