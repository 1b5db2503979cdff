"""Outbox handlers for referrals: in-app notifications and short emails with a reference number and a link.

No personal field is read here: only the referral's ids, status, service and organisations. A notification names
the service (by its public name) and the status, never the person.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

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
# What a busy receiving organisation gets in numbers: into the daily digest of its members who left their choice on
# "automatic". A cancellation or an ended consent asks the receiver to stop at once: always told at once.
ROUTINE_FOR_RECEIVER = {"referrals.received", "referrals.redirected", "referrals.reminder", "referrals.message"}
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
    return Referral.objects.select_related(
        "sender_organisation", "receiver_organisation", "sent_by", "service__organisation"
    ).get(pk=referral_id)


def _subject(referral: Referral) -> str:
    """The service, by its public name and its organisation's: what a notification about the referral names."""
    return f"{referral.service.name} · {referral.service.organisation.name}"


def receiver_is_busy(organisation_id: object) -> bool:
    """Whether the organisation received more than `REFERRAL_BUSY_RECEIVER_PER_WEEK` referrals in the last 7 days
    (one count, stopped at the threshold)."""
    since = timezone.now() - timedelta(days=7)
    threshold = settings.REFERRAL_BUSY_RECEIVER_PER_WEEK
    recent = Referral.objects.filter(receiver_organisation_id=organisation_id, created_at__gte=since)
    return recent.order_by().values("pk")[: threshold + 1].count() > threshold


def _handle_status(message: OutboxMessage) -> None:
    referral = _load(message.object_id)
    to_receiver = message.topic in TO_RECEIVER
    notify(
        users=_receivers(referral) if to_receiver else _senders(referral),
        topic=message.topic,
        object_id=str(message.pk),  # one outbox message is one event
        reference=referral.number,
        subject=_subject(referral),
        link=_link(referral),
        digest_by_default=(
            to_receiver
            and message.topic in ROUTINE_FOR_RECEIVER
            and receiver_is_busy(referral.receiver_organisation_id)
        ),
    )


for _topic in sorted(TO_RECEIVER | TO_SENDER):
    handles(_topic)(_handle_status)


@handles("referrals.message")
def referral_message_posted(message: OutboxMessage) -> None:
    posted = ReferralMessage.objects.select_related("referral").get(pk=message.object_id)
    referral = _load(posted.referral_id)
    to_receiver = posted.author_organisation_id != referral.receiver_organisation_id
    recipients = _receivers(referral) if to_receiver else _senders(referral)
    notify(
        users=[user for user in recipients if user.pk != posted.author_id],
        topic=message.topic,
        object_id=str(posted.pk),
        reference=referral.number,
        subject=_subject(referral),
        link=_link(referral),
        digest_by_default=to_receiver and receiver_is_busy(referral.receiver_organisation_id),
    )
