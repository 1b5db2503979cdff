"""A Celery worker killed (SIGKILL) in the middle of a task: the task is delivered again and its effect happens once.

Redelivery comes from Redis alone (acks_late, reject_on_worker_lost, prefetch 1, kombu's unacked restore): no
beat runs here, so the outbox relay plays no part. A test-only hook (hooks.py) holds the first delivery of each
message inside its transaction long enough to kill the worker there.
"""

from __future__ import annotations

import os
import signal
import time

import pytest

from tests.processes.stack import wait_until

from .private_services import private_services_missing_reason
from .scenario import PERSON_NAME

if reason := private_services_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.processes

# Short enough for a test; in production the visibility timeout must exceed the longest task (base.py: 3600 s).
VISIBILITY_TIMEOUT = 5


def body(mail) -> str:
    return mail.message.get_payload(decode=True).decode()


def test_a_worker_killed_mid_task_has_the_task_run_again_and_its_effect_happens_once(fault_stack):
    # Given two partner organisations, and workers that hold each message's first delivery for a while
    world = fault_stack.scenario("partners")
    markers = fault_stack.directory / "markers"
    markers.mkdir()
    worker_environment = {
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        "FAULTS_SLOW_TOPIC": "referrals.received",
        "FAULTS_SLOW_FIRST_DELIVERY_SECONDS": "60",
        "FAULTS_MARKER_DIR": str(markers),
    }
    first = fault_stack.start("worker", name="worker-1", environment=worker_environment)

    # When a referral is sent, and the worker is killed while it delivers the notification
    sent = fault_stack.scenario("send", world["service_id"], str(world["sender_id"]))
    (message_id,) = fault_stack.query(
        "SELECT id::text FROM outbox_outboxmessage WHERE topic = 'referrals.received' AND object_id = %s",
        sent["referral_id"],
    )[0]
    wait_until(
        lambda: (markers / message_id).exists(), timeout=60, what="the worker to start the task", processes=[first]
    )
    os.killpg(first.popen.pid, signal.SIGKILL)
    first.popen.wait(timeout=10)
    killed_at = time.monotonic()

    # Then nothing of the task remains: no notification, no email, the message still to deliver
    assert fault_stack.query("SELECT count(*) FROM notifications_notification WHERE object_id = %s", message_id) == [
        (0,)
    ]
    assert fault_stack.query(
        "SELECT attempts, delivered_at IS NULL FROM outbox_outboxmessage WHERE id = %s", message_id
    ) == [(0, True)]
    assert not any(
        sent["number"] in mail.message.get_payload(decode=True).decode() for mail in fault_stack.smtp.received
    )

    # When another worker runs (the message comes back from Redis once its visibility timeout passed)
    second = fault_stack.start("worker", name="worker-2", environment=worker_environment)

    # Then the task runs again and delivers the message
    wait_until(
        lambda: fault_stack.query(
            "SELECT delivered_at IS NOT NULL FROM outbox_outboxmessage WHERE id = %s", message_id
        )[0][0],
        timeout=60,
        what="the redelivered task to run",
        processes=[second],
    )
    redelivered_after = time.monotonic() - killed_at
    assert "outbox_deliver[" in second.log(last=1000)
    # and its effect happened once: one notification and one email for each receiver, nothing personal in them
    time.sleep(2)
    receivers = world["receiver_emails"]
    assert fault_stack.query(
        "SELECT count(*), count(DISTINCT user_id) FROM notifications_notification WHERE object_id = %s", message_id
    ) == [(len(receivers), len(receivers))]
    about_it = [
        mail for mail in fault_stack.smtp.received if sent["number"] in mail.message.get_payload(decode=True).decode()
    ]
    assert sorted(recipient for mail in about_it for recipient in mail.recipients) == sorted(receivers)
    assert all(PERSON_NAME not in body(mail) for mail in fault_stack.smtp.received)
    assert fault_stack.query("SELECT attempts FROM outbox_outboxmessage WHERE id = %s", message_id) == [(1,)]
    print(f"redelivered {redelivered_after:.1f} s after the kill")  # noqa: T201
