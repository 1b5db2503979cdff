"""The Wagtail admin shows an editor only the pages the access policy lets them see.

Organisation B has a draft and a members-only page with distinctive titles, and a public page. An editor of
organisation A opens every listing Wagtail gives them (explorer, page chooser and its search, admin search, the
reports, the admin API) and the detail URLs of B's pages by numeric id: the titles never appear, the URLs answer
404 like a missing page. B's own editor still sees everything of B (allow and deny together).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields

import pytest
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import Page, ReferenceIndex

from cms import rules as cms_rules
from network.accounts.models import User
from network.orgs import policy
from network.orgs.models import Organisation, Role
from tests import factories
from tests.advocacy.factories import make_key_message
from tests.advocacy.test_images import jpeg_with_gps
from tests.conftest import fresh, rolled_back_after_module
from tests.resources.factories import make_document, make_resource

pytestmark = pytest.mark.django_db

DOCUMENT_TITLE = "Walrus intake checklist"
IMAGE_TITLE = "Narwhal drop-in photo"
KEY_MESSAGE = "Okapi statement still in draft"
DRAFT_TITLE = "Zanzibar outreach plan (draft)"
PRIVATE_TITLE = "Quetzal members-only protocol"
PUBLIC_TITLE = "Public harm reduction guide"
HIDDEN_TITLES = (DRAFT_TITLE, PRIVATE_TITLE, DOCUMENT_TITLE, IMAGE_TITLE, KEY_MESSAGE)


@dataclass
class Scene:
    org_a: Organisation
    org_b: Organisation
    editor_a: User
    editor_b: User
    draft_b: Page
    private_b: Page
    public_b: Page


@pytest.fixture(scope="module")
def shared_scene(django_db_setup, django_db_blocker) -> Iterator[Scene]:
    """Built once for the module (two organisations with their page trees, pages, a document, an image and a key
    message took longer than each test's requests); each test's writes are rolled back after it."""
    with rolled_back_after_module(django_db_blocker):
        yield build_scene()


@pytest.fixture
def scene(db, shared_scene) -> Scene:
    """The module's scene for one test, as fresh objects (a test that retitles a page in memory leaves no trace)."""
    return Scene(**{item.name: fresh(getattr(shared_scene, item.name)) for item in fields(Scene)})


def build_scene() -> Scene:
    org_a, org_b = factories.organisation(name="Alpha"), factories.organisation(name="Beta")
    editor_a = factories.member(org_a, Role.STAFF, username="editor-a")
    editor_b = factories.member(org_b, Role.STAFF, username="editor-b")
    draft_b = make_resource(org_b, title=DRAFT_TITLE, live=False)
    private_b = make_resource(org_b, title=PRIVATE_TITLE, visibility="organisation")
    public_b = make_resource(org_b, title=PUBLIC_TITLE, visibility="public")
    for page in (draft_b, private_b):
        log(instance=page, action="wagtail.create", user=editor_b)
        log(instance=page, action="wagtail.edit", user=editor_b)
    Page.objects.filter(pk=private_b.pk).update(locked=True, locked_by=editor_b)
    make_document(org_b, title=DOCUMENT_TITLE)
    get_image_model().objects.create(title=IMAGE_TITLE, file=jpeg_with_gps("b.jpg"), collection=org_b.collection)
    make_key_message(org_b, statement=KEY_MESSAGE, created_by=factories.coordinator_of(org_b))
    return Scene(org_a, org_b, editor_a, editor_b, draft_b, private_b, public_b)


def body_of(response) -> str:
    return response.content.decode()


LISTINGS = {
    "explorer root": lambda s: reverse("wagtailadmin_explore_root"),
    "explorer of B's space": lambda s: reverse("wagtailadmin_explore", args=[s.org_b.space_page_id]),
    "admin search": lambda s: reverse("wagtailadmin_pages:search") + "?q=Zanzibar+Quetzal",
    "admin search results": lambda s: reverse("wagtailadmin_pages:search_results") + "?q=Quetzal",
    "page chooser": lambda s: reverse("wagtailadmin_choose_page"),
    "page chooser in B's space": lambda s: reverse("wagtailadmin_choose_page_child", args=[s.org_b.space_page_id]),
    "page chooser search (draft)": lambda s: reverse("wagtailadmin_choose_page_search") + "?q=Zanzibar",
    "page chooser search (members-only)": lambda s: reverse("wagtailadmin_choose_page_search") + "?q=Quetzal",
    "admin API pages": lambda s: reverse("wagtailadmin_api:pages:listing") + "?child_of=" + str(s.org_b.space_page_id),
    "admin API page search": lambda s: reverse("wagtailadmin_api:pages:listing") + "?search=Quetzal",
    "site history report": lambda s: reverse("wagtailadmin_reports:site_history"),
    "aging pages report": lambda s: reverse("wagtailadmin_reports:aging_pages"),
    "locked pages report": lambda s: reverse("wagtailadmin_reports:locked_pages"),
    "workflow report": lambda s: reverse("wagtailadmin_reports:workflow"),
    "workflow tasks report": lambda s: reverse("wagtailadmin_reports:workflow_tasks"),
    "page types report": lambda s: reverse("wagtailadmin_reports:page_types_usage"),
    "page type usage": lambda s: reverse("wagtailadmin_pages:type_use", args=["resources", "resourcepage"]),
    "document chooser": lambda s: reverse("wagtaildocs_chooser:choose"),
    "document chooser search": lambda s: reverse("wagtaildocs_chooser:choose_results") + "?q=Walrus",
    "document listing": lambda s: reverse("wagtaildocs:index") + "?q=Walrus",
    "image chooser": lambda s: reverse("wagtailimages_chooser:choose"),
    "image chooser search": lambda s: reverse("wagtailimages_chooser:choose_results") + "?q=Narwhal",
    "image listing": lambda s: reverse("wagtailimages:index"),
    "key message chooser": lambda s: reverse("wagtailsnippetchoosers_advocacy_keymessage:choose") + "?q=Okapi",
}


@pytest.mark.parametrize("listing", LISTINGS)
def test_another_organisations_draft_and_members_only_titles_never_appear_in_admin_listings(scene, signed_in, listing):
    # Given an editor of A in the admin
    client = signed_in(scene.editor_a)

    # When they open the listing
    response = client.get(LISTINGS[listing](scene))

    # Then it answers, without B's draft or members-only titles (a refusal shows nothing either)
    assert response.status_code in (200, 302, 400, 404), response.status_code
    html = body_of(response)
    for title in HIDDEN_TITLES:
        assert title not in html, f"{title!r} shown in {listing}"


def test_the_owning_organisations_editor_still_finds_its_draft_in_the_chooser_and_search(scene, signed_in):
    client = signed_in(scene.editor_b)

    chooser = body_of(client.get(reverse("wagtailadmin_choose_page_child", args=[scene.org_b.space_page_id])))
    search = body_of(client.get(reverse("wagtailadmin_choose_page_search") + "?q=Zanzibar"))

    messages = body_of(client.get(reverse("wagtailsnippetchoosers_advocacy_keymessage:choose") + "?q=Okapi"))

    assert DRAFT_TITLE in chooser and PRIVATE_TITLE in chooser
    assert DRAFT_TITLE in search
    assert KEY_MESSAGE in messages


def test_a_public_page_of_another_organisation_can_still_be_chosen_for_a_link(scene, signed_in):
    client = signed_in(scene.editor_a)

    chooser = body_of(client.get(reverse("wagtailadmin_choose_page_child", args=[scene.org_b.space_page_id])))

    assert PUBLIC_TITLE in chooser
    assert DRAFT_TITLE not in chooser


DETAIL_URLS = {
    "explore": lambda page: reverse("wagtailadmin_explore", args=[page.pk]),
    "edit": lambda page: reverse("wagtailadmin_pages:edit", args=[page.pk]),
    "history": lambda page: reverse("wagtailadmin_pages:history", args=[page.pk]),
    "revisions": lambda page: reverse("wagtailadmin_pages:revisions_index", args=[page.pk]),
    "preview": lambda page: reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk]),
    "view draft": lambda page: reverse("wagtailadmin_pages:view_draft", args=[page.pk]),
    "usage": lambda page: reverse("wagtailadmin_pages:usage", args=[page.pk]),
    "workflow history": lambda page: reverse("wagtailadmin_pages:workflow_history", args=[page.pk]),
    "chooser child": lambda page: reverse("wagtailadmin_choose_page_child", args=[page.pk]),
    "admin API detail": lambda page: reverse("wagtailadmin_api:pages:detail", args=[page.pk]),
}


