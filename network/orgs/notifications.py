"""Outbox handlers for organisations: short emails that name organisations and link to the platform.

They read everything from ids when they run; nothing personal travels through the outbox or Celery.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from network.accounts.languages import language_of, path_in_language
from network.accounts.models import User
from network.accounts.services import verified_email_of
from network.i18n import unprefixed_reverse
from network.orgs import selectors as org_selectors
from network.orgs.rules import OrganisationAction
from network.outbox.handlers import handles
from network.outbox.models import OutboxMessage

from .models import Invitation, InvitationStatus, Membership, Organisation, Partnership


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
