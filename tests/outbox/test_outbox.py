"""The outbox: side effects are written with the change, leave after commit, survive a dead broker, happen once."""

import time
from uuid import uuid4

import pytest
from django.db import transaction

from network import celery_app
from network.outbox import handlers
from network.outbox.models import OutboxMessage
from network.outbox.services import outbox_deliver_message, outbox_enqueue, outbox_relay_pending

pytestmark = pytest.mark.django_db(transaction=True)

DELIVERED: list[str] = []


@handlers.handles("tests.outbox.record")
def _record(message: OutboxMessage) -> None:
    DELIVERED.append(message.object_id)


@handlers.handles("tests.outbox.explode")
def _explode(message: OutboxMessage) -> None:
    raise RuntimeError("handler failed")


@pytest.fixture(autouse=True)
def _clear():
    DELIVERED.clear()


@pytest.fixture
def broker_down():
    """Point Celery at a port where nothing listens, as when Redis is stopped."""
    previous = {key: celery_app.conf[key] for key in ("task_always_eager", "broker_url")}
    celery_app.conf.update(task_always_eager=False, broker_url="redis://127.0.0.1:9/0")
    _reset_connection_pools()
    yield
    celery_app.conf.update(previous)
    _reset_connection_pools()


def _reset_connection_pools():
    """Drop Celery's cached connection and producer pools so the next call uses the current broker URL."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_message_is_delivered_after_commit_and_not_before():
    object_id = str(uuid4())
    with transaction.atomic():
        outbox_enqueue(topic="tests.outbox.record", object_id=object_id)
        assert DELIVERED == []
    assert DELIVERED == [object_id]
    assert OutboxMessage.objects.get(object_id=object_id).delivered_at is not None


def test_rolled_back_change_leaves_no_message():
    object_id = str(uuid4())
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        outbox_enqueue(topic="tests.outbox.record", object_id=object_id)
        1 / 0  # noqa: B018
    assert not OutboxMessage.objects.filter(object_id=object_id).exists()
    assert DELIVERED == []


def test_broker_down_loses_nothing_and_does_not_hang_the_request(broker_down):
    object_id = str(uuid4())
    started = time.monotonic()
    with transaction.atomic():
        message = outbox_enqueue(topic="tests.outbox.record", object_id=object_id)
    elapsed = time.monotonic() - started

    assert elapsed < 10, f"the commit waited {elapsed:.1f}s on a dead broker"
    message.refresh_from_db()
    assert message.delivered_at is None  # still pending, safely stored
    assert DELIVERED == []


def test_relay_delivers_pending_messages_once_the_broker_is_back():
    message = OutboxMessage.objects.create(topic="tests.outbox.record", object_id="42")

    assert outbox_relay_pending() == 1
    assert outbox_relay_pending() == 0  # nothing left to send
    message.refresh_from_db()
    assert message.delivered_at is not None
    assert DELIVERED == ["42"]


def test_a_message_delivered_twice_runs_its_handler_once():
    message = OutboxMessage.objects.create(topic="tests.outbox.record", object_id="7")

    assert outbox_deliver_message(message_id=message.id) is True
    assert outbox_deliver_message(message_id=message.id) is False
    assert DELIVERED == ["7"]


def test_a_failing_handler_is_retried_later_with_backoff_and_records_only_the_error_class(settings):
    message = OutboxMessage.objects.create(topic="tests.outbox.explode", object_id="9")

    assert outbox_deliver_message(message_id=message.id) is False
    message.refresh_from_db()
    assert message.attempts == 1
    assert message.last_error == "RuntimeError"
    assert message.delivered_at is None
    assert message.available_at > message.created_at
    assert outbox_relay_pending() == 0  # not due yet


def test_relay_gives_up_after_the_maximum_number_of_attempts(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    OutboxMessage.objects.create(topic="tests.outbox.record", object_id="1", attempts=3)
    assert outbox_relay_pending() == 0
    assert DELIVERED == []
