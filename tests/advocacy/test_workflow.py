"""Moderation of advocacy pages through Wagtail's own admin views: peers draft and submit in their organisation's
space, a moderator of that organisation approves (which publishes) or requests changes with a comment; nobody
from another organisation can act, and Wagtail's default "Moderators approval" workflow never applies."""

from __future__ import annotations

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.contrib.auth.models import Group
from django.urls import path
from django.utils.text import slugify
from wagtail.models import Page, TaskState, WorkflowPage, WorkflowState
from wagtail.models.audit_log import ModelLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from network.advocacy.models import AdvocacyPage, SignatureKind
from network.orgs import moderation
from network.orgs.models import Organisation, Role
from network.orgs.policy import AccessDenied
from network.orgs.views import moderation as moderation_views
from tests import factories
from tests.advocacy.urls import urlpatterns as advocacy_urlpatterns

# The coordinators' moderation screen, in front of the project's addresses, until network/orgs/urls.py has it.
urlpatterns = [
    *i18n_patterns(
        path("manage/<slug:slug>/moderation/", moderation_views.moderation_settings, name="test_moderation"),
        prefix_default_language=True,
    ),
    *advocacy_urlpatterns,
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def add_url(organisation: Organisation) -> str:
    return f"/admin/pages/add/advocacy/advocacypage/{organisation.space_page_id}/"


def page_form(title: str = "Our rights, our voices", **changes) -> dict:
    data = {
        "title": title,
        "slug": "",
        "intro": "Why criminalising clients harms workers.",
        "body": streamfield([("paragraph", rich_text("<p>Testimonies gathered on outreach.</p>"))]),
        "signature_kind": SignatureKind.PSEUDONYM,
        "signature_pseudonym": "Iris",
        "visibility": "public",
        "kind": "campaign",
        "comments": inline_formset([]),
    }
    data.update(changes)
    data["slug"] = data["slug"] or slugify(title)
    return nested_form_data(data)


def _denied(response) -> bool:
    """Wagtail answers a permission refusal with 403, or a redirect away from the page's screens."""
    return response.status_code in (403, 404) or (response.status_code == 302 and "/admin/pages/" not in response.url)


def in_progress_task(page: Page) -> TaskState:
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(page.pk), status="in_progress")
    return state.current_task_state


def action_url(page: Page, action: str, task_state: TaskState) -> str:
    return f"/admin/pages/workflow/action/{page.pk}/{action}/{task_state.pk}/"


@pytest.fixture
def two_organisations():
    """Organisations A and B, each with moderation switched on (as provisioning does), a peer and a coordinator."""
    org_a, org_b = factories.organisation(name="Pairs en Route"), factories.organisation(name="Amaranthe")
    for organisation in (org_a, org_b):
        moderation.moderation_provision(organisation=organisation)
    return {
        "a": org_a,
        "b": org_b,
        "peer_a": factories.member(org_a, Role.PEER, public_name="Iris"),
        "coordinator_a": factories.coordinator_of(org_a),
        "staff_a": factories.member(org_a, Role.STAFF),
        "coordinator_b": factories.coordinator_of(org_b),
    }


def _submitted_by_peer(client, signed_in, orgs, title: str = "Our rights, our voices") -> AdvocacyPage:
    signed_in(orgs["peer_a"])
    response = client.post(add_url(orgs["a"]), page_form(title, **{"action-submit": "Submit for moderation"}))
    assert response.status_code == 302, response.content.decode()[:3000]
    return AdvocacyPage.objects.get(title=title)


# ---------------------------------------------------------------------------------------------------------------
# The workflow each organisation gets


def test_each_organisation_gets_its_own_workflow_on_its_space_approved_by_its_editors(two_organisations):
    org_a, org_b = two_organisations["a"], two_organisations["b"]

    workflow_a = moderation.moderation_workflow(org_a)
    assert workflow_a.name == "Modération — Pairs en Route"
    assert WorkflowPage.objects.get(page_id=org_a.space_page_id).workflow == workflow_a
    task = workflow_a.tasks.get().specific
    assert list(task.groups.all()) == [org_a.editors_group]
    assert moderation.moderation_workflow(org_b) != workflow_a
    # and the organisation's pages get it, not Wagtail's default workflow of the root page
    assert Page.objects.get(pk=org_a.space_page_id).get_workflow() == workflow_a
    assert not WorkflowPage.objects.filter(page__depth=1, workflow__name="Moderators approval").exists()


