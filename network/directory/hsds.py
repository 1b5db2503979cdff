"""The public service directory in Open Referral HSDS 3.0 (https://docs.openreferral.org/en/3.0/).

Only public services of active organisations are exported (what an anonymous visitor may see, as the access
policy decides). Ids are UUIDs: the existing ones for organisations, services, categories and opening hours; for
objects we derive (languages, phones, locations, addresses, the category link, the service at its location) a
uuid5 of the parent's id, so an id stays the same from one export to the next.

Texts are in the language of the request (category names, language names, descriptions): the views say
`Vary: Accept-Language`, and the page cache keys its copies by language.

A confidential address (a drop-in centre) is never exported; how such a service is described so that HSDS clients
still present it as a place people go to, not as a remote service, is explained in `hsds_location`.

Empty values are left out rather than sent as "" or null: the HSDS schemas type them as strings with formats
(email, uri), which neither an empty string nor null satisfies.
"""

from __future__ import annotations

import datetime
import math
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from network.orgs import policy
from network.orgs.languages import language_name
from network.orgs.models import Organisation
from network.orgs.rules import OrganisationAction

from .models import AccessMode, LocationType, ReferralsFrom, Service, ServiceCategory
from .selectors import public_services

HSDS_VERSION = "3.0"
HSDS_PROFILE_URL = "https://docs.openreferral.org/en/3.0/"
# A fixed namespace for ids that have no parent object (the taxonomy itself).
PASSERELLE_NAMESPACE = UUID("5f1e4a52-3c2b-4b7e-9a55-1d3c3f0b8a10")
TAXONOMY_ID = str(uuid.uuid5(PASSERELLE_NAMESPACE, "taxonomy:service-categories"))
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# `minimal=true` asks for every service in one call (HSDS): ids and dates only, so a large page stays small.
MINIMAL_PAGE_SIZE = 1000

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
    """The one taxonomy: the network's managed service categories (named in the language of the answer)."""
    return {
        "id": TAXONOMY_ID,
        "name": _("Passerelle service categories"),
        "description": _("The managed taxonomy of services of the Passerelle network."),
        "version": "1",
    }


def answer_language() -> str:
    """The language code of the answer being built (the request's negotiated language)."""
    return translation.get_language() or settings.LANGUAGE_CODE


def hsds_taxonomy_term(category: ServiceCategory) -> Json:
    """A category as an HSDS taxonomy term, its name in the language of the answer (`language` says which)."""
    name = category.label
    return _compact(
        {
            "id": str(category.id),
            "code": category.code,
            "name": name,
            "description": category.description or name,
            "taxonomy": hsds_taxonomy()["name"],
            "taxonomy_id": TAXONOMY_ID,
            "taxonomy_detail": hsds_taxonomy(),
            "language": answer_language().split("-")[0],  # ISO 639-1, as taxonomy_term.json asks (zh-hans → zh)
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


def hsds_organization(
    organisation: Organisation,
    *,
    base_url: str,
    services: Iterable[Service] | None = None,
    full_service: bool = False,
) -> Json:
    """A fully nested organization: its public phone, its address when public, and its public services (their
    one-to-one fields; fully nested with `full_service`)."""
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
    data["services"] = [
        hsds_service(service, base_url=base_url)
        if full_service
        else hsds_service_summary(service, base_url=base_url, nested=False)
        for service in services
    ]
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
            "interpretation_services": hsds_interpretation_services(service),
            "assured_date": service.last_verified.isoformat() if service.last_verified else "",
            "last_modified": service.updated_at.isoformat() if service.updated_at else "",
        }
    )
    if nested:
        data["organization"] = hsds_organization_summary(service.organisation, base_url=base_url)
    return data


def hsds_interpretation_services(service: Service) -> str:
    """The interpreter a service can arrange, in words, in the language of the answer ("" when it has none)."""
    if not service.interpreter_available:
        return ""
    if not service.interpreter_languages:
        return _("An interpreter can be arranged on request.")
    return _("An interpreter can be arranged in: %(languages)s.") % {
        "languages": ", ".join(hsds_language_name(code) for code in service.interpreter_languages)
    }


def hsds_service_minimal(service: Service) -> Json:
    """`minimal=true`: the id and the modification date (HSDS), with the name and status every service_list item
    must carry (compiled/service_list.json requires them)."""
    return _compact(
        {
            "id": str(service.id),
            "name": service.name,
            "status": "active" if service.is_active else "inactive",
            "last_modified": service.updated_at.isoformat() if service.updated_at else "",
        }
    )


