"""The permission matrix, generated from the URL resolver: every URL pattern, for every actor.

The endpoints come from `urlmap.endpoints()` (every URL pattern of the resolver: the /api/ URLs, the views of our
packages, our Wagtail admin viewsets, and the inherited ones: Wagtail's, wagtail-localize's, allauth's); the
expected statuses from `decisions.DECISIONS`, or for inherited URLs without a full decision the compact rules of
`inherited.RULES` (enforced by `test_inherited_urls.py`). A new URL pattern without a decision fails the first
test, naming it. Each actor's test then GETs every endpoint (and POSTs where the table says so), inside a
transaction rolled back after each request, and reports every difference at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.security.conftest import Scenario, changed_tables, database_fingerprint
from tests.security.decisions import ACTORS, ADMIN_DENIED, DECISIONS, LOGIN, REFUSALS, Decision, Status
from tests.security.inherited import rule_for
from tests.security.urlmap import Endpoint, endpoints

SIGN_IN_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def client_for(scenario: Scenario, actor: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)  # a 500 is one difference among others
    user = scenario.user(actor)
    if user is not None:
        client.force_login(user, backend=SIGN_IN_BACKEND)
    return client


def observed(response: HttpResponse) -> Status:
    """The status as the decision table writes it (a redirect to sign in, or to the admin home, has a name)."""
    if response.status_code == 302:
        location = response.get("Location", "")
        if "/accounts/login/" in location:
            return LOGIN
        if location.rstrip("/") == "/admin":
            return ADMIN_DENIED
    return response.status_code


def url_of(endpoint: Endpoint, decision: Decision, scenario: Scenario) -> str:
    if decision.path is not None:
        return decision.path(scenario)
    assert endpoint.named, f"{endpoint.name} has no URL name: its decision must give `path`"
    kwargs = decision.kwargs(scenario)
    missing = set(endpoint.parameters) - set(kwargs)
    assert not missing, f"the decision for {endpoint.name} gives no value for {sorted(missing)}"
    with translation.override("en"):
        return reverse(endpoint.name, kwargs=kwargs)


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run one request, then undo whatever it wrote, so the next request meets the same scenario."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def decided_endpoints() -> list[tuple[Endpoint, Decision]]:
    return [(endpoint, DECISIONS[endpoint.name]) for endpoint in endpoints() if endpoint.name in DECISIONS]


def _request(client: Client, method: str, url: str, endpoint: Endpoint, data: dict[str, Any]) -> HttpResponse:
    if method == "get":
        return client.get(url)
    if endpoint.kind == "api":
        return client.post(url, data, content_type="application/json")
    return client.post(url, data)


# ---------------------------------------------------------------------------------------------------------------


def test_every_endpoint_in_scope_has_a_decision():
    # Given every URL pattern in the URL resolver
    found = endpoints()
    names = {endpoint.name for endpoint in found}

    # Then each has a decision (an inherited one at least a rule), and no decision names an endpoint that is gone
    undecided = [
        f"add a decision for {endpoint.name!r} ({endpoint.kind}: {endpoint.route}"
        f"{'' if endpoint.named else ', no URL name: give `path`'}) in tests/security/decisions.py"
        f"{' or a rule in tests/security/inherited.py' if endpoint.kind == 'inherited' else ''}"
        for endpoint in found
        if endpoint.name not in DECISIONS and not (endpoint.kind == "inherited" and rule_for(endpoint.name))
    ]
    undecided += [
        f"the rule for {endpoint.name!r} ({endpoint.route}) must give `path`: the route has unnamed groups"
        for endpoint in found
        if endpoint.kind == "inherited"
        and endpoint.name not in DECISIONS
        and (endpoint.positional or not endpoint.named)
        and (rule := rule_for(endpoint.name)) is not None
        and rule.path is None
    ]
    stale = [f"remove the decision for {name}: no such URL in scope" for name in sorted(set(DECISIONS) - names)]
    assert not undecided + stale, "\n".join(undecided + stale)


def test_the_scope_covers_every_url_pattern_the_inherited_ones_included():
    # The resolver walk finds each kind of endpoint (a broken walk would silently decide nothing)
    found = endpoints()
    kinds = {endpoint.kind for endpoint in found}
    inherited = {endpoint.name for endpoint in found if endpoint.kind == "inherited"}

    assert kinds == {"api", "view", "admin", "inherited"}
    assert {"referrals-api:referral-detail", "referrals:detail", "organisations:edit"} <= {e.name for e in found}
    assert {
        "wagtailadmin_pages:edit",
        "wagtailadmin_explore",
        "wagtaildocs:index",
        "wagtailusers_users:index",
        "wagtail_localize:snippets_api_listing",
        "wagtaillocales:index",
        "account_login",
        "mfa_index",
        "wagtail_serve",
    } <= inherited


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_each_actor_gets_the_decided_status_from_every_endpoint(actor, scenario):
    # Given the scenario (A owns the objects; B is A's partner; C is unrelated) and one actor's client
    client = client_for(scenario, actor)
    differences: list[str] = []

    for endpoint, decision in decided_endpoints():
        url = url_of(endpoint, decision, scenario)

        # When the actor GETs the endpoint
        with rolled_back():
            response = client.get(url)
        status = observed(response)

        # Then the status is the decided one, and an id hidden from this actor is not in the body
        if status != decision.get[actor]:
            differences.append(f"GET  {endpoint.name} {url}: {status}, decided {decision.get[actor]}")
        if decision.hidden and actor in decision.hidden_from and status == 200:
            if str(decision.hidden(scenario)) in response.content.decode(errors="replace"):
                differences.append(f"GET  {endpoint.name} {url}: shows an object hidden from {actor}")

        # And a POST gets the decided status; a refused one changes nothing at all
        if decision.post is None or actor not in decision.post:
            continue
        expected = decision.post[actor]
        with rolled_back():
            data = decision.post_data(scenario)
            before = database_fingerprint() if expected in REFUSALS else None
            response = _request(client, "post", url, endpoint, data)
            after = database_fingerprint() if before is not None else None
        status = observed(response)
        if status != expected:
            differences.append(f"POST {endpoint.name} {url}: {status}, decided {expected}")
        if before is not None and changed_tables(before, after):
            differences.append(f"POST {endpoint.name} {url}: refused, yet changed {changed_tables(before, after)}")

    assert not differences, f"{actor}:\n" + "\n".join(differences)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", [actor for actor in ACTORS if actor != "anonymous"])
def test_responses_carrying_personal_data_are_never_stored(actor, scenario):
    # Given the endpoints whose responses carry personal data, and a signed-in actor
    client = client_for(scenario, actor)
    stored: list[str] = []

    for endpoint, decision in decided_endpoints():
        if not decision.personal_data:
            continue
        url = url_of(endpoint, decision, scenario)

        # When the actor reads one it may read
        with rolled_back():
            response = client.get(url)

        # Then no cache (browser, proxy) may keep it
        if response.status_code == 200 and "no-store" not in response.get("Cache-Control", ""):
            stored.append(f"{endpoint.name} {url}: Cache-Control {response.get('Cache-Control')!r}")

    assert not stored, f"{actor} got personal data that caches may store:\n" + "\n".join(stored)
