"""Journeys: an editor publishes a resource (with an attachment) from the site's "Publish a resource" button, and a
peer writes a contribution from "Write a contribution" and submits it for moderation, on a phone. Each journey is
also walked the old way, through the admin's page tree, and the taps of both ways are counted and compared.

A tap is a click or a tap into a field (typing an address by hand counts as one). The counts are printed and
saved in test-artifacts/taps/<journey>.json.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import expect

from network.advocacy.models import AdvocacyPage
from network.orgs.models import OrganisationKind, Role
from network.resources.models import ResourceKind, ResourcePage
from tests import factories
from tests.resources.factories import make_document

from .conftest import ARTIFACTS, PHONE, WAGTAIL_AUTOSAVE_OFF, enrol_authenticator, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCUMENT_TITLE = "Fiche accueil de jour (PDF)"


@dataclass
class Taps:
    """Counts the taps of a journey: wrap each click and each field filled."""

    count: int = 0

    def click(self, locator: Any) -> None:
        self.count += 1
        locator.click()

    def fill(self, locator: Any, text: str) -> None:
        self.count += 1  # a tap into the field, then typing
        locator.fill(text)

    def select(self, locator: Any, **option: str) -> None:
        self.count += 2  # open the list, pick the option
        locator.select_option(**option)

    def goto(self, page: Any, url: str) -> None:
        self.count += 1  # an address typed by hand (or a bookmark)
        page.goto(url)


def _record(name: str, taps: Taps, *, csp_refusals: list[str] | None = None) -> None:
    folder = ARTIFACTS / "taps"
    folder.mkdir(parents=True, exist_ok=True)
    record = {"journey": name, "taps": taps.count, "csp_refusals": csp_refusals or []}
    (folder / f"{name}.json").write_text(json.dumps(record, indent=2, ensure_ascii=False))
    print(f"\n[taps] {name}: {taps.count}; CSP refusals: {len(csp_refusals or [])}")  # noqa: T201  (in the report)


@pytest.fixture
def association(settings):
    settings.WAGTAIL_AUTOSAVE_INTERVAL = WAGTAIL_AUTOSAVE_OFF
    org = factories.organisation(name="Accueil Santé", slug="accueil-sante", kind=OrganisationKind.NGO_PROGRAMME)
    staff = enrol_authenticator(factories.member(org, Role.STAFF, username="accueil-staff"))
    peer = factories.member(org, Role.PEER, username="accueil-peer", public_name="Rosa")
    make_document(org, title=DOCUMENT_TITLE)
    return {"org": org, "staff": staff, "peer": peer}


def _fill_resource_and_publish(page: Any, taps: Taps, journey: Any, title: str, *, choose_kind: bool) -> None:
    taps.fill(page.locator("#id_title"), title)
    taps.fill(page.locator("#id_summary"), "Accueillir sans juger : les étapes d'un premier accueil.")
    # an attachment through the inline panel (needs the editor's scripts: see the csp work)
    taps.click(page.get_by_role("button", name=re.compile("Add attachment", re.I)))
    taps.click(page.get_by_role("button", name=re.compile("Choose a document", re.I)).first)
    taps.click(page.get_by_role("link", name=DOCUMENT_TITLE))
    # the chooser's modal has closed (axe below must not read it half faded) and the attachment shows the document
    expect(page.locator(".modal-content")).to_be_hidden()
    expect(page.locator(".modal-backdrop")).to_have_count(0)
    if choose_kind:
        taps.click(page.get_by_role("tab", name="Settings"))
        taps.select(page.locator("#id_kind"), value=ResourceKind.GUIDE)
    journey.check(page, f"resource editor, {title}")
    taps.click(page.locator("footer").get_by_role("button", name="More actions"))
    taps.click(page.locator("button[name=action-publish]"))
    expect(page.get_by_role("status")).to_contain_text(re.compile("published", re.I))


def _assert_published(org: Any, staff: Any, title: str) -> None:
    resource = ResourcePage.objects.get(title=title)
    assert resource.live and resource.kind == ResourceKind.GUIDE
    assert resource.get_parent().pk == org.space_page_id and resource.owner_id == staff.pk
    assert resource.attachments.filter(document__title=DOCUMENT_TITLE).exists()


def test_editor_publishes_a_resource_from_the_site_button(live_server, browser, journey, association):
    """Under the site's real Content Security Policy (no `bypass_csp`): the attachment's inline panel needs the page
    editor's scripts to run under it. The policy's refusals are listed in test-artifacts/taps/."""
    org, staff = association["org"], association["staff"]
    context = browser.new_context(viewport=PHONE, locale="en-GB", timezone_id="Europe/Paris")  # CSP enforced
    page = context.new_page()
    refused: list[str] = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    sign_in(page, live_server, staff, journey=journey)

    # given the editor on their dashboard
    page.goto(f"{live_server.url}/en/dashboard/")
    journey.check(page, "dashboard with publish button")
    taps = Taps()

    # when they tap "Publish a resource", pick "Guide", write it with an attachment and publish
    try:
        taps.click(page.get_by_role("link", name="Publish a resource"))
        journey.check(page, "choose the kind of resource")
        taps.click(page.get_by_role("button", name="Guide", exact=True))
        expect(page.locator("#id_title")).to_be_visible()
        _fill_resource_and_publish(page, taps, journey, "Guide du premier accueil", choose_kind=False)
        journey.check(page, "resource published")
    finally:  # what the policy refused is kept also when the journey stops half-way
        page.screenshot(path=str(journey.folder / "last-screen.png"), full_page=True)
        _record("publish-resource-from-button", taps, csp_refusals=refused)
        context.close()

    # then it is a live guide in the association's space, owned by the editor, with its attachment
    _assert_published(org, staff, "Guide du premier accueil")
    journey.assert_accessible()


def test_editor_publishes_a_resource_through_the_admin_page_tree(live_server, new_context, journey, association):
    """The way before the button: the admin, its page tree, the space, "Add child page", the page type."""
    org, staff = association["org"], association["staff"]
    page = new_context(viewport=PHONE, locale="en-GB").new_page()
    sign_in(page, live_server, staff, journey=journey)
    taps = Taps()

    taps.goto(page, f"{live_server.url}/admin/pages/")
    journey.check(page, "admin page tree")
    if "Add child page" not in page.content():
        taps.click(page.get_by_role("link", name=org.name).first)
    taps.click(page.get_by_role("link", name="Add child page").first)
    taps.click(page.get_by_role("link", name="Resource", exact=True))
    _fill_resource_and_publish(page, taps, journey, "Guide par l'arborescence", choose_kind=True)

    _assert_published(org, staff, "Guide par l'arborescence")
    _record("publish-resource-through-page-tree", taps)


def _write_and_submit(page: Any, taps: Taps, journey: Any) -> None:
    taps.fill(page.locator("#id_intro"), "Les arrêtés municipaux éloignent les travailleuses des services de santé.")
    journey.check(page, "contribution editor")
    taps.click(page.locator("footer").get_by_role("button", name="More actions"))
    expect(page.locator("button[name=action-publish]")).to_have_count(0)
    taps.click(page.locator("button[name=action-submit]"))
    expect(page.get_by_role("status")).to_contain_text(re.compile("submitted", re.I))


def test_peer_writes_a_contribution_from_the_site_button(live_server, new_context, journey, association):
    org, peer = association["org"], association["peer"]
    page = new_context(viewport=PHONE, locale="en-GB").new_page()
    sign_in(page, live_server, peer, journey=journey)
    page.goto(f"{live_server.url}/en/dashboard/")
    journey.check(page, "peer dashboard")
    taps = Taps()

    # when the peer taps "Write a contribution", gives a title, signs with a pseudonym, writes and submits
    taps.click(page.get_by_role("link", name="Write a contribution"))
    taps.fill(page.get_by_label("Working title"), "Nos quartiers, nos droits")
    taps.click(page.get_by_label("A pseudonym"))
    taps.fill(page.locator("#id_signature_pseudonym"), "Rosa N.")
    journey.check(page, "contribution, title and signature")
    taps.click(page.get_by_role("button", name="Start writing"))
    _write_and_submit(page, taps, journey)
    journey.check(page, "contribution submitted")

    # then a draft in the space, owned by the peer, signed with the pseudonym, in moderation
    draft = AdvocacyPage.objects.get(title="Nos quartiers, nos droits")
    assert not draft.live and draft.get_parent().pk == org.space_page_id and draft.owner_id == peer.pk
    assert draft.public_signature == "Rosa N." and draft.workflow_in_progress
    _record("contribution-from-button", taps)
    journey.assert_accessible()


def test_peer_writes_a_contribution_through_the_admin_page_tree(live_server, new_context, journey, association):
    org, peer = association["org"], association["peer"]
    page = new_context(viewport=PHONE, locale="en-GB").new_page()
    sign_in(page, live_server, peer, journey=journey)
    taps = Taps()

    taps.goto(page, f"{live_server.url}/admin/pages/")
    journey.check(page, "peer, admin page tree")
    if "Add child page" not in page.content():
        taps.click(page.get_by_role("link", name=org.name).first)
    taps.click(page.get_by_role("link", name="Add child page").first)
    taps.click(page.get_by_role("link", name="Advocacy page", exact=True))
    taps.fill(page.locator("#id_title"), "Par l'arborescence")
    taps.select(page.locator("#id_signature_kind"), label="A pseudonym")
    taps.fill(page.locator("#id_signature_pseudonym"), "Rosa N.")
    _write_and_submit(page, taps, journey)

    draft = AdvocacyPage.objects.get(title="Par l'arborescence")
    assert not draft.live and draft.get_parent().pk == org.space_page_id
    _record("contribution-through-page-tree", taps)
