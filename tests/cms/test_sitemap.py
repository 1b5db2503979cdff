"""The sitemaps: an index of one sitemap per language, each listing only what an anonymous visitor may open, with
`hreflang` alternates between the language copies of a page, absolute addresses from PUBLIC_BASE_URL; and
/robots.txt, which keeps crawlers out of the members' and administrators' areas and points to the sitemap."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale

from cms.robots import disallowed_paths
from network.advocacy.models import KeyMessage, MessageStatus
from network.directory.models import Service
from network.orgs import services as orgs
from network.pagecache.middleware import HIT_HEADER
from tests import factories
from tests.advocacy.factories import make_key_message
from tests.directory.test_views import new_service
from tests.resources.factories import library_in, make_resource, translate

pytestmark = pytest.mark.django_db

BASE = "https://passerelle.example.org"
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
LANGUAGES = [code for code, _name in settings.LANGUAGES]


@dataclass
class Network:
    public: object
    public_en: object
    public_ar: object
    network_only: object
    network_only_en: object
    own: object
    draft: object
    closed_resource: object
    closed_slug: str
    service: Service
    members_service: Service
    closed_service: Service
    adopted: KeyMessage
    adopted_en: KeyMessage
    draft_message: KeyMessage


@pytest.fixture
def public_base_url(settings):
    settings.PUBLIC_BASE_URL = BASE
    settings.ALLOWED_HOSTS = ["testserver", "attacker.example"]


@pytest.fixture(scope="module")
def shared_network(django_db_setup, django_db_blocker) -> Iterator[Network]:
    """Built once for the module (its tests only read it), in a transaction rolled back after the module."""
    from tests.conftest import restore_migrated_state

    with django_db_blocker.unblock():
        from wagtail.models import Site

        if not Site.objects.exists():  # a transactional test before this module left the database flushed
            restore_migrated_state()
        transaction.set_autocommit(False)
        try:
            yield build_network()
        finally:
            transaction.rollback()
            transaction.set_autocommit(True)


@pytest.fixture
def network(db, shared_network, public_base_url) -> Network:
    return shared_network


def build_network() -> Network:
    """An active organisation with a page at each visibility (the public one in three languages), services and
    key messages; and an organisation that was deactivated with its public page and service."""
    etoile = factories.organisation(name="Collectif Étoile")
    for language in ("en", "ar"):
        library_in(language)
    public = make_resource(etoile, title="Guide public", slug="guide-public")
    network_only = make_resource(etoile, visibility="network", title="Protocole réseau", slug="protocole")
    closed = factories.organisation(name="Ancienne Association")
    closed_resource = make_resource(closed, title="Archive publique", slug="archive-publique")
    closed_service = new_service(closed, name="Permanence fermée")
    orgs.organisation_set_active(organisation=closed, active=False, acting_user=factories.network_admin())
    adopted = make_key_message(etoile, status=MessageStatus.ADOPTED)
    adopted_en = adopted.copy_for_translation(Locale.objects.get_or_create(language_code="en")[0])
    adopted_en.statement = "Sex work is work."
    adopted_en.save()
    return Network(
        public=public,
        public_en=translate(public, "en", title="Public guide", slug="public-guide"),
        public_ar=translate(public, "ar", title="دليل عام", slug="guide-ar"),
        network_only=network_only,
        network_only_en=translate(network_only, "en", title="Network protocol", slug="network-protocol"),
        own=make_resource(etoile, visibility="organisation", title="Note interne", slug="note-interne"),
        draft=make_resource(etoile, title="Brouillon", slug="brouillon", live=False),
        closed_resource=closed_resource,
        closed_slug=closed.slug,
        service=new_service(etoile, name="Dépistage public"),
        members_service=new_service(etoile, name="Accueil réservé", is_public=False),
        closed_service=closed_service,
        adopted=adopted,
        adopted_en=adopted_en,
        draft_message=make_key_message(etoile, statement="Un brouillon de position."),
    )


def fetch_xml(client: Client, absolute_url: str) -> ET.Element:
    assert absolute_url.startswith(BASE + "/"), absolute_url
    response = client.get(absolute_url.removeprefix(BASE), HTTP_HOST="attacker.example")
    assert response.status_code == 200, absolute_url
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)  # noqa: S314  (our own answer, in a test)


def language_sitemaps(client: Client) -> dict[str, ET.Element]:
    """Every sitemap the index lists, by language, fetched anonymously (with a forged Host header)."""
    index = fetch_xml(client, BASE + reverse("sitemap"))
    locations = [loc.text for loc in index.findall("sm:sitemap/sm:loc", NS)]
    return {
        location.removeprefix(f"{BASE}/sitemap-").removesuffix(".xml"): fetch_xml(client, location)
        for location in locations
    }


def locations(urlset: ET.Element) -> list[str]:
    return [loc.text for loc in urlset.findall("sm:url/sm:loc", NS)]


def alternates_of(urlset: ET.Element, location: str) -> dict[str, str]:
    for url in urlset.findall("sm:url", NS):
        if url.find("sm:loc", NS).text == location:
            return {link.get("hreflang"): link.get("href") for link in url.findall("xhtml:link", NS)}
    raise AssertionError(f"{location} is not listed")


def test_every_address_of_every_language_sitemap_opens_for_an_anonymous_visitor(client, network):
    # Given the index, fetched with a Host header that is not the site's
    sitemaps = language_sitemaps(client)

    # Then it lists one sitemap per language, at the configured public address
    assert sorted(sitemaps) == sorted(LANGUAGES)
    # And every address of every sitemap, and every alternate, is absolute and opens for an anonymous visitor
    listed = {location for urlset in sitemaps.values() for location in locations(urlset)}
    alternates = {link.get("href") for urlset in sitemaps.values() for link in urlset.findall("sm:url/xhtml:link", NS)}
    assert alternates <= listed, "an alternate that is not listed itself"
    assert len(listed) > 30
    failures = []
    for location in sorted(listed):
        assert location.startswith(BASE + "/"), location
        response = Client().get(location.removeprefix(BASE))
        if response.status_code != 200:
            failures.append(f"{location} → {response.status_code}")
    assert not failures, "\n".join(failures)
    # And none of them is one robots.txt keeps crawlers away from
    closed = tuple(disallowed_paths())
    assert not [location for location in listed if urlsplit(location).path.startswith(closed)]


def test_language_sitemaps_list_only_what_a_visitor_may_open(client, network):
    sitemaps = language_sitemaps(client)
    everything = "\n".join(ET.tostring(urlset, encoding="unicode") for urlset in sitemaps.values())
    french, english, arabic = (set(locations(sitemaps[code])) for code in ("fr", "en", "ar"))

    # Then each language's copy of the public page is in its own language's sitemap
    assert BASE + network.public.url in french
    assert BASE + network.public_en.url in english
    assert BASE + network.public_ar.url in arabic
    # And so are the public screens, the organisation, its public service and the adopted key message
    for path in ("/fr/organisations/", "/fr/services/", "/fr/advocacy/calendar/", "/fr/observatory/"):
        assert BASE + path in french
    assert BASE + reverse("orgs:detail", kwargs={"slug": network.public.organisation.slug}) in french
    assert BASE + f"/ar/services/{network.service.pk}/" in arabic
    assert BASE + f"/fr/advocacy/messages/{network.adopted.pk}/" in french
    assert BASE + f"/en/advocacy/messages/{network.adopted_en.pk}/" in english
    # And never a network-only, own-organisation or draft page (in any language), a members-only service, a draft
    # key message, nor anything of the deactivated organisation
    for page in (network.network_only, network.network_only_en, network.own, network.draft, network.closed_resource):
        assert f"{page.url}</" not in everything and page.url_path not in everything, page.title
    for hidden in (
        network.members_service.pk,
        network.closed_service.pk,
        network.draft_message.pk,
        network.closed_slug,
    ):
        assert str(hidden) not in everything


def test_each_address_names_its_translations_as_alternates_with_a_french_default(client, network):
    sitemaps = language_sitemaps(client)
    page_copies = {"fr": network.public.url, "en": network.public_en.url, "ar": network.public_ar.url}
    expected = {code: BASE + url for code, url in page_copies.items()} | {"x-default": BASE + network.public.url}

    # Then the three copies of the public page name each other, and the French one as the default
    for code, url in page_copies.items():
        assert alternates_of(sitemaps[code], BASE + url) == expected
    # And a screen present in every language names all six, in their BCP 47 spelling
    directory = alternates_of(sitemaps["zh-hans"], BASE + "/zh-hans/organisations/")
    assert set(directory) == {"fr", "en", "es", "ru", "zh-Hans", "ar", "x-default"}
    assert directory["x-default"] == BASE + "/fr/organisations/"
    # And the translated key message names its English copy
    message = alternates_of(sitemaps["fr"], BASE + f"/fr/advocacy/messages/{network.adopted.pk}/")
    assert message["en"] == BASE + f"/en/advocacy/messages/{network.adopted_en.pk}/"


def test_a_language_sitemap_is_kept_in_the_page_cache_and_dropped_when_a_page_is_published(client, network):
    url = reverse("sitemap_language", kwargs={"language": "fr"})
    first, second = client.get(url), client.get(url)
    assert second[HIT_HEADER] == "hit" and second.content == first.content

    # When a new public page is published
    added = make_resource(network.public.organisation, title="Nouveau guide", slug="nouveau-guide")

    # Then the next visitor gets the sitemap rendered again, with it
    fresh = client.get(url)
    assert fresh[HIT_HEADER] == "miss"
    assert f"{added.url}</loc>" in fresh.content.decode()


def test_an_unknown_language_has_no_sitemap(client, public_base_url):
    assert client.get("/sitemap-de.xml").status_code == 404


# --- robots.txt -------------------------------------------------------------------------------------------------


def test_robots_keeps_crawlers_out_of_member_and_admin_areas_and_points_to_the_sitemap(client, public_base_url):
    response = client.get("/robots.txt", HTTP_HOST="attacker.example")
    lines = response.content.decode().splitlines()

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert lines[0] == "User-agent: *"
    assert f"Sitemap: {BASE}/sitemap.xml" in lines
    for closed in ("/admin/", "/api/", "/fr/accounts/", "/ar/referrals/", "/zh-hans/dashboard/", "/es/manage/"):
        assert f"Disallow: {closed}" in lines
    assert "Allow: /api/docs/" in lines
    for kept_open in ("/hsds/", "/fr/", "/documents/", "/sitemap.xml", "/fr/advocacy/"):
        assert f"Disallow: {kept_open}" not in lines
    assert client.get("/robots.txt", HTTP_HOST="attacker.example")[HIT_HEADER] == "hit"


# Refused to visitors, yet not disallowed: actions on a public key message that no public page links to.
REFUSED_BUT_UNLISTED = {
    "advocacy:message_edit",
    "advocacy:message_sign",
    "advocacy:message_transition",
    "advocacy:message_withdraw",
}
# Open to visitors, yet disallowed: the invitation link sent by email (a token, never to be indexed).
OPEN_BUT_DISALLOWED = {"orgs:invitation"}


def test_robots_follows_the_permission_matrix_for_every_screen_of_the_url_conf():
    # Given every screen of the URL conf (outside the API and admin) and what a visitor gets from it
    from tests.security.decisions import DECISIONS, LOGIN
    from tests.security.urlmap import endpoints

    closed = tuple(disallowed_paths())
    wrong = []
    for endpoint in endpoints():
        decision = DECISIONS.get(endpoint.name)
        if endpoint.kind != "view" or decision is None or endpoint.route.startswith(("/admin/", "/api/")):
            continue
        anonymous = decision.get["anonymous"]
        static_prefix = endpoint.route.split("<", 1)[0].split("^", 1)[0]
        disallowed = static_prefix.startswith(closed)
        # Then a screen refused to visitors is disallowed, and a public one is not
        if anonymous in (LOGIN, 401, 403) and not disallowed and endpoint.name not in REFUSED_BUT_UNLISTED:
            wrong.append(f"{endpoint.name} ({endpoint.route}) is refused to visitors but not disallowed")
        if anonymous == 200 and disallowed and endpoint.name not in OPEN_BUT_DISALLOWED:
            wrong.append(f"{endpoint.name} ({endpoint.route}) is public but disallowed")
    assert not wrong, "\n".join(wrong)
