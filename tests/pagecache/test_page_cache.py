"""Anonymous visitors get public pages from the shared cache; every write that changes them drops them at once;
members never read nor fill that cache."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page

from network.advocacy.models import MessageStatus
from network.directory import services as directory
from network.orgs import services as orgs
from network.orgs.models import Role
from network.pagecache.middleware import HIT_HEADER
from tests import factories
from tests.advocacy.factories import endorse, make_key_message
from tests.directory.test_views import new_service
from tests.resources import factories as library

pytestmark = pytest.mark.django_db


@pytest.fixture
def lotus():
    return factories.organisation(name="Lotus Outreach")


@pytest.fixture
def library_url():
    return library.library_index().url


def cached_twice(client, url: str) -> str:
    """Fetch `url` twice as an anonymous visitor: the second answer must come from the cache; its text."""
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert second[HIT_HEADER] == "hit"
    assert second.content == first.content
    return second.content.decode()


def fresh(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    assert response[HIT_HEADER] == "miss"  # rendered again, and kept again
    return response.content.decode()


# --- What is kept, with which headers -------------------------------------------------------------------------


def test_public_pages_are_kept_per_language_with_headers_for_a_shared_cache(client, lotus, library_url):
    library.make_resource(lotus, title="Boîte à outils")
    library.library_in("en")

    for url in (library_url, f"{library_url}?q=outils", "/en/library/", "/fr/", reverse("sitemap")):
        cached_twice(client, url)
    response = client.get(library_url)

    assert "public" in response["Cache-Control"] and "s-maxage=60" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert client.get("/en/library/")[HIT_HEADER] == "hit"
    assert 'lang="en"' in client.get("/en/library/").content.decode()[:200]


def test_directory_calendar_and_hsds_are_kept(client, lotus):
    for url in ("/fr/organisations/", "/fr/services/", "/fr/advocacy/calendar/", "/hsds/services"):
        cached_twice(client, url)


def test_members_neither_read_nor_fill_the_anonymous_cache(signed_in, lotus, library_url):
    client = Client()  # the anonymous visitor (signed_in signs the `client` fixture in)
    # Given a network-only resource and a public one
    library.make_resource(lotus, title="Guide réservé au réseau", visibility="network")
    library.make_resource(lotus, title="Guide public")
    member = signed_in(factories.member(lotus, Role.STAFF))

    # When a member opens the library first (twice)
    for _visit in range(2):
        response = member.get(library_url)
        assert "Guide réservé au réseau" in response.content.decode()
        assert HIT_HEADER not in response
        assert "no-store" in response["Cache-Control"]

    # Then an anonymous visitor gets a page rendered for them, never the member's
    anonymous = client.get(library_url)
    assert anonymous[HIT_HEADER] == "miss"
    html = cached_twice(client, library_url)
    assert "Guide public" in html and "Guide réservé au réseau" not in html
    # And the member still gets their own page, not the cached one
    assert "Guide réservé au réseau" in member.get(library_url).content.decode()


def test_network_only_resource_is_never_kept_nor_served_to_anonymous_visitors(signed_in, lotus):
    client = Client()
    hidden = library.make_resource(lotus, title="Guide réservé au réseau", visibility="network")
    signed_in(factories.member(lotus, Role.STAFF)).get(hidden.url)

    for _visit in range(2):
        response = client.get(hidden.url)
        assert response.status_code == 404
        assert HIT_HEADER not in response


def test_a_session_cookie_or_an_authorization_header_bypasses_the_cache(client, lotus, library_url):
    cached_twice(client, library_url)

    client.cookies["sessionid"] = "not-a-session"
    with_cookie = client.get(library_url)
    del client.cookies["sessionid"]
    with_header = client.get(library_url, HTTP_AUTHORIZATION="Token abc")

    assert HIT_HEADER not in with_cookie and HIT_HEADER not in with_header
    assert client.get(library_url)[HIT_HEADER] == "hit"


def test_sign_in_page_and_members_areas_are_never_kept(client):
    for url in ("/fr/accounts/login/", "/fr/dashboard/", "/fr/referrals/"):
        client.get(url)
        assert HIT_HEADER not in client.get(url)


# --- Invalidation: each write that changes a public page shows at once -----------------------------------------


def test_publishing_a_new_revision_serves_the_new_title_at_once(client, lotus, library_url):
    page = library.make_resource(lotus, title="Ancien titre")
    assert "Ancien titre" in cached_twice(client, page.url)
    cached_twice(client, library_url)

    page.title = "Nouveau titre"
    page.save_revision().publish()

    assert "Nouveau titre" in fresh(client, page.url)
    assert "Nouveau titre" in fresh(client, library_url)


def test_unpublishing_removes_the_page_at_once(client, lotus, library_url):
    page = library.make_resource(lotus, title="Bientôt retiré")
    cached_twice(client, page.url)
    assert "Bientôt retiré" in cached_twice(client, library_url)

    page.unpublish()

    assert client.get(page.url).status_code == 404
    assert "Bientôt retiré" not in fresh(client, library_url)


def test_moving_a_page_serves_it_at_its_new_address_at_once(client, lotus):
    page = library.make_resource(lotus, title="Déménagé")
    other_space = library.make_resource(factories.organisation(name="Autre"), title="Voisin").get_parent()
    old_url = page.url
    cached_twice(client, old_url)

    page.move(other_space, pos="last-child")
    page.refresh_from_db()

    moved = client.get(old_url)
    assert moved.status_code == 301 and moved["Location"] == page.url  # Wagtail's automatic redirect
    assert "Déménagé" in fresh(client, page.url)


def test_deleting_a_page_removes_it_at_once(client, lotus, library_url):
    page = library.make_resource(lotus, title="Supprimé")
    url = page.url
    cached_twice(client, url)
    cached_twice(client, library_url)

    Page.objects.get(pk=page.pk).delete()

    assert client.get(url).status_code == 404
    assert "Supprimé" not in fresh(client, library_url)


def test_making_a_resource_network_only_hides_it_at_once(client, lotus, library_url):
    page = library.make_resource(lotus, title="Devient réservé")
    translated = library.translate(page, "es", title="Se vuelve reservado")
    cached_twice(client, translated.url)
    assert "Devient réservé" in cached_twice(client, library_url)

    page.visibility = "network"
    page.save_revision().publish()  # the Spanish copy follows (cms/visibility.py)

    assert "Devient réservé" not in fresh(client, library_url)
    assert client.get(translated.url).status_code == 404
    assert client.get(page.url).status_code == 404


def test_a_published_translation_shows_at_once_in_its_language(client, lotus):
    page = library.make_resource(lotus, title="Boîte à outils")
    spanish_library = library.library_in("es")
    assert "Caja de herramientas" not in cached_twice(client, spanish_library.url)

    library.translate(page, "es", title="Caja de herramientas")

    assert "Caja de herramientas" in fresh(client, spanish_library.url)


def test_an_organisation_profile_change_shows_at_once(client, lotus):
    directory_url = reverse("orgs:directory")
    assert "Lotus Outreach" in cached_twice(client, directory_url)

    orgs.organisation_update_profile(
        organisation=lotus, acting_user=factories.coordinator_of(lotus), name="Lotus Santé Communautaire"
    )

    assert "Lotus Santé Communautaire" in fresh(client, directory_url)


def test_a_deactivated_organisation_leaves_the_directory_at_once(client, lotus):
    directory_url = reverse("orgs:directory")
    assert "Lotus Outreach" in cached_twice(client, directory_url)

    orgs.organisation_set_active(organisation=lotus, active=False, acting_user=factories.network_admin())

    assert "Lotus Outreach" not in fresh(client, directory_url)


def test_a_service_change_shows_at_once_in_the_directory_and_hsds(client, lotus):
    service = new_service(lotus, name="Dépistage rapide")
    services_url = reverse("directory:service_directory")
    assert "Dépistage rapide" in cached_twice(client, services_url)
    assert "Dépistage rapide" in cached_twice(client, "/hsds/services")

    directory.service_update(service=service, acting_user=factories.coordinator_of(lotus), name="Dépistage du soir")

    assert "Dépistage du soir" in fresh(client, services_url)
    assert "Dépistage du soir" in fresh(client, "/hsds/services")


def test_an_endorsement_shows_at_once_on_the_message_page(client, lotus):
    message = make_key_message(lotus, status=MessageStatus.ADOPTED)
    signer = factories.organisation(name="Pairs en Route")
    with translation.override("en"):
        url = reverse("advocacy:message_detail", args=[message.pk])
    assert "Pairs en Route" not in cached_twice(client, url)

    endorse(message, signer)

    assert "Pairs en Route" in fresh(client, url)
