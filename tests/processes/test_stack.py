"""The services of docker-compose.yml, run as real processes: gunicorn serves, the worker delivers, beat relays.

They run against the configured PostgreSQL and Redis (DATABASE_URL, REDIS_URL), in the test database, so each
test commits its data (transaction=True) for the processes to see it.
"""

from __future__ import annotations

import json
import time

import pytest
import requests

from network.celery import app as celery_app
from network.orgs import services
from network.outbox.models import OutboxMessage
from network.outbox.services import outbox_dispatch
from tests import factories

from .conftest import RELAY_SECONDS, services_missing_reason
from .stack import free_port, wait_until

if reason := services_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CHARTER = "Respect, confidentiality, no judgement."


def http() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # never through a proxy from the environment
    return session


def answer(url: str) -> requests.Response | None:
    try:
        return http().get(url, timeout=30)
    except requests.ConnectionError:
        return None


def proposal_message(partnership) -> OutboxMessage:
    return OutboxMessage.objects.get(topic="orgs.partnership.proposed", object_id=str(partnership.id))


def test_gunicorn_with_production_settings_serves_health_public_pages_and_static_files(
    start_service, production_static_root, tmp_path
):
    # Given static files collected with the web service's production settings (the Dockerfile's step; the
    # collection is shared with the load test), served from this test's STATIC_ROOT
    (tmp_path / "static").symlink_to(production_static_root, target_is_directory=True)
    # and an organisation whose address is confidential
    organisation = factories.organisation(name="Cabiria", address="12 rue Cachée, Lyon", address_is_confidential=True)

    # When gunicorn runs the compose web command
    port = free_port()
    web = start_service("web", bind=f"127.0.0.1:{port}")
    base = f"http://127.0.0.1:{port}"
    health = wait_until(lambda: answer(f"{base}/healthz/"), timeout=30, what="gunicorn to answer", processes=[web])

    # Then the health check sees the database
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "database": True}
    # and public pages render with the security headers, the confidential address never shown
    home = http().get(f"{base}/fr/", timeout=30)
    assert home.status_code == 200, web.log()
    assert "Content-Security-Policy" in home.headers
    assert home.headers["X-Frame-Options"] == "DENY"
    detail = http().get(f"{base}/fr/organisations/{organisation.slug}/", timeout=30)
    assert detail.status_code == 200, web.log()
    assert "Cabiria" in detail.text
    assert "rue Cachée" not in detail.text
    assert http().get(f"{base}/fr/organisations/no-such-organisation/", timeout=30).status_code == 404
    # and WhiteNoise serves the collected files compressed, under hashed names cached for good
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
    asset = http().get(
        f"{base}/static/{manifest['wagtailadmin/css/core.css']}", headers={"Accept-Encoding": "gzip"}, timeout=30
    )
    assert asset.status_code == 200
    assert asset.headers["Content-Encoding"] == "gzip"
    assert "immutable" in asset.headers["Cache-Control"]
    assert http().get(f"{base}/static/wagtailadmin/css/no-such-file.css", timeout=30).status_code == 404


def test_worker_delivers_an_outbox_email_exactly_once(start_service, smtp_sink, publishing_to_broker):
    # Given a worker running the compose worker command, and two organisations with coordinators
    worker = start_service("worker")
    proposer, partner = factories.organisation(), factories.organisation()
    proposer_coordinator, partner_coordinator = factories.coordinator_of(proposer), factories.coordinator_of(partner)

    # When the proposer's coordinator proposes a partnership (its email leaves through the outbox and Redis)
    with publishing_to_broker():
        partnership = services.partnership_propose(
            proposer=proposer, partner=partner, charter=CHARTER, acting_user=proposer_coordinator
        )

    # Then the worker sends one email, to the partner's coordinator only, and marks the message delivered
    mails = wait_until(
        lambda: smtp_sink.messages_to(partner_coordinator.email), timeout=30, what="the email", processes=[worker]
    )
    assert len(mails) == 1
    assert proposer.name in mails[0].message.get_payload(decode=True).decode()
    assert smtp_sink.messages_to(proposer_coordinator.email) == []
    message = wait_until(
        lambda: OutboxMessage.objects.filter(pk=proposal_message(partnership).pk, delivered_at__isnull=False).first(),
        timeout=30,
        what="the message to be marked delivered",
        processes=[worker],
    )
    assert message.attempts == 1

    # And when the same message reaches the worker a second time, nothing more is sent
    with publishing_to_broker():
        assert outbox_dispatch(message_id=message.id)
    wait_until(
        lambda: worker.log(last=1000).count("succeeded") >= 2,
        timeout=15,
        what="the second delivery attempt",
        processes=[worker],
    )
    assert len(smtp_sink.messages_to(partner_coordinator.email)) == 1
    assert len(smtp_sink.received) == 1


def test_beat_relays_a_message_written_while_no_worker_ran_and_it_is_delivered_once(
    start_service, smtp_sink, publishing_to_broker, tmp_path
):
    # Given a proposal written while no worker ran, whose dispatch to Redis was then lost (the queue emptied)
    proposer, partner = factories.organisation(), factories.organisation()
    partner_coordinator = factories.coordinator_of(partner)
    with publishing_to_broker():
        partnership = services.partnership_propose(
            proposer=proposer, partner=partner, charter=CHARTER, acting_user=factories.coordinator_of(proposer)
        )
    assert celery_app.control.purge() >= 1
    assert proposal_message(partnership).delivered_at is None

    # When the worker and beat start with the compose commands
    worker = start_service("worker")
    beat = start_service("beat", schedule=str(tmp_path / "celerybeat-schedule"))

    # Then beat's relay hands the message to the worker, which sends the email
    wait_until(
        lambda: smtp_sink.messages_to(partner_coordinator.email),
        timeout=50,
        what="beat to relay the message and the worker to send it",
        processes=[worker, beat],
    )
    wait_until(
        lambda: OutboxMessage.objects.filter(pk=proposal_message(partnership).pk, delivered_at__isnull=False).exists(),
        timeout=30,
        what="the message to be marked delivered",
        processes=[worker, beat],
    )
    # and later relays send it no more
    time.sleep(3 * RELAY_SECONDS)
    assert len(smtp_sink.messages_to(partner_coordinator.email)) == 1
    assert proposal_message(partnership).attempts == 1
