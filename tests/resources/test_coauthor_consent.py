"""A resource names a co-authoring organisation only once that organisation's coordinators confirm: one answer
for every translation. Until then the organisation is "invited", shown to the publishing organisation's writers and
to nobody else (page, API, library filters)."""

from __future__ import annotations

import pytest
from wagtail.models import PageLogEntry

from network.orgs.models import Role
from network.orgs.policy import AccessDenied
from network.resources import services
from network.resources.models import CoAuthorshipStatus, ResourceCoAuthorship, Visibility
from tests import factories
from tests.resources import factories as library
from tests.resources.factories import titles_in
from tests.resources.test_api import urlpatterns  # noqa: F401  (the API mounted, as in test_api)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.resources.test_api")]

RESOURCES = "/api/v1/resources/"
INVITATIONS = "/en/advocacy/invitations/"


@pytest.fixture
def network():
    """Lotus publishes; Etoile is listed as co-author. A coordinator and a staff member in each."""
    lotus, etoile = factories.organisation(name="Lotus Outreach"), factories.organisation(name="Collectif Etoile")
    return {
        "lotus": lotus,
        "etoile": etoile,
        "lotus_staff": factories.member(lotus, Role.STAFF),
        "lotus_coordinator": factories.coordinator_of(lotus),
        "etoile_coordinator": factories.coordinator_of(etoile),
        "etoile_staff": factories.member(etoile, Role.STAFF),
    }


def _guide(network):
    return library.make_resource(
        network["lotus"],
        title="Outreach guide",
        visibility=Visibility.PUBLIC,
        authoring_organisations=[network["etoile"]],
    )


def _api_co_authors(client, page) -> list[str]:
    (row,) = [row for row in client.get(RESOURCES).json()["results"] if row["id"] == page.pk]
    return [org["name"] for org in row["authoring_organisations"]]


def _filtered_api(client, network) -> set[str]:
    return {row["title"] for row in client.get(f"{RESOURCES}?organisation={network['etoile'].slug}").json()["results"]}


def _filtered_library(client, index, network) -> set[str]:
    return titles_in(client.get(index.url, {"organisation": network["etoile"].slug}).content.decode())


def _answer(page, network, *, confirm: bool, by=None):
    return services.coauthorship_answer(
        translation_key=page.translation_key,
        organisation=network["etoile"],
        confirm=confirm,
        acting_user=by or network["etoile_coordinator"],
    )


def test_listed_co_author_is_named_nowhere_public_until_its_coordinator_confirms(client, network):
    # given: Lotus lists Etoile as co-author of a public guide
    page = _guide(network)
    library.make_resource(network["etoile"], title="Etoile's own leaflet", visibility=Visibility.PUBLIC)
    index = library.library_index()

    # then: the page, the API and the library's organisation filter do not name Etoile
    assert "Collectif Etoile" not in client.get(page.url).content.decode()
    assert _api_co_authors(client, page) == []
    assert _filtered_api(client, network) == {"Etoile's own leaflet"}
    assert _filtered_library(client, index, network) == {"Etoile's own leaflet"}

    # when: Etoile's coordinator confirms
    _answer(page, network, confirm=True)

    # then: Etoile is named on the page, in the API and the filters
    assert "Collectif Etoile" in client.get(page.url).content.decode()
    assert _api_co_authors(client, page) == ["Collectif Etoile"]
    assert _filtered_api(client, network) == {"Etoile's own leaflet", "Outreach guide"}
    assert _filtered_library(client, index, network) == {"Etoile's own leaflet", "Outreach guide"}
    assert PageLogEntry.objects.filter(page=page, action="resources.coauthorship_confirm").exists()


def test_one_answer_holds_for_every_translation(client, network):
    page = _guide(network)
    english = library.translate(page, "en", title="Outreach guide (English)")

    _answer(page, network, confirm=True)

    assert "Collectif Etoile" in client.get(english.url).content.decode()
    assert "Collectif Etoile" in client.get(page.url).content.decode()
    assert ResourceCoAuthorship.objects.get().translation_key == english.translation_key


def test_declined_co_author_is_never_named(client, network):
    page = _guide(network)

    _answer(page, network, confirm=False)

    assert ResourceCoAuthorship.objects.get().status == CoAuthorshipStatus.DECLINED
    assert "Collectif Etoile" not in client.get(page.url).content.decode()
    assert _api_co_authors(client, page) == []


def test_only_the_listed_organisations_coordinators_answer(network):
    page = _guide(network)
    outsider = factories.coordinator_of(factories.organisation(name="Unrelated"))

    for refused in (network["lotus_coordinator"], network["etoile_staff"], outsider, factories.network_admin()):
        with pytest.raises(AccessDenied):
            _answer(page, network, confirm=True, by=refused)

    assert not ResourceCoAuthorship.objects.exists()


def test_an_organisation_not_listed_has_nothing_to_answer(network):
    page = library.make_resource(network["lotus"], visibility=Visibility.PUBLIC)

    with pytest.raises(services.NotACoAuthor):
        _answer(page, network, confirm=True)


def test_publishing_side_sees_the_invited_co_author_and_visitors_do_not(client, signed_in, network):
    page = _guide(network)

    assert "not yet confirmed" not in client.get(page.url).content.decode()
    signed_in(network["lotus_staff"])
    html = client.get(page.url).content.decode()
    # (the page speaks the site's language, French)
    assert "Invitées à co-signer, pas encore confirmées" in html and "Collectif Etoile" in html


def test_coordinator_answers_from_the_invitations_page_and_nobody_else_can(client, signed_in, network):
    page = _guide(network)
    answer_url = f"{INVITATIONS}co-authorship/{page.translation_key}/{network['etoile'].pk}/confirm/"

    signed_in(network["lotus_coordinator"])
    assert "Outreach guide" not in client.get(INVITATIONS).content.decode()
    assert client.post(answer_url).status_code == 404
    assert not ResourceCoAuthorship.objects.exists()

    signed_in(network["etoile_coordinator"])
    assert "Outreach guide" in client.get(INVITATIONS).content.decode()
    assert client.post(answer_url).status_code == 302
    assert ResourceCoAuthorship.objects.get().status == CoAuthorshipStatus.CONFIRMED
    assert answer_url not in client.get(INVITATIONS).content.decode()
