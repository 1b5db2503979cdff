"""Journey: a peer worker drafts an advocacy page under a pseudonym in the Wagtail admin and submits it; their
organisation's coordinator approves it through the moderation workflow; the public page shows the pseudonym only;
the coordinator signs a key message for the organisation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from network.advocacy.models import AdvocacyPage, Endorsement, MessageStatus
from network.orgs.models import OrganisationKind, Role
from network.orgs.moderation import moderation_is_enabled
from tests import factories
from tests.advocacy.factories import make_key_message

from .conftest import DESKTOP, PHONE, WAGTAIL_AUTOSAVE_OFF, enrol_authenticator, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PSEUDONYM = "Rosa N."
TITLE = "Nos quartiers, nos droits : halte aux arrêtés anti-prostitution"
INTRO = "Les arrêtés municipaux éloignent les travailleuses des services de santé et les exposent aux violences."
STATEMENT = "Les arrêtés anti-prostitution mettent en danger la santé des travailleuses du sexe."


@pytest.fixture
def peer_group(settings):
    """A peer group with a coordinator (authenticator enrolled) and a peer worker with a real name on file; an
    adopted key message of the network."""
    settings.WAGTAIL_AUTOSAVE_INTERVAL = WAGTAIL_AUTOSAVE_OFF
    org = factories.organisation(name="Pairs en route", slug="pairs-en-route", kind=OrganisationKind.PEER_GROUP)
    coordinator = enrol_authenticator(
        factories.member(org, Role.COORDINATOR, username="pairs-coord", first_name="Claire", last_name="Martin")
    )
    peer = factories.member(
        org, Role.PEER, username="pairs-peer", first_name="Aminata", last_name="Diallo", email="aminata@example.org"
    )
    drafting = factories.organisation(name="Droits Devant", slug="droits-devant")
    message = make_key_message(drafting, status=MessageStatus.ADOPTED, statement=STATEMENT)
    return {"org": org, "coordinator": coordinator, "peer": peer, "message": message}


def test_peer_drafts_under_a_pseudonym_coordinator_approves_public_page_hides_the_peer_and_coordinator_signs(
    live_server, new_context, journey, peer_group
):
    org, coordinator, peer, message = (peer_group[k] for k in ("org", "coordinator", "peer", "message"))

    # given an organisation whose pages go through its own moderation (on by default)
    assert moderation_is_enabled(org), "a new organisation gets its moderation workflow (moderation_provision)"

    # when the peer worker, signed in, drafts an advocacy page in the organisation's space, signed with a pseudonym
    writer = new_context(viewport=DESKTOP, locale="en-GB").new_page()
    sign_in(writer, live_server, peer, journey=journey)
    writer.goto(f"{live_server.url}/admin/pages/{org.space_page_id}/")
    journey.check(writer, "peer, the organisation's space")
    writer.get_by_role("link", name="Add child page").first.click()
    writer.get_by_role("link", name="Advocacy page", exact=True).click()
    writer.locator("#id_title").fill(TITLE)
    writer.locator("#id_intro").fill(INTRO)
    writer.locator("#id_signature_kind").select_option(label="A pseudonym")
    writer.locator("#id_signature_pseudonym").fill(PSEUDONYM)
    journey.check(writer, "peer, advocacy page editor")

    # and submits it for moderation (a peer cannot publish)
    writer.locator("footer").get_by_role("button", name="More actions").click()
    expect(writer.locator("button[name=action-publish]")).to_have_count(0)
    journey.check(writer, "peer, action menu")
    writer.locator("button[name=action-submit]").click()
    expect(writer.get_by_role("status")).to_contain_text(re.compile("submitted", re.I))
    journey.check(writer, "peer, submitted")
    draft = AdvocacyPage.objects.get(title=TITLE)
    assert not draft.live and draft.organisation_id == org.pk

    # then the coordinator, signed in with two-factor, approves it from the admin
    approver = new_context(viewport=DESKTOP, locale="en-GB").new_page()
    sign_in(approver, live_server, coordinator, journey=journey)
    approver.goto(f"{live_server.url}/admin/")
    review = approver.get_by_role("region", name="Awaiting your review")
    expect(review.get_by_role("link", name=TITLE)).to_be_visible()
    journey.check(approver, "coordinator, awaiting review")
    review.get_by_role("link", name=TITLE).click()
    approver.locator("footer").get_by_role("button", name="More actions").click()
    approver.get_by_role("button", name="Approve and Publish", exact=True).click()
    expect(approver.get_by_role("status")).to_contain_text(TITLE)
    journey.check(approver, "coordinator, approved")
    page = AdvocacyPage.objects.get(pk=draft.pk)
    assert page.live

    # and the public page, for an anonymous visitor on a phone, is signed with the pseudonym only
    visitor = new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR").new_page()
    response = visitor.goto(f"{live_server.url}{page.url}")
    assert response is not None and response.status == 200
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(visitor.locator(".byline")).to_contain_text(PSEUDONYM)
    html = visitor.content()
    for identifying in (peer.first_name, peer.last_name, peer.username, peer.email):
        assert identifying not in html, identifying
    journey.check(visitor, "public advocacy page")

    # when the coordinator signs a key message of the network for the organisation
    approver.goto(f"{live_server.url}/en/advocacy/messages/{message.pk}/")
    signatories = approver.get_by_role("region", name=re.compile("Signed by"))
    expect(signatories).to_contain_text("No organisation signs this message yet.")
    journey.check(approver, "coordinator, key message")
    signatories.get_by_label("For").select_option(label=org.name)
    signatories.get_by_role("button", name="Sign this message").click()

    # then the organisation signs it, for everyone to see
    expect(approver.get_by_text(f"{org.name} now signs this message.")).to_be_visible()
    expect(approver.get_by_role("region", name=re.compile("Signed by"))).to_contain_text(org.name)
    journey.check(approver, "coordinator, message signed")
    assert Endorsement.objects.filter(
        message_key=message.translation_key, organisation=org, withdrawn_at__isnull=True
    ).exists()
    visitor.goto(f"{live_server.url}/en/advocacy/messages/{message.pk}/")
    expect(visitor.get_by_role("region", name=re.compile("Signed by"))).to_contain_text(org.name)
    journey.check(visitor, "public key message")

    journey.assert_accessible()
