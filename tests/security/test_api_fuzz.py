"""The API under schemathesis, in-process (WSGI), authenticated as two organisations.

- Every operation of the OpenAPI schema (/api/schema/), with generated parameters and bodies, as A's
  coordinator and as the coordinator of C (an organisation unrelated to A): never a 5xx, and every answer
  conforms to the schema (status documented, body and headers as described).
- With C's token, every operation on an object that A owns answers exactly like one on a missing object
  (404: same status, same body) and changes nothing, whatever the method and body; lists never show A's objects.

Bounded and repeatable: a few examples per operation, derandomized (the same cases on every run). The schema is
read at import (module level), which keeps clear of schemathesis' pytest-fixture loader (broken on pytest 9.2).
A new API path with an `{id}` fails `test_every_object_path_says_which_of_a_objects_it_addresses` until OWNED
names the object of A it addresses.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.security.conftest import Scenario, build_scenario, changed_tables, database_fingerprint, token_for
from tests.security.decisions import (
    COORDINATOR,
    OUTSIDER,
    a_draft_message,
    a_internal_resource,
    a_members_only_opportunity,
)

EXAMPLES_PER_OPERATION = 10
FUZZ = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],  # no shrinking: bounded time; the failure names its request
)
METHODS = ("get", "post", "put", "patch", "delete")
# What we hold the API to. Left out on purpose: `positive_data_acceptance` (a well-formed body naming an
# organisation or service that does not exist, or acting on an ended partnership, is rightly refused with 400) and
# `negative_data_rejection` (DRF reads `offset=null` as 0, an empty filter as no filter, and 0 as the text "0":
# lenient by design, never a way in).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    ignored_auth,
]


@dataclass(frozen=True)
class Owned:
    """Which of A's objects a path addresses, and whether C may read it (public, or shared with the network)."""

    object_id: Callable[[Scenario], Any]
    shared: bool = False
    marker: Callable[[Scenario], str] | None = None  # text that shows it in a list (default: its id)

    def text(self, scenario: Scenario) -> str:
        return self.marker(scenario) if self.marker else str(self.object_id(scenario))


# Path prefix → the object of organisation A it addresses. C must get 404 for each one not shared.
OWNED: dict[str, Owned] = {
    "/api/v1/organisations/{id}/": Owned(lambda s: s.a.pk, shared=True),  # the public directory
    "/api/v1/services/{id}/": Owned(lambda s: s.a_service.pk, shared=True),  # a public service
    "/api/v1/partnerships/{id}/": Owned(lambda s: s.partnership.pk),  # A and B's partnership
    "/api/v1/referrals/{id}/": Owned(lambda s: s.referral.pk),  # sent by A to B
    "/api/v1/advocacy/messages/{id}/": Owned(lambda s: a_draft_message(s).pk),  # A's draft
    "/api/v1/resources/{id}/": Owned(
        lambda s: a_internal_resource(s).pk, marker=lambda s: a_internal_resource(s).title
    ),
    # Members-only opportunities are shared with every member of the network, C's included.
    "/api/v1/advocacy/opportunities/{id}/": Owned(lambda s: a_members_only_opportunity(s).pk, shared=True),
    # A's own exact figures: its coordinators and staff only (the marker shows them in an answer).
    "/api/v1/observatory/organisations/{id}/": Owned(lambda s: s.a.pk, marker=lambda s: f'"scope_key":"{s.a.pk}"'),
}


def owned_for(path: str) -> Owned | None:
    prefixes = [prefix for prefix in OWNED if path.startswith(prefix)]
    return OWNED[max(prefixes, key=len)] if prefixes else None


