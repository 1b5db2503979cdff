"""Moderation of an organisation's pages: a Wagtail workflow the organisation can switch on and off.

When it is on (the default), the organisation's space page carries its own workflow, "Modération — <name>", whose
single task is approved by the organisation's editors group (coordinators and staff). Peers (the contributors
group: add and change, no publish) draft and submit for moderation; a moderator of the same organisation approves,
which publishes, or requests changes with a comment, which sends the page back to its author as a draft.
Moderators of other organisations never see the task, and Wagtail's default "Moderators approval" workflow on the
root page is kept from applying to the organisation's pages.

When it is off, the space has no workflow: peers still cannot publish (their group has no publish permission),
editors publish directly. Switching it off cancels the moderations in progress (the pages stay drafts).

Who is concerned is told on the platform too, not only by Wagtail's emails: a submission reaches the moderators, a
decision ("published", "changes requested") reaches the author. Wagtail's workflow signals write an outbox message
(ids only); its handler (orgs/notifications.py) writes the in-app notifications.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.log_actions import log
from wagtail.models import GroupApprovalTask, Page, TaskState, Workflow, WorkflowPage, WorkflowState, WorkflowTask
from wagtail.signals import task_submitted, workflow_approved, workflow_rejected

from network.orgs.rules import OrganisationAction
from network.outbox.services import outbox_enqueue

from . import policy
from .models import Organisation

if TYPE_CHECKING:
    from network.accounts.models import User

WORKFLOW_NAME = "Modération — {name}"
TASK_NAME = "Approbation — {name}"
# Wagtail's migration creates this workflow and assigns it to the root page.
WAGTAIL_DEFAULT_WORKFLOW_NAME = "Moderators approval"


def moderation_is_enabled(organisation: Organisation) -> bool:
    """Whether pages written in the organisation's space go through its moderation workflow."""
    if organisation.space_page_id is None:
        return False
    return WorkflowPage.objects.filter(page_id=organisation.space_page_id, workflow__active=True).exists()


def moderation_workflow(organisation: Organisation) -> Workflow | None:
    """The organisation's own workflow (active or not): the one whose task its editors group approves."""
    if organisation.editors_group_id is None:
        return None
    return (
        Workflow.objects.filter(workflow_tasks__task__groupapprovaltask__groups=organisation.editors_group_id)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def moderation_enable(*, organisation: Organisation, acting_user: User) -> Workflow:
    """Switch moderation on for the organisation's pages (its coordinators, or a network admin). Idempotent."""
    policy.require(acting_user, OrganisationAction.CHANGE_ORGANISATION, organisation)
    already = moderation_is_enabled(organisation)
    workflow = _switch_on(organisation)
    if not already:
        log(instance=organisation, action="orgs.moderation.enable", user=acting_user)
    return workflow


@transaction.atomic
def moderation_disable(*, organisation: Organisation, acting_user: User) -> None:
    """Switch moderation off: editors publish directly, moderations in progress are cancelled. Idempotent."""
    policy.require(acting_user, OrganisationAction.CHANGE_ORGANISATION, organisation)
    workflow = moderation_workflow(organisation)
    was_enabled = moderation_is_enabled(organisation)
    if workflow is not None and workflow.active:
        workflow.deactivate(user=acting_user)  # cancels states in progress, removes the page assignment
    if organisation.space_page_id is not None:
        WorkflowPage.objects.filter(page_id=organisation.space_page_id).delete()
    if was_enabled:
        log(instance=organisation, action="orgs.moderation.disable", user=acting_user)


@transaction.atomic
def moderation_provision(*, organisation: Organisation) -> None:
    """Give a newly provisioned organisation its moderation workflow, switched on.

    Called by the platform while it provisions the organisation (no acting user: nobody chose anything yet).
    An organisation that already has its workflow keeps its choice: a switched-off moderation stays off.
    """
    if moderation_workflow(organisation) is None:
        _switch_on(organisation)


def _switch_on(organisation: Organisation) -> Workflow:
    if organisation.space_page_id is None or organisation.editors_group_id is None:
        raise ValidationError(_("This organisation has no space in the site yet."))
    group = organisation.editors_group
    task = GroupApprovalTask.objects.filter(groups=group).order_by("pk").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME.format(name=organisation.name)[:255])
        task.groups.set([group])
    elif not task.active:
        task.active = True
        task.save(update_fields=["active"])

    workflow = moderation_workflow(organisation)
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME.format(name=organisation.name)[:255], active=True)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    else:
        workflow.name = WORKFLOW_NAME.format(name=organisation.name)[:255]  # follows a renamed organisation
        workflow.active = True
        workflow.save(update_fields=["name", "active"])
    WorkflowPage.objects.update_or_create(page_id=organisation.space_page_id, defaults={"workflow": workflow})
    _detach_wagtail_default_workflow()
    return workflow


