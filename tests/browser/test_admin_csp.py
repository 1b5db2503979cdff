"""The Wagtail admin works under the site's Content Security Policy: every editing screen the project defines is
opened by the editors who use it, with the browser enforcing the policy (no `bypass_csp`), and every inline panel,
chooser and date picker on it is used.

The journey fails on any violation the browser reports (a `securitypolicyviolation` event, collected by an init
script in every page and frame, or a console error naming the Content Security Policy), on any uncaught script
error, and whenever a control does not do its job: "Add attachment" must add a form, a chooser must open its modal
and fill the field, a date field must open its picker, the preview panel must show the page. The policy itself is
described in docs/csp.md.

Screens, from the project's viewsets and page models: resource page (network/resources/models.py) and advocacy page
(network/advocacy/models.py, the only advocacy page type; its kinds are a field), each created and edited; key
message and advocacy opportunity (snippets, network/advocacy/admin_*.py); organisation (network/orgs/wagtail_hooks.py,
by its coordinator and by a network administrator); service category (network/directory/wagtail_hooks.py); the
services an organisation manages (network/directory/urls.py, on the public site's policy); wagtail-localize's
"translate this page" form and translation editor.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from network.advocacy import services as advocacy_services
from network.advocacy.models import AdvocacyPage, MessageStatus
from network.directory.models import ServiceCategory
from network.orgs.models import OrganisationKind, Role
from tests import factories
from tests.advocacy.factories import make_key_message

from .conftest import DESKTOP, WAGTAIL_AUTOSAVE_OFF, enrol_authenticator, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The policy is what is under test: the browser enforces it (the other journeys bypass it for axe-core).
    pytest.mark.browser_context_args(bypass_csp=False),
]

WAIT_MS = 15_000  # every wait is bounded (a control that does nothing fails within this): room for a busy CI machine

# Reports every violation the page (or any frame in it) sees to the test, from before its first script runs (also
# those of a page that is left at once, such as a form that is submitted).
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: (event.sourceFile || "").replace(location.origin, "") + ":" + event.lineNumber,
  });
});
"""


