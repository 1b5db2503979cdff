"""A small network for the observatory's tests: three regions, organisations in each, referrals in bulk.

Organisations are onboarded through the real services (tests/factories.py); referrals that only need to be
counted are bulk-inserted with their metadata (as the benchmarks do): the observatory reads nothing else.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.utils import timezone

from network.directory.models import Service, ServiceCategory
from network.observatory.models import ObservatoryRegion
from network.orgs.models import Organisation
from network.referrals.models import Referral, ReferralEvent
from tests import factories

YEAR = 2025


def regions() -> None:
    for order, (code, label) in enumerate((("north", "Nord"), ("south", "Sud"), ("east", "Est"))):
        ObservatoryRegion.objects.create(code=code, label=label, sort_order=order)


def organisation_in(region: str, **fields: Any) -> Organisation:
    return factories.organisation(region=region, **fields)


def service(organisation: Organisation, category: str) -> Service:
    return Service.objects.create(
        organisation=organisation,
        category=ServiceCategory.objects.get(code=category),
        name=f"{category} at {organisation.name}",
    )


def referrals(
    sender: Organisation, to: Service, count: int, *, month: int, year: int = YEAR, day: int = 10, **fields: Any
) -> list[Referral]:
    """`count` referrals sent in that month, with only the metadata the observatory counts."""
    created = datetime.datetime(year, month, day, 12, 0, tzinfo=timezone.get_current_timezone())
    rows = [
        Referral(
            id=uuid.uuid4(),
            sender_organisation=sender,
            receiver_organisation=to.organisation,
            service=to,
            preferred_language="fr",
            contact_channel="through_sender",
            **fields,
        )
        for _ in range(count)
    ]
    Referral.objects.bulk_create(rows)
    Referral.objects.filter(pk__in=[r.pk for r in rows]).update(created_at=created)
    ReferralEvent.objects.bulk_create(
        [ReferralEvent(referral=r, kind="sent", to_status="sent", actor_organisation=sender) for r in rows]
    )
    return rows


def network_with_a_small_region() -> dict[str, Any]:
    """North and South send plenty of legal-advice and sexual-health referrals; East holds 3 referrals of one
    category (legal advice, sent by its one organisation in March)."""
    regions()
    north = [organisation_in("Nord") for _ in range(3)]
    south = [organisation_in("sud") for _ in range(3)]  # matched without case
    east = organisation_in("Est")
    legal = service(north[0], "legal-advice")
    health = service(south[0], "sexual-health-testing")
    legal_south = service(south[1], "legal-advice")
    health_north = service(north[1], "sexual-health-testing")
    for month in (1, 2, 3, 4, 5, 6):
        for n, sender in enumerate(north):
            referrals(sender, legal_south, 4 + n, month=month)
            referrals(sender, health, 5, month=month, urgency="urgent")
        for n, sender in enumerate(south):
            referrals(sender, legal, 5, month=month)
            referrals(sender, health_north, 4 + n, month=month)
    small = referrals(east, legal, 3, month=3)
    return {"north": north, "south": south, "east": east, "legal": legal, "small": small}
