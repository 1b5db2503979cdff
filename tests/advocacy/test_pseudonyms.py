"""Protection of contributors: a peer worker who writes under a pseudonym is never named on the public site.

Given a peer with a real-looking identity (first and last name, username, email) and a public name, who writes an
advocacy page under a pseudonym, a key message, a resource and an opportunity, approved through the real
workflow: the public page, the library feeds, the iCalendar feed and the calendar, the messages' pages and API,
the sitemap and search never carry their real name, username or email. Their real name appears only if they chose
to show it.
"""

from __future__ import annotations

import pytest
from django.contrib.sitemaps.views import sitemap
from django.test import RequestFactory
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap
from wagtail.models import WorkflowState

from network.advocacy import services as advocacy_services
from network.advocacy.models import AdvocacyPage, MessageStatus, SignatureKind
from network.orgs import moderation
from network.orgs.models import Role
from tests import factories
from tests.advocacy.factories import make_key_message
from tests.advocacy.test_workflow import action_url, add_url, page_form
from tests.resources.factories import library_index, make_resource

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.advocacy.urls")]  # the calendar, messages, API

REAL = {
    "username": "jdupont",
    "email": "jeanne.dupont@example.org",
    "first_name": "Jeanne",
    "last_name": "Dupontel",
}


def assert_not_named(text: str, where: str) -> None:
    for value in [*REAL.values(), "Jeanne Dupontel", "jeanne.dupont"]:
        assert value not in text, f"{value!r} appears in {where}"


@pytest.fixture
def contribution(client, signed_in):
    """The peer's page, written under the pseudonym "Luna", submitted and approved through the workflow."""
    organisation = factories.organisation(name="Pairs en Route")
    moderation.moderation_provision(organisation=organisation)
    peer = factories.member(organisation, Role.PEER, public_name="Iris", **REAL)
    coordinator = factories.coordinator_of(organisation)

    signed_in(peer)
    response = client.post(
        add_url(organisation),
        page_form(
            "Nos corps, nos droits",
            intro="Une campagne écrite par des travailleuses du sexe.",
            signature_kind=SignatureKind.PSEUDONYM,
            signature_pseudonym="Luna",
            **{"action-submit": "Submit for moderation"},
        ),
    )
    assert response.status_code == 302
    page = AdvocacyPage.objects.get(title="Nos corps, nos droits")
    state = WorkflowState.objects.get(object_id=str(page.pk), status="in_progress")
    signed_in(coordinator)
    client.post(action_url(page, "approve", state.current_task_state), {"comment": ""})
    page.refresh_from_db()
    assert page.live and page.owner == peer
    client.logout()
    return {"organisation": organisation, "peer": peer, "coordinator": coordinator, "page": page}


def test_public_page_is_signed_with_the_pseudonym_only(client, contribution):
    page = contribution["page"]
    for language in ("fr", "en"):
        html = client.get(f"/{language}{page.url_path.removeprefix('/home')}").content.decode()
        assert "Luna" in html
        assert_not_named(html, f"the page in {language}")


def test_real_name_signature_shows_the_public_name_unless_the_person_chose_their_real_name(client, contribution):
    page, peer = contribution["page"], contribution["peer"]
    page.signature_kind = SignatureKind.REAL_NAME
    page.save_revision().publish()
    url = f"/fr{page.url_path.removeprefix('/home')}"

    html = client.get(url).content.decode()
    assert "Iris" in html
    assert_not_named(html, "a real-name signature while show_real_name is off")

    peer.show_real_name = True
    peer.save()
    assert "Jeanne Dupontel" in client.get(url).content.decode()  # their choice, and only then


def test_calendar_and_ical_feed_never_name_the_peer_who_added_an_opportunity(client, contribution):
    peer, organisation = contribution["peer"], contribution["organisation"]
    message = make_key_message(
        organisation, status=MessageStatus.ADOPTED, created_by=peer, statement="Sex work is work."
    )
    advocacy_services.opportunity_create(
        acting_user=peer,
        title="17 December",
        starts_at=contribution["page"].first_published_at,
        all_day=True,
        level="international",
        key_messages=[message],
        organisations=[organisation],
    )

    feed = client.get("/fr/advocacy/calendar.ics").content.decode()
    listing = client.get("/fr/advocacy/calendar/").content.decode()

    assert "17 December" in feed and "17 December" in listing
    assert_not_named(feed, "the iCalendar feed")
    assert_not_named(listing, "the calendar page")


def test_messages_pages_and_api_never_name_the_peer_who_drafted(client, contribution):
    peer, organisation = contribution["peer"], contribution["organisation"]
    message = make_key_message(organisation, status=MessageStatus.ADOPTED, created_by=peer, statement="Our statement.")

    detail = client.get(f"/en/advocacy/messages/{message.pk}/")
    api_list = client.get("/api/v1/advocacy/messages/")
    api_detail = client.get(f"/api/v1/advocacy/messages/{message.pk}/")
    opportunities = client.get("/api/v1/advocacy/opportunities/")

    assert detail.status_code == 200 and "Our statement." in detail.content.decode()
    assert_not_named(detail.content.decode(), "the message page")
    for response in (api_list, api_detail, opportunities):
        assert response.status_code == 200, response.request["PATH_INFO"]
        assert_not_named(response.content.decode(), response.request["PATH_INFO"])
    assert "Our statement." in api_detail.content.decode()


def test_library_feeds_never_name_the_peer_who_drafted_a_resource(client, contribution):
    peer, organisation = contribution["peer"], contribution["organisation"]
    library = library_index()
    resource = make_resource(organisation, title="Guide de sécurité", owner=peer)
    assert resource.owner == peer

    for kind in ("rss", "atom"):
        response = client.get(f"/fr{library.url_path.removeprefix('/home')}feed/{kind}/")
        assert response.status_code == 200
        text = response.content.decode()
        assert "Guide de sécurité" in text
        assert_not_named(text, f"the library's {kind} feed")


def test_sitemap_and_search_never_name_the_peer(contribution):
    page = contribution["page"]
    request = RequestFactory().get("/sitemap.xml")

    xml = sitemap(request, sitemaps={"wagtail": Sitemap(request)}).render().content.decode()
    assert page.slug in xml
    assert_not_named(xml, "the sitemap")

    # the search index holds what the page says, not who wrote it
    assert [hit.pk for hit in AdvocacyPage.objects.live().search("campagne")] == [page.pk]
    for value in ("Dupontel", "jdupont", "jeanne.dupont@example.org", "Jeanne"):
        assert not list(AdvocacyPage.objects.live().search(value)), value
