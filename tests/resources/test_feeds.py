"""RSS and Atom feeds list the newest public resources of one language, and never a restricted one."""

from __future__ import annotations

import datetime

import pytest
from defusedxml import ElementTree as ET
from django.utils import timezone

from network.orgs.models import Role
from network.resources.models import ResourcePage
from tests import factories
from tests.resources import factories as library

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def lotus():
    return factories.organisation(name="Lotus Outreach")


def rss_titles(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return [item.findtext("title") for item in ET.fromstring(response.content).iter("item")]


def atom_titles(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return [entry.findtext(f"{ATOM}title") for entry in ET.fromstring(response.content).iter(f"{ATOM}entry")]


def published_days_ago(page: ResourcePage, days: int) -> None:
    ResourcePage.objects.filter(pk=page.pk).update(first_published_at=timezone.now() - datetime.timedelta(days=days))


def test_feeds_list_public_resources_newest_first_and_never_restricted_ones(client, signed_in, lotus):
    index = library.library_index()
    older = library.make_resource(lotus, title="Ancienne fiche")
    newer = library.make_resource(lotus, title="Nouvelle fiche")
    published_days_ago(older, 10)
    published_days_ago(newer, 1)
    library.make_resource(lotus, title="Note réseau", visibility="network")
    library.make_resource(lotus, title="Procédure interne", visibility="organisation")
    library.make_resource(lotus, title="Brouillon", live=False)

    assert rss_titles(client.get(index.url + "feed/rss/")) == ["Nouvelle fiche", "Ancienne fiche"]
    assert atom_titles(client.get(index.url + "feed/atom/")) == ["Nouvelle fiche", "Ancienne fiche"]
    # A signed-in member of the organisation gets the same public feed
    member = signed_in(factories.member(lotus, Role.COORDINATOR))
    assert rss_titles(member.get(index.url + "feed/rss/")) == ["Nouvelle fiche", "Ancienne fiche"]


def test_feed_items_link_to_the_resource_and_name_the_organisation_only(client, lotus):
    index = library.library_index()
    author = factories.member(lotus, Role.STAFF, first_name="Amandine", last_name="Secret")
    page = library.make_resource(lotus, title="Fiche", summary="Résumé de la fiche.", owner=author)

    response = client.get(index.url + "feed/atom/")

    entry = next(ET.fromstring(response.content).iter(f"{ATOM}entry"))
    assert entry.find(f"{ATOM}link").get("href") == f"http://testserver{page.url}"
    assert entry.findtext(f"{ATOM}summary") == "Résumé de la fiche."
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Lotus Outreach"
    assert b"Amandine" not in response.content and b"Secret" not in response.content


def test_feed_holds_the_20_newest(client, lotus):
    index = library.library_index()
    for n in range(22):
        published_days_ago(library.make_resource(lotus, title=f"Fiche {n:02d}"), 30 - n)

    titles = rss_titles(client.get(index.url + "feed/rss/"))

    assert titles == [f"Fiche {n:02d}" for n in range(21, 1, -1)]


def test_each_language_has_its_own_feed_without_untranslated_copies(client, lotus):
    index = library.library_index()
    english_index = library.library_in("en")
    french = library.make_resource(lotus, title="Fiche française")
    library.alias_in(french, "en")  # untranslated copy: not an English resource
    library.make_resource(lotus, title="English sheet", locale="en")

    assert rss_titles(client.get(index.url + "feed/rss/")) == ["Fiche française"]
    assert english_index.url.startswith("/en/")
    assert atom_titles(client.get(english_index.url + "feed/atom/")) == ["English sheet"]


def test_library_page_advertises_its_feeds(client):
    index = library.library_index()

    html = client.get(index.url).content.decode()

    assert '<link rel="alternate" type="application/rss+xml" title="' in html
    assert f'href="{index.url}feed/rss/"' in html
    assert f'href="{index.url}feed/atom/"' in html
