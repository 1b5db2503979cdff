"""A client generated from /api/schema/ works: the schema describes the API well enough to be used as it is.

openapi-python-client (the version pinned in requirements-dev.txt) generates a Python package from the schema the
server serves; every module of it imports, and over HTTP, with the API tokens of staff members who set up
two-factor authentication, its typed functions list services, send a referral with the person's consent, accept
it for the receiving organisation and record its outcome. The same client is refused where the access policy
refuses (the sender cannot accept its own referral), and a malformed or unknown id is a typed 404.

The server is our WSGI application on a real socket, in a thread that uses this test's database connection: it
sees the test's data, and everything is rolled back afterwards (no flush, no transactional test).
"""

from __future__ import annotations

import datetime
import importlib
import pkgutil
import shutil
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connections
from django.test import Client as DjangoClient
from django.utils import timezone

from network.directory.models import Service, ServiceCategory
from network.orgs.models import Role
from network.referrals.models import Referral, ReferralEvent
from tests import factories
from tests.security.conftest import token_for

PACKAGE = "passerelle_api_client"
PERSON_NAME = "Ioana-Client-Canary"


def _generator() -> str:
    """openapi-python-client of this virtualenv (beside the running Python), else the one on PATH."""
    beside = Path(sys.executable).with_name("openapi-python-client")
    found = str(beside) if beside.exists() else shutil.which("openapi-python-client")
    assert found, "openapi-python-client is not installed: pip install -r requirements-dev.txt"
    return found


@pytest.fixture(scope="module")
def generated(tmp_path_factory, django_db_blocker) -> Iterator[ModuleType]:
    """The package openapi-python-client generates from the schema the server serves at /api/schema/."""
    workdir = tmp_path_factory.mktemp("api-client")
    with django_db_blocker.unblock():
        served = DjangoClient().get("/api/schema/")
    assert served.status_code == 200
    schema = workdir / "schema.yaml"
    schema.write_bytes(served.content)
    config = workdir / "config.yaml"
    config.write_text("post_hooks: []\n")  # no formatter run: the code is imported, not read
    command = [_generator(), "generate", "--path", str(schema), "--output-path", str(workdir / PACKAGE)]
    result = subprocess.run(  # noqa: S603  (our own tool, fixed arguments)
        [*command, "--meta", "none", "--config", str(config)], capture_output=True, text=True, timeout=120
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "warning" not in output.lower(), output  # a skipped operation or model says so, and is missing
    sys.path.insert(0, str(workdir))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(workdir))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def test_every_module_of_the_generated_client_imports(generated):
    # given the package generated from the schema, when every module of it is imported
    names = [module.name for module in pkgutil.walk_packages(generated.__path__, f"{PACKAGE}.")]
    failures = {}
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as error:  # noqa: BLE001  (each failure is reported by name)
            failures[name] = repr(error)

    # then all import, and there is one module per part of the API with the operations we use
    assert not failures, failures
    assert {
        f"{PACKAGE}.api.services.services_list",
        f"{PACKAGE}.api.referrals.referrals_create",
        f"{PACKAGE}.api.referrals.referrals_accept_create",
        f"{PACKAGE}.api.referrals.referrals_complete_create",
        f"{PACKAGE}.models.referral_status_enum",
    } <= set(names)


# ---------------------------------------------------------------------------------------------------------------
# Over HTTP


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002  (the signature of the base class)
        pass


@contextmanager
def served_over_http() -> Iterator[str]:
    """Our WSGI application on a socket of 127.0.0.1, one request at a time, on this test's database connection.

    Django closes "old" connections around each request; here that would be the test's own transaction, so those
    two signal receivers are off while the server runs.
    """
    connection = connections["default"]
    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=_QuietHandler)

    def serve() -> None:
        connections["default"] = connection
        server.serve_forever(poll_interval=0.05)

    connection.inc_thread_sharing()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        connection.dec_thread_sharing()


@pytest.fixture
def network(db, enrol_totp) -> SimpleNamespace:
    """Two partner organisations, a service of the receiver, one staff member on each side with two-factor set."""
    sender = factories.organisation(name="Outreach Nord")
    receiver = factories.organisation(name="Legal Clinic")
    factories.active_partnership(sender, receiver)
    service = Service.objects.create(
        organisation=receiver, category=ServiceCategory.objects.get(code="legal-advice"), name="Legal advice"
    )
    sender_staff = enrol_totp(factories.member(sender, Role.STAFF))
    receiver_staff = enrol_totp(factories.member(receiver, Role.STAFF))
    return SimpleNamespace(
        sender=sender,
        receiver=receiver,
        service=service,
        sender_token=token_for(sender_staff),
        receiver_token=token_for(receiver_staff),
    )


