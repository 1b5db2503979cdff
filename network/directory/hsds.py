"""The public service directory in Open Referral HSDS 3.0 (https://docs.openreferral.org/en/3.0/).

Only public services of active organisations are exported (what an anonymous visitor may see, as the access
policy decides). Ids are UUIDs: the existing ones for organisations, services, categories and opening hours; for
objects we derive (languages, phones, locations, addresses, the category link) a uuid5 of the parent's id, so an
id stays the same from one export to the next. A confidential address is never exported: the service then has a
virtual location without any address, postal code or coordinates.

Empty values are left out rather than sent as "" or null: the HSDS schemas type them as strings with formats
(email, uri), which neither an empty string nor null satisfies.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from network.orgs import policy
from network.orgs.languages import language_name
from network.orgs.models import Organisation
from network.orgs.rules import OrganisationAction

from .models import AccessMode, LocationType, ReferralsFrom, Service, ServiceCategory
from .selectors import public_services

HSDS_VERSION = "3.0"
HSDS_PROFILE_URL = "https://docs.openreferral.org/en/3.0/"
HSDS_OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
# A fixed namespace for ids that have no parent object (the taxonomy itself).
PASSERELLE_NAMESPACE = UUID("5f1e4a52-3c2b-4b7e-9a55-1d3c3f0b8a10")
TAXONOMY_ID = str(uuid.uuid5(PASSERELLE_NAMESPACE, "taxonomy:service-categories"))
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200

Json = dict[str, Any]


def derived_id(parent_id: UUID | str, kind: str, key: str = "") -> str:
    """A stable UUID for an object derived from `parent_id` (the same input always gives the same id)."""
    return str(uuid.uuid5(UUID(str(parent_id)), f"{kind}:{key}"))


def _compact(data: Json) -> Json:
    """Leave out empty values (see the module docstring); keep False and 0."""
    return {key: value for key, value in data.items() if value not in ("", None, [], {})}


def _absolute(base_url: str, path: str) -> str:
    return f"{base_url.rstrip('/')}{path}"


# ---------------------------------------------------------------------------------------------------------------
# Querysets: public only, in a constant number of queries


def hsds_services() -> QuerySet[Service]:
    """Public services with their organisation, category and opening hours (one query plus one prefetch)."""
    return public_services().order_by("organisation__name", "name", "id")


def hsds_organizations() -> QuerySet[Organisation]:
    """Active organisations: their profile is public (the policy lets anonymous visitors see them)."""
    return (
        policy.visible(AnonymousUser(), OrganisationAction.VIEW_ORGANISATION)
        .filter(is_active=True)
        .order_by("name", "id")
    )


# ---------------------------------------------------------------------------------------------------------------
# Taxonomy


def hsds_taxonomy() -> Json:
    return {
        "id": TAXONOMY_ID,
        "name": "Passerelle service categories",
        "description": _("The managed taxonomy of services of the Passerelle network."),
        "version": "1",
    }


def hsds_taxonomy_term(category: ServiceCategory) -> Json:
    return _compact(
        {
            "id": str(category.id),
            "code": category.code,
            "name": category.name,
            "description": category.description or category.name,
            "taxonomy": "Passerelle service categories",
            "taxonomy_id": TAXONOMY_ID,
            "taxonomy_detail": hsds_taxonomy(),
        }
    )


def _category_attribute(service: Service) -> Json:
    """HSDS 3.0 links a taxonomy term to a service through an attribute."""
    return {
        "id": derived_id(service.id, "attribute", "category"),
        "link_id": str(service.id),
        "link_type": "category",
        "link_entity": "service",
        "taxonomy_term_id": str(service.category_id),
        "taxonomy_term": hsds_taxonomy_term(service.category),
    }


# ---------------------------------------------------------------------------------------------------------------
# Organisations


def hsds_organization_summary(organisation: Organisation, *, base_url: str) -> Json:
    """The one-to-one fields of an organization (HSDS compiled organization_list)."""
    data = _compact(
        {
            "id": str(organisation.id),
            "name": organisation.name,
            "email": organisation.public_email,
            "website": organisation.website,
            "logo": _absolute(base_url, organisation.logo.url) if organisation.logo else "",
            "uri": _absolute(base_url, reverse("orgs:detail", args=[organisation.slug])),
        }
    )
    data["description"] = organisation.description  # required by HSDS, even when empty
    return data


def hsds_organization(organisation: Organisation, *, base_url: str, services: Iterable[Service] | None = None) -> Json:
    """A fully nested organization: its public phone, its address when public, and its public services."""
    data = hsds_organization_summary(organisation, base_url=base_url)
    if organisation.public_phone:
        data["phones"] = [
            {
                "id": derived_id(organisation.id, "phone"),
                "organization_id": str(organisation.id),
                "number": organisation.public_phone,
            }
        ]
    if organisation.public_address:
        location_id = derived_id(organisation.id, "location")
        data["locations"] = [
            {
                "id": location_id,
                "location_type": LocationType.PHYSICAL.value,
                "organization_id": str(organisation.id),
                "name": organisation.name,
                "addresses": [
                    {
                        "id": derived_id(organisation.id, "address"),
                        "location_id": location_id,
                        "address_1": ", ".join(line.strip() for line in organisation.public_address.splitlines()),
                        "city": organisation.city,
                        "state_province": organisation.region,
                        "postal_code": "",
                        "country": organisation.country,
                        "address_type": LocationType.PHYSICAL.value,
                    }
                ],
            }
        ]
    if services is None:
        services = hsds_services().filter(organisation=organisation)
    data["services"] = [hsds_service_summary(service, base_url=base_url, nested=False) for service in services]
    return data


# ---------------------------------------------------------------------------------------------------------------
# Services


def _application_process(service: Service) -> str:
    access = {
        AccessMode.WALK_IN: _("Walk in, no appointment needed."),
        AccessMode.APPOINTMENT: _("By appointment."),
        AccessMode.BOTH: _("Walk in or make an appointment."),
    }[AccessMode(service.access_mode)]
    if not service.accepts_referrals:
        referrals = _("Does not take referrals through the network.")
    elif service.referrals_from == ReferralsFrom.NETWORK:
        referrals = _("Takes referrals from any organisation of the network.")
    else:
        referrals = _("Takes referrals from partner organisations.")
    return f"{access} {referrals}"


def _fees_description(service: Service) -> str:
    if service.is_free:
        return service.fees_description or _("Free of charge.")
    return service.fees_description or _("Fees apply.")


def hsds_service_summary(service: Service, *, base_url: str, nested: bool = True) -> Json:
    """The one-to-one fields of a service (HSDS compiled service_list), with its organization when `nested`."""
    data = _compact(
        {
            "id": str(service.id),
            "organization_id": str(service.organisation_id),
            "name": service.name,
            "description": service.description,
            "url": service.url,
            "email": service.email,
            "status": "active" if service.is_active else "inactive",
            "application_process": _application_process(service),
            "fees_description": _fees_description(service),
            "eligibility_description": service.eligibility,
            "assured_date": service.last_verified.isoformat() if service.last_verified else "",
            "last_modified": service.updated_at.isoformat() if service.updated_at else "",
        }
    )
    if nested:
        data["organization"] = hsds_organization_summary(service.organisation, base_url=base_url)
    return data


def hsds_service(service: Service, *, base_url: str) -> Json:
    """A fully nested service: phones, schedules, location, languages, organization and its category term."""
    data = hsds_service_summary(service, base_url=base_url)
    if service.phone:
        data["phones"] = [
            {"id": derived_id(service.id, "phone"), "service_id": str(service.id), "number": service.phone}
        ]
    data["schedules"] = hsds_schedules(service)
    data["languages"] = hsds_languages(service)
    location = hsds_location(service)
    data["service_at_locations"] = [
        {
            "id": derived_id(service.id, "service_at_location"),
            "service_id": str(service.id),
            "location_id": location["id"],
            "location": location,
        }
    ]
    data["attributes"] = [_category_attribute(service)]
    return data


def hsds_schedules(service: Service) -> list[Json]:
    """One weekly schedule per opening slot (RFC 5545 style: FREQ=WEEKLY;BYDAY=MO), with the slot's own id."""
    return [
        _compact(
            {
                "id": str(slot.id),
                "service_id": str(service.id),
                "freq": "WEEKLY",
                "wkst": "MO",
                "interval": 1,
                "byday": WEEKDAY_CODES[slot.weekday],
                "opens_at": f"{slot.opens_at:%H:%M}",
                "closes_at": f"{slot.closes_at:%H:%M}",
                "description": f"{slot.get_weekday_display()} {slot.opens_at:%H:%M}–{slot.closes_at:%H:%M}",
                "notes": slot.notes,
            }
        )
        for slot in service.opening_hours.all()
    ]


