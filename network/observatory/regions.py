"""Which configured region each organisation counts in (its own region field, never a person's)."""

from __future__ import annotations

import uuid

from network.directory.models import Service
from network.orgs.models import Organisation

from .models import ObservatoryRegion, normalise_region


def organisation_geographies() -> tuple[list[str], dict[uuid.UUID, str | None]]:
    """The configured region codes in order, and each active organisation's region code (None: no region)."""
    configured = list(ObservatoryRegion.objects.order_by("sort_order", "code"))
    by_name = _codes_by_name(configured)
    geography_of = {
        organisation: by_name.get(normalise_region(region or ""))
        for organisation, region in Organisation.objects.filter(is_active=True).values_list("id", "region")
    }
    return [region.code for region in configured], geography_of


def region_of_organisations() -> dict[uuid.UUID, str]:
    """Every organisation's region code ("" when it matches none), for the counts the build writes."""
    by_name = _codes_by_name(list(ObservatoryRegion.objects.order_by("sort_order", "code")))
    return {
        organisation: by_name.get(normalise_region(region or ""), "")
        for organisation, region in Organisation.objects.values_list("id", "region")
    }


def service_providers() -> dict[str, set[uuid.UUID]]:
    """Category code → the active organisations offering a service of it (who could receive such a referral)."""
    providers: dict[str, set[uuid.UUID]] = {}
    for code, organisation in Service.objects.filter(organisation__is_active=True).values_list(
        "category__code", "organisation_id"
    ):
        providers.setdefault(code, set()).add(organisation)
    return providers


def _codes_by_name(configured: list[ObservatoryRegion]) -> dict[str, str]:
    by_name: dict[str, str] = {}
    for region in configured:
        for name in region.names():
            by_name.setdefault(name, region.code)
    return by_name
