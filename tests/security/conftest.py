"""The scenario every security test attacks: organisation A and what it owns, a partner B, an unrelated C.

    A (owning organisation): coordinator, staff, peer, volunteer; a service; a member; a notification
    B (A's partner):        coordinator, staff; a legal-advice service taking referrals; a referral A → B
    C (unrelated):          coordinator (the outsider)
    a network administrator

Everything is built through the real services (tests/factories.py, tests/referrals/factories.py), so the states
are states the product can reach. Every actor has TOTP enrolled, as the two-factor rule requires of the roles
that read personal data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Model
from rest_framework.authtoken.models import Token

from network.accounts.models import User
from network.directory.models import Service
from network.notifications.services import notify
from network.orgs.models import Membership, Organisation, Partnership, Role
from network.referrals.models import Referral
from tests import factories
from tests.referrals import factories as referral_factories
from tests.security.decisions import (
    ACTORS,
    ANONYMOUS,
    COORDINATOR,
    NETWORK_ADMIN,
    OUTSIDER,
    PARTNER,
    PEER,
    STAFF,
    VOLUNTEER,
)

# The rows a refused request must leave exactly as they were: our apps, and what our services write elsewhere.
OUR_APP_PREFIXES = ("network.", "cms.")
ALSO_WATCHED = (
    "wagtailcore.Page",
    "wagtailcore.Revision",
    "wagtailcore.Collection",
    "wagtaildocs.Document",
    "auth.Group",
    "authtoken.Token",
    "mfa.Authenticator",
)


@dataclass
class Scenario:
    a: Organisation
    b: Organisation
    c: Organisation
    users: dict[str, User | None]
    partnership: Partnership
    a_service: Service
    b_service: Service
    referral: Referral
    a_membership: Membership
    extra: dict[str, Any] = field(default_factory=dict)  # what decisions create on demand, by name

    def user(self, actor: str) -> User | None:
        return self.users[actor]

    def once(self, name: str, make: Callable[[], Any]) -> Any:
        """An object a decision needs, made the first time it is asked for (outside any rolled-back request)."""
        if name not in self.extra:
            self.extra[name] = make()
        return self.extra[name]


def build_scenario() -> Scenario:
    """Organisations A, B (partners) and C (unrelated), one user per actor, and the objects A owns."""
    a = factories.organisation(name="Alpha Outreach")
    b = factories.organisation(name="Bravo Legal Clinic")
    c = factories.organisation(name="Charlie Unrelated")
    partnership = factories.active_partnership(a, b)
    users: dict[str, User | None] = {
        ANONYMOUS: None,
        NETWORK_ADMIN: factories.network_admin(),
        COORDINATOR: factories.member(a, Role.COORDINATOR),
        STAFF: factories.member(a, Role.STAFF),
        PEER: factories.member(a, Role.PEER),
        VOLUNTEER: factories.member(a, Role.VOLUNTEER),
        PARTNER: factories.member(b, Role.STAFF),
        OUTSIDER: factories.member(c, Role.COORDINATOR),
    }
    b_coordinator = factories.member(b, Role.COORDINATOR)
    a_service = referral_factories.make_service(a, "sexual-health-testing", name="Alpha testing", is_public=True)
    b_service = referral_factories.make_service(b, "legal-advice", name="Bravo legal advice", is_public=True)
    referral = referral_factories.make_referral(users[STAFF], users[PARTNER], service=b_service, sender_org=a)
    notify(users=[users[STAFF]], topic="referral.accepted", object_id=str(referral.pk), reference="R-TEST", link="/")
    for user in users.values():
        if user is not None:
            enrol_totp_for(user)
    enrol_totp_for(b_coordinator)
    return Scenario(
        a=a,
        b=b,
        c=c,
        users=users,
        partnership=partnership,
        a_service=a_service,
        b_service=b_service,
        referral=referral,
        a_membership=Membership.objects.get(organisation=a, user=users[VOLUNTEER]),
        extra={"b_coordinator": b_coordinator},
    )


def enrol_totp_for(user: User) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())


def token_for(user: User) -> str:
    return Token.objects.get_or_create(user=user)[0].key


def our_models() -> list[type[Model]]:
    ours = [
        model
        for model in apps.get_models()
        if model.__module__.startswith(OUR_APP_PREFIXES) and not model._meta.proxy and model._meta.managed
    ]
    return ours + [apps.get_model(label) for label in ALSO_WATCHED]


def database_fingerprint() -> dict[str, str]:
    """A digest of every row of our apps' tables: equal before and after means nothing changed.

    On PostgreSQL, one query has the server digest each table's rows, whole (every column as stored, ciphertext
    included), in primary key order: the same rows and columns as reading them all, without sending them over and
    decrypting them for each of the matrix's and the fuzzers' hundreds of refused requests.
    """
    models = our_models()
    if connection.vendor != "postgresql":
        return {
            model._meta.label: hashlib.sha256(
                repr(list(model._base_manager.order_by("pk").values_list())).encode()
            ).hexdigest()
            for model in models
        }
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(_table_digest_sql(model) for model in models), [m._meta.label for m in models]
        )
        return dict(cursor.fetchall())


def _table_digest_sql(model: type[Model]) -> str:
    """md5 of the text of every row of the model's table, in primary key order (the label is the parameter)."""
    table, pk = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(model._meta.pk.column)
    rows = f"string_agg(fingerprinted_row::text, ',' ORDER BY fingerprinted_row.{pk})"
    return f"SELECT %s, md5(coalesce({rows}, '')) FROM {table} AS fingerprinted_row"  # noqa: S608 (quoted names)


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(label for label in before.keys() | after.keys() if before.get(label) != after.get(label))


@pytest.fixture(scope="module")
def shared_scenario(django_db_setup, django_db_blocker) -> Iterator[Scenario]:
    """The scenario built once for a module whose tests only read it, in a transaction rolled back after the module.

    Each test still runs in its own transaction (a savepoint inside this one), rolled back after it; building the
    three organisations with their page trees, groups and users for each of the matrix's fifteen tests cost more
    than the requests themselves.
    """
    from tests.conftest import rolled_back_after_module

    with rolled_back_after_module(django_db_blocker):
        yield build_scenario()


@pytest.fixture
def scenario(db, shared_scenario) -> Scenario:
    """The module's scenario for one test; what a decision makes on demand is made again in each test's
    transaction (it is rolled back with the test), so the test sees the same scenario whatever ran before it."""
    return replace(shared_scenario, users=dict(shared_scenario.users), extra=dict(_initial_extra(shared_scenario)))


def _initial_extra(scenario: Scenario) -> dict[str, Any]:
    """The objects build_scenario itself put in `extra` (the others are made per test)."""
    return {name: scenario.extra[name] for name in INITIAL_EXTRA}


INITIAL_EXTRA = ("b_coordinator",)


__all__ = ["ACTORS", "Scenario", "build_scenario", "changed_tables", "database_fingerprint", "token_for"]