def test_generated_client_lists_services_and_sends_accepts_and_completes_a_referral(generated, network):
    from passerelle_api_client import AuthenticatedClient
    from passerelle_api_client.api.referrals import (
        referrals_accept_create,
        referrals_complete_create,
        referrals_create,
        referrals_events_list,
        referrals_retrieve,
    )
    from passerelle_api_client.api.services import services_list
    from passerelle_api_client.models import (
        ConsentMethodEnum,
        ContactChannelEnum,
        Error,
        PaginatedServiceList,
        PersonalFieldEnum,
        ReferralCompleteRequest,
        ReferralConsentInputRequest,
        ReferralCreateRequest,
        ReferralDetail,
        ReferralDirectionEnum,
        ReferralEventKindEnum,
        ReferralNoteRequest,
        ReferralOutcomeEnum,
        ReferralPersonInputRequest,
        ReferralStatusEnum,
        ReferralSummary,
        ReferralUrgencyEnum,
    )

    with served_over_http() as base_url:

        def client_for(token: str) -> Any:
            # Undocumented answers raise: every status the server gives must be in the schema.
            return AuthenticatedClient(
                base_url=base_url,
                token=token,
                prefix="Token",
                headers={"Accept-Language": "en"},
                raise_on_unexpected_status=True,
                timeout=10.0,
            )

        with client_for(network.sender_token) as sender, client_for(network.receiver_token) as receiver:
            # Given the sender's staff member finds the receiver's service in the directory
            services = services_list.sync(client=sender, organisation=network.receiver.pk)
            assert isinstance(services, PaginatedServiceList)
            assert [service.id for service in services.results] == [network.service.pk]

            # When they send a referral to it, with the person's consent to share her name
            sent = referrals_create.sync(
                client=sender,
                body=ReferralCreateRequest(
                    service=services.results[0].id,
                    person=ReferralPersonInputRequest(
                        name=PERSON_NAME,
                        preferred_language="ro",
                        contact_channel=ContactChannelEnum.THROUGH_SENDER,
                    ),
                    consent=ReferralConsentInputRequest(
                        shared_fields=[PersonalFieldEnum.NAME],
                        purpose="legal advice",
                        method=ConsentMethodEnum.VERBAL,
                        explained_in_language="ro",
                        valid_until=timezone.localdate() + datetime.timedelta(days=30),
                    ),
                    urgency=ReferralUrgencyEnum.SOON,
                ),
            )
            # Then it is sent, seen from the sender's side
            assert isinstance(sent, ReferralSummary), sent
            assert (sent.status, sent.direction, sent.urgency) == (
                ReferralStatusEnum.SENT,
                ReferralDirectionEnum.SENT,
                ReferralUrgencyEnum.SOON,
            )
            assert sent.receiver.id == network.receiver.pk

            # And the sender may not answer it for the receiver (403, typed), nor find an id nobody has (404)
            refused = referrals_accept_create.sync(client=sender, id=sent.id, body=ReferralNoteRequest())
            assert isinstance(refused, Error) and refused.detail
            missing = referrals_retrieve.sync(client=receiver, id=uuid.uuid4())
            assert isinstance(missing, Error)
            assert Referral.objects.get(pk=sent.id).status == "sent"

            # When the receiving organisation's staff member accepts it
            accepted = referrals_accept_create.sync(
                client=receiver, id=sent.id, body=ReferralNoteRequest(note="We can see her on Tuesday.")
            )
            # Then it is accepted, and the name the person agreed to share is readable by the receiver
            assert isinstance(accepted, ReferralDetail), accepted
            assert (accepted.status, accepted.direction) == (
                ReferralStatusEnum.ACCEPTED,
                ReferralDirectionEnum.RECEIVED,
            )
            assert accepted.person.name == PERSON_NAME
            assert accepted.answered_at is not None

            # When they record its outcome
            completed = referrals_complete_create.sync(
                client=receiver,
                id=sent.id,
                body=ReferralCompleteRequest(outcome=ReferralOutcomeEnum.SERVICE_PROVIDED),
            )
            # Then it is completed with that outcome, in the database and on the timeline both sides read
            assert isinstance(completed, ReferralDetail), completed
            assert completed.status == ReferralStatusEnum.COMPLETED
            assert completed.outcome == ReferralOutcomeEnum.SERVICE_PROVIDED
            assert isinstance(completed.closed_at, datetime.datetime) and completed.closed_at.tzinfo is not None
            events = referrals_events_list.sync(client=sender, id=sent.id)
            assert [event.kind for event in events][-2:] == [
                ReferralEventKindEnum.ACCEPTED,
                ReferralEventKindEnum.COMPLETED,
            ]
            assert [event.to_status for event in events][-1] == ReferralStatusEnum.COMPLETED

    referral = Referral.objects.get(pk=sent.id)
    assert (referral.status, referral.outcome) == ("completed", "service_provided")
    assert referral.sender_organisation == network.sender
    assert ReferralEvent.objects.filter(referral=referral).count() == len(events)
