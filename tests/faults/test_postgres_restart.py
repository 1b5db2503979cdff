"""PostgreSQL restarted while referrals are being sent through gunicorn: requests fail fast and cleanly while it is
down, succeed again once it is back (gunicorn is not restarted), and no referral is ever half written."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import pytest
import requests

from tests.processes.stack import wait_until

from .conftest import http
from .private_services import private_services_missing_reason
from .test_redis_down import referral_body

if reason := private_services_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.processes

CLIENTS = 3
# No request may take longer than this, whatever the database does (connect_timeout is 5 s in base.py).
REQUEST_BOUND_SECONDS = 8
DOWN_SECONDS = 2


@dataclass
class Answer:
    started: float
    seconds: float
    status: int | None  # None: no HTTP answer at all
    referral_id: str | None


def test_requests_fail_fast_while_postgres_restarts_then_recover_and_no_referral_is_half_written(fault_stack):
    # Given gunicorn running the compose web command, and clients sending referrals without pause
    world = fault_stack.scenario("partners")
    base = fault_stack.start_web(API_USER_RATE="100000/minute")  # the clients are not what is tested here
    answers: list[Answer] = []
    stop = threading.Event()

    def client(number: int) -> None:
        session = http()
        session.headers["Authorization"] = f"Token {world['token']}"
        n = 0
        while not stop.is_set():
            n += 1
            started = time.monotonic()
            try:
                response = session.post(
                    f"{base}/api/v1/referrals/",
                    json=referral_body(world["service_id"], number * 1000 + n),
                    timeout=REQUEST_BOUND_SECONDS * 2,
                )
            except requests.RequestException:
                answers.append(Answer(started, time.monotonic() - started, None, None))
                continue
            referral_id = response.json()["id"] if response.status_code == 201 else None
            answers.append(Answer(started, time.monotonic() - started, response.status_code, referral_id))
            if response.status_code != 201:
                time.sleep(0.05)

    threads = [threading.Thread(target=client, args=(number,), daemon=True) for number in range(CLIENTS)]
    for thread in threads:
        thread.start()
    wait_until(
        lambda: sum(answer.status == 201 for answer in answers) >= 5,
        timeout=30,
        what="referrals to be sent",
        processes=fault_stack.processes,
    )

    # When PostgreSQL stops (fast shutdown: open transactions are cut), stays down a moment, and starts again
    fault_stack.postgres.stop(mode="fast")
    down_at = time.monotonic()
    time.sleep(DOWN_SECONDS)
    fault_stack.postgres.start()
    up_at = time.monotonic()
    # and the clients go on for a while
    wait_until(
        lambda: sum(answer.status == 201 and answer.started > up_at + 1 for answer in answers) >= 10,
        timeout=30,
        what="referrals to be sent again after the restart",
        processes=fault_stack.processes,
    )
    stop.set()
    for thread in threads:
        thread.join(timeout=REQUEST_BOUND_SECONDS * 2)

    # Then every request had an HTTP answer within the bound: success, or a server error while the database was away
    assert all(answer.status is not None for answer in answers), "a request got no HTTP answer"
    slowest = max(answer.seconds for answer in answers)
    assert slowest < REQUEST_BOUND_SECONDS, f"slowest request took {slowest:.1f} s"
    failures = [answer for answer in answers if answer.status != 201]
    assert failures, "no request met the database down: the restart came too early or too late"
    assert {answer.status for answer in failures} <= {500, 502, 503}
    assert all(down_at - 2 < answer.started < up_at + 2 for answer in failures), "failures outside the restart"
    # and once the database was back, gunicorn recovered on its own: the requests started a moment after all succeed
    after = [answer for answer in answers if answer.started > up_at + 1]
    assert after and all(answer.status == 201 for answer in after)
    assert http().get(f"{base}/healthz/", timeout=5).json() == {"status": "ok", "database": True}

    # And no referral is half written: each has its consent, its "sent" event and its outbox message, or is absent
    rows = fault_stack.query(
        "SELECT r.id::text, "
        "(SELECT count(*) FROM referrals_consent c WHERE c.referral_id = r.id), "
        "(SELECT count(*) FROM referrals_referralevent e WHERE e.referral_id = r.id AND e.kind = 'sent'), "
        "(SELECT count(*) FROM outbox_outboxmessage o WHERE o.object_id = r.id::text "
        "AND o.topic = 'referrals.received') FROM referrals_referral r"
    )
    assert rows and all(tuple(counts) == (1, 1, 1) for _id, *counts in rows)
    saved = {referral_id for referral_id, *_counts in rows}
    acknowledged = {answer.referral_id for answer in answers if answer.referral_id}
    assert acknowledged <= saved  # every 201 is really there
    print(  # noqa: T201
        f"{len(answers)} requests, {len(failures)} failed while the database was away "
        f"(statuses {sorted({a.status for a in failures})}, slowest {slowest:.2f} s); "
        f"{len(saved - acknowledged)} saved referral(s) whose client saw an error"
    )
