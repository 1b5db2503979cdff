"""GET /api/v1/services/: what the caller may see, filtered, documented, constant queries."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from network.directory import services as directory
from network.directory.models import ReferralsFrom, ServiceCategory, Weekday
from network.orgs.models import Role
from tests import factories

pytestmark = pytest.mark.django_db

CONFIDENTIAL_ADDRESS = "7 impasse du Refuge Secret"


def category(code: str = "sexual-health-testing") -> ServiceCategory:
    return ServiceCategory.objects.get(code=code)


def new_service(organisation, **fields):
    values = {"category": category(), "name": "Dépistage", "languages": ["fr"], "address": "1 rue Publique"}
    values.update(fields)
    return directory.service_create(
        organisation=organisation,
        acting_user=factories.coordinator_of(organisation),
        opening_hours=values.pop("opening_hours", ()),
        **values,
    )


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def network():
    health, drop_in = factories.organisation(name="Centre Soleil"), factories.organisation(name="Espace Nuit")
    return {
        "health": health,
        "drop_in": drop_in,
        "public": new_service(health, languages=["fr", "ro"], referrals_from=ReferralsFrom.NETWORK),
        "members_only": new_service(
            health, name="PrEP", category=category("hiv-hepatitis-care"), is_public=False, accepts_referrals=False
        ),
        "confidential": new_service(
            drop_in,
            name="Accueil de nuit",
            category=category("harm-reduction"),
            address=CONFIDENTIAL_ADDRESS,
            address_is_confidential=True,
        ),
    }


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["name"] for item in response.json()["results"]}


def test_anonymous_caller_lists_public_services_without_confidential_addresses(api, network):
    response = api.get("/api/v1/services/")

    assert names(response) == {"Dépistage", "Accueil de nuit"}
    by_name = {item["name"]: item for item in response.json()["results"]}
    assert by_name["Dépistage"]["address"] == "1 rue Publique"
    assert by_name["Accueil de nuit"]["address"] is None
    # A confidential drop-in centre is in person, its address withheld (given on referral), never "virtual".
    assert by_name["Accueil de nuit"]["location_type"] == "physical"
    assert by_name["Accueil de nuit"]["address_given_on_referral"] is True
    assert by_name["Dépistage"]["address_given_on_referral"] is False
    assert CONFIDENTIAL_ADDRESS not in response.content.decode()
    assert api.get(f"/api/v1/services/{network['members_only'].pk}/").status_code == 404
    assert api.get(f"/api/v1/services/{uuid.uuid4()}/").status_code == 404


def test_network_members_also_see_members_only_services(api, network):
    outsider = factories.member(factories.organisation(), Role.VOLUNTEER)
    api.force_authenticate(outsider)

    assert names(api.get("/api/v1/services/")) == {"Dépistage", "PrEP", "Accueil de nuit"}
    detail = api.get(f"/api/v1/services/{network['confidential'].pk}/").json()
    assert detail["address"] is None
    assert CONFIDENTIAL_ADDRESS not in str(detail)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "harm-reduction"}, {"Accueil de nuit"}),
        ({"language": "ro"}, {"Dépistage"}),
        ({"language": "not a code"}, set()),
        ({"accepts_referrals": "false"}, {"PrEP"}),
        ({"accepts_referrals": "true"}, {"Dépistage", "Accueil de nuit"}),
    ],
)
def test_filters(api, network, params, expected):
    api.force_authenticate(factories.member(factories.organisation(), Role.STAFF))

    assert names(api.get("/api/v1/services/", params)) == expected


def test_filter_by_organisation_and_bad_organisation_id(api, network):
    assert names(api.get("/api/v1/services/", {"organisation": network["drop_in"].pk})) == {"Accueil de nuit"}
    assert api.get("/api/v1/services/", {"organisation": "nope"}).status_code == 400


def test_service_shows_opening_hours_and_category(api, network):
    service = new_service(
        network["health"],
        name="Vaccination",
        opening_hours=[
            {
                "weekday": Weekday.TUESDAY,
                "opens_at": datetime.time(9),
                "closes_at": datetime.time(12),
                "notes": "",
            }
        ],
    )

    data = api.get(f"/api/v1/services/{service.pk}/").json()

    assert data["category"]["code"] == "sexual-health-testing"
    assert data["organisation"]["id"] == str(network["health"].pk)
    assert data["opening_hours"] == [{"weekday": 2, "opens_at": "09:00:00", "closes_at": "12:00:00", "notes": ""}]


def test_list_uses_a_constant_number_of_queries(api, network):
    api.force_authenticate(factories.member(factories.organisation(), Role.STAFF))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/v1/services/").status_code == 200
        return len(queries)

    count()  # the policy reads the caller's memberships once and keeps them on the user object
    few = count()
    for n in range(6):
        new_service(
            network["health"],
            name=f"Service {n}",
            opening_hours=[{"weekday": 1, "opens_at": datetime.time(9), "closes_at": datetime.time(10), "notes": ""}],
        )

    assert count() == few


def test_services_are_documented_in_the_schema():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)

    listing = schema["paths"]["/api/v1/services/"]["get"]
    assert {"category", "language", "organisation", "accepts_referrals"} <= {p["name"] for p in listing["parameters"]}
    fields = schema["components"]["schemas"]["Service"]["properties"]
    assert {
        "interpreter_available",
        "interpreter_languages",
        "interpreter_language_names",
        "area",
        "address_given_on_referral",
    } <= set(fields)
    assert "404" in schema["paths"]["/api/v1/services/{id}/"]["get"]["responses"]


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        ("es", {"fr": "Francés", "ro": "Rumano"}),
        ("ar", {"fr": "الفرنسية", "ro": "الرومانيّة"}),
        ("en", {"fr": "French", "ro": "Romanian"}),
    ],
)
def test_service_languages_are_named_in_the_language_of_the_answer(api, network, accept_language, expected):
    # Given a public service offered in French and Romanian
    service = network["public"]

    # When a client asks for it in another language
    response = api.get(f"/api/v1/services/{service.pk}/", HTTP_ACCEPT_LANGUAGE=accept_language)

    # Then the codes stay as they are and each language is named in the answer's language
    data = response.json()
    assert data["languages"] == ["fr", "ro"]
    assert {item["code"]: item["name"] for item in data["language_names"]} == expected
    assert "Accept-Language" in response["Vary"]
    assert response["Content-Language"] == accept_language


def test_interpreter_and_area_are_shown_but_a_confidential_area_only_to_its_organisation(api, network):
    # Given a service with an interpreter and an area, and a confidential drop-in centre with an area
    service = network["public"]
    directory.service_update(
        service=service,
        acting_user=factories.coordinator_of(network["health"]),
        interpreter_available=True,
        interpreter_languages=["es"],
        area="Belleville",
    )
    drop_in = network["confidential"]
    directory.service_update(service=drop_in, acting_user=factories.coordinator_of(network["drop_in"]), area="Nord")

    # When anyone reads them, in Spanish
    data = api.get(f"/api/v1/services/{service.pk}/", HTTP_ACCEPT_LANGUAGE="es").json()
    hidden = api.get(f"/api/v1/services/{drop_in.pk}/").json()
    api.force_authenticate(factories.member(network["drop_in"], Role.STAFF))
    own = api.get(f"/api/v1/services/{drop_in.pk}/").json()

    # Then the interpreter's languages are named, the area shown; the confidential area only to its organisation
    assert data["interpreter_available"] is True
    assert data["interpreter_language_names"] == [{"code": "es", "name": "Español"}]
    assert data["area"] == "Belleville"
    assert hidden["area"] is None
    assert own["area"] == "Nord"


def test_language_filter_finds_services_with_an_interpreter_for_it(api, network):
    directory.service_update(
        service=network["public"],
        acting_user=factories.coordinator_of(network["health"]),
        interpreter_available=True,
        interpreter_languages=["es"],
    )

    assert names(api.get("/api/v1/services/?language=es")) == {"Dépistage"}
