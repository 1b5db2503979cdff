"""schemathesis runs the OFFICIAL Open Referral HSDS 3.0 openapi.json (tests/data/hsds-3.0/, unchanged) against /hsds/,
in-process (WSGI), with every check schemathesis' default configuration runs.

The official document refers to its schemas by raw.githubusercontent.com addresses; those addresses are served here
from the local copies (tests/data/hsds-3.0/, same files), so the run never uses the network.

Bounded and repeatable: schemathesis' default phases (examples, coverage, fuzzing) with at most 15 fuzzed examples
per operation, derandomized (the same cases on every run). Most generated `{id}`s are replaced by an id the API
lists (a random string only ever meets 404), some keep theirs. The data is built once for the module.

Where the official document cannot be satisfied by any server, and only there, a check is narrowed; each case
says why (the checks themselves are schemathesis' own):
1. `status_code_conformance`: the document gives each operation one response, 200. An `{id}` that is no public
   object's must still answer 404 (the specification's own prose, and our privacy rule: a hidden object answers
   exactly as a missing one), and a parameter that cannot be read at all (`page=abc`: the negative examples
   `negative_data_rejection` requires us to refuse) must answer 4xx. So a 404 for an id nobody (public) has, and a
   400 for a negative example, are accepted as undocumented statuses; every other status must be documented.
2. `response_schema_conformance` on `GET /service_at_locations/{id}`: the document's prose says "fully nested
   service_at_location", its schema is compiled/service.json (which requires a service's `name` and `status`). We
   answer the service_at_location the prose and the HSDS data model describe, and check it against
   compiled/service_at_location.json instead (this deployment's own openapi.json says so).
3. Not a check but the generator: `modified_after`'s format "datetime" is read as `date-time` (see below).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.core.jsonschema import resolver
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance
from schemathesis.specs.openapi.formats import get_default_format_strategies

from tests.directory.test_hsds import RAW, assert_valid, build_network
from tests.security.test_api_fuzz import wsgi_keeps_the_test_connection

HSDS_DIR = Path(__file__).resolve().parent.parent / "data" / "hsds-3.0"
EXAMPLES_PER_OPERATION = 15

_load_remote = resolver.load_remote_uri


def _local_copy_of_remote(uri: str) -> Any:
    """The specification's raw.githubusercontent.com files, read from tests/data/hsds-3.0 (no network in tests)."""
    if uri.startswith(RAW):
        return json.loads((HSDS_DIR / uri.removeprefix(RAW)).read_text(encoding="utf-8"))
    return _load_remote(uri)


resolver.load_remote_uri = _local_copy_of_remote
# `modified_after` is typed `{"type": "string", "format": "datetime"}`: "datetime" is no JSON Schema format (the
# specification means `date-time`: "Return all results modified on or after this datetime"), so schemathesis would
# take any string ("role") for a valid one, and a server that refuses an unreadable date (400, as ours does, rather
# than silently ignoring the filter) would fail `positive_data_acceptance`. The generator is told what the name
# means, with schemathesis' own `date-time` strategy; the check is unchanged. (module docstring, 3.)
schemathesis.openapi.format("datetime", get_default_format_strategies()["date-time"])
schema = schemathesis.openapi.from_dict(json.loads((HSDS_DIR / "openapi.json").read_text(encoding="utf-8")))
schema.app = get_wsgi_application()
BASE_URL = "/hsds"
SERVICE_AT_LOCATION_SCHEMA = RAW + "compiled/service_at_location.json"


def _id_is_public(case: Any, known: set[str]) -> bool:
    return str((case.path_parameters or {}).get("id", "")) in known


def status_code_within_the_official_document(ctx: Any, response: Any, case: Any) -> bool | None:
    """schemathesis' `status_code_conformance`, but for the two statuses the official document cannot describe
    (module docstring, 1.): 404 for an id no public object has, 400 for a negative example."""
    if response.status_code == 404 and "{id}" in case.operation.path and not _id_is_public(case, KNOWN_IDS):
        return None
    if response.status_code == 400 and case.meta is not None and case.meta.generation.mode.is_negative:
        return None
    return status_code_conformance(ctx, response, case)