def hsds_service(service: Service, *, base_url: str) -> Json:
    """A fully nested service: phones, schedules, location, languages, organization and its category term."""
    data = hsds_service_summary(service, base_url=base_url)
    if service.phone:
        data["phones"] = [
            {"id": derived_id(service.id, "phone"), "service_id": str(service.id), "number": service.phone}
        ]
    data["schedules"] = hsds_schedules(service)
    data["languages"] = hsds_languages(service)
    areas = hsds_service_areas(service)
    if areas:
        data["service_areas"] = areas
    location = hsds_location(service)
    data["service_at_locations"] = [
        {
            "id": service_at_location_id(service),
            "service_id": str(service.id),
            "location_id": location["id"],
            "location": location,
        }
    ]
    data["attributes"] = [_category_attribute(service)]
    return data


def service_time_zone(service: Service) -> ZoneInfo:
    """The time zone a service's opening hours are written in.

    Organisations and services have no zone of their own yet: the site's (settings.TIME_ZONE) holds for the whole
    network. A zone per organisation would be read here, and only here.
    """
    return ZoneInfo(settings.TIME_ZONE)


def _utc_offset(zone: ZoneInfo, *, now: datetime.datetime | None = None) -> datetime.timedelta:
    moment = (now or timezone.now()).astimezone(zone)
    return moment.utcoffset() or datetime.timedelta(0)


def _offset_text(offset: datetime.timedelta) -> str:
    """`+01:00`, `-05:00`, `Z` for UTC: the suffix schedule.json asks for on `opens_at` and `closes_at`."""
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "Z"
    sign = "+" if minutes > 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def _offset_hours(offset: datetime.timedelta) -> int | float:
    hours = offset.total_seconds() / 3600
    return int(hours) if hours.is_integer() else hours


def hsds_schedules(service: Service, *, now: datetime.datetime | None = None) -> list[Json]:
    """One weekly schedule per opening slot (RFC 5545 style: FREQ=WEEKLY;BYDAY=MO), with the slot's own id.

    Opening hours are local times of the service's zone (`service_time_zone`). HSDS assumes UTC unless told
    otherwise, so each schedule carries the zone as schedule.json asks: `timezone` (the UTC offset, in hours) and
    the offset on `opens_at` / `closes_at` ("09:00+01:00"). A weekly rule holds one offset only: it is the one in
    force on the day of the answer (summer time changes it twice a year; answers are cached for minutes, not
    months), and the description names the zone itself ("Europe/Paris") for clients that follow summer time.
    """
    zone = service_time_zone(service)
    offset = _utc_offset(zone, now=now)
    suffix = _offset_text(offset)
    attending = _attending_type(service)
    return [
        _compact(
            {
                "id": str(slot.id),
                "service_id": str(service.id),
                "freq": "WEEKLY",
                "wkst": "MO",
                "interval": 1,
                "byday": WEEKDAY_CODES[slot.weekday],
                "timezone": _offset_hours(offset),
                "opens_at": f"{slot.opens_at:%H:%M}{suffix}",
                "closes_at": f"{slot.closes_at:%H:%M}{suffix}",
                "description": f"{slot} ({zone.key})",
                "attending_type": attending,
                "notes": slot.notes,
            }
        )
        for slot in service.opening_hours.all()
    ]


WEEKDAY_CODES = {1: "MO", 2: "TU", 3: "WE", 4: "TH", 5: "FR", 6: "SA", 7: "SU"}


def _attending_type(service: Service) -> str:
    if service.address_is_confidential:
        return _("In person, at an address given to the person when they are referred.")
    if service.location_type == LocationType.VIRTUAL:
        return _("Delivered remotely (phone, video, messaging).")
    return _("In person.")


def hsds_language_name(code: str) -> str:
    """A language's name in the language of the answer ("Roumain" in French, "Румынский" in Russian).

    Django's own language names are translated into every language it ships; a code it does not know falls back
    to the project's names (`language_name`), then to the code.
    """
    for candidate in (code, code.split("-")[0]):
        try:
            return str(translation.get_language_info(candidate)["name_translated"])
        except KeyError:
            continue
    return language_name(code)


