"""Referring a person from the directory: "Refer someone here" for those who may refer, the form with the service
chosen; what a service card says about languages, interpreters, area, phone and a confidential drop-in centre."""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from network.directory import services as directory
from network.directory.models import ReferralsFrom, Service, ServiceCategory, Weekday
from network.orgs.models import Role
from tests import factories

pytestmark = pytest.mark.django_db

SECRET_ADDRESS = "7 impasse du Refuge Secret"
SECRET_AREA = "Goutte d'Or"
REFER = "Refer someone here"


def url(name: str, *args, lang: str = "en", **params) -> str:
    with translation.override(lang):
        path = reverse(name, args=args)
    return f"{path}?{urlencode(params)}" if params else path


def new_service(organisation, **fields) -> Service:
    values = {
        "category": ServiceCategory.objects.get(code="legal-advice"),
        "name": "Permanence juridique",
        "languages": ["fr", "es"],
        "address": "3 place de la Loi",
        "city": "Paris",
    }
    values.update(fields)
    return directory.service_create(
        organisation=organisation,
        acting_user=factories.coordinator_of(organisation),
        opening_hours=values.pop("opening_hours", ()),
        **values,
    )


@pytest.fixture
def network():
    lawyers = factories.organisation(name="Droits Devant", city="Paris")
    outreach = factories.organisation(name="Lotus Outreach", city="Paris")
    partner = factories.organisation(name="Amaranthe", city="Lyon")
    factories.active_partnership(lawyers, partner)
    return {
        "lawyers": lawyers,
        "outreach": outreach,
        "partner": partner,
        "open_to_all": new_service(
            lawyers,
            referrals_from=ReferralsFrom.NETWORK,
            interpreter_available=True,
            interpreter_languages=["ar"],
            area="Belleville",
            phone="+33 1 23 45 67 89",
        ),
        "partners_only": new_service(
            lawyers, name="Titres de séjour", referrals_from=ReferralsFrom.PARTNERS, languages=["fr"]
        ),
        "drop_in": new_service(
            outreach,
            name="Accueil de nuit",
            category=ServiceCategory.objects.get(code="harm-reduction"),
            address=SECRET_ADDRESS,
            area=SECRET_AREA,
            address_is_confidential=True,
            referrals_from=ReferralsFrom.NETWORK,
        ),
    }


def refer_link(service: Service) -> str:
    return url("referrals:new") + f"?service={service.pk}"


# --- Who sees "Refer someone here" ------------------------------------------------------------------------------


def test_staff_who_may_refer_see_the_link_on_the_service_page_and_its_card(client, signed_in, network):
    # Given a staff member of an organisation that sends referrals
    signed_in(factories.member(network["outreach"], Role.STAFF))
    service = network["open_to_all"]

    # When they open the service page and the directory
    page = client.get(url("directory:service_detail", service.pk)).content.decode()
    listing = client.get(url("directory:service_directory")).content.decode()

    # Then both offer to refer someone there, with the service in the link
    assert REFER in page and refer_link(service) in page
    assert refer_link(service) in listing
    # But not to a service that takes referrals from its partners only
    assert refer_link(network["partners_only"]) not in listing
    partners_only_page = client.get(url("directory:service_detail", network["partners_only"].pk)).content.decode()
    assert REFER not in partners_only_page


def test_a_partner_may_refer_to_a_partners_only_service(client, signed_in, network):
    signed_in(factories.coordinator_of(network["partner"]))

    page = client.get(url("directory:service_detail", network["partners_only"].pk)).content.decode()

    assert refer_link(network["partners_only"]) in page


@pytest.mark.parametrize("who", ["anonymous", "peer", "own_staff", "volunteer"])
def test_no_link_for_those_who_may_not_refer(client, signed_in, network, who):
    # Given a visitor, a peer worker, a volunteer, or staff of the service's own organisation
    if who == "peer":
        signed_in(factories.member(network["outreach"], Role.PEER))
    elif who == "volunteer":
        signed_in(factories.member(network["outreach"], Role.VOLUNTEER))
    elif who == "own_staff":
        signed_in(factories.member(network["lawyers"], Role.STAFF))
    service = network["open_to_all"]

    # Then neither the page nor the directory offers to refer someone there
    page = client.get(url("directory:service_detail", service.pk)).content.decode()
    listing = client.get(url("directory:service_directory")).content.decode()
    assert REFER not in page
    assert refer_link(service) not in listing
    if who != "own_staff":  # staff of the lawyers may refer to the drop-in centre of another organisation
        assert REFER not in listing


# --- The referral form with the service chosen ------------------------------------------------------------------


def test_the_link_opens_the_referral_form_with_the_service_chosen(client, signed_in, network):
    signed_in(factories.member(network["outreach"], Role.STAFF))
    service = network["open_to_all"]

    response = client.get(refer_link(service))

    assert response.status_code == 200
    assert response.context["form"]["service"].value() == service.pk
    assert re.search(rf'<input[^>]*value="{service.pk}"[^>]*checked', response.content.decode())