def _detach_wagtail_default_workflow() -> None:
    """Wagtail's migration assigns "Moderators approval" (the "Moderators" group) to the root page.

    Left there, it would become the workflow of every organisation space whose moderation is switched off, and
    members of a group outside any organisation would moderate its pages. Only that one assignment goes.
    """
    WorkflowPage.objects.filter(page__depth=1, workflow__name=WAGTAIL_DEFAULT_WORKFLOW_NAME).delete()


def pages_awaiting_moderation(organisation: Organisation) -> list[Page]:
    """Pages of the organisation's space currently submitted for moderation (for its coordinators' screen)."""
    from wagtail.models import WorkflowState

    if organisation.space_page_id is None:
        return []
    space = Page.objects.get(pk=organisation.space_page_id)
    page_ids = WorkflowState.objects.filter(
        status=WorkflowState.STATUS_IN_PROGRESS,
        base_content_type__app_label="wagtailcore",
        base_content_type__model="page",
    ).values_list("object_id", flat=True)
    return list(
        Page.objects.descendant_of(space)
        .filter(pk__in=[int(pk) for pk in page_ids])
        .order_by("-latest_revision_created_at")
    )


# ---------------------------------------------------------------------------------------------------------------
# Requests and decisions, told in the platform's notifications (the outbox carries ids only)

TOPIC_SUBMITTED = "orgs.moderation.submitted"  # object: the TaskState waiting for the moderators
TOPIC_PUBLISHED = "orgs.moderation.published"  # object: the approved WorkflowState
TOPIC_CHANGES_REQUESTED = "orgs.moderation.changes_requested"  # object: the WorkflowState sent back to its author


def on_task_submitted(sender: Any, instance: TaskState, **kwargs: Any) -> None:
    outbox_enqueue(topic=TOPIC_SUBMITTED, object_id=str(instance.pk))


def on_workflow_approved(sender: Any, instance: WorkflowState, **kwargs: Any) -> None:
    outbox_enqueue(topic=TOPIC_PUBLISHED, object_id=str(instance.pk))


def on_workflow_rejected(sender: Any, instance: WorkflowState, **kwargs: Any) -> None:
    outbox_enqueue(topic=TOPIC_CHANGES_REQUESTED, object_id=str(instance.pk))


def connect_moderation_notifications() -> None:
    """Called by `OrgsConfig.ready()`. Every workflow event is written down; the handler keeps those of an
    organisation's own moderation (a page of its space, its editors' task) and drops the others."""
    task_submitted.connect(on_task_submitted, dispatch_uid="orgs.moderation.task_submitted")
    workflow_approved.connect(on_workflow_approved, sender=WorkflowState, dispatch_uid="orgs.moderation.approved")
    workflow_rejected.connect(on_workflow_rejected, sender=WorkflowState, dispatch_uid="orgs.moderation.rejected")


def moderating_organisation(workflow: Workflow) -> Organisation | None:
    """The organisation whose own moderation workflow this is (its editors group approves its task), if any."""
    return (
        Organisation.objects.filter(
            editors_group__isnull=False,
            editors_group__in=GroupApprovalTask.objects.filter(workflow_tasks__workflow=workflow).values("groups"),
        )
        .order_by("pk")
        .first()
    )


@hooks.register("register_log_actions")
def register_moderation_log_actions(actions: Any) -> None:
    """Registered when this module is imported: orgs/wagtail_hooks.py imports it so that happens at start-up."""
    for action, label in (
        ("orgs.moderation.enable", gettext_lazy("Switch moderation on")),
        ("orgs.moderation.disable", gettext_lazy("Switch moderation off")),
    ):
        actions.register_action(action, label, label)
