"""The service directory pages (public, members) and the coordinators' screens."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from network.directory import services as directory
from network.directory.models import Service, ServiceCategory, Weekday
from network.orgs.models import Role
from tests import factories

pytestmark = pytest.mark.django_db

CONFIDENTIAL_ADDRESS = "7 impasse du Refuge Secret"
CONFIDENTIAL_POSTCODE = "75999"


def url(name: str, *args, lang: str = "fr", **params) -> str:
    with translation.override(lang):
        path = reverse(f"directory:{name}", args=args)
    return f"{path}?{urlencode(params)}" if params else path


def category(code: str = "sexual-health-testing") -> ServiceCategory:
    return ServiceCategory.objects.get(code=code)


def new_service(organisation, **fields) -> Service:
    values = {
        "category": category(),
        "name": "Dépistage rapide",
        "description": "Tests rapides VIH et hépatites.",
        "languages": ["fr"],
        "address": "10 rue Publique",
        "city": "Marseille",
    }
    values.update(fields)
    return directory.service_create(
        organisation=organisation,
        acting_user=factories.coordinator_of(organisation),
        opening_hours=values.pop("opening_hours", ()),
        **values,
    )


def slot(weekday: int, opens: str, closes: str) -> dict:
    return {
        "weekday": weekday,
        "opens_at": datetime.time.fromisoformat(opens),
        "closes_at": datetime.time.fromisoformat(closes),
        "notes": "",
    }


@pytest.fixture
def network():
    health = factories.organisation(name="Centre Soleil", city="Marseille")
    drop_in = factories.organisation(name="Espace Nuit", city="Lyon")
    return {
        "health": health,
        "drop_in": drop_in,
        "public": new_service(
            health,
            languages=["fr", "ro"],
            eligibility="Toute personne, avec ou sans papiers.",
            opening_hours=[slot(Weekday.MONDAY, "09:00", "12:30")],
        ),
        "members_only": new_service(
            health, name="Consultation PrEP", category=category("hiv-hepatitis-care"), is_public=False
        ),
        "confidential": new_service(
            drop_in,
            name="Accueil de nuit",
            category=category("harm-reduction"),
            languages=["ro", "bg"],
            address=CONFIDENTIAL_ADDRESS,
            postal_code=CONFIDENTIAL_POSTCODE,
            city="Lyon",
            address_is_confidential=True,
            description="Un lieu pour se poser la nuit.",
        ),
    }


# --- Public directory -------------------------------------------------------------------------------------------


def test_anonymous_visitor_sees_public_services_only(client, network):
    html = client.get(url("service_directory")).content.decode()

    assert "Dépistage rapide" in html
    assert "Accueil de nuit" in html
    assert "Consultation PrEP" not in html
    assert client.get(url("service_detail", network["public"].pk)).status_code == 200
    assert client.get(url("service_detail", network["members_only"].pk)).status_code == 404


def test_members_of_any_organisation_see_members_only_services(client, signed_in, network):
    # Given a peer worker of an unrelated organisation
    signed_in(factories.member(factories.organisation(), Role.PEER))

    # Then the members-only service is listed and opens
    assert "Consultation PrEP" in client.get(url("service_directory")).content.decode()
    assert client.get(url("service_detail", network["members_only"].pk)).status_code == 200


def test_withdrawn_service_answers_404_and_is_not_listed(client, signed_in, network):
    service = network["public"]
    directory.service_set_active(service=service, active=False, acting_user=factories.coordinator_of(network["health"]))
    signed_in(factories.member(factories.organisation(), Role.STAFF))

    assert "Dépistage rapide" not in client.get(url("service_directory")).content.decode()
    assert client.get(url("service_detail", service.pk)).status_code == 404


def test_detail_shows_what_a_person_needs_to_know(client, network):
    html = client.get(url("service_detail", network["public"].pk, lang="en")).content.decode()

    for expected in (
        "Dépistage rapide",
        "Sexual-health testing",
        "avec ou sans papiers",
        "Romanian",
        "10 rue Publique",
    ):
        assert expected in html
    assert "09:00" in html and "12:30" in html
    assert timezone.localdate().strftime("%Y") in html  # last verified
    assert "Centre Soleil" in html


def test_confidential_address_is_never_shown_to_the_public_nor_to_other_organisations(client, signed_in, network):
    service = network["confidential"]
    pages = [url("service_directory"), url("service_detail", service.pk), url("service_directory", q="nuit")]

    anonymous = [client.get(page).content.decode() for page in pages]
    signed_in(factories.coordinator_of(network["health"]))
    other_org = [client.get(page).content.decode() for page in pages]

    for html in anonymous + other_org:
        assert CONFIDENTIAL_ADDRESS not in html
        assert CONFIDENTIAL_POSTCODE not in html
        assert "Refuge Secret" not in html
    assert "Accueil de nuit" in anonymous[1]
    assert (
        "given to the person when they are referred"
        in client.get(url("service_detail", service.pk, lang="en")).content.decode()
    )


def test_confidential_address_is_shown_to_members_of_its_own_organisation(client, signed_in, network):
    signed_in(factories.member(network["drop_in"], Role.STAFF))

    assert CONFIDENTIAL_ADDRESS in client.get(url("service_detail", network["confidential"].pk)).content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "harm-reduction"}, {"Accueil de nuit"}),
        ({"language": "ro"}, {"Dépistage rapide", "Accueil de nuit"}),
        ({"language": "bg"}, {"Accueil de nuit"}),
        ({"city": "Marseille"}, {"Dépistage rapide"}),
        ({"q": "hépatites"}, {"Dépistage rapide"}),
        ({"q": "Espace Nuit"}, {"Accueil de nuit"}),
        ({"category": "not-a-category"}, {"Dépistage rapide", "Accueil de nuit"}),
    ],
)
def test_search_by_category_language_city_and_text(client, network, params, expected):
    response = client.get(url("service_directory", **params))

    assert response.status_code == 200
    shown = {service.name for service in response.context["services"]}
    assert shown == expected


def test_directory_uses_a_constant_number_of_queries(client, signed_in, network):
    signed_in(factories.member(factories.organisation(), Role.STAFF))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("service_directory")).status_code == 200
        return len(queries)

    count()  # the first request of a session records it (allauth's user sessions): not the page's own work
    few = count()
    for n in range(8):
        new_service(
            network["health"],
            name=f"Service {n}",
            languages=["fr", f"{'es' if n % 2 else 'it'}"],
            opening_hours=[slot(Weekday.MONDAY, "09:00", "10:00"), slot(Weekday.FRIDAY, "14:00", "15:00")],
        )

    assert count() == few


def test_directory_paginates(client, network):
    for n in range(25):
        new_service(network["health"], name=f"Service {n:02d}")

    first = client.get(url("service_directory"))
    second = client.get(url("service_directory", page=2))

    assert first.context["result_count"] == 27
    assert len(first.context["services"]) == 20
    assert len(second.context["services"]) == 7


# --- Coordinators' screens --------------------------------------------------------------------------------------


def hours_management(total: int = 2, initial: int = 0) -> dict:
    return {
        "hours-TOTAL_FORMS": str(total),
        "hours-INITIAL_FORMS": str(initial),
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "21",
    }


def form_data(**overrides) -> dict:
    data = {
        "category": str(category("legal-advice").pk),
        "name": "Permanence juridique",
        "description": "Conseils gratuits.",
        "languages": "fr, ar",
        "eligibility": "",
        "is_free": "on",
        "fees_description": "",
        "access_mode": "walk_in",
        "location_type": "physical",
        "address": "3 place de la Loi",
        "postal_code": "13001",
        "city": "Marseille",
        "phone": "",
        "email": "",
        "url": "",
        "accepts_referrals": "on",
        "referrals_from": "partners",
        "is_public": "on",
        **hours_management(),
        "hours-0-weekday": "2",
        "hours-0-opens_at": "14:00",
        "hours-0-closes_at": "18:00",
        "hours-0-notes": "",
    }
    data.update(overrides)
    return data


def test_coordinator_adds_a_service_with_opening_hours(client, signed_in, network):
    clinic = network["health"]
    signed_in(factories.coordinator_of(clinic))

    response = client.post(url("service_create", clinic.slug), form_data())

    assert response.status_code == 302
    service = Service.objects.get(organisation=clinic, name="Permanence juridique")
    assert service.languages == ["fr", "ar"]
    assert [(s.weekday, s.opens_at) for s in service.opening_hours.all()] == [(2, datetime.time(14))]
    listing = client.get(url("services_manage", clinic.slug)).content.decode()
    assert "Permanence juridique" in listing and "Consultation PrEP" in listing


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"hours-0-opens_at": "18:00", "hours-0-closes_at": "09:00"}, "closing time must be after"),
        ({"languages": "fr, klingon"}, "Unknown language code"),
        ({"location_type": "physical", "address": ""}, "needs the address"),
        ({"hours-1-weekday": "2", "hours-1-opens_at": "15:00", "hours-1-closes_at": "19:00"}, "overlap"),
    ],
)
def test_bad_input_shows_form_errors_and_creates_nothing(client, signed_in, network, overrides, message):
    clinic = network["health"]
    signed_in(factories.coordinator_of(clinic))

    response = client.post(url("service_create", clinic.slug, lang="en"), form_data(**overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Service.objects.filter(name="Permanence juridique").exists()


def test_coordinator_edits_replaces_hours_withdraws_and_verifies(client, signed_in, network):
    clinic = network["health"]
    service = network["public"]
    Service.objects.filter(pk=service.pk).update(last_verified=datetime.date(2024, 1, 1))
    signed_in(factories.coordinator_of(clinic))

    # The edit page shows the current hours
    page = client.get(url("service_edit", clinic.slug, service.pk))
    assert page.status_code == 200
    assert page.context["formset"].initial[0]["weekday"] == Weekday.MONDAY

    # Saving replaces them
    data = form_data(
        name="Dépistage du soir", **{"hours-0-weekday": "5", "hours-0-opens_at": "18:00", "hours-0-closes_at": "21:00"}
    )
    data.update(hours_management(total=2, initial=1))
    response = client.post(url("service_edit", clinic.slug, service.pk), data)
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "Dépistage du soir"
    assert [(s.weekday, s.opens_at) for s in service.opening_hours.all()] == [(5, datetime.time(18))]

    # Refused input changes nothing
    bad = form_data(name="Autre nom", **{"hours-0-opens_at": "20:00", "hours-0-closes_at": "19:00"})
    assert client.post(url("service_edit", clinic.slug, service.pk), bad).status_code == 200
    service.refresh_from_db()
    assert service.name == "Dépistage du soir"

    # Withdraw, then mark verified today
    client.post(url("service_set_active", clinic.slug, service.pk), {"active": "0"})
    client.post(url("service_mark_verified", clinic.slug, service.pk))
    service.refresh_from_db()
    assert not service.is_active
    assert service.last_verified == timezone.localdate()


def test_management_screens_answer_404_to_everyone_else(client, signed_in, network):
    clinic, other = network["health"], network["drop_in"]
    service, foreign_service = network["public"], network["confidential"]
    pages = [
        ("get", url("services_manage", clinic.slug)),
        ("get", url("service_create", clinic.slug)),
        ("get", url("service_edit", clinic.slug, service.pk)),
        ("post", url("service_set_active", clinic.slug, service.pk)),
        ("post", url("service_mark_verified", clinic.slug, service.pk)),
    ]

    # Staff of the clinic and the coordinator of another organisation get 404 everywhere
    for user in (factories.member(clinic, Role.STAFF), factories.coordinator_of(other)):
        signed_in(user)
        for method, page in pages:
            assert getattr(client, method)(page, {"active": "0"}).status_code == 404, (user, page)

    # The clinic's coordinator cannot reach another organisation's service through the clinic's address
    signed_in(factories.coordinator_of(clinic))
    assert client.get(url("service_edit", clinic.slug, foreign_service.pk)).status_code == 404
    assert client.post(url("service_set_active", clinic.slug, foreign_service.pk), {"active": "0"}).status_code == 404
    foreign_service.refresh_from_db()
    assert foreign_service.is_active
    service.refresh_from_db()
    assert service.is_active


def test_anonymous_visitor_is_sent_to_sign_in_from_management_screens(client, network):
    response = client.get(url("services_manage", network["health"].slug))

    assert response.status_code == 302
    assert "login" in response["Location"]
