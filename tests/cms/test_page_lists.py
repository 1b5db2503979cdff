"""Every list of pages obeys the access policy: a space's children, the spaces index, the home page's sections, the
library search, the feeds, the sitemap and the API list show a visitor only the pages that visitor may open.

Each test builds an organisation's space with one page at each visibility (public, network, own organisation) and
a draft, then reads one list as an anonymous visitor, as a member of another organisation and as a member of the
owning one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from wagtail.models import Page

from cms.models import SpacesIndexPage
from network.orgs import policy
from network.orgs.models import Organisation, Role
from tests import factories
from tests.advocacy.test_pages import make_page
from tests.resources.factories import library_index, make_resource

pytestmark = pytest.mark.django_db

PUBLIC_TITLE = "Guide public de réduction des risques"
NETWORK_TITLE = "Protocole réservé au réseau"
OWN_TITLE = "Note interne de la coordination"
DRAFT_TITLE = "Brouillon en cours"
NETWORK_CAMPAIGN_TITLE = "Dossier de plaidoyer réservé"


@dataclass
class Space:
    organisation: Organisation
    public: Page
    network: Page
    own: Page
    network_campaign: Page


@pytest.fixture
def space() -> Space:
    organisation = factories.organisation(name="Collectif Étoile")
    return Space(
        organisation=organisation,
        public=make_resource(organisation, visibility="public", title=PUBLIC_TITLE, summary="Réduction des risques."),
        network=make_resource(organisation, visibility="network", title=NETWORK_TITLE, summary="Réduction réseau."),
        own=make_resource(organisation, visibility="organisation", title=OWN_TITLE, summary="Réduction interne."),
        network_campaign=make_page(
            organisation, visibility="network", title=NETWORK_CAMPAIGN_TITLE, slug="dossier-reserve"
        ),
    )


@pytest.fixture
def draft(space: Space) -> Page:
    return make_resource(space.organisation, visibility="public", title=DRAFT_TITLE, live=False)


@pytest.fixture
def other_member_client(signed_in) -> Client:
    """A staff member of an unrelated organisation: a network member, not one of the space's organisation."""
    return signed_in(factories.member(factories.organisation(name="Amaranthe"), Role.STAFF))


@pytest.fixture
def own_member_client(space: Space, client_factory) -> Client:
    """A volunteer of the space's organisation (sees own-organisation pages, writes nothing)."""
    return client_factory(factories.member(space.organisation, Role.VOLUNTEER))


@pytest.fixture
def client_factory(enrol_totp):
    def make(user) -> Client:
        enrol_totp(user)
        other = Client()
        other.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
        return other

    return make


