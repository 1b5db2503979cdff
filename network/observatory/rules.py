"""Access rules of the observatory: who sees which released figures. Registered by `ObservatoryConfig.ready()`.

- Visitors: the network's disclosure-controlled figures, per year and per quarter.
- Members of the network: the network's and their own organisations' regions, per month too.
- An organisation's coordinators and staff: its own figures, exact (they are its own), beside the network's.
- Network administrators: every disclosure-controlled figure (network and every region), the release log and the
  settings; another organisation's own figures never, for them as for anyone outside it.

A figure request is a `FigureView` (scope, scope key, granularity): screens, exports and the API ask
`policy.can(user, ObservatoryAction.VIEW_FIGURES, FigureView(...))` before reading a released table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from network.orgs import policy
from network.orgs.models import Organisation, Role
from network.orgs.policy import Action, Actor

from .models import ObservatoryRegion, normalise_region
from .tables import Granularity, Scope


class ObservatoryAction(Action):
    VIEW_FIGURES = "view_observatory_figures"  # obj: a FigureView
    VIEW_RELEASE_LOG = "view_observatory_release_log"  # no obj: network administrators
    MANAGE_OBSERVATORY_SETTINGS = "manage_observatory_settings"  # no obj: network administrators


# The roles that see their organisation's own, exact figures (peers and volunteers see the network's).
OWN_FIGURES_ROLES = frozenset({Role.COORDINATOR, Role.STAFF})
# What visitors may choose: the network per year and per quarter (a month is too fine a cut to publish).
PUBLIC_GRANULARITIES = (Granularity.YEAR, Granularity.QUARTER)


@dataclass(frozen=True)
class FigureView:
    """Which figures are asked for: a scope (its key: a region code, an organisation id) at a granularity."""

    scope: Scope
    scope_key: str = ""
    granularity: Granularity = Granularity.YEAR


def member_regions(user: Actor) -> set[str]:
    """Codes of the configured regions of the active organisations the user belongs to (whatever the role); an
    organisation is in a region when its region field matches the region's code, name or another of its names."""
    ids = policy.member_organisation_ids(user)
    if not ids:
        return set()
    written = {
        normalise_region(region)
        for region in Organisation.objects.filter(pk__in=ids).exclude(region="").values_list("region", flat=True)
    }
    if not written:
        return set()
    return {region.code for region in ObservatoryRegion.objects.all() if region.names() & written}


def own_figures_organisation_ids(user: Actor) -> set[UUID]:
    """Active organisations whose own figures the user sees: where they are a coordinator or staff."""
    active = policy.member_organisation_ids(user)
    return {org_id for org_id, role in policy.roles_by_organisation(user).items() if role in OWN_FIGURES_ROLES} & active


def granularities_for(user: Actor, scope: Scope) -> tuple[Granularity, ...]:
    """The granularities the user may choose in this scope (visitors: the network per year and quarter)."""
    if scope == Scope.NETWORK and not policy.is_network_member(user):
        return PUBLIC_GRANULARITIES
    return tuple(Granularity)


def may_view_figures(user: Actor, view: Any) -> bool:
    """Visitors: the network per year or quarter. Members: the network and their organisations' regions, monthly
    too. Coordinators and staff: their own organisation's exact figures. Network administrators: the network and
    every region, never an organisation's own figures (unless they are its coordinator or staff)."""
    if not isinstance(view, FigureView):
        return False
    if view.scope == Scope.NETWORK:
        return view.scope_key == "" and view.granularity in granularities_for(user, Scope.NETWORK)
    if view.scope == Scope.REGION:
        if not view.scope_key:
            return False
        return policy.is_network_admin(user) or view.scope_key in member_regions(user)
    if view.scope == Scope.ORGANISATION:
        return any(str(org_id) == view.scope_key for org_id in own_figures_organisation_ids(user))
    return False


def register_rules() -> None:
    A = ObservatoryAction
    policy.register(A.VIEW_FIGURES, FigureView, check=may_view_figures, anonymous=True)
    policy.register_network_admin_action(
        A.VIEW_RELEASE_LOG, "network administrators only: what each release showed and suppressed"
    )
    policy.register_network_admin_action(A.MANAGE_OBSERVATORY_SETTINGS, "network administrators only")