WEEKDAY_CODES = {1: "MO", 2: "TU", 3: "WE", 4: "TH", 5: "FR", 6: "SA", 7: "SU"}


def hsds_languages(service: Service) -> list[Json]:
    return [
        {
            "id": derived_id(service.id, "language", code),
            "service_id": str(service.id),
            "code": code,
            "name": language_name(code, translated=False),  # English, whatever the request's language
        }
        for code in service.languages or ()
    ]


def hsds_location(service: Service) -> Json:
    """Where the service is delivered. A confidential address never leaves: the location is virtual, with no address."""
    location_id = derived_id(service.id, "location")
    location_type = service.public_location_type
    city = service.city or service.organisation.city
    data: Json = {
        "id": location_id,
        "location_type": str(location_type),
        "organization_id": str(service.organisation_id),
        "name": service.name,
    }
    if location_type == LocationType.PHYSICAL and service.address and not service.address_is_confidential:
        data["addresses"] = [
            {
                "id": derived_id(service.id, "address"),
                "location_id": location_id,
                "address_1": service.address,
                "city": city,
                "state_province": service.organisation.region,
                "postal_code": service.postal_code,
                "country": service.organisation.country,
                "address_type": LocationType.PHYSICAL.value,
            }
        ]
    else:
        data["description"] = (
            _("The address is not published: it is given to the person when they are referred.")
            if service.address_is_confidential
            else _("Delivered remotely (phone, video, messaging).")
        )
        if service.url:
            data["url"] = service.url
    return data