def test_moderation_switches_off_and_on_by_coordinators_only_and_idempotently(two_organisations, in_english):
    org_a = two_organisations["a"]
    coordinator, peer = two_organisations["coordinator_a"], two_organisations["peer_a"]
    assert moderation.moderation_is_enabled(org_a)

    with pytest.raises(AccessDenied):
        moderation.moderation_disable(organisation=org_a, acting_user=peer)
    with pytest.raises(AccessDenied):
        moderation.moderation_disable(organisation=org_a, acting_user=two_organisations["coordinator_b"])
    assert moderation.moderation_is_enabled(org_a)

    moderation.moderation_disable(organisation=org_a, acting_user=coordinator)
    moderation.moderation_disable(organisation=org_a, acting_user=coordinator)
    assert not moderation.moderation_is_enabled(org_a)
    assert Page.objects.get(pk=org_a.space_page_id).get_workflow() is None  # nothing else takes over
    moderation.moderation_provision(organisation=org_a)  # provisioning again respects the choice
    assert not moderation.moderation_is_enabled(org_a)

    workflow = moderation.moderation_enable(organisation=org_a, acting_user=coordinator)
    again = moderation.moderation_enable(organisation=org_a, acting_user=coordinator)
    assert workflow == again and moderation.moderation_is_enabled(org_a)
    assert ModelLogEntry.objects.filter(object_id=str(org_a.pk), action="orgs.moderation.disable").count() == 1
    assert ModelLogEntry.objects.filter(object_id=str(org_a.pk), action="orgs.moderation.enable").count() == 1


def test_moderation_screen_lets_coordinators_switch_it_and_others_get_404(client, signed_in, two_organisations):
    org_a = two_organisations["a"]
    url = f"/en/manage/{org_a.slug}/moderation/"

    signed_in(two_organisations["coordinator_b"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"enabled": ""}).status_code == 404
    signed_in(two_organisations["peer_a"])
    assert client.get(url).status_code == 404
    assert moderation.moderation_is_enabled(org_a)

    signed_in(two_organisations["coordinator_a"])
    page = client.get(url)
    assert page.status_code == 200 and "Moderation is on" in page.content.decode()
    assert client.post(url, {"enabled": ""}).status_code == 302
    assert not moderation.moderation_is_enabled(org_a)
    assert client.post(url, {"enabled": "on"}).status_code == 302
    assert moderation.moderation_is_enabled(org_a)


# ---------------------------------------------------------------------------------------------------------------
# Drafting and submitting through Wagtail's page editor


def test_peer_drafts_and_submits_a_page_in_their_space_but_cannot_publish_it(client, signed_in, two_organisations):
    # given a peer of A, who tries to publish directly
    signed_in(two_organisations["peer_a"])
    response = client.post(add_url(two_organisations["a"]), page_form(**{"action-publish": "Publish"}))

    # then the page is saved as a draft only, owned by A
    assert response.status_code == 302
    page = AdvocacyPage.objects.get(title="Our rights, our voices")
    assert not page.live
    assert page.organisation == two_organisations["a"]

    # when they submit it for moderation from the editor
    edit = f"/admin/pages/{page.pk}/edit/"
    response = client.post(edit, page_form(**{"action-submit": "Submit for moderation"}))

    # then it is in A's workflow, waiting for A's editors, and still not live
    assert response.status_code == 302, response.content.decode()[:2000]
    page.refresh_from_db()
    assert not page.live
    assert page.current_workflow_state.workflow == moderation.moderation_workflow(two_organisations["a"])
    assert page.current_workflow_task.specific.groups.get() == two_organisations["a"].editors_group


def test_peer_cannot_write_in_another_organisations_space(client, signed_in, two_organisations):
    signed_in(two_organisations["peer_a"])

    assert _denied(client.get(add_url(two_organisations["b"])))
    response = client.post(add_url(two_organisations["b"]), page_form("Intruder", **{"action-submit": "Submit"}))

    assert _denied(response)
    assert not AdvocacyPage.objects.filter(title="Intruder").exists()


def test_peer_cannot_edit_a_page_of_another_organisation(client, signed_in, two_organisations):
    # given a page of B written by B's coordinator
    signed_in(two_organisations["coordinator_b"])
    client.post(add_url(two_organisations["b"]), page_form("B's dossier", **{"action-publish": "Publish"}))
    page = AdvocacyPage.objects.get(title="B's dossier")
    assert page.live

    # when A's peer tries to open or save it
    signed_in(two_organisations["peer_a"])
    assert _denied(client.get(f"/admin/pages/{page.pk}/edit/"))
    response = client.post(f"/admin/pages/{page.pk}/edit/", page_form("Defaced", slug=page.slug))

    # then nothing changed
    assert _denied(response)
    page.refresh_from_db()
    assert page.title == "B's dossier" and page.get_latest_revision_as_object().title == "B's dossier"


def test_coordinator_of_the_organisation_approves_and_the_page_goes_live(client, signed_in, two_organisations):
    page = _submitted_by_peer(client, signed_in, two_organisations)
    task_state = in_progress_task(page)

    # when A's coordinator approves through Wagtail's workflow action
    signed_in(two_organisations["coordinator_a"])
    response = client.post(action_url(page, "approve", task_state), {"comment": ""})

    # then the page is published, and its owner is still the peer who wrote it
    assert response.status_code in (200, 302)
    page.refresh_from_db()
    assert page.live
    assert page.owner == two_organisations["peer_a"]
    assert WorkflowState.objects.get(pk=task_state.workflow_state_id).status == WorkflowState.STATUS_APPROVED


