"""The member library's listing is kept in the cache and shared by visitors who see the same resources; a change
of what someone may see, or of what is published, shows at once (issue 16)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from network.orgs import services as org_services
from network.orgs.models import Membership, Role
from network.themes.models import Theme
from tests import factories
from tests.resources import factories as library
from tests.resources.factories import titles_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def lotus():
    return factories.organisation(name="Lotus Outreach")


@pytest.fixture
def etoile():
    return factories.organisation(name="Collectif Étoile")


def _titles(client, index, params=None) -> set[str]:
    response = client.get(index.url, params or {})
    assert response.status_code == 200
    return titles_in(response.content.decode())


def test_member_removed_from_an_organisation_no_longer_sees_its_organisation_only_resource_at_once(
    client, signed_in, lotus, etoile
):
    # given a staff member of two organisations who saw Lotus's organisation-only resource in the library
    index = library.library_index()
    library.make_resource(lotus, title="Protocole interne", visibility="organisation")
    library.make_resource(lotus, title="Fiche publique", visibility="public")
    staff = factories.member(lotus, Role.STAFF)
    factories.member(etoile, Role.STAFF, user=staff)
    coordinator = factories.member(lotus, Role.COORDINATOR)
    signed_in(staff)
    assert _titles(client, index) == {"Protocole interne", "Fiche publique"}

    # when a coordinator removes them from Lotus (nothing published meanwhile)
    org_services.membership_remove(
        membership=Membership.objects.get(user=staff, organisation=lotus), acting_user=coordinator
    )

    # then the next listing no longer holds it, nor does a search for it
    assert _titles(client, index) == {"Fiche publique"}
    assert _titles(client, index, {"q": "Protocole"}) == set()


def test_members_of_a_deactivated_organisation_no_longer_see_its_organisation_only_resource(
    client, signed_in, lotus, etoile
):
    index = library.library_index()
    library.make_resource(lotus, title="Protocole interne", visibility="organisation")
    staff = factories.member(lotus, Role.STAFF)
    factories.member(etoile, Role.STAFF, user=staff)
    signed_in(staff)
    assert _titles(client, index) == {"Protocole interne"}

    org_services.organisation_set_active(organisation=lotus, active=False, acting_user=factories.network_admin())

    assert _titles(client, index) == set()


def test_resource_switched_to_network_only_disappears_for_an_anonymous_visitor_at_once(client, lotus):
    # given an anonymous visitor who saw a public resource in the library and in a search
    index = library.library_index()
    page = library.make_resource(lotus, title="Guide naloxone", visibility="public")
    assert _titles(client, index) == {"Guide naloxone"}
    assert _titles(client, index, {"q": "naloxone"}) == {"Guide naloxone"}

    # when its organisation makes it network-only
    page.visibility = "network"
    page.save_revision().publish()

    # then it is gone from both at once
    assert _titles(client, index) == set()
    assert _titles(client, index, {"q": "naloxone"}) == set()


def test_resource_switched_to_organisation_only_disappears_for_a_member_of_another_organisation(
    client, signed_in, lotus, etoile
):
    index = library.library_index()
    page = library.make_resource(lotus, title="Guide naloxone", visibility="network")
    signed_in(factories.member(etoile, Role.STAFF))
    assert _titles(client, index) == {"Guide naloxone"}

    page.visibility = "organisation"
    page.save_revision().publish()

    assert _titles(client, index) == set()


def test_a_new_publish_appears_in_a_member_listing_at_once(client, signed_in, lotus):
    index = library.library_index()
    library.make_resource(lotus, title="Fiche ancienne", visibility="network")
    signed_in(factories.member(lotus, Role.STAFF))
    assert _titles(client, index) == {"Fiche ancienne"}

    library.make_resource(lotus, title="Fiche nouvelle", visibility="organisation")

    assert _titles(client, index) == {"Fiche ancienne", "Fiche nouvelle"}


def test_an_unpublished_resource_leaves_a_member_listing_at_once(client, signed_in, lotus):
    index = library.library_index()
    page = library.make_resource(lotus, title="Fiche retirée", visibility="network")
    signed_in(factories.member(lotus, Role.STAFF))
    assert _titles(client, index) == {"Fiche retirée"}

    page.unpublish()

    assert _titles(client, index) == set()


def test_a_renamed_theme_shows_at_once_in_the_listing(client, signed_in, lotus):
    index = library.library_index()
    theme = Theme.objects.get(slug="harm-reduction")
    library.make_resource(lotus, title="Fiche", visibility="network", themes=[theme])
    signed_in(factories.member(lotus, Role.STAFF))
    assert "Thème renommé" not in client.get(index.url).content.decode()

    theme.name = "Thème renommé"
    theme.save()

    assert "Thème renommé" in client.get(index.url).content.decode()


def test_members_with_the_same_organisations_share_the_listing_but_not_with_others(client, signed_in, lotus, etoile):
    # given two staff members of Lotus, and one of Étoile
    index = library.library_index()
    library.make_resource(lotus, title="Protocole de Lotus", visibility="organisation")
    library.make_resource(etoile, title="Protocole d'Étoile", visibility="organisation")
    first, second = factories.member(lotus, Role.STAFF), factories.member(lotus, Role.VOLUNTEER)
    other = factories.member(etoile, Role.STAFF)

    # when the first looks, then the second (whose listing is then served from the cache)
    signed_in(first)
    assert _titles(client, index) == {"Protocole de Lotus"}
    signed_in(second)
    with CaptureQueriesContext(connection) as second_look:
        assert _titles(client, index) == {"Protocole de Lotus"}

    # then the second costs no listing query, and a member of Étoile gets Étoile's listing, not the kept one
    assert not [query for query in second_look.captured_queries if "resources_resourcepage" in query["sql"]]
    signed_in(other)
    assert _titles(client, index) == {"Protocole d'Étoile"}


def test_an_organisation_publishing_its_first_resource_is_offered_in_the_filter_at_once(
    client, signed_in, lotus, etoile
):
    index = library.library_index()
    library.make_resource(lotus, title="Fiche de Lotus", visibility="public")
    signed_in(factories.member(lotus, Role.STAFF))
    assert f'value="{etoile.slug}"' not in client.get(index.url).content.decode()

    library.make_resource(etoile, title="Fiche d'Étoile", visibility="network")

    assert f'value="{etoile.slug}"' in client.get(index.url).content.decode()


def test_a_kept_member_listing_costs_only_the_session_the_user_and_the_routing(client, signed_in, lotus):
    # given a member's listing and search, each looked at once
    index = library.library_index()
    for n in range(4):
        library.make_resource(lotus, title=f"Fiche pratique {n}", visibility=("public", "network")[n % 2])
    signed_in(factories.member(lotus, Role.STAFF))
    searched = {"q": "pratique", "kind": "tool"}
    client.get(index.url)
    client.get(index.url, searched)

    # when they look again
    for params in ({}, searched):
        with CaptureQueriesContext(connection) as queries:
            assert _titles(client, index, params)

        # then session, user, the user's roles (3) and Wagtail's routing (7) are all it reads
        assert len(queries) <= 10