@dataclass
class Audit:
    """What each screen reported: CSP violations, console errors about the policy, script errors, and controls
    that did not work. Failures are collected, not raised at once, so that one run reports every screen."""

    screen: str = "sign in"
    violations: dict[str, list[Any]] = field(default_factory=lambda: {"sign in": []})
    errors: dict[str, list[str]] = field(default_factory=dict)
    broken: list[str] = field(default_factory=list)

    def watch(self, context: Any) -> Page:
        """A page of `context` whose violations, policy console errors and script errors are recorded."""
        context.expose_function("reportCspViolation", lambda found: self.violations[self.screen].append(found))
        context.add_init_script(REPORT_VIOLATIONS)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.setdefault(self.screen, []).append(f"script error: {error}"))
        return page

    def _console(self, message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.errors.setdefault(self.screen, []).append(message.text[:200])

    def open(self, page: Page, screen: str, url: str) -> None:
        self.begin(screen)
        response = page.goto(url)
        status = response.status if response else None
        assert status == 200, f"{screen}: {url} answered {status}"

    def begin(self, screen: str) -> None:
        """The screen the browser went on to by itself (after a form was sent)."""
        self.screen = screen
        self.violations.setdefault(screen, [])

    def close(self, page: Page) -> None:
        """Leave the screen once the browser has reported what it found there."""
        page.evaluate("new Promise((done) => setTimeout(done, 50))")

    def check(self, what: str, step: Callable[[], None]) -> None:
        try:
            step()
        except AssertionError as error:  # playwright's expect() raises AssertionError on timeout
            self.broken.append(f"{self.screen}: {what} ({str(error).splitlines()[0][:160]})")

    def counts(self) -> dict[str, int]:
        return {screen: len(found) for screen, found in self.violations.items()}

    def report(self) -> str:
        lines = [f"CSP violations per screen: {self.counts()}"]
        for screen, found in self.violations.items():
            for violation in found:
                lines.append(f"- {screen}: {violation}")
        for screen, messages in self.errors.items():
            lines.extend(f"- {screen}: {message}" for message in messages)
        lines.extend(f"- does not work: {broken}" for broken in self.broken)
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------------
# Controls


def inline_children(page: Page, prefix: str) -> Locator:
    return page.locator(f"#id_{prefix}-FORMS > [data-inline-panel-child]")


def add_inline_child(audit: Audit, page: Page, prefix: str, label: str) -> Locator:
    """Press the inline panel's add button ("Add attachments"): a new child form must appear (returned)."""
    children = inline_children(page, prefix)
    before = children.count()
    button = page.locator(f"#id_{prefix}-ADD")
    expect(button).to_have_text(re.compile(label, re.I))
    button.click()
    added = f"'{label}' adds a form ({before} before)"
    audit.check(added, lambda: expect(children).to_have_count(before + 1, timeout=WAIT_MS))
    return children.last


def choose(audit: Audit, page: Page, field: Locator, item: str, what: str) -> None:
    """Open the chooser in `field`, pick `item` in its modal: the modal closes and the field shows the choice."""
    # By its class, not its label: Wagtail keeps a StreamField block's labels in the language the process first
    # rendered them in, so after a French editor the button may say « Choisir » to an English one.
    opener = field.locator("button.chooser__choose-button").first
    audit.check(f"{what}: the chooser button is there", lambda: expect(opener).to_be_visible(timeout=WAIT_MS))
    if not opener.is_visible():
        return
    opener.click()
    modal = page.locator(".modal-content")
    choice = modal.get_by_role("link", name=re.compile(re.escape(item))).first
    audit.check(f"{what}: the modal lists it", lambda: expect(choice).to_be_visible(timeout=WAIT_MS))
    if not choice.is_visible():
        page.keyboard.press("Escape")
        return
    choice.click()
    audit.check(f"{what}: the modal closes", lambda: expect(modal).to_be_hidden(timeout=WAIT_MS))
    audit.check(f"{what}: the field shows the choice", lambda: expect(field).to_contain_text(item, timeout=WAIT_MS))


def open_date_picker(audit: Audit, page: Page, field_id: str) -> None:
    """Focus a date or date-time field: Wagtail's picker (jquery.datetimepicker) must open under it."""
    page.locator(f"#{field_id}").click()
    picker = page.locator(".xdsoft_datetimepicker:visible")
    audit.check(f"the date picker of #{field_id} opens", lambda: expect(picker).to_have_count(1, timeout=WAIT_MS))
    page.keyboard.press("Escape")
    page.locator("body").click(position={"x": 5, "y": 5})


def insert_block(audit: Audit, page: Page, block: str) -> Locator:
    """Insert a StreamField block through the "+" menu; the new block's container is returned."""
    blocks = page.locator("[data-streamfield-child]")
    before = blocks.count()
    page.get_by_role("button", name="Insert a block").last.click()
    page.get_by_role("option", name=block, exact=True).click()
    audit.check(f"the '{block}' block is inserted", lambda: expect(blocks).to_have_count(before + 1, timeout=WAIT_MS))
    return blocks.last


# ---------------------------------------------------------------------------------------------------------------
# The network


@pytest.fixture
def network(settings, live_server):
    """An association with a coordinator (authenticator enrolled), its library resource with one attachment, an
    advocacy page, a key message, an opportunity, a document and an image to choose; a network administrator."""
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Locale

    from tests.resources import factories as rf

    settings.WAGTAIL_AUTOSAVE_INTERVAL = WAGTAIL_AUTOSAVE_OFF
    Locale.objects.get_or_create(language_code="ar")
    rf.library_index(title="Bibliothèque")
    org = factories.organisation(
        name="Collectif Étoile", slug="collectif-etoile", kind=OrganisationKind.COMMUNITY_ASSOCIATION
    )
    coordinator = enrol_authenticator(factories.member(org, Role.COORDINATOR, username="etoile-coord"))
    admin = enrol_authenticator(factories.network_admin(username="network-admin"))
    resource = rf.make_resource(org, title="Guide de sécurité numérique", slug="guide-securite")
    rf.attach_document(resource, title="Fiche pratique")
    rf.make_document(org, title="Carte des permanences")
    get_image_model().objects.create(title="Camion de maraude", file=get_test_image_file(), collection=org.collection)
    message = make_key_message(org, status=MessageStatus.ADOPTED, statement="Le travail du sexe est un travail.")
    space = org.space_page.specific
    page = AdvocacyPage(title="Nos quartiers, nos droits", slug="nos-quartiers", intro="Halte aux arrêtés.")
    space.add_child(instance=page)
    page.save_revision().publish()
    from datetime import timedelta

    from django.utils import timezone

    opportunity = advocacy_services.opportunity_create(
        acting_user=coordinator,
        title="Journée internationale",
        starts_at=timezone.now() + timedelta(days=30),
        level="national",
        organisations=[org],
    )
    category = ServiceCategory.objects.create(name="Santé sexuelle", code="sexual-health")
    return {
        "org": org,
        "coordinator": coordinator,
        "admin": admin,
        "resource": resource,
        "advocacy_page": page,
        "message": message,
        "opportunity": opportunity,
        "category": category,
    }


def test_every_admin_editing_screen_works_under_the_content_security_policy(live_server, new_context, network):
    org, resource, message = network["org"], network["resource"], network["message"]
    base = live_server.url
    audit = Audit()

    # given the association's coordinator, signed in with two-factor, in one browser context kept for the journey
    editor = audit.watch(new_context(viewport=DESKTOP, locale="en-GB"))
    sign_in(editor, live_server, network["coordinator"])

    # when they add a resource: attachments through the inline panel, a document chosen, the dates picked
    audit.open(editor, "resource, create", f"{base}/admin/pages/add/resources/resourcepage/{org.space_page_id}/")
    editor.locator("#id_title").fill("Nouvelle fiche")
    child = add_inline_child(audit, editor, "attachments", "Add attachment")
    choose(audit, editor, child, "Carte des permanences", "document")
    add_inline_child(audit, editor, "attachments", "Add attachment")
    editor.get_by_role("tab", name="Settings").click()
    open_date_picker(audit, editor, "id_published_on")
    open_date_picker(audit, editor, "id_last_reviewed_on")
    audit.close(editor)

    # and edit the existing one (it has one attachment already)
    audit.open(editor, "resource, edit", f"{base}/admin/pages/{resource.pk}/edit/")
    attachments = inline_children(editor, "attachments")
    audit.check("the existing attachment is shown", lambda: expect(attachments).to_have_count(1))
    child = add_inline_child(audit, editor, "attachments", "Add attachment")
    choose(audit, editor, child, "Carte des permanences", "document")
    editor.get_by_role("tab", name="Settings").click()
    open_date_picker(audit, editor, "id_last_reviewed_on")
    # and the preview beside the editor shows the page
    editor.locator('[data-side-panel-toggle="preview"]').click()
    preview = editor.frame_locator('[data-w-preview-target="iframe"]').first
    audit.check(
        "the preview shows the page",
        lambda: expect(preview.get_by_role("heading", level=1)).to_have_text(resource.title, timeout=WAIT_MS),
    )
    audit.close(editor)

    # and write an advocacy page: a key message (snippet), a resource (page) and an image chosen in its body
    audit.open(editor, "advocacy page, create", f"{base}/admin/pages/add/advocacy/advocacypage/{org.space_page_id}/")
    editor.locator("#id_title").fill("Une nouvelle campagne")
    block = insert_block(audit, editor, "Key message")
    choose(audit, editor, block, message.statement, "key message")
    block = insert_block(audit, editor, "Resource")
    choose(audit, editor, block, resource.title, "page")
    block = insert_block(audit, editor, "Image")
    choose(audit, editor, block, "Camion de maraude", "image")
    editor.get_by_role("tab", name="Settings").click()
    audit.close(editor)

    audit.open(editor, "advocacy page, edit", f"{base}/admin/pages/{network['advocacy_page'].pk}/edit/")
    block = insert_block(audit, editor, "Resource")
    choose(audit, editor, block, resource.title, "page")
    audit.close(editor)

    # and a key message, created and edited
    audit.open(editor, "key message, create", f"{base}/admin/snippets/advocacy/keymessage/add/")
    editor.locator("#id_statement").fill("La santé est un droit.")
    audit.close(editor)
    audit.open(editor, "key message, edit", f"{base}/admin/snippets/advocacy/keymessage/edit/{message.pk}/")
    audit.close(editor)

    # and an opportunity of the advocacy calendar, with its dates picked
    audit.open(editor, "opportunity, create", f"{base}/admin/snippets/advocacy/advocacyopportunity/add/")
    for field_id in ("id_starts_at", "id_ends_at", "id_deadline"):
        open_date_picker(audit, editor, field_id)
    audit.close(editor)
    audit.open(
        editor,
        "opportunity, edit",
        f"{base}/admin/snippets/advocacy/advocacyopportunity/edit/{network['opportunity'].pk}/",
    )
    open_date_picker(audit, editor, "id_starts_at")
    audit.close(editor)

    # and their organisation's profile
    audit.open(editor, "organisation, edit (coordinator)", f"{base}/admin/organisations/edit/{org.pk}/")
    audit.close(editor)

    # and their services (the coordinators' screens on the public site)
    audit.open(editor, "service, create", f"{base}/en/manage/{org.slug}/services/new/")
    audit.close(editor)

    # and translate the resource into Arabic with wagtail-localize: the form, then the translation editor
    audit.open(editor, "translation, submit", f"{base}/admin/localize/submit/page/{resource.pk}/")
    editor.get_by_label("Arabic").check()
    editor.get_by_role("button", name="Submit").click()
    editor.wait_for_url(re.compile(r"/admin/pages/\d+/edit/"))
    audit.begin("translation editor")
    publish = editor.get_by_role("button", name="Publish in Arabic")
    audit.check("the translation editor loads", lambda: expect(publish).to_be_visible())
    audit.close(editor)

    # given a network administrator, signed in in a second context
    admin = audit.watch(new_context(viewport=DESKTOP, locale="en-GB"))
    sign_in(admin, live_server, network["admin"])

    # when they onboard and edit organisations, and keep the service categories
    audit.open(admin, "organisation, create", f"{base}/admin/organisations/new/")
    audit.close(admin)
    audit.open(admin, "organisation, edit", f"{base}/admin/organisations/edit/{org.pk}/")
    audit.close(admin)
    audit.open(admin, "service category, create", f"{base}/admin/service-categories/new/")
    audit.close(admin)
    audit.open(admin, "service category, edit", f"{base}/admin/service-categories/edit/{network['category'].pk}/")
    audit.close(admin)

    # then no screen reported a violation or a script error, and every control did its job
    print(audit.report())  # noqa: T201  (the counts per screen, for the record)
    assert not any(audit.violations.values()) and not audit.errors and not audit.broken, audit.report()