@pytest.mark.parametrize("chosen", ["partners_only", "own", "nonsense", "unknown"])
def test_a_service_the_user_may_not_refer_to_is_silently_ignored(client, signed_in, network, chosen):
    # Given staff of the outreach organisation, and a link naming a service they may not refer to
    signed_in(factories.member(network["outreach"], Role.STAFF))
    value = {
        "partners_only": network["partners_only"].pk,
        "own": network["drop_in"].pk,
        "nonsense": "not-a-uuid",
        "unknown": "6f1f7b5e-0000-4000-8000-000000000000",
    }[chosen]

    # When they follow it
    response = client.get(url("referrals:new") + f"?service={value}")

    # Then the form opens with no service chosen, and without an error
    assert response.status_code == 200
    assert not response.context["form"]["service"].value()
    assert not response.context["form"].errors


# --- What the card and the page say ----------------------------------------------------------------------------


def test_confidential_drop_in_is_in_person_with_its_address_given_on_referral(client, signed_in, network):
    service = network["drop_in"]
    pages = [url("directory:service_directory"), url("directory:service_detail", service.pk)]

    anonymous = [client.get(page).content.decode() for page in pages]
    signed_in(factories.member(network["lawyers"], Role.STAFF))
    other_org = [client.get(page).content.decode() for page in pages]

    listing, detail = anonymous
    card = listing[listing.index("Accueil de nuit") :]
    card = card[: card.index("</article>")]
    assert "In person, address given on referral" in card
    assert "Remote" not in card
    assert "In person. The address is not published" in detail
    for html in anonymous + other_org:
        assert SECRET_ADDRESS not in html
        assert SECRET_AREA not in html and "Goutte d&#x27;Or" not in html


def test_own_organisation_sees_the_confidential_area(client, signed_in, network):
    signed_in(factories.member(network["outreach"], Role.STAFF))

    page = client.get(url("directory:service_detail", network["drop_in"].pk)).content.decode()

    assert SECRET_ADDRESS in page
    assert "Goutte d&#x27;Or" in page


def test_card_names_languages_interpreter_area_and_calls_the_phone(client, network):
    with translation.override("es"):
        listing = client.get(url("directory:service_directory", lang="es")).content.decode()
    english = client.get(url("directory:service_directory")).content.decode()

    assert "Español" in listing or "español" in listing
    assert "Interpreter available: Arabic" in english
    assert "(Belleville)" in english
    assert 'href="tel:+33123456789"' in english


def test_open_now_is_shown_to_members_only(client, signed_in, network):
    new_service(
        network["lawyers"],
        name="Toujours ouvert",
        opening_hours=[
            {"weekday": day, "opens_at": datetime.time(0), "closes_at": datetime.time(23, 59), "notes": ""}
            for day in Weekday.values
        ],
    )
    # A visitor's page is kept in the shared cache for minutes: it gives the hours, not "open now"
    assert "Open now" not in client.get(url("directory:service_directory")).content.decode()

    signed_in(factories.member(network["outreach"], Role.STAFF))
    assert "Open now" in client.get(url("directory:service_directory")).content.decode()


def test_directory_queries_stay_constant_for_someone_who_may_refer(client, signed_in, network):
    signed_in(factories.member(network["outreach"], Role.STAFF))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("directory:service_directory")).status_code == 200
        return len(queries)

    count()  # the first request of a session records it (allauth's user sessions): not the page's own work
    few = count()
    for n in range(6):
        new_service(
            network["lawyers"],
            name=f"Service {n}",
            referrals_from=ReferralsFrom.NETWORK,
            interpreter_available=True,
            interpreter_languages=["ar", "ru"],
            opening_hours=[{"weekday": 1, "opens_at": datetime.time(9), "closes_at": datetime.time(10), "notes": ""}],
        )

    assert count() == few


# --- Editing -----------------------------------------------------------------------------------------------------


def test_coordinator_ticks_languages_and_interpreter_with_the_common_languages_first(client, signed_in, network):
    lawyers = network["lawyers"]
    service = network["open_to_all"]
    signed_in(factories.coordinator_of(lawyers))

    page = client.get(url("directory:service_edit", lawyers.slug, service.pk)).content.decode()
    common = page.index("Languages most spoken in the network")
    others = page.index("Other languages")
    assert common < page.index('value="uk"') < others < page.index('value="de"')  # Ukrainian first, German after

    form = client.get(url("directory:service_edit", lawyers.slug, service.pk)).context["form"]
    data = {
        name: value
        for name, value in {**form.initial, "category": str(service.category_id)}.items()
        if value not in (None, False)
    }
    data.update(
        {
            "languages": ["fr", "es", "it"],
            "interpreter_languages": ["ar", "uk"],
            "interpreter_available": "on",
            "area": "Ménilmontant",
            "url": "",
            "hours-TOTAL_FORMS": "0",
            "hours-INITIAL_FORMS": "0",
            "hours-MIN_NUM_FORMS": "0",
            "hours-MAX_NUM_FORMS": "21",
        }
    )
    data.pop("last_verified", None)
    response = client.post(url("directory:service_edit", lawyers.slug, service.pk), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    service.refresh_from_db()
    assert service.languages == ["fr", "es", "it"]
    assert service.interpreter_available
    assert service.interpreter_languages == ["ar", "uk"]
    assert service.area == "Ménilmontant"
