"""The fixed lists a user chooses figures from: scopes (network, regions, own organisations), tables, years.

Nothing here is free: a user can only pick among these, so no two overlapping selections can be set side by side
to reveal a small group. Which entries a user gets is the access policy's answer (`rules`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from network.orgs import policy
from network.orgs.models import Organisation

from . import selectors
from .catalogue import TableSpec
from .rules import member_regions, own_figures_organisation_ids
from .tables import Scope


@dataclass(frozen=True)
class ScopeChoice:
    scope: Scope
    key: str
    label: str

    def url(self, name: str = "", **kwargs: Any) -> str:
        if self.scope == Scope.REGION:
            return reverse(f"observatory:region{name}", kwargs={"code": self.key, **kwargs})
        if self.scope == Scope.ORGANISATION:
            return reverse(f"observatory:organisation{name}", kwargs={"organisation_id": self.key, **kwargs})
        return reverse(f"observatory:{name.lstrip('_') or 'index'}", kwargs=kwargs or None)


def network_scope() -> ScopeChoice:
    return ScopeChoice(Scope.NETWORK, "", _("The whole network"))


def scope_choices(user: Any) -> list[ScopeChoice]:
    """The network, the regions the user may see, and the organisations whose own figures they see."""
    choices = [network_scope()]
    admin = policy.is_network_admin(user)
    mine = member_regions(user)
    choices += [
        ScopeChoice(Scope.REGION, region.code, region.label)
        for region in selectors.regions()
        if admin or region.code in mine
    ]
    own = own_figures_organisation_ids(user)
    if own:
        organisations = Organisation.objects.filter(pk__in=own).order_by("name").values_list("pk", "name")
        choices += [
            ScopeChoice(Scope.ORGANISATION, str(pk), _("%(organisation)s (own figures)") % {"organisation": name})
            for pk, name in organisations
        ]
    return choices


def tables_for(scope: Scope) -> list[TableSpec]:
    """The tables offered in a scope (an organisation's own figures: the tables offered to organisations)."""
    if scope == Scope.ORGANISATION:
        return [spec for spec in selectors.table_catalogue() if spec.own_organisation]
    return [spec for spec in selectors.table_catalogue() if scope in spec.scopes]


def offered_years() -> list[int]:
    """Years with released figures, newest first (this year while nothing was released: own figures need none)."""
    return selectors.available_years() or [timezone.localdate().year]
