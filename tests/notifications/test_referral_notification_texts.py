"""Referral notifications name the service and the status, never the person: for every referral event, neither the
in-app text nor the email (one each, or the digest) holds the person's first name, pseudonym or contact."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from network.notifications.models import Notification
from network.notifications.services import notifications_send_digests
from network.notifications.texts import TOPIC_TEXTS, topic_text
from network.referrals import services
from network.referrals.models import Referral, ReferralStatus
from tests.referrals.factories import make_referral, sender_and_receiver

pytestmark = pytest.mark.django_db

PERSON = {
    "name": "Zoubida-Canary",
    "contact_detail": "+33 6 12 34 56 78",
    "safe_times": "after 22h only",
    "needs": "canary-needs residence permit",
}
PERSONAL_VALUES = [*PERSON.values(), "Zoubida"]

# Every referral event that notifies someone, and how to bring it about from a referral just sent.
EVENTS = {
    "referrals.received": ReferralStatus.SENT,
    "referrals.redirected": ReferralStatus.REDIRECTED,
    "referrals.accepted": ReferralStatus.ACCEPTED,
    "referrals.declined": ReferralStatus.DECLINED,
    "referrals.appointment": ReferralStatus.APPOINTMENT_SET,
    "referrals.completed": ReferralStatus.COMPLETED,
    "referrals.cancelled": ReferralStatus.CANCELLED,
    "referrals.consent_withdrawn": ReferralStatus.CONSENT_WITHDRAWN,
    "referrals.expired": ReferralStatus.EXPIRED,
}


def _no_personal_value(text: str) -> None:
    for value in PERSONAL_VALUES:
        assert value not in text


def _every_text_and_mail(mailoutbox) -> str:
    texts = [topic_text(n.topic, n.subject, n.actor_name) for n in Notification.objects.all()]
    texts += [f"{n.subject} {n.actor_name} {n.reference} {n.link}" for n in Notification.objects.all()]
    texts += [f"{mail.subject}\n{mail.body}" for mail in mailoutbox]
    return "\n".join(texts)


@pytest.mark.parametrize("digest", [False, True], ids=["each-email", "digest"])
@pytest.mark.parametrize("topic", sorted(EVENTS))
def test_no_referral_event_puts_the_persons_name_or_contact_in_a_notification_or_email(
    topic, digest, mailoutbox, django_capture_on_commit_callbacks
):
    # Given a sender and a receiver (on one email each, or on the digest) and a referral of a named person
    sender, receiver, _s, _r = sender_and_receiver()
    for user in (sender, receiver):
        user.notification_email = "digest" if digest else "each"
        user.save(update_fields=["notification_email"])

    # When the referral is brought to the event's status
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral(sender, receiver, status=EVENTS[topic], **PERSON)
    notifications_send_digests()

    # Then the event was notified, naming the service and the status
    notification = Notification.objects.filter(topic=topic).first()
    assert notification is not None
    service = referral.service if topic != "referrals.redirected" else Referral.objects.get(pk=referral.pk).service
    assert notification.subject == f"{service.name} · {service.organisation.name}"
    text = topic_text(notification.topic, notification.subject)
    assert text.startswith(str(TOPIC_TEXTS[topic])) and service.name in text
    # and nothing personal is in any notification or email
    assert mailoutbox
    _no_personal_value(_every_text_and_mail(mailoutbox))


def test_reminders_and_messages_carry_nothing_personal_either(mailoutbox, django_capture_on_commit_callbacks, settings):
    # Given a referral of a named person, unanswered for longer than the reminder delay
    settings.REFERRAL_REMINDER_DAYS = 3
    sender, receiver, _s, _r = sender_and_receiver()
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral(sender, receiver, **PERSON)
    Referral.objects.filter(pk=referral.pk).update(created_at=timezone.now() - datetime.timedelta(days=4))

    # When the reminder runs and the sender posts a message naming the person
    with django_capture_on_commit_callbacks(execute=True):
        services.referrals_send_reminders()
        services.referral_message_post(referral=referral, acting_user=sender, body="Zoubida-Canary prefers mornings")

    # Then both were notified, with the service, and nothing personal anywhere
    for topic in ("referrals.reminder", "referrals.message"):
        notification = Notification.objects.get(user=receiver, topic=topic)
        assert referral.service.name in topic_text(notification.topic, notification.subject)
    _no_personal_value(_every_text_and_mail(mailoutbox))
    assert all("mornings" not in mail.body for mail in mailoutbox)


def test_a_notification_without_a_subject_keeps_its_former_text(in_english):
    assert topic_text("referrals.accepted") == "Your referral was accepted"
    accepted = topic_text("referrals.accepted", "Dental care · Clinique")
    assert accepted == "Your referral was accepted — Dental care · Clinique"
