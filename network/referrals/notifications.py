"""Outbox handlers for referrals: in-app notifications and short emails with a reference number and a link.

No personal field is read here: only the referral's ids, status and organisations.
"""

from __future__ import annotations

from network.accounts.models import User
from network.i18n import unprefixed_reverse
from network.notifications.services import notify
from network.orgs import policy
from network.orgs import selectors as org_selectors
from network.orgs.rules import OrganisationAction
from network.outbox.handlers import handles
from network.outbox.models import OutboxMessage
from network.referrals.rules import ReferralAction

from .models import Referral, ReferralMessage

TO_RECEIVER = {
    "referrals.received",
    "referrals.redirected",
    "referrals.reminder",
    "referrals.cancelled",
    "referrals.consent_withdrawn",
}
TO_SENDER = {
    "referrals.accepted",
    "referrals.declined",
    "referrals.appointment",
    "referrals.completed",
    "referrals.expired",
}


def _receivers(referral: Referral) -> list[User]:
    return list(
        org_selectors.organisation_users_who_can(referral.receiver_organisation, ReferralAction.RECEIVE_REFERRALS)
    )


def _senders(referral: Referral) -> list[User]:
    """The person who sent it if they still can follow it; otherwise the sending organisation's coordinators."""
    if referral.sent_by_id and policy.can(referral.sent_by, ReferralAction.VIEW_REFERRAL, referral):
        return [referral.sent_by]
    return list(
        org_selectors.organisation_users_who_can(referral.sender_organisation, OrganisationAction.MANAGE_MEMBERS)
    )


def _link(referral: Referral) -> str:
    # The link carries the referral's id only; the page asks the platform who may see what.
    return unprefixed_reverse("referrals:detail", pk=referral.pk)


def _load(referral_id: str) -> Referral:
    return Referral.objects.select_related("sender_organisation", "receiver_organisation", "sent_by").get(
        pk=referral_id
    )


def _handle_status(message: OutboxMessage) -> None:
    referral = _load(message.object_id)
    recipients = _receivers(referral) if message.topic in TO_RECEIVER else _senders(referral)
    notify(
        users=recipients,
        topic=message.topic,
        object_id=str(message.pk),  # one outbox message is one event
        reference=referral.number,
        link=_link(referral),
    )


for _topic in sorted(TO_RECEIVER | TO_SENDER):
    handles(_topic)(_handle_status)


@handles("referrals.message")
def referral_message_posted(message: OutboxMessage) -> None:
    posted = ReferralMessage.objects.select_related("referral").get(pk=message.object_id)
    referral = _load(posted.referral_id)
    if posted.author_organisation_id == referral.receiver_organisation_id:
        recipients = _senders(referral)
    else:
        recipients = _receivers(referral)
    notify(
        users=[user for user in recipients if user.pk != posted.author_id],
        topic=message.topic,
        object_id=str(posted.pk),
        reference=referral.number,
        link=_link(referral),
    )