def html_of(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# ---------------------------------------------------------------------------------------------------------------
# A space's children


def test_anonymous_visitor_reads_only_public_child_titles_of_a_space(client, space, draft):
    # When an anonymous visitor opens the organisation's space
    html = html_of(client, space.organisation.space_page.url)

    # Then only the public page is listed: no title of a network-only, own-organisation or draft page
    assert PUBLIC_TITLE in html
    assert NETWORK_TITLE not in html
    assert NETWORK_CAMPAIGN_TITLE not in html
    assert OWN_TITLE not in html
    assert DRAFT_TITLE not in html


def test_member_of_another_organisation_reads_network_child_titles_but_not_own_organisation_ones(
    space, other_member_client
):
    html = html_of(other_member_client, space.organisation.space_page.url)

    assert PUBLIC_TITLE in html
    assert NETWORK_TITLE in html
    assert NETWORK_CAMPAIGN_TITLE in html
    assert OWN_TITLE not in html


def test_member_of_the_organisation_reads_every_live_child_title_of_its_space(space, draft, own_member_client):
    html = html_of(own_member_client, space.organisation.space_page.url)

    assert all(title in html for title in (PUBLIC_TITLE, NETWORK_TITLE, NETWORK_CAMPAIGN_TITLE, OWN_TITLE))
    assert DRAFT_TITLE not in html  # a list shows live pages; editors find drafts in the admin


def test_every_link_a_space_lists_opens_for_the_one_who_saw_it(client, space, other_member_client, own_member_client):
    for visitor in (client, other_member_client, own_member_client):
        html = html_of(visitor, space.organisation.space_page.url)
        for page in (space.public, space.network, space.own, space.network_campaign):
            if f'href="{page.url}"' in html:
                assert visitor.get(page.url).status_code == 200, page.title


# ---------------------------------------------------------------------------------------------------------------
# The spaces index and the home page's sections (the site's menus of pages)


def test_spaces_index_lists_the_space_to_everyone_through_the_policy(client, space, other_member_client):
    index_url = SpacesIndexPage.objects.get().url

    assert "Collectif Étoile" in html_of(client, index_url)
    assert "Collectif Étoile" in html_of(other_member_client, index_url)


def test_home_page_sections_list_the_library_and_spaces_index_but_no_restricted_page(client, space):
    library = library_index(title="Bibliothèque du réseau")

    html = html_of(client, "/fr/")

    assert f'href="{library.url}"' in html
    assert f'href="{SpacesIndexPage.objects.get().url}"' in html
    assert NETWORK_TITLE not in html and OWN_TITLE not in html


# ---------------------------------------------------------------------------------------------------------------
# Search, feeds, the API list


def test_library_search_gives_an_anonymous_visitor_no_network_or_own_organisation_title(client, space):
    library = library_index()

    html = html_of(client, library.url + "?q=R%C3%A9duction")

    assert PUBLIC_TITLE in html
    assert NETWORK_TITLE not in html and OWN_TITLE not in html


def test_library_feed_lists_public_resources_only_even_for_members(client, space, own_member_client):
    library = library_index()

    for visitor in (client, own_member_client):
        feed = html_of(visitor, library.url + "feed/rss/")
        assert PUBLIC_TITLE in feed
        assert NETWORK_TITLE not in feed and OWN_TITLE not in feed


def test_api_resource_list_gives_an_anonymous_caller_no_network_or_own_organisation_title(client, space):
    body = html_of(client, "/api/v1/resources/")

    assert PUBLIC_TITLE in body
    assert NETWORK_TITLE not in body and OWN_TITLE not in body


# ---------------------------------------------------------------------------------------------------------------
# The sitemap


def test_sitemap_lists_public_pages_and_never_a_network_own_organisation_or_draft_page(client, space, draft):
    # When anyone fetches the French sitemap
    response = client.get("/sitemap-fr.xml")

    # Then it is XML listing the public resource and the site's public sections
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert f"{space.public.url}</loc>" in body
    assert f"{space.organisation.space_page.url}</loc>" in body
    # And none of the pages a visitor may not open
    for page in (space.network, space.own, space.network_campaign, draft):
        assert f"{page.url}</loc>" not in body, page.title


def test_sitemap_is_the_same_for_a_member(space, own_member_client):
    body = html_of(own_member_client, "/sitemap-fr.xml")

    assert f"{space.public.url}</loc>" in body
    assert f"{space.own.url}</loc>" not in body
    assert f"{space.network.url}</loc>" not in body


# ---------------------------------------------------------------------------------------------------------------
# The selector and the yes/no agree


def test_pages_visible_to_follows_each_page_types_rule_on_plain_page_querysets(space, draft):
    from cms.rules import PageAction, may_view_page, pages_visible_to

    outsider = factories.member(factories.organisation(name="Pairs en Route"), Role.PEER)
    insider = factories.member(space.organisation, Role.VOLUNTEER)
    children = Page.objects.child_of(space.organisation.space_page)

    def listed_for(user) -> set[int]:
        return set(pages_visible_to(user, children).values_list("pk", flat=True))

    public, network, own, campaign = space.public.pk, space.network.pk, space.own.pk, space.network_campaign.pk
    assert listed_for(None) == {public}
    assert listed_for(outsider) == {public, network, campaign}
    assert listed_for(insider) == {public, network, campaign, own}
    for user in (None, outsider, insider):
        policy.forget(user)
        listed = set(pages_visible_to(user, Page.objects.live()).values_list("pk", flat=True))
        for page in Page.objects.live().specific():
            assert may_view_page(user, page) == (page.pk in listed), (user, page.title)
            plain = Page.objects.get(pk=page.pk)
            assert policy.can(user, PageAction.VIEW_PAGE, plain) == (page.pk in listed), (user, page.title)


def test_sitemap_lists_every_language_copy_a_visitor_may_open(client, space):
    # Given the public resource translated into English, and the network-only one too
    from tests.resources.factories import translate

    english = translate(space.public, "en", title="Public harm-reduction guide")
    english_network = translate(space.network, "en", title="Network protocol")

    # When anyone fetches the sitemaps of both languages
    body = html_of(client, "/sitemap-fr.xml") + html_of(client, "/sitemap-en.xml")

    # Then both language copies of the public resource are listed, and neither copy of the network-only one
    assert f"{space.public.url}</loc>" in body
    assert f"{english.url}</loc>" in body
    assert f"{english_network.url}</loc>" not in body
    assert f"{space.network.url}</loc>" not in body


def test_a_space_lists_its_children_in_the_same_number_of_queries_whatever_their_number(space, own_member_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = space.organisation.space_page.url
    own_member_client.get(url)  # warm the caches the first request fills (site root paths, content types)
    with CaptureQueriesContext(connection) as few:
        own_member_client.get(url)
    for n in range(4):
        make_resource(space.organisation, visibility=("public", "network", "organisation")[n % 3], title=f"Fiche {n}")
    with CaptureQueriesContext(connection) as more:
        html = html_of(own_member_client, url)

    assert "Fiche 3" in html
    assert len(more) == len(few)
