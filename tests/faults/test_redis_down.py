"""Redis stopped while referrals are sent through gunicorn: nothing hangs, nothing is lost, each is notified once.

Against a private Redis and PostgreSQL (conftest.py), with the web, worker and beat commands of docker-compose.yml.
"""

from __future__ import annotations

import datetime
import time
from collections import Counter

import pytest
from django.utils import timezone

from network.referrals.models import PersonalField
from tests.processes.stack import wait_until

from .conftest import RELAY_SECONDS, http
from .private_services import private_services_missing_reason

if reason := private_services_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.processes

# Each request answers well within this while Redis is down (broker timeouts: 3 s connect, no publish retry).
REQUEST_BOUND_SECONDS = 5
REFERRALS_WHILE_HUNG = 3
REFERRALS = 6
PERSON_NAME = "Redisdown Person"


def referral_body(service_id: str, n: int) -> dict:
    return {
        "service": service_id,
        "urgency": "routine",
        "person": {
            "name": f"{PERSON_NAME} {n}",
            "preferred_language": "fr",
            "contact_channel": "phone",
            "contact_detail": "+33 6 00 00 00 00",
            "needs": "advice",
        },
        "consent": {
            "shared_fields": list(PersonalField.values),
            "purpose": "legal advice",
            "method": "verbal",
            "explained_in_language": "fr",
            "valid_until": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        },
    }


def post(session, base: str, service_id: str, n: int) -> tuple[int, float, object]:
    started = time.monotonic()
    response = session.post(
        f"{base}/api/v1/referrals/", json=referral_body(service_id, n), timeout=REQUEST_BOUND_SECONDS * 4
    )
    return response.status_code, time.monotonic() - started, response


def test_referrals_sent_while_redis_is_down_are_saved_at_once_and_notified_exactly_once_when_it_returns(fault_stack):
    # Given gunicorn and a worker running the compose commands, and a staff member with an API token
    world = fault_stack.scenario("partners")
    base = fault_stack.start_web()
    fault_stack.start("worker")
    session = http()
    session.headers["Authorization"] = f"Token {world['token']}"

    # When Redis hangs (it accepts connections and never answers), then dies and loses what it held, while
    # referrals are sent through the API
    fault_stack.redis.freeze()
    answers = [post(session, base, world["service_id"], n) for n in range(REFERRALS_WHILE_HUNG)]
    fault_stack.redis.kill()
    answers += [post(session, base, world["service_id"], n) for n in range(REFERRALS_WHILE_HUNG, REFERRALS)]

    # Then every request answered within the bound, each referral saved
    slowest = max(seconds for _status, seconds, _response in answers)
    assert [status for status, _seconds, _response in answers] == [201] * REFERRALS, fault_stack.logs()
    timings = ", ".join(f"{seconds:.2f}" for _status, seconds, _response in answers)
    print(f"requests while Redis hung then died: {timings} s")  # noqa: T201
    assert slowest < REQUEST_BOUND_SECONDS, f"requests took {timings} s"
    ids = [response.json()["id"] for _status, _seconds, response in answers]
    # with its consent and its notification waiting in the outbox, undelivered
    rows = fault_stack.query(
        "SELECT r.id::text, c.id IS NOT NULL, o.delivered_at IS NULL FROM referrals_referral r "
        "LEFT JOIN referrals_consent c ON c.referral_id = r.id "
        "LEFT JOIN outbox_outboxmessage o ON o.object_id = r.id::text AND o.topic = 'referrals.received'"
    )
    assert sorted(rows) == sorted((referral_id, True, True) for referral_id in ids)

    # When Redis is back (empty: what it held is lost), with beat relaying the outbox
    fault_stack.redis.start()
    beat = fault_stack.start("beat", schedule=str(fault_stack.directory / "celerybeat-schedule"))

    # Then every message is delivered
    wait_until(
        lambda: (
            fault_stack.query(
                "SELECT count(*) FROM outbox_outboxmessage WHERE topic = 'referrals.received' AND delivered_at IS NULL"
            )[0][0]
            == 0
        ),
        timeout=60,
        what="the outbox to be delivered after Redis returned",
        processes=fault_stack.processes,
    )
    # and, after a few more relays, each receiver has had exactly one notification and one email per referral
    time.sleep(3 * RELAY_SECONDS)
    notifications = fault_stack.query(
        "SELECT o.object_id, n.user_id, count(*) FROM notifications_notification n "
        "JOIN outbox_outboxmessage o ON n.object_id = o.id::text WHERE n.topic = 'referrals.received' "
        "GROUP BY o.object_id, n.user_id"
    )
    receivers = world["receiver_emails"]
    assert sorted(referral_id for referral_id, _user, count in notifications) == sorted(ids * len(receivers))
    assert {count for _referral, _user, count in notifications} == {1}
    numbers = {f"R-{referral_id.replace('-', '')[:8].upper()}": referral_id for referral_id in ids}
    emails = Counter(
        (number, recipient)
        for mail in fault_stack.smtp.received
        for recipient in mail.recipients
        for number in numbers
        if number in mail.message.get_payload(decode=True).decode()
    )
    assert emails == Counter({(number, email): 1 for number in numbers for email in receivers})
    assert all(PERSON_NAME not in mail.message.get_payload(decode=True).decode() for mail in fault_stack.smtp.received)
    assert beat.popen.poll() is None
