"""The public directory in Open Referral HSDS 3.0: valid against the official schemas, public services only, and
never a confidential address."""

from __future__ import annotations

import copy
import datetime
import functools
import io
import json
import uuid
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from network.directory import hsds
from network.directory import services as directory
from network.directory.hsds import hsds_export
from network.directory.models import LocationType, ServiceCategory, Weekday
from network.orgs import services
from tests import factories

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parent.parent / "data" / "hsds-3.0"
# openapi.json refers to the compiled schemas by these addresses: the registry serves our local copies under them.
RAW = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
OPENAPI = RAW + "openapi.json"
SERVICE = RAW + "compiled/service.json"
ORGANIZATION = RAW + "compiled/organization.json"
SERVICE_PAGE = OPENAPI + "#/paths/~1services/get/responses/200/content/application~1json/schema"
ORGANIZATION_PAGE = OPENAPI + "#/paths/~1organizations/get/responses/200/content/application~1json/schema"
ROOT = OPENAPI + "#/paths/~1/get/responses/200/content/application~1json/schema"

CONFIDENTIAL_ADDRESS = "7 impasse du Refuge Secret"
CONFIDENTIAL_POSTCODE = "75999"
ORG_CONFIDENTIAL_ADDRESS = "Sous-sol du 4 rue Cachée"


