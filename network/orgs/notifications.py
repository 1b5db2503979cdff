"""Outbox handlers for organisations: short emails that name organisations and link to the platform, and the
in-app notifications of moderation (requests to the moderators, decisions to the author).

They read everything from ids when they run; nothing personal travels through the outbox or Celery.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from wagtail.models import GroupApprovalTask, Page, TaskState, WorkflowState

from network.accounts.languages import language_of, path_in_language
from network.accounts.models import User
from network.accounts.names import public_name_of
from network.accounts.services import verified_email_of
from network.i18n import unprefixed_reverse
from network.notifications.services import notify
from network.orgs import selectors as org_selectors
from network.orgs.rules import OrganisationAction
from network.outbox.handlers import handles
from network.outbox.models import OutboxMessage

from .models import Invitation, InvitationStatus, Membership, Organisation, Partnership
from .moderation import TOPIC_CHANGES_REQUESTED, TOPIC_PUBLISHED, TOPIC_SUBMITTED


def _coordinators(organisation: Organisation) -> Iterable[User]:
    """Who answers for the organisation's partnerships: decided by the policy."""
    return org_selectors.organisation_users_who_can(organisation, OrganisationAction.PROPOSE_PARTNERSHIP)


def send_templated_mail(*, recipients: Iterable[User], template: str, context: dict) -> int:
    """Send one email per recipient, in the recipient's language; `context["link"]` (a path without language
    prefix) opens the platform in that language too."""
    sent = 0
    for user in recipients:
        language = language_of(user)
        with translation.override(language):
            link = settings.PUBLIC_BASE_URL + path_in_language(context["link"], language)
            subject = render_to_string(f"{template}_subject.txt", {**context, "link": link}).strip()
            body = render_to_string(f"{template}_body.txt", {**context, "link": link, "recipient": user})
        address = verified_email_of(user)
        if address:  # an address its owner never verified is never written to
            sent += EmailMessage(subject=subject, body=body, to=[address]).send()
    return sent


def _link(view_name: str, **kwargs) -> str:
    """A path without language prefix: each recipient's email links to the page in their language."""
    return unprefixed_reverse(view_name, **kwargs)


@handles("orgs.partnership.proposed")
def partnership_proposed(message: OutboxMessage) -> None:
    partnership = Partnership.objects.select_related("proposer", "partner").get(pk=message.object_id)
    send_templated_mail(
        recipients=_coordinators(partnership.partner),
        template="orgs/email/partnership_proposed",
        context={"partnership": partnership, "link": _link("orgs:partnerships")},
    )


@handles("orgs.partnership.accepted")
def partnership_accepted(message: OutboxMessage) -> None:
    partnership = Partnership.objects.select_related("proposer", "partner").get(pk=message.object_id)
    send_templated_mail(
        recipients=_coordinators(partnership.proposer),
        template="orgs/email/partnership_accepted",
        context={"partnership": partnership, "link": _link("orgs:partnerships")},
    )


@handles("orgs.partnership.declined")
def partnership_declined(message: OutboxMessage) -> None:
    partnership = Partnership.objects.select_related("proposer", "partner").get(pk=message.object_id)
    send_templated_mail(
        recipients=_coordinators(partnership.proposer),
        template="orgs/email/partnership_declined",
        context={"partnership": partnership, "link": _link("orgs:partnerships")},
    )


@handles("orgs.partnership.ended")
def partnership_ended(message: OutboxMessage) -> None:
    partnership = Partnership.objects.select_related("proposer", "partner", "ended_by").get(pk=message.object_id)
    ended_by_proposer = Membership.objects.filter(
        user_id=partnership.ended_by_id, organisation=partnership.proposer
    ).exists()
    other_side = partnership.partner if ended_by_proposer else partnership.proposer
    send_templated_mail(
        recipients=_coordinators(other_side),
        template="orgs/email/partnership_ended",
        context={"partnership": partnership, "link": _link("orgs:partnerships")},
    )