@contextmanager
def wsgi_keeps_the_test_connection() -> Iterator[None]:
    """Django closes "old" connections around each WSGI request; in a test that is the test's own transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _load_schema() -> Any:
    with wsgi_keeps_the_test_connection():
        return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


schema = _load_schema()


@dataclass
class World:
    scenario: Scenario
    a_token: str  # A's coordinator
    c_token: str  # C's coordinator (C is unrelated to A)

    def headers(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Token {token}", "Accept-Language": "en"}


@pytest.fixture
def world(db) -> Iterator[World]:
    scenario = build_scenario()
    for owned in OWNED.values():
        owned.object_id(scenario)  # made now, outside the transactions each operation's fuzzing rolls back
    with wsgi_keeps_the_test_connection():
        yield World(
            scenario=scenario,
            a_token=token_for(scenario.user(COORDINATOR)),
            c_token=token_for(scenario.user(OUTSIDER)),
        )


# Limits and offsets past 2**63 are proven harmless by test_a_page_limit_beyond_64_bits_is_not_a_server_error; the
# fuzz keeps generated ones within 64 bits so that its examples explore the rest of each operation.
LARGEST_SQL_INTEGER = 2**63 - 1


def _within_sql_integers(case: Any) -> None:
    for name in ("limit", "offset"):
        value = (case.query or {}).get(name)
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > LARGEST_SQL_INTEGER:
            case.query[name] = LARGEST_SQL_INTEGER if value > 0 else -LARGEST_SQL_INTEGER


def _aim_at_real_objects(case: Any, world: World) -> None:
    """Most examples address a real object (a generated UUID would only ever meet 404), some keep theirs."""
    owned = owned_for(case.operation.path)
    if owned is None or "id" not in (case.path_parameters or {}):
        return
    generated = str(case.path_parameters["id"])
    if sum(generated.encode()) % 4:
        case.path_parameters["id"] = str(owned.object_id(world.scenario))


# ---------------------------------------------------------------------------------------------------------------
# Every operation, both organisations: no server error, answers as documented


def operations(*, with_id: bool = False) -> list[Any]:
    found = [result.ok() for result in schema.get_all_operations()]
    return [operation for operation in found if not with_id or "{id}" in operation.path]


def fuzz(operation: Any, world: World, send: Callable[[Any], None]) -> str | None:
    """Send generated cases (valid and invalid ones) for one operation; its first failure, or None.

    Each operation starts from the same scenario: what it changed is rolled back afterwards.
    """
    strategy = operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE)

    @FUZZ
    @given(case=strategy)
    def run(case: Any) -> None:
        send(case)

    with transaction.atomic():
        try:
            run()
        except (Exception, BaseExceptionGroup) as error:  # schemathesis' FailureGroup is a BaseExceptionGroup
            details = [str(inner) for inner in getattr(error, "exceptions", [])] or [str(error)]
            return f"{operation.method.upper()} {operation.path}:\n" + "\n".join(details)[:3000]
        finally:
            transaction.set_rollback(True)
    return None


@pytest.mark.django_db
def test_every_operation_answers_as_documented_and_never_with_a_server_error(world):
    sent = []

    def as_a_then_c(case: Any) -> None:
        _aim_at_real_objects(case, world)
        _within_sql_integers(case)
        for token in (world.a_token, world.c_token):
            sent.append(case.operation.label)
            case.call_and_validate(headers=world.headers(token), checks=CHECKS)

    failures = [failure for operation in operations() if (failure := fuzz(operation, world, as_a_then_c))]

    counts = f"{len(operations())} operations, {len(sent) // 2} cases ({len(sent)} requests), {len(failures)} failures"
    print(f"schemathesis: {counts}")  # noqa: T201  (the counts for the record: `pytest -rP` shows them)
    assert not failures, "\n\n".join(failures)


# ---------------------------------------------------------------------------------------------------------------
# Another organisation's token against A's objects


def test_every_object_path_says_which_of_a_objects_it_addresses():
    unknown = sorted(
        f"{operation.method.upper()} {operation.path}"
        for operation in operations(with_id=True)
        if owned_for(operation.path) is None
    )
    assert not unknown, "name the object of organisation A these paths address, in OWNED:\n" + "\n".join(unknown)


@pytest.mark.django_db
def test_another_organisations_generated_requests_never_read_or_change_a_objects(world):
    def as_c_on_a_object(case: Any) -> None:
        # Given an object that A owns, addressed by whatever C's generated request carries
        owned = owned_for(case.operation.path)
        assert owned is not None, f"add {case.operation.path} to OWNED"
        case.path_parameters = {**(case.path_parameters or {}), "id": str(owned.object_id(world.scenario))}
        before = database_fingerprint()

        # When C's coordinator sends it
        response = case.call(headers=world.headers(world.c_token))

        # Then C reads nothing that is not public (a refusal, never its content), and nothing changed
        if not (owned.shared and case.method.lower() == "get"):
            refused = response.status_code in (400, 404, 405)
            assert refused, f"{case.method} {response.status_code} {response.text[:200]}"
            assert owned.text(world.scenario) not in response.text
        assert response.status_code < 500, response.text[:200]
        assert not changed_tables(before, database_fingerprint())

    failures = [
        failure
        for operation in operations(with_id=True)
        if owned_for(operation.path) is not None  # the others fail the test above, by name
        if (failure := fuzz(operation, world, as_c_on_a_object))
    ]

    assert not failures, "\n\n".join(failures)


@pytest.mark.django_db
def test_another_organisations_token_gets_for_a_objects_exactly_what_a_missing_object_gets(world):
    client = Client()
    differences: list[str] = []
    paths = sorted({result.ok().path for result in schema.get_all_operations() if "{id}" in result.ok().path})
    for path in paths:
        owned = owned_for(path)
        if owned is None or owned.shared:  # an unknown path fails the test above, by name
            continue
        real_id = owned.object_id(world.scenario)
        missing_id = 2_147_483_000 if isinstance(real_id, int) else uuid.uuid4()  # an id of the same kind
        a_object = path.replace("{id}", str(real_id))
        missing = path.replace("{id}", str(missing_id))
        for method in METHODS:
            # When C's coordinator uses each method on A's object, and on an id nobody has
            before = database_fingerprint()
            answers = [
                getattr(client, method)(url, {}, content_type="application/json", **_django_headers(world.c_token))
                for url in (a_object, missing)
            ]
            # Then the two answers are the same (404, or 405 for a method the path does not take), nothing changed
            (theirs, nobodys) = answers
            if (theirs.status_code, theirs.content) != (nobodys.status_code, nobodys.content):
                differences.append(
                    f"{method.upper()} {path}: {theirs.status_code} {theirs.content[:80]!r} for A's object, "
                    f"{nobodys.status_code} {nobodys.content[:80]!r} for a missing one"
                )
            if theirs.status_code not in (404, 405):
                differences.append(f"{method.upper()} {path}: {theirs.status_code} for A's object")
            if changed_tables(before, database_fingerprint()):
                differences.append(f"{method.upper()} {path}: changed {changed_tables(before, database_fingerprint())}")
    assert not differences, "\n".join(differences)


@pytest.mark.django_db
def test_another_organisations_lists_never_show_a_non_public_objects(world):
    client = Client()
    hidden = {owned.text(world.scenario): prefix for prefix, owned in OWNED.items() if not owned.shared}
    list_paths = sorted(
        {
            result.ok().path
            for result in schema.get_all_operations()
            if "{" not in result.ok().path and result.ok().method.lower() == "get"
        }
    )
    shown = []
    for path in list_paths:
        body = client.get(path, **_django_headers(world.c_token)).content.decode()
        shown += [f"{path} shows {prefix} {object_id}" for object_id, prefix in hidden.items() if object_id in body]
    assert not shown, "\n".join(shown)


def _django_headers(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Token {token}", "HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.mark.django_db
def test_a_page_limit_beyond_64_bits_is_not_a_server_error(world):
    # Given a list with something in it, when a caller asks for a page larger than any SQL integer
    client = Client(raise_request_exception=False)
    too_many = client.get("/api/v1/organisations/?limit=99999999999999999999")
    too_far = client.get("/api/v1/organisations/?offset=99999999999999999999")

    # Then it gets a page (the limit and offset capped) or a 400, never a server error
    assert too_many.status_code in (200, 400) and too_far.status_code in (200, 400)