def service_at_location_schema(ctx: Any, response: Any, case: Any) -> bool | None:
    """`response_schema_conformance`, with GET /service_at_locations/{id} checked against the schema its prose and
    the HSDS data model give (module docstring, 2.)."""
    if case.operation.path == "/service_at_locations/{id}":
        if response.status_code == 200:
            assert_valid(response.json(), SERVICE_AT_LOCATION_SCHEMA)
        return None
    return response_schema_conformance(ctx, response, case)


KNOWN_IDS: set[str] = set()


def _listed_ids(client: Any) -> dict[str, list[str]]:
    """The ids each list answers (what a client would ask for next)."""
    found = {}
    for path in ("services", "organizations", "taxonomies", "taxonomy_terms", "service_at_locations"):
        found[f"/{path}/{{id}}"] = [item["id"] for item in client.get(f"/hsds/{path}?per_page=200").json()["contents"]]
    return found


COUNTS = {"operations": 0, "cases": 0, "own operations": 0, "own cases": 0}


@pytest.fixture(scope="module")
def listed_ids(django_db_setup, django_db_blocker) -> Iterator[dict[str, list[str]]]:
    """The network of test_hsds.py, built once for every operation (they only read), rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        build_network()
        listed = _listed_ids(Client())
        KNOWN_IDS.update(identifier for identifiers in listed.values() for identifier in identifiers)
        yield listed
        transaction.set_rollback(True)
    print(  # noqa: T201  (the CI log shows the counts)
        f"\nschemathesis: official HSDS 3.0 openapi.json {COUNTS['operations']} operations, {COUNTS['cases']} test "
        f"cases; /hsds/openapi.json {COUNTS['own operations']} operations, {COUNTS['own cases']} test cases"
    )


@pytest.fixture
def operation_counted() -> None:
    COUNTS["operations"] += 1


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_official_hsds_openapi_finds_no_failure(case, listed_ids, operation_counted):
    # Given a generated request (most ids replaced by one the API lists)
    ids = listed_ids.get(case.operation.path)
    if ids and "id" in (case.path_parameters or {}):
        generated = str(case.path_parameters["id"])
        if sum(generated.encode()) % 4:
            case.path_parameters["id"] = ids[sum(generated.encode()) % len(ids)]
    COUNTS["cases"] += 1

    # When it is sent to /hsds/, then every check of schemathesis' default configuration passes (two narrowed where
    # the official document cannot be met: module docstring)
    with wsgi_keeps_the_test_connection():
        case.call_and_validate(
            base_url=BASE_URL,
            headers={"Accept-Language": "en"},
            excluded_checks=[status_code_conformance, response_schema_conformance],
            additional_checks=[status_code_within_the_official_document, service_at_location_schema],
        )


def test_every_operation_of_the_official_document_is_run():
    assert len(list(schema.get_all_operations())) == 11


# ---------------------------------------------------------------------------------------------------------------
# This deployment's own description (/hsds/openapi.json), with no check narrowed: it documents our 400 and 404.


def _load_own_description() -> Any:
    with wsgi_keeps_the_test_connection():
        return schemathesis.openapi.from_wsgi("/hsds/openapi.json", get_wsgi_application())


own = _load_own_description()


@pytest.fixture
def own_operation_counted() -> None:
    COUNTS["own operations"] += 1


@pytest.mark.django_db
@own.parametrize()
@settings(max_examples=5, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_our_own_openapi_description_is_what_hsds_answers(case, listed_ids, own_operation_counted):
    COUNTS["own cases"] += 1
    ids = listed_ids.get(case.operation.path)
    if ids and "id" in (case.path_parameters or {}):
        generated = str(case.path_parameters["id"])
        if sum(generated.encode()) % 4:
            case.path_parameters["id"] = ids[sum(generated.encode()) % len(ids)]

    with wsgi_keeps_the_test_connection():
        case.call_and_validate(headers={"Accept-Language": "fr"})