@handles("orgs.invitation.created")
def invitation_created(message: OutboxMessage) -> None:
    """Mail the invited address its single-use link (the only mail ever sent to an address not yet verified:
    following the link is how its owner proves it). A cancelled or used invitation sends nothing."""
    from .services import invitation_token

    invitation = Invitation.objects.select_related("organisation", "created_by").get(pk=message.object_id)
    if invitation.status != InvitationStatus.PENDING:
        return
    link = _link("orgs:invitation", token=invitation_token(invitation))
    # The invited person's own language when the address is already a member's; else the inviter's guess.
    invitee = User.objects.filter(email__iexact=invitation.email).exclude(language="").first()
    language = language_of(invitee, default=language_of(invitation.created_by))
    context = {
        "organisation": invitation.organisation,
        "role": invitation.get_role_display,
        "link": settings.PUBLIC_BASE_URL + path_in_language(link, language),
        "expires_at": invitation.expires_at,
    }
    with translation.override(language):
        subject = render_to_string("orgs/email/member_invited_subject.txt", context).strip()
        body = render_to_string("orgs/email/member_invited_body.txt", context)
    EmailMessage(subject=subject, body=body, to=[invitation.email]).send()


@handles("accounts.invited")
def legacy_member_invited(message: OutboxMessage) -> None:
    """Messages queued before invitations became invitations: the membership they announced already exists and
    its person was mailed a set-password link then; nothing is sent again."""


# ---------------------------------------------------------------------------------------------------------------
# Moderation: in-app notifications beside Wagtail's own emails (which stay: `email=False` here, so nobody gets
# two). They name the page by its title and people by their public name only.


def _moderated_page(workflow_state: WorkflowState) -> tuple[Page, Organisation] | None:
    """The page under moderation and the organisation whose own workflow moderates it, or None when the event is
    not an organisation's moderation (Wagtail's default workflow, a snippet)."""
    from .moderation import moderating_organisation

    content = workflow_state.content_object
    if not isinstance(content, Page):
        return None
    organisation = moderating_organisation(workflow_state.workflow)
    if organisation is None:
        return None
    return content, organisation


def _admin_edit_link(page: Page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


@handles(TOPIC_SUBMITTED)
def moderation_submitted(message: OutboxMessage) -> None:
    """The moderators of the organisation (its editors group, as Wagtail's task) learn who submitted which page."""
    task_state = (
        TaskState.objects.select_related("workflow_state__requested_by", "task").filter(pk=message.object_id).first()
    )
    if task_state is None:
        return
    moderated = _moderated_page(task_state.workflow_state)
    task = task_state.task.specific
    if moderated is None or not isinstance(task, GroupApprovalTask):
        return
    page, _organisation = moderated
    author = task_state.workflow_state.requested_by
    moderators = User.objects.filter(groups__in=task.groups.all(), is_active=True).distinct()
    if author is not None:
        moderators = moderators.exclude(pk=author.pk)
    notify(
        users=list(moderators),
        topic="moderation.submitted",
        object_id=str(message.pk),
        subject=page.get_admin_display_title(),
        actor_name=public_name_of(author) if author is not None else "",
        link=_admin_edit_link(page),
        email=False,
    )


def _tell_the_author(message: OutboxMessage, *, topic: str, published: bool) -> None:
    workflow_state = (
        WorkflowState.objects.select_related("requested_by", "workflow", "current_task_state__finished_by")
        .filter(pk=message.object_id)
        .first()
    )
    if workflow_state is None or workflow_state.requested_by is None:
        return
    moderated = _moderated_page(workflow_state)
    if moderated is None:
        return
    page, _organisation = moderated
    author = workflow_state.requested_by
    decided_by = workflow_state.current_task_state.finished_by if workflow_state.current_task_state else None
    if decided_by is not None and decided_by.pk == author.pk:  # their own decision: nothing to tell them
        return
    link = (page.url if published else None) or _admin_edit_link(page)
    notify(
        users=[author],
        topic=topic,
        object_id=str(message.pk),
        subject=page.get_admin_display_title(),
        link=link,
        email=False,
    )


@handles(TOPIC_PUBLISHED)
def moderation_published(message: OutboxMessage) -> None:
    """The author learns that their contribution was published (approval publishes), with a link to it."""
    _tell_the_author(message, topic="moderation.published", published=True)


@handles(TOPIC_CHANGES_REQUESTED)
def moderation_changes_requested(message: OutboxMessage) -> None:
    """The author learns that changes were requested, with a link to their draft (the comment is there)."""
    _tell_the_author(message, topic="moderation.changes_requested", published=False)