# ---------------------------------------------------------------------------------------------------------------
# Pages and the full export


def hsds_page(queryset: QuerySet, *, page: int, per_page: int, serialize: Callable[[Any], Json]) -> Json:
    """One page in the shape of the HSDS API's `Page` (total_items, total_pages, … contents). Two queries."""
    total_items = queryset.count()
    total_pages = math.ceil(total_items / per_page) if total_items else 0
    offset = (page - 1) * per_page
    contents = [serialize(item) for item in queryset[offset : offset + per_page]] if offset < total_items else []
    return {
        "total_items": total_items,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def hsds_export(*, base_url: str) -> Json:
    """The whole public directory: organizations (fully nested), services (fully nested) and the taxonomy."""
    services = list(hsds_services())
    by_organisation: dict[UUID, list[Service]] = {}
    for service in services:
        by_organisation.setdefault(service.organisation_id, []).append(service)
    organisations = hsds_organizations()
    return {
        "version": HSDS_VERSION,
        "profile": HSDS_PROFILE_URL,
        "organizations": [
            hsds_organization(organisation, base_url=base_url, services=by_organisation.get(organisation.id, []))
            for organisation in organisations
        ],
        "services": [hsds_service(service, base_url=base_url) for service in services],
        "taxonomies": [hsds_taxonomy()],
        "taxonomy_terms": [hsds_taxonomy_term(category) for category in ServiceCategory.objects.all()],
    }