def test_staff_of_the_organisation_also_moderate(client, signed_in, two_organisations):
    page = _submitted_by_peer(client, signed_in, two_organisations)
    signed_in(two_organisations["staff_a"])

    client.post(action_url(page, "approve", in_progress_task(page)), {"comment": ""})

    page.refresh_from_db()
    assert page.live


def test_coordinator_of_another_organisation_cannot_approve(client, signed_in, two_organisations):
    page = _submitted_by_peer(client, signed_in, two_organisations)
    task_state = in_progress_task(page)

    signed_in(two_organisations["coordinator_b"])
    response = client.post(action_url(page, "approve", task_state), {"comment": ""})

    assert _denied(response)
    page.refresh_from_db()
    assert not page.live
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_IN_PROGRESS


def test_member_of_wagtails_moderators_group_cannot_approve_our_pages(client, signed_in, two_organisations):
    # given someone in Wagtail's default "Moderators" group (who approves the root page's default workflow)
    outsider = factories.member(factories.organisation(), Role.VOLUNTEER)
    outsider.groups.add(Group.objects.get_or_create(name="Moderators")[0])
    page = _submitted_by_peer(client, signed_in, two_organisations)
    task_state = in_progress_task(page)

    signed_in(outsider)
    client.post(action_url(page, "approve", task_state), {"comment": ""})

    page.refresh_from_db()
    assert not page.live


def test_moderator_requests_changes_with_a_comment_and_the_peer_gets_a_draft_back(client, signed_in, two_organisations):
    page = _submitted_by_peer(client, signed_in, two_organisations)
    task_state = in_progress_task(page)

    # when A's coordinator requests changes with a comment
    signed_in(two_organisations["coordinator_a"])
    response = client.post(
        action_url(page, "reject", task_state), {"comment": "Please remove the street name in paragraph 2."}
    )

    # then the page is not live, the workflow waits for changes, and the comment is recorded on the task
    assert response.status_code in (200, 302)
    page.refresh_from_db()
    assert not page.live
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_REJECTED
    assert task_state.comment == "Please remove the street name in paragraph 2."
    assert page.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES

    # and the peer edits the draft and submits it again
    signed_in(two_organisations["peer_a"])
    assert client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200
    response = client.post(
        f"/admin/pages/{page.pk}/edit/",
        page_form(intro="Without any street name.", slug=page.slug, **{"action-submit": "Resubmit"}),
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.get_latest_revision_as_object().intro == "Without any street name."
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS


def test_staff_publish_directly(client, signed_in, two_organisations):
    signed_in(two_organisations["staff_a"])

    response = client.post(add_url(two_organisations["a"]), page_form("Dossier", **{"action-publish": "Publish"}))

    assert response.status_code == 302
    assert AdvocacyPage.objects.get(title="Dossier").live


def test_editors_can_comment_in_the_page_editor(client, signed_in, two_organisations, settings):
    # given a page submitted by the peer, and Wagtail's comments switched on
    page = _submitted_by_peer(client, signed_in, two_organisations)
    assert getattr(settings, "WAGTAILADMIN_COMMENTS_ENABLED", True)

    # when A's coordinator opens the editor, then the comments app is there
    signed_in(two_organisations["coordinator_a"])
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert 'id="comments-data"' in html and "w-comments" in html

    # and when they save a comment on the introduction, it is stored on the page
    data = page_form(slug=page.slug)
    data.update(
        {
            "comments-TOTAL_FORMS": "1",
            "comments-0-contentpath": "intro",
            "comments-0-text": "Could we say this without the street name?",
            "comments-0-position": "",
            "comments-0-replies-TOTAL_FORMS": "0",
            "comments-0-replies-INITIAL_FORMS": "0",
            "comments-0-replies-MIN_NUM_FORMS": "0",
            "comments-0-replies-MAX_NUM_FORMS": "0",
        }
    )
    response = client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 302
    assert page.wagtail_admin_comments.get().text == "Could we say this without the street name?"


def test_pseudonym_is_required_when_signing_with_a_pseudonym(client, signed_in, two_organisations):
    signed_in(two_organisations["peer_a"])

    response = client.post(
        add_url(two_organisations["a"]),
        page_form("Unsigned", signature_pseudonym="", **{"action-submit": "Submit for moderation"}),
    )

    assert response.status_code == 200
    assert "signature_pseudonym" in response.context["form"].errors
    assert not AdvocacyPage.objects.filter(title="Unsigned").exists()


def test_peer_previews_a_new_page_in_the_editor_with_its_byline(client, signed_in, two_organisations):
    signed_in(two_organisations["peer_a"])
    url = f"{add_url(two_organisations['a'])}preview/"

    posted = client.post(url, page_form("Preview me", signature_pseudonym="Luna"))
    assert posted.status_code == 200 and posted.json()["is_valid"]
    shown = client.get(url)

    assert shown.status_code == 200
    html = shown.content.decode()
    assert "Preview me" in html and "Luna" in html
    assert "private" in shown["Cache-Control"]
