"""Moderation requests and decisions reach the people concerned in the platform's notifications too, not only by
Wagtail's emails: a submission reaches the organisation's moderators (naming the author by their public name), an
approval tells the author their contribution was published, a request for changes tells them so. Emails greet
people by their public name, never a username or a first name."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import Page, WorkflowState

from network.notifications.models import EmailDelivery, Notification
from network.notifications.texts import topic_text
from network.orgs import moderation
from network.orgs.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation_with_moderation(in_english):
    organisation = factories.organisation(name="Pairs en Route")
    moderation.moderation_provision(organisation=organisation)
    peer = factories.member(
        organisation, Role.PEER, public_name="Iris", first_name="Secretfirst", username="lotus-peer", language="en"
    )
    coordinator = factories.coordinator_of(organisation)
    coordinator.username, coordinator.first_name, coordinator.public_name, coordinator.language = (
        "lotus-coord",
        "Realname",
        "Coord Lotus",
        "en",
    )
    coordinator.save()
    staff = factories.member(organisation, Role.STAFF, public_name="Staffer", language="en")
    outsider = factories.coordinator_of(factories.organisation())
    return {"org": organisation, "peer": peer, "coordinator": coordinator, "staff": staff, "outsider": outsider}


def _submit(people, django_capture_on_commit_callbacks, title="Our rights, our voices") -> Page:
    """The peer writes a draft page in the organisation's space and submits it for moderation."""
    space = Page.objects.get(pk=people["org"].space_page_id)
    with django_capture_on_commit_callbacks(execute=True):
        page = space.add_child(instance=Page(title=title, slug="our-rights", live=False, owner=people["peer"]))
        page.save_revision(user=people["peer"])
        space.get_workflow().start(page, people["peer"])
    return page


def _decide(page, people, action, django_capture_on_commit_callbacks, **kwargs) -> None:
    state = WorkflowState.objects.get(object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS)
    task_state = state.current_task_state
    with django_capture_on_commit_callbacks(execute=True):
        task_state.task.specific.on_action(task_state, people["coordinator"], action, **kwargs)


def test_a_submission_reaches_the_moderators_with_the_authors_public_name(
    organisation_with_moderation, django_capture_on_commit_callbacks
):
    people = organisation_with_moderation

    # When the peer submits a page for moderation
    page = _submit(people, django_capture_on_commit_callbacks)

    # Then the organisation's moderators (coordinator and staff) are notified in the platform, naming the author by
    # their public name and linking to the page in the editor
    for moderator in (people["coordinator"], people["staff"]):
        notification = Notification.objects.get(user=moderator, topic="moderation.submitted")
        text = topic_text(notification.topic, notification.subject, notification.actor_name)
        assert text == "Iris submitted “Our rights, our voices” for moderation"
        assert notification.link == reverse("wagtailadmin_pages:edit", args=[page.pk])
        assert notification.email_delivery == EmailDelivery.NONE  # Wagtail emails it already: not twice
    # and neither the author, nor a coordinator of another organisation
    assert not Notification.objects.filter(user__in=[people["peer"], people["outsider"]]).exists()


def test_approval_tells_the_author_their_contribution_was_published(
    organisation_with_moderation, django_capture_on_commit_callbacks
):
    people = organisation_with_moderation
    page = _submit(people, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    # When the coordinator approves
    _decide(page, people, "approve", django_capture_on_commit_callbacks)

    # Then the page is live and the author has an in-app notification saying it was published, linking to it
    page.refresh_from_db()
    assert page.live
    notification = Notification.objects.get(user=people["peer"], topic="moderation.published")
    assert (
        topic_text(notification.topic, notification.subject)
        == "Your contribution “Our rights, our voices” was published"
    )
    assert notification.link == page.url
    # and the moderator who decided gets nothing about their own decision
    assert not Notification.objects.filter(user=people["coordinator"], topic="moderation.published").exists()

    # And Wagtail's email to the author says "published" and greets them by their public name
    (approval,) = [message for message in mail.outbox if people["peer"].email in message.to]
    assert approval.subject == "Your contribution “Our rights, our voices” was published"
    assert "was published" in approval.body
    assert "Hello Iris," in approval.body
    for hidden in ("lotus-peer", "Secretfirst", "approved in workflow"):
        assert hidden not in approval.subject + approval.body


def test_a_request_for_changes_tells_the_author_in_the_platform(
    organisation_with_moderation, django_capture_on_commit_callbacks
):
    people = organisation_with_moderation
    page = _submit(people, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    _decide(page, people, "reject", django_capture_on_commit_callbacks, comment="Remove the street name")

    notification = Notification.objects.get(user=people["peer"], topic="moderation.changes_requested")
    text = topic_text(notification.topic, notification.subject)
    assert text == "Changes were requested on your contribution “Our rights, our voices”"
    assert notification.link == reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert "street name" not in text  # the comment stays on the platform, in the editor
    # and Wagtail's email names the moderator by their public name, never their username or first name
    (changes,) = [message for message in mail.outbox if people["peer"].email in message.to]
    assert "Hello Iris," in changes.body
    for hidden in ("lotus-coord", "Realname", "lotus-peer", "Secretfirst"):
        assert hidden not in changes.subject + changes.body


def test_moderators_are_greeted_by_their_public_name_in_wagtails_submission_email(
    organisation_with_moderation, django_capture_on_commit_callbacks
):
    people = organisation_with_moderation
    mail.outbox.clear()

    _submit(people, django_capture_on_commit_callbacks)

    (to_coordinator,) = [message for message in mail.outbox if people["coordinator"].email in message.to]
    assert "Hello Coord Lotus," in to_coordinator.body
    assert "lotus-coord" not in to_coordinator.body and "Realname" not in to_coordinator.body


def test_a_moderation_event_outside_an_organisations_workflow_notifies_nobody(django_capture_on_commit_callbacks):
    # Given a workflow of Wagtail's own (not an organisation's) on a page outside any organisation's space
    from django.contrib.auth.models import Group
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowTask

    from network.accounts.models import User

    moderators = Group.objects.get_or_create(name="Moderators")[0]
    moderator = factories.member(factories.organisation(), Role.STAFF)
    moderator.groups.add(moderators)
    admin = User.objects.create_superuser(username="root-admin", email="root@example.org", password="x")
    task = GroupApprovalTask.objects.create(name="Other approval")
    task.groups.set([moderators])
    workflow = Workflow.objects.create(name="Some other workflow")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    root = Page.objects.get(depth=1)

    # When a page is submitted there and approved
    with django_capture_on_commit_callbacks(execute=True):
        page = root.add_child(instance=Page(title="Outside", slug="outside", live=False))
        page.save_revision(user=admin)
        workflow.start(page, admin)
    state = WorkflowState.objects.get(object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS)
    with django_capture_on_commit_callbacks(execute=True):
        task.on_action(state.current_task_state, admin, "approve")

    # Then no in-app moderation notification is written
    assert not Notification.objects.filter(topic__startswith="moderation.").exists()


def test_the_notification_list_shows_moderation_notifications(
    client, signed_in, organisation_with_moderation, django_capture_on_commit_callbacks
):
    people = organisation_with_moderation
    _submit(people, django_capture_on_commit_callbacks)
    signed_in(people["coordinator"])

    page = client.get(reverse("notifications:list")).content.decode()

    assert "Iris submitted “Our rights, our voices” for moderation" in page