def hsds_languages(service: Service) -> list[Json]:
    return [
        {
            "id": derived_id(service.id, "language", code),
            "service_id": str(service.id),
            "code": code,
            "name": hsds_language_name(code),
        }
        for code in service.languages or ()
    ]


def hsds_service_areas(service: Service) -> list[Json]:
    """Where a service with a confidential address is for: its city (public, as on its page), as free text.

    Given only for those services: their location has no address, and the area tells a client that the service
    is local, in that city (see `hsds_location`).
    """
    city = service.city or service.organisation.city
    if not (service.address_is_confidential and city):
        return []
    return [
        {
            "id": derived_id(service.id, "service_area"),
            "service_id": str(service.id),
            "name": city,
            "description": _("In person in %(city)s; the address is given to the person when they are referred.")
            % {"city": city},
        }
    ]


def hsds_location(service: Service) -> Json:
    """Where the service is delivered. A confidential address never leaves.

    A confidential drop-in centre is a place people go to, and HSDS clients must not list it as a remote service:
    its location is `location_type: physical` (location.json allows it without any address, and requires only the
    id and the type) with no `addresses`, no coordinates, no postal code and no street; its `description` says the
    address is given on referral; the service's `service_areas` name its (public) city, and each schedule's
    `attending_type` says "in person". We chose these fields because HSDS 3.0 has no "confidential" flag:
    `virtual` means "delivered online/by phone" (location.json), which would send people to a service they cannot
    reach remotely, and a `postal` location or an address with blank fields would either be wrong or break
    address.json (every address field is required).
    """
    location_id = derived_id(service.id, "location")
    data: Json = {
        "id": location_id,
        "location_type": str(service.location_type),
        "organization_id": str(service.organisation_id),
        "name": service.name,
    }
    if service.address_is_confidential:
        data["location_type"] = LocationType.PHYSICAL.value
        data["description"] = _("The address is not published: it is given to the person when they are referred.")
    elif service.location_type == LocationType.PHYSICAL and service.address:
        data["addresses"] = [
            {
                "id": derived_id(service.id, "address"),
                "location_id": location_id,
                "address_1": service.address,
                "city": service.city or service.organisation.city,
                # The service's area (neighbourhood, district): never for a confidential address, as the address.
                **({"region": service.area} if service.area else {}),
                "state_province": service.organisation.region,
                "postal_code": service.postal_code,
                "country": service.organisation.country,
                "address_type": LocationType.PHYSICAL.value,
            }
        ]
    elif service.location_type == LocationType.VIRTUAL:
        data["description"] = _("Delivered remotely (phone, video, messaging).")
        if service.url:
            data["url"] = service.url
    return data


# ---------------------------------------------------------------------------------------------------------------
# Service at location: each service is delivered at one location (its own)


def service_at_location_id(service: Service) -> str:
    return derived_id(service.id, "service_at_location")


def hsds_service_at_location(service: Service, *, base_url: str, full: bool = False) -> Json:
    """A service at its location (compiled/service_at_location_list.json; with `full`, service_at_location.json:
    the schedules and phones too)."""
    location = hsds_location(service)
    data: Json = {
        "id": service_at_location_id(service),
        "service_id": str(service.id),
        "location_id": location["id"],
        "location": location,
        "service": hsds_service_summary(service, base_url=base_url),
    }
    if full:
        data["schedules"] = hsds_schedules(service)
        if service.phone:
            data["phones"] = [
                {"id": derived_id(service.id, "phone"), "service_id": str(service.id), "number": service.phone}
            ]
        data["attributes"] = [_category_attribute(service)]
    return data


# ---------------------------------------------------------------------------------------------------------------
# Pages and the full export


def hsds_page(
    queryset: QuerySet | Sequence[Any],
    *,
    page: int,
    per_page: int,
    serialize: Callable[[Any], Json],
    serialize_many: Callable[[list[Any]], list[Json]] | None = None,
) -> Json:
    """One page in the shape of the HSDS API's `Page` (total_items, total_pages, … contents). Two queries (plus
    what `serialize_many` reads for the whole page at once)."""
    total_items = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
    total_pages = math.ceil(total_items / per_page) if total_items else 0
    offset = (page - 1) * per_page
    items = list(queryset[offset : offset + per_page]) if offset < total_items else []
    contents = serialize_many(items) if serialize_many else [serialize(item) for item in items]
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
