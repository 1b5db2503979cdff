"""Reads of the service directory that the screens, the API and the HSDS export share.

Who may see which service is the access policy's rule (`DirectoryAction.VIEW_SERVICE`, `rules.py`); these
reads build on it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from network.directory.rules import DirectoryAction
from network.orgs import policy
from network.orgs.policy import Actor
from network.orgs.rules import OrganisationAction

from .languages import language_codes_named
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


def service_shows_area(user: Actor, service: Service) -> bool:
    """Whether the area (neighbourhood, district) of `service` may be shown to `user`: as the address when the
    address is confidential (a neighbourhood narrows down where a drop-in centre is), else always."""
    if not service.area:
        return False
    return not service.address_is_confidential or policy.can(user, OrganisationAction.VIEW_ADDRESS, service)


def service_categories() -> QuerySet[ServiceCategory]:
    return ServiceCategory.objects.order_by("sort_order", "name")


def speaks_language(code: str) -> Q:
    """Services that speak `code`, or that have an interpreter for it.

    PostgreSQL answers with JSON containment; SQLite (the embedded default) has no such lookup, so we match the
    quoted code in the stored JSON text, which cannot match a longer code ("fr" never matches "fra").
    """
    if connection.features.supports_json_field_contains:
        return Q(languages__contains=[code]) | Q(interpreter_languages__contains=[code])
    return Q(languages__icontains=f'"{code}"') | Q(interpreter_languages__icontains=f'"{code}"')


def search_services(services: QuerySet[Service], text: str) -> QuerySet[Service]:
    """Services matching what a worker typed: in their name, description, eligibility, organisation, category (in
    every language it is named in), city or area, or a language they speak or interpret, named in any interface
    language, in English or in itself ("espagnol", "español", "Spanish", "árabe", "arabic" all find `es`/`ar`)."""
    text = text.strip()
    if not text:
        return services
    matches = (
        Q(name__icontains=text)
        | Q(description__icontains=text)
        | Q(eligibility__icontains=text)
        | Q(organisation__name__icontains=text)
        | Q(category__name__icontains=text)
        | Q(category__name_translations__icontains=text)
        | Q(city__icontains=text)
        | Q(area__icontains=text, address_is_confidential=False)
        | Q(city="", organisation__city__icontains=text)
    )
    for code in sorted(language_codes_named(text)):
        matches |= speaks_language(code)
    return services.filter(matches)


def service_is_open(service: Service, at: datetime.datetime | None = None) -> bool | None:
    """Whether `service` is open at `at` (now by default), in the network's time zone; None when it gives no
    opening hours (nobody can tell). Reads the prefetched hours of `directory_services`: no query of its own."""
    slots = list(service.opening_hours.all())
    if not slots:
        return None
    moment = (at or timezone.now()).astimezone(ZoneInfo(settings.TIME_ZONE))
    day, time = moment.isoweekday(), moment.time().replace(tzinfo=None)
    return any(slot.weekday == day and slot.opens_at <= time < slot.closes_at for slot in slots)


def referable_service_ids(user: Actor, services: Iterable[Service]) -> set[UUID]:
    """Those of `services` the user may refer someone to, as the policy decides (`REFER_TO_SERVICE`): no query
    for a user who sends no referrals, two at most otherwise, whatever the number of services."""
    ids = [service.pk for service in services]
    if not ids or not policy.is_signed_in(user):
        return set()
    referable = policy.visible(user, DirectoryAction.REFER_TO_SERVICE, Service)
    return set(referable.filter(pk__in=ids).values_list("pk", flat=True))