@functools.cache
def registry() -> Registry:
    resources = []
    for name in (
        "openapi.json",
        "compiled/service.json",
        "compiled/service_list.json",
        "compiled/organization.json",
        "compiled/organization_list.json",
        "compiled/service_at_location.json",
        "compiled/service_at_location_list.json",
        "taxonomy.json",
        "taxonomy_term.json",
        "metadata.json",
    ):
        contents = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
        resources.append((RAW + name, Resource.from_contents(contents, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


def format_checker() -> FormatChecker:
    """The draft 2020-12 checks, plus uri and date-time (jsonschema checks those only with optional packages)."""
    checker = copy.deepcopy(Draft202012Validator.FORMAT_CHECKER)

    @checker.checks("uri")
    def is_uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlparse(value)
        return bool(parts.scheme and parts.netloc)

    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        return datetime.datetime.fromisoformat(value).tzinfo is not None

    return checker


def assert_valid(instance: object, schema_uri: str) -> None:
    validator = Draft202012Validator({"$ref": schema_uri}, registry=registry(), format_checker=format_checker())
    errors = sorted(validator.iter_errors(instance), key=lambda error: list(error.absolute_path))
    assert not errors, "\n".join(f"{list(error.absolute_path)}: {error.message}" for error in errors[:10])


def paris_offset(moment: datetime.datetime | None = None) -> str:
    """The UTC offset of the site's zone (Europe/Paris in the tests) at `moment` (now), as "+01:00"."""
    zone = ZoneInfo(settings.TIME_ZONE)
    offset = (moment or datetime.datetime.now(datetime.UTC)).astimezone(zone).strftime("%z")
    return f"{offset[:3]}:{offset[3:]}"


def category(code: str = "sexual-health-testing") -> ServiceCategory:
    return ServiceCategory.objects.get(code=code)


def new_service(organisation, **fields):
    values = {
        "category": category(),
        "name": "Dépistage rapide",
        "description": "Tests rapides VIH et hépatites.",
        "languages": ["fr", "ro"],
        "address": "10 rue Publique",
        "postal_code": "13001",
        "city": "Marseille",
    }
    values.update(fields)
    opening_hours = values.pop("opening_hours", ())
    return directory.service_create(
        organisation=organisation,
        acting_user=factories.coordinator_of(organisation),
        opening_hours=opening_hours,
        **values,
    )


def slot(weekday: int, opens: str, closes: str, notes: str = "") -> dict:
    return {
        "weekday": weekday,
        "opens_at": datetime.time.fromisoformat(opens),
        "closes_at": datetime.time.fromisoformat(closes),
        "notes": notes,
    }


@pytest.fixture
def network():
    """A health unit with a public and a members-only service; a drop-in centre whose address is confidential."""
    return build_network()


def build_network() -> dict:
    """The objects of the `network` fixture (also built once per module, where tests only read)."""
    health = factories.organisation(
        name="Centre de santé Soleil",
        description="Santé sexuelle.",
        public_email="contact@soleil.example",
        public_phone="+33 4 00 00 00 01",
        website="https://soleil.example",
        address="1 boulevard Public",
        address_is_confidential=False,
    )
    drop_in = factories.organisation(
        name="Espace Nuit", description="", address=ORG_CONFIDENTIAL_ADDRESS, address_is_confidential=True
    )
    public = new_service(
        health,
        phone="+33 4 00 00 00 02",
        email="depistage@soleil.example",
        url="https://soleil.example/depistage",
        opening_hours=[slot(Weekday.MONDAY, "09:00", "12:30"), slot(Weekday.THURSDAY, "14:00", "18:00", "Sans RDV")],
    )
    members_only = new_service(
        health, name="Consultation PrEP", category=category("hiv-hepatitis-care"), is_public=False
    )
    confidential = new_service(
        drop_in,
        name="Accueil de nuit",
        category=category("harm-reduction"),
        address=CONFIDENTIAL_ADDRESS,
        postal_code=CONFIDENTIAL_POSTCODE,
        address_is_confidential=True,
        opening_hours=[slot(Weekday.FRIDAY, "20:00", "23:30")],
    )
    return {
        "health": health,
        "drop_in": drop_in,
        "public": public,
        "members_only": members_only,
        "confidential": confidential,
    }


def test_api_root_says_hsds_3_0(client):
    response = client.get("/hsds/")

    assert response.status_code == 200
    assert response.json()["version"] == "3.0"
    assert_valid(response.json(), ROOT)


def test_service_list_is_a_valid_hsds_page_of_public_services_only(client, network):
    # When anyone asks for the list of services
    response = client.get("/hsds/services")

    # Then it is a valid HSDS page, and it holds the public services only (never the members-only one)
    assert response.status_code == 200
    page = response.json()
    assert_valid(page, SERVICE_PAGE)
    ids = {item["id"] for item in page["contents"]}
    assert ids == {str(network["public"].id), str(network["confidential"].id)}
    assert page["total_items"] == 2
    assert page["first_page"] and page["last_page"] and not page["empty"]


def test_service_list_pages_and_refuses_bad_page_numbers(client, network):
    first = client.get("/hsds/services", {"per_page": 1}).json()
    second = client.get("/hsds/services/", {"per_page": 1, "page": 2}).json()
    beyond = client.get("/hsds/services", {"per_page": 1, "page": 9}).json()

    assert (first["total_pages"], first["size"], first["first_page"], first["last_page"]) == (2, 1, True, False)
    assert (second["page_number"], second["last_page"]) == (2, True)
    assert first["contents"][0]["id"] != second["contents"][0]["id"]
    assert beyond["empty"] and beyond["contents"] == []
    # Values the HSDS openapi.json allows are read leniently: page 0 is the first, per_page is capped at 200
    assert client.get("/hsds/services", {"page": 0}).json()["page_number"] == 1
    assert client.get("/hsds/services", {"per_page": 10_000}).json()["total_pages"] == 1
    assert client.get("/hsds/services", {"organization_id": "not-a-uuid"}).json()["contents"] == []
    # What cannot be read at all is a 400 with its reason
    for bad in ({"page": "zero"}, {"per_page": "many"}, {"full": "maybe"}, {"modified_after": "yesterday"}):
        response = client.get("/hsds/services", bad)
        assert response.status_code == 400, bad
        assert response.json()["detail"]


def test_service_list_filters_by_organization_and_taxonomy_term(client, network):
    by_org = client.get("/hsds/services", {"organization_id": network["drop_in"].id}).json()
    by_term = client.get("/hsds/services", {"taxonomy_term_id": category().id}).json()
    by_text = client.get("/hsds/services", {"search": "nuit"}).json()

    assert [item["id"] for item in by_org["contents"]] == [str(network["confidential"].id)]
    assert [item["id"] for item in by_term["contents"]] == [str(network["public"].id)]
    assert [item["id"] for item in by_text["contents"]] == [str(network["confidential"].id)]


def test_public_service_is_fully_nested_and_valid(client, network):
    service = network["public"]

    response = client.get(f"/hsds/services/{service.id}")

    assert response.status_code == 200
    data = response.json()
    assert_valid(data, SERVICE)
    assert data["organization"]["id"] == str(network["health"].id)
    paris = paris_offset()  # opening hours are Paris times, and say so
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in data["schedules"]] == [
        ("MO", f"09:00{paris}", f"12:30{paris}"),
        ("TH", f"14:00{paris}", f"18:00{paris}"),
    ]
    assert {language["code"] for language in data["languages"]} == {"fr", "ro"}
    assert data["phones"][0]["number"] == "+33 4 00 00 00 02"
    location = data["service_at_locations"][0]["location"]
    assert location["location_type"] == "physical"
    assert location["addresses"][0]["address_1"] == "10 rue Publique"
    term = data["attributes"][0]["taxonomy_term"]
    assert (term["id"], term["code"]) == (str(category().id), "sexual-health-testing")
    assert data["assured_date"] == service.last_verified.isoformat()


def test_members_only_inactive_and_unknown_services_answer_404(client, network):
    services_gone = network["public"]
    directory.service_set_active(
        service=services_gone, active=False, acting_user=factories.coordinator_of(network["health"])
    )

    for service_id in (network["members_only"].id, services_gone.id, uuid.uuid4()):
        response = client.get(f"/hsds/services/{service_id}")
        assert response.status_code == 404
        assert set(response.json()) == {"detail"}


def test_signed_in_member_gets_the_same_public_data(client, signed_in, network):
    # Given a member of the network (who sees members-only services on the site)
    signed_in(factories.member(network["health"], "staff"))

    # When they use the HSDS API, the members-only service is still absent
    page = client.get("/hsds/services").json()
    assert str(network["members_only"].id) not in {item["id"] for item in page["contents"]}
    assert client.get(f"/hsds/services/{network['members_only'].id}").status_code == 404


def test_confidential_drop_in_is_a_physical_place_without_any_address(client, network):
    # Given a drop-in centre whose address is confidential, when an HSDS client reads it
    data = client.get(f"/hsds/services/{network['confidential'].id}").json()

    # Then it is a place people go to (never presented as remote), in its city, with no address anywhere
    assert_valid(data, SERVICE)
    location = data["service_at_locations"][0]["location"]
    assert location["location_type"] == LocationType.PHYSICAL
    assert "addresses" not in location
    assert "latitude" not in location and "longitude" not in location
    assert location["description"]
    assert [area["name"] for area in data["service_areas"]] == [network["confidential"].city]
    assert all("person" in schedule["attending_type"] for schedule in data["schedules"])


def test_organizations_list_and_detail_are_valid(client, network):
    page = client.get("/hsds/organizations").json()
    assert_valid(page, ORGANIZATION_PAGE)
    assert {item["id"] for item in page["contents"]} >= {str(network["health"].id), str(network["drop_in"].id)}

    health = client.get(f"/hsds/organizations/{network['health'].id}").json()
    assert_valid(health, ORGANIZATION)
    assert [service["id"] for service in health["services"]] == [str(network["public"].id)]
    assert health["locations"][0]["addresses"][0]["address_1"] == "1 boulevard Public"
    assert health["phones"][0]["number"] == "+33 4 00 00 00 01"

    drop_in = client.get(f"/hsds/organizations/{network['drop_in'].id}").json()
    assert_valid(drop_in, ORGANIZATION)
    assert "locations" not in drop_in


def test_inactive_organisation_and_its_services_are_not_exported(client, network):
    services.organisation_set_active(
        organisation=network["health"], active=False, acting_user=factories.network_admin()
    )

    assert client.get(f"/hsds/organizations/{network['health'].id}").status_code == 404
    assert client.get(f"/hsds/services/{network['public'].id}").status_code == 404
    listed = {item["id"] for item in client.get("/hsds/services").json()["contents"]}
    assert listed == {str(network["confidential"].id)}


def test_confidential_addresses_appear_in_no_hsds_response(client, network):
    # Given the confidential addresses of a service and of an organisation
    secrets = (CONFIDENTIAL_ADDRESS, "Refuge Secret", CONFIDENTIAL_POSTCODE, ORG_CONFIDENTIAL_ADDRESS, "rue Cachée")

    # When every HSDS address is read (and the full export is built)
    urls = [
        "/hsds/",
        "/hsds/services",
        "/hsds/services?search=nuit",
        f"/hsds/services/{network['confidential'].id}",
        f"/hsds/services/{network['public'].id}",
        "/hsds/organizations",
        f"/hsds/organizations/{network['drop_in'].id}",
        f"/hsds/organizations/{network['health'].id}",
        "/hsds/taxonomies",
        "/hsds/taxonomy_terms",
        "/hsds/service_at_locations",
        "/hsds/service_at_locations?full=true",
        f"/hsds/service_at_locations?postcode={CONFIDENTIAL_POSTCODE}",
        f"/hsds/service_at_locations/{hsds.service_at_location_id(network['confidential'])}",
        "/hsds/services?full=true&format=ndjson",
        "/hsds/organizations?full_service=true",
        "/hsds/openapi.json",
    ]
    bodies = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        bodies.append(response.content.decode())
    bodies.append(json.dumps(hsds_export(base_url="https://passerelle.example"), ensure_ascii=False))

    # Then no confidential value is anywhere
    for body in bodies:
        for secret in secrets:
            assert secret not in body


def test_ids_are_uuids_and_stable_from_one_export_to_the_next(network):
    first = hsds_export(base_url="https://passerelle.example")
    second = hsds_export(base_url="https://passerelle.example")

    assert first == second

    def ids(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "id" or key.endswith("_id"):
                    yield item
                else:
                    yield from ids(item)
        elif isinstance(value, list):
            for item in value:
                yield from ids(item)

    found = list(ids(first))
    assert len(found) > 20
    for value in found:
        assert str(uuid.UUID(value)) == value


def test_export_command_writes_a_valid_directory(tmp_path, network):
    target = tmp_path / "directory.json"

    call_command("export_hsds", str(target), "--base-url", "https://passerelle.example", stdout=io.StringIO())

    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["version"] == "3.0"
    assert {service["id"] for service in data["services"]} == {
        str(network["public"].id),
        str(network["confidential"].id),
    }
    for service in data["services"]:
        assert_valid(service, SERVICE)
    for organization in data["organizations"]:
        assert_valid(organization, ORGANIZATION)
    assert all(item["uri"].startswith("https://passerelle.example/") for item in data["organizations"])
    assert CONFIDENTIAL_ADDRESS not in target.read_text(encoding="utf-8")


def test_service_list_and_detail_use_a_constant_number_of_queries(client, network):
    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few_list = count("/hsds/services")
    few_org = count(f"/hsds/organizations/{network['health'].id}")
    for n in range(6):
        new_service(
            network["health"],
            name=f"Service {n}",
            opening_hours=[slot(Weekday.MONDAY, "09:00", "10:00"), slot(Weekday.TUESDAY, "09:00", "10:00")],
        )

    assert count("/hsds/services") == few_list
    assert count(f"/hsds/organizations/{network['health'].id}") == few_org
    assert count(f"/hsds/services/{network['public'].id}") <= 3


def test_interpreter_and_area_are_exported_but_never_the_area_of_a_confidential_address(client):
    # Given a service with interpreters and an area, and a confidential drop-in centre with an area
    health = factories.organisation(name="Centre Lune")
    interpreted = new_service(health, interpreter_available=True, interpreter_languages=["es", "ar"], area="Belleville")
    on_request = new_service(health, name="Sur demande", interpreter_available=True)
    hidden = new_service(
        health,
        name="Local",
        address=CONFIDENTIAL_ADDRESS,
        address_is_confidential=True,
        area="Goutte d'Or",
    )

    # When an HSDS client reads them (in English)
    data = client.get(f"/hsds/services/{interpreted.id}", HTTP_ACCEPT_LANGUAGE="en").json()
    request = client.get(f"/hsds/services/{on_request.id}", HTTP_ACCEPT_LANGUAGE="en").json()
    confidential = client.get(f"/hsds/services/{hidden.id}", HTTP_ACCEPT_LANGUAGE="en")

    # Then the interpreter is described in words, the area is the address's region, and everything stays valid
    assert_valid(data, SERVICE)
    assert data["interpretation_services"] == "An interpreter can be arranged in: Spanish, Arabic."
    assert request["interpretation_services"] == "An interpreter can be arranged on request."
    address = data["service_at_locations"][0]["location"]["addresses"][0]
    assert address["region"] == "Belleville"
    assert_valid(confidential.json(), SERVICE)
    assert "Goutte" not in confidential.content.decode()
