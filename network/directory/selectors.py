"""Reads of the service directory that the screens, the API and the HSDS export share.

Who may see which service is the access policy's rule (`DirectoryAction.VIEW_SERVICE`, `rules.py`); these
reads build on it.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet

from network.directory.rules import DirectoryAction
from network.orgs import policy
from network.orgs.policy import Actor
from network.orgs.rules import OrganisationAction

from .models import Service, ServiceCategory, ServiceOpeningHours


def directory_services(user: Actor) -> QuerySet[Service]:
    """Active services of active organisations the user may see, with their opening hours (one extra query)."""
    return (
        policy.visible(user, DirectoryAction.VIEW_SERVICE)
        .filter(is_active=True, organisation__is_active=True)
        .prefetch_related(
            Prefetch("opening_hours", queryset=ServiceOpeningHours.objects.order_by("weekday", "opens_at"))
        )
    )


def public_services() -> QuerySet[Service]:
    """What an anonymous visitor may see: the only services that are ever exported (HSDS)."""
    return directory_services(AnonymousUser())


def service_shows_address(user: Actor, service: Service) -> bool:
    """Whether the street address of `service` may be shown to `user`.

    A non-confidential address is public data (like `Organisation.public_address`); a confidential one only when the
    access policy says so.
    """
    if not service.address:
        return False
    return not service.address_is_confidential or policy.can(user, OrganisationAction.VIEW_ADDRESS, service)


def service_categories() -> QuerySet[ServiceCategory]:
    return ServiceCategory.objects.order_by("sort_order", "name")
