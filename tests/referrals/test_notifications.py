"""Notifications of referrals: in-app and by email, through the outbox, once per event, digests for busy people."""

from __future__ import annotations

import pytest

from network.notifications.models import Notification
from network.notifications.services import notifications_send_digests
from network.orgs.models import Role
from network.outbox.models import OutboxMessage
from network.outbox.services import outbox_deliver_message
from network.referrals import services
from tests import factories
from tests.referrals.factories import make_referral, make_service, send, sender_and_receiver

pytestmark = pytest.mark.django_db


def _to(mailoutbox, user) -> list:
    return [mail for mail in mailoutbox if user.email in mail.to]


def test_receiving_staff_get_a_notification_and_an_email_for_a_new_referral(
    mailoutbox, django_capture_on_commit_callbacks
):
    # Given two partner organisations; the receiver has staff, a coordinator, a peer and a volunteer
    sender, receiver, sender_org, receiver_org = sender_and_receiver()
    coordinator = factories.coordinator_of(receiver_org)
    peer, volunteer = factories.member(receiver_org, Role.PEER), factories.member(receiver_org, Role.VOLUNTEER)
    service = make_service(receiver_org)

    # When a referral is sent
    with django_capture_on_commit_callbacks(execute=True):
        referral = send(sender, service=service)

    # Then staff and coordinators of the receiver get one notification and one email each, with the number and link
    for user in (receiver, coordinator):
        notification = Notification.objects.get(user=user, topic="referrals.received")
        assert notification.reference == referral.number
        assert notification.link.endswith(f"/referrals/{referral.pk}/")
        (mail,) = _to(mailoutbox, user)
        assert referral.number in mail.body
        assert str(referral.pk) in mail.body
        assert "Test Person" not in mail.subject + mail.body
    # and peers, volunteers and the sender get nothing
    for user in (peer, volunteer, sender):
        assert not Notification.objects.filter(user=user).exists()
        assert _to(mailoutbox, user) == []


def test_the_sender_is_told_of_acceptance_and_the_receiver_is_not(mailoutbox, django_capture_on_commit_callbacks):
    sender, receiver, _s, _r = sender_and_receiver()
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral(sender, receiver)
    received_before = Notification.objects.filter(user=receiver).count()
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.referral_accept(referral=referral, acting_user=receiver)

    notification = Notification.objects.get(user=sender, topic="referrals.accepted")
    assert notification.reference == referral.number
    assert len(_to(mailoutbox, sender)) == 1
    assert Notification.objects.filter(user=receiver).count() == received_before
    assert _to(mailoutbox, receiver) == []


def test_a_message_notifies_the_other_side_only(mailoutbox, django_capture_on_commit_callbacks):
    sender, receiver, _s, _r = sender_and_receiver()
    referral = make_referral(sender, receiver)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.referral_message_post(referral=referral, acting_user=sender, body="Is Tuesday possible?")

    assert Notification.objects.filter(user=receiver, topic="referrals.message").count() == 1
    assert not Notification.objects.filter(user=sender, topic="referrals.message").exists()
    assert all("Tuesday" not in mail.body for mail in mailoutbox)


def test_digest_users_get_no_immediate_email_and_one_digest(mailoutbox, django_capture_on_commit_callbacks):
    # Given a receiver who chose the daily digest, and a colleague who did not
    sender, receiver, _s, receiver_org = sender_and_receiver()
    receiver.notification_email = "digest"
    receiver.save(update_fields=["notification_email"])
    colleague = factories.member(receiver_org, Role.STAFF)
    service = make_service(receiver_org)

    # When two referrals arrive
    with django_capture_on_commit_callbacks(execute=True):
        first = send(sender, service=service)
        second = send(sender, service=service)

    # Then the digest user has two notifications and no email yet; the colleague has two emails
    assert Notification.objects.filter(user=receiver, emailed_at__isnull=True).count() == 2
    assert _to(mailoutbox, receiver) == []
    assert len(_to(mailoutbox, colleague)) == 2

    # When the digest runs, then they get one email listing both numbers, without personal data
    assert notifications_send_digests() >= 1
    (digest,) = _to(mailoutbox, receiver)
    assert first.number in digest.body and second.number in digest.body
    assert "Test Person" not in digest.subject + digest.body
    assert not Notification.objects.filter(user=receiver, emailed_at__isnull=True).exists()

    # And when it runs again, nothing more is sent
    assert notifications_send_digests() == 0
    assert len(_to(mailoutbox, receiver)) == 1


def test_a_redelivered_outbox_message_does_not_notify_twice(mailoutbox, django_capture_on_commit_callbacks):
    # Given a new referral whose notification was delivered
    sender, receiver, _s, receiver_org = sender_and_receiver()
    with django_capture_on_commit_callbacks(execute=True):
        referral = send(sender, service=make_service(receiver_org))
    message = OutboxMessage.objects.get(topic="referrals.received", object_id=str(referral.pk))
    assert message.delivered_at is not None
    notifications, mails = Notification.objects.count(), len(mailoutbox)

    # When the same message is delivered again (already marked delivered), then nothing happens
    assert outbox_deliver_message(message_id=message.pk) is False

    # And when a worker died after notifying but before marking it delivered, and the broker redelivers it,
    # then the handler runs again but nobody is notified or emailed twice
    OutboxMessage.objects.filter(pk=message.pk).update(delivered_at=None)
    assert outbox_deliver_message(message_id=message.pk) is True
    assert Notification.objects.count() == notifications
    assert len(mailoutbox) == mails
