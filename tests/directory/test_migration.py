"""The directory's models came from `orgs`: migrating a filled database forward keeps every row, key and history."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from wagtail.models import ModelLogEntry

from network.directory.models import Service, ServiceCategory, ServiceOpeningHours
from network.referrals.models import Referral

MOVED_TABLES = ("servicecategory", "service", "serviceopeninghours")


def _row_counts(prefix: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in MOVED_TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(f'{prefix}_{table}')}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
        return counts


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def _migrate(targets: list[tuple[str, str | None]] | None = None):
    executor = MigrationExecutor(connection)
    return executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_a_filled_database_keeps_its_services_referrals_and_history_when_they_move_to_the_directory_app():
    # Given a database as it was before the move (the three migrations of the move unapplied),
    old = _migrate([("directory", None)]).apps
    assert {f"orgs_{table}" for table in MOVED_TABLES} <= _tables()
    # holding a service with opening hours, a referral to it and an entry of the service's admin history
    organisation = old.get_model("orgs", "Organisation")
    clinic = organisation.objects.create(kind="health_unit", name="Clinique", slug="clinique", country="FR")
    sender = organisation.objects.create(kind="peer_group", name="Pairs", slug="pairs", country="FR")
    category = old.get_model("orgs", "ServiceCategory").objects.get(code="sexual-health-testing")
    service = old.get_model("orgs", "Service").objects.create(
        organisation=clinic, category=category, name="Dépistage", city="Paris", address="1 rue X"
    )
    old.get_model("orgs", "ServiceOpeningHours").objects.create(
        service=service, weekday=1, opens_at=datetime.time(9), closes_at=datetime.time(12)
    )
    referral = old.get_model("referrals", "Referral").objects.create(
        sender_organisation=sender,
        receiver_organisation=clinic,
        service=service,
        preferred_language="fr",
        contact_channel="phone",
    )
    content_type = old.get_model("contenttypes", "ContentType").objects.get(app_label="orgs", model="service")
    old.get_model("wagtailcore", "ModelLogEntry").objects.create(
        content_type_id=content_type.pk,
        object_id=str(service.pk),
        label=service.name,
        action="orgs.service.create",
        timestamp=timezone.now(),
    )
    before = _row_counts("orgs")

    # When the migrations are applied
    _migrate()

    # Then the tables carry the directory's names and the same rows
    tables = _tables()
    assert not {f"orgs_{table}" for table in MOVED_TABLES} & tables
    assert _row_counts("directory") == before
    moved = Service.objects.get(pk=service.pk)
    assert (moved.name, moved.organisation.slug, moved.category.code) == ("Dépistage", "clinique", category.code)
    assert ServiceOpeningHours.objects.get(service=moved).opens_at == datetime.time(9)
    assert ServiceCategory.objects.filter(code="sexual-health-testing").exists()
    # and the referral still points at its service
    assert Referral.objects.get(pk=referral.pk).service == moved
    # and the content type followed (same id, so permissions and the admin history keep pointing right)
    assert ContentType.objects.get_for_model(Service).pk == content_type.pk
    assert not ContentType.objects.filter(app_label="orgs", model__in=MOVED_TABLES).exists()
    assert ModelLogEntry.objects.get(object_id=str(service.pk)).content_type.model_class() is Service