@pytest.mark.parametrize("url", DETAIL_URLS)
@pytest.mark.parametrize("which", ["draft_b", "private_b"])
def test_another_organisations_page_by_numeric_id_answers_404(scene, signed_in, url, which):
    client = signed_in(scene.editor_a)

    response = client.get(DETAIL_URLS[url](getattr(scene, which)))

    assert response.status_code == 404
    for title in HIDDEN_TITLES:
        assert title not in body_of(response)


def test_the_owning_editor_opens_the_history_of_its_draft(scene, signed_in):
    client = signed_in(scene.editor_b)

    assert client.get(DETAIL_URLS["history"](scene.draft_b)).status_code == 200
    assert client.get(DETAIL_URLS["edit"](scene.draft_b)).status_code == 200


def test_see_page_in_admin_and_read_page_draft_follow_the_organisation(scene):
    # The rules themselves: B's editor sees and reads B's pages; A's editor sees B's public page only, and reads
    # none of B's drafts; network administrators see everything.
    admin = factories.network_admin()
    see, read = cms_rules.PageAction.SEE_PAGE_IN_ADMIN, cms_rules.PageAction.READ_PAGE_DRAFT

    assert policy.can(scene.editor_b, see, scene.draft_b) and policy.can(scene.editor_b, read, scene.draft_b)
    assert not policy.can(scene.editor_a, see, scene.draft_b)
    assert not policy.can(scene.editor_a, see, scene.private_b)
    assert policy.can(scene.editor_a, see, scene.public_b)
    assert not policy.can(scene.editor_a, read, scene.public_b)
    assert policy.can(admin, see, scene.draft_b) and policy.can(admin, read, scene.draft_b)
    visible_to_a = set(policy.visible(scene.editor_a, see, Page).values_list("pk", flat=True))
    assert scene.public_b.pk in visible_to_a
    assert not {scene.draft_b.pk, scene.private_b.pk} & visible_to_a


