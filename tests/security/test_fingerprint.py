"""The database fingerprint the matrix and the fuzzers compare around each refused request sees every change."""

from __future__ import annotations

import pytest

from network.orgs.models import Membership, Organisation, Role
from tests import factories
from tests.security.conftest import changed_tables, database_fingerprint

pytestmark = pytest.mark.django_db


def test_the_fingerprint_names_exactly_the_tables_a_change_touched():
    organisation = factories.organisation(name="Fingerprinted")
    member = factories.member(organisation, Role.STAFF)
    before = database_fingerprint()

    assert changed_tables(before, database_fingerprint()) == []  # reading twice changes nothing

    Membership.objects.filter(user=member).update(role=Role.PEER)  # one column of one row
    after_update = database_fingerprint()
    assert changed_tables(before, after_update) == ["orgs.Membership"]

    Organisation.objects.filter(pk=organisation.pk).update(city="Lyon")
    assert changed_tables(after_update, database_fingerprint()) == ["orgs.Organisation"]


def test_the_fingerprint_sees_a_row_added_and_a_row_removed():
    organisation = factories.organisation(name="Fingerprinted")
    coordinator = factories.coordinator_of(organisation)
    user = factories.UserFactory()
    before = database_fingerprint()

    row = Membership.objects.create(organisation=organisation, user=user, role=Role.PEER, created_by=coordinator)
    assert changed_tables(before, database_fingerprint()) == ["orgs.Membership"]

    row.delete()
    assert changed_tables(before, database_fingerprint()) == []  # the same rows as before
