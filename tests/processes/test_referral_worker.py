"""Referral notifications through a real Celery worker on Redis, and through the outbox when Redis is unreachable.

Runs against the configured PostgreSQL and Redis (DATABASE_URL, REDIS_URL), with the compose worker and beat
commands started as processes (fixtures in conftest.py); each test commits its data for them to see.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from network.celery import app as celery_app
from network.notifications.models import Notification
from network.outbox.models import OutboxMessage
from network.referrals.models import Referral, ReferralStatus
from tests.referrals.factories import make_service, send, sender_and_receiver

from .conftest import services_missing_reason
from .stack import free_port, wait_until

if reason := services_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PERSON_NAME = "Zxqvworker Person"


def _body(mail) -> str:
    return mail.message.get_payload(decode=True).decode()


@contextmanager
def _broker_unreachable() -> Iterator[None]:
    """Point this process's Celery app at a closed port, as if Redis were down, then back at the real broker."""
    real = celery_app.conf.broker_url
    closed = f"redis://127.0.0.1:{free_port()}/0"

    def reconnect(url: str) -> None:
        # Drop the app's cached pools without closing them: kombu keeps producer pools in a registry keyed by
        # broker address, and a closed one would be handed back when we point at the real broker again.
        celery_app.conf.broker_url = url
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    reconnect(closed)
    try:
        yield
    finally:
        reconnect(real)


def test_a_worker_on_redis_delivers_the_new_referral_notification(start_service, smtp_sink, publishing_to_broker):
    # Given a worker running the compose worker command, and two partner organisations
    worker = start_service("worker")
    sender, receiver, _sender_org, receiver_org = sender_and_receiver()
    service = make_service(receiver_org)

    # When a referral is sent (its notification leaves through the outbox and Redis)
    with publishing_to_broker():
        referral = send(sender, service=service, name=PERSON_NAME)

    # Then the worker emails the receiver the number and a link, nothing personal, and records the notification
    mails = wait_until(lambda: smtp_sink.messages_to(receiver.email), timeout=40, what="the email", processes=[worker])
    assert len(mails) == 1
    assert referral.number in _body(mails[0])
    assert PERSON_NAME not in _body(mails[0])
    # (the worker sends the email inside the transaction that records the notification: it commits just after)
    wait_until(
        lambda: Notification.objects.filter(user=receiver, topic="referrals.received").exists(),
        timeout=10,
        what="the notification",
        processes=[worker],
    )
    assert Notification.objects.filter(user=receiver, topic="referrals.received").count() == 1
    message = OutboxMessage.objects.get(topic="referrals.received", object_id=str(referral.pk))
    wait_until(
        lambda: OutboxMessage.objects.filter(pk=message.pk, delivered_at__isnull=False).exists(),
        timeout=30,
        what="the message to be marked delivered",
        processes=[worker],
    )
    assert smtp_sink.messages_to(sender.email) == []


def test_a_referral_sent_while_redis_is_unreachable_is_saved_and_notified_once_redis_returns(
    start_service, smtp_sink, publishing_to_broker, tmp_path, caplog
):
    # Given two partner organisations, and Redis unreachable from the web side
    sender, receiver, _sender_org, receiver_org = sender_and_receiver()
    service = make_service(receiver_org)
    caplog.set_level(logging.WARNING, logger="network.outbox.services")

    # When a referral is sent
    with publishing_to_broker(), _broker_unreachable():
        referral = send(sender, service=service, name=PERSON_NAME)

    # Then it is saved, its notification waits in the outbox, and the log line names ids only
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT
    message = OutboxMessage.objects.get(topic="referrals.received", object_id=str(referral.pk))
    assert message.delivered_at is None
    assert any(str(message.pk) in record.getMessage() for record in caplog.records)
    assert all(PERSON_NAME not in record.getMessage() for record in caplog.records)
    assert not Notification.objects.filter(topic="referrals.received").exists()

    # When Redis is back, with the worker and beat running the compose commands
    worker = start_service("worker")
    beat = start_service("beat", schedule=str(tmp_path / "celerybeat-schedule"))

    # Then beat's relay hands the message over and the worker notifies the receiver, once
    mails = wait_until(
        lambda: smtp_sink.messages_to(receiver.email),
        timeout=60,
        what="the relayed notification",
        processes=[worker, beat],
    )
    assert referral.number in _body(mails[0])
    assert PERSON_NAME not in _body(mails[0])
    wait_until(
        lambda: OutboxMessage.objects.filter(pk=message.pk, delivered_at__isnull=False).exists(),
        timeout=30,
        what="the message to be marked delivered",
        processes=[worker, beat],
    )
    assert len(smtp_sink.messages_to(receiver.email)) == 1
    assert Notification.objects.filter(user=receiver, topic="referrals.received").count() == 1