def test_a_pending_draft_title_of_another_organisations_live_page_never_appears_in_the_chooser(scene, signed_in):
    # Given B's public page with a new, unpublished title
    page = scene.public_b.specific
    page.title = "Xylophone renamed in draft"
    page.save_revision(user=scene.editor_b)

    # When A's editor browses B's space in the page chooser, and B's editor does
    seen_by_a = body_of(
        signed_in(scene.editor_a).get(reverse("wagtailadmin_choose_page_child", args=[scene.org_b.space_page_id]))
    )
    seen_by_b = body_of(
        signed_in(scene.editor_b).get(reverse("wagtailadmin_choose_page_child", args=[scene.org_b.space_page_id]))
    )

    # Then only B's editor meets the draft title
    assert "Xylophone" not in seen_by_a
    assert "Xylophone" in seen_by_b


def test_the_page_types_report_never_names_another_organisations_draft_as_last_edited(scene, signed_in):
    # Given B's draft edited after everything else
    scene.draft_b.specific.save_revision(user=scene.editor_b)

    # When A's editor and B's editor open the page types report
    seen_by_a = body_of(signed_in(scene.editor_a).get(reverse("wagtailadmin_reports:page_types_usage")))
    seen_by_b = body_of(signed_in(scene.editor_b).get(reverse("wagtailadmin_reports:page_types_usage")))

    # Then only B's editor sees its title as the last edited resource
    assert DRAFT_TITLE not in seen_by_a
    assert DRAFT_TITLE in seen_by_b


def test_the_usage_of_an_own_document_never_names_another_organisations_draft(scene, signed_in):
    # Given a document of A that B's draft references (an attachment written before pages were refused other
    # organisations' documents: saved around the page's validation)
    from network.resources.models import ResourceAttachment

    document = make_document(scene.org_a, title="Alpha shared leaflet")
    ResourceAttachment.objects.create(page_id=scene.draft_b.pk, document=document, title="")
    ReferenceIndex.create_or_update_for_object(Page.objects.get(pk=scene.draft_b.pk).specific)
    assert ReferenceIndex.get_references_to(document).exists()

    # When A's editor opens where their document is used
    response = signed_in(scene.editor_a).get(reverse("wagtaildocs:document_usage", args=[document.pk]))

    # Then B's draft is not named
    assert response.status_code == 200
    assert DRAFT_TITLE not in body_of(response)
