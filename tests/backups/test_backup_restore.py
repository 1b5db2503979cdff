"""Encrypted backups restore into a fresh database with everything in it, and erased data stays erased.

Runs against the configured PostgreSQL (DATABASE_URL): the test database is dumped with pg_dump, the restores go
into fresh databases created on the same server (conftest.py).
"""

from __future__ import annotations

import datetime
import subprocess
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.utils import timezone

from network.backups.crypto import decrypt_stream, parse_keys
from network.orgs.models import Role
from network.referrals import services
from network.referrals.models import Referral, ReferralStatus
from tests import factories
from tests.processes.conftest import _restore_migrated_state
from tests.referrals.factories import make_referral, sender_and_receiver
from tests.resources.factories import make_resource

from .conftest import backups_missing_reason, state_of
from .restored_state import restored_state

if reason := backups_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(scope="module", autouse=True)
def _migrated_state_around_module(django_db_setup, django_db_blocker) -> Iterator[None]:
    """These tests commit their data for pg_dump to see: start and leave with exactly the migrated data."""
    with django_db_blocker.unblock():
        _restore_migrated_state()
    yield
    with django_db_blocker.unblock():
        _restore_migrated_state()


PERSON = "Zephyrine Backupcheck"
ORGANISATION = "Association Qwxplainte"


@pytest.fixture
def network():
    """Two partner organisations with members, a resource and referrals in several states."""
    sender, receiver, sender_org, receiver_org = sender_and_receiver()
    sender_org.name = ORGANISATION
    sender_org.save(update_fields=["name"])
    factories.member(receiver_org, Role.PEER)
    make_resource(receiver_org, title="Guide de l'accès aux droits")
    make_resource(sender_org, title="Outil réservé", visibility="network")
    referrals = {
        "open": make_referral(sender, receiver, status=ReferralStatus.ACCEPTED, name=PERSON),
        "to_withdraw": make_referral(sender, receiver, status=ReferralStatus.ACCEPTED, name="Withdrawn Person"),
        "to_erase": make_referral(sender, receiver, status=ReferralStatus.COMPLETED, name="Erased Person"),
        "past_retention": make_referral(sender, receiver, status=ReferralStatus.CANCELLED, name="Old Person"),
    }
    # Closed long ago but not yet purged when the backup is taken (beat had not run).
    Referral.objects.filter(pk=referrals["past_retention"].pk).update(
        closed_at=timezone.now() - datetime.timedelta(days=400)
    )
    return {"sender": sender, "receiver": receiver, "referrals": referrals}


def test_a_backup_holds_the_data_only_encrypted_and_restores_all_of_it_into_a_fresh_database(
    network, backup_keys, erasure_ledger, fresh_database, tmp_path
):
    # Given a backup of the database
    before = restored_state()
    backup = tmp_path / "passerelle.backup"
    call_command("backup_database", output=backup)

    # Then the file shows no trace of the data: not a dump's header, no name, no email; its owner alone reads it
    content = backup.read_bytes()
    assert not content.startswith(b"PGDMP")
    for plain in (PERSON, ORGANISATION, network["sender"].email, network["receiver"].username):
        assert plain.encode() not in content
    assert backup.stat().st_mode & 0o077 == 0
    # and yet, decrypted with the key, it is a pg_dump archive holding those rows
    with backup.open("rb") as source:
        dump = b"".join(decrypt_stream(source, keys=parse_keys(backup_keys)))
    script = subprocess.run(["pg_restore", "--file=-"], input=dump, capture_output=True, timeout=60, check=True).stdout
    assert ORGANISATION.encode() in script and network["sender"].email.encode() in script
    assert PERSON.encode() not in script  # personal fields are encrypted in the database itself

    # When it is restored into a fresh database
    target = fresh_database()
    erasure_ledger.parent.mkdir(parents=True, exist_ok=True)
    erasure_ledger.touch()
    call_command("restore_database", input=backup, database_url=target, ledger=erasure_ledger)

    # Then organisations, memberships, resources and referrals are all there, personal fields decrypting
    after = state_of(target)
    assert after["organisations"] == before["organisations"]
    assert after["memberships"] == before["memberships"]
    assert after["resources"] == before["resources"] and len(after["resources"]) == 2
    open_referral = str(network["referrals"]["open"].pk)
    assert after["referrals"][open_referral] == before["referrals"][open_referral]
    assert after["referrals"][open_referral]["person_name"] == PERSON
    assert after["referrals"][open_referral]["receiver_fields"]  # the receiver still reads what was shared
    # and only what was past its retention when restored is erased (by the purge the restore runs)
    past_retention = str(network["referrals"]["past_retention"].pk)
    assert after["referrals"][past_retention]["erased"] and after["referrals"][past_retention]["person_name"] == ""
    unchanged = set(before["referrals"]) - {past_retention}
    assert {key: after["referrals"][key] for key in unchanged} == {key: before["referrals"][key] for key in unchanged}


def test_data_erased_or_withdrawn_after_the_backup_does_not_come_back_with_a_restore(
    network, backup_keys, erasure_ledger, fresh_database, tmp_path
):
    # Given a backup taken while every referral still held its personal data
    backup = tmp_path / "passerelle.backup"
    call_command("backup_database", output=backup)
    referrals = network["referrals"]

    # When, after it, the person withdraws consent for one referral and another one's data is erased
    services.referral_withdraw_consent(referral=referrals["to_withdraw"], acting_user=network["sender"])
    services.referral_erase_personal_data(referral=Referral.objects.get(pk=referrals["to_erase"].pk))
    # and a referral sent after the backup is withdrawn too (it is not in the backup at all)
    later = make_referral(network["sender"], network["receiver"], status=ReferralStatus.ACCEPTED, name="Later")
    services.referral_withdraw_consent(referral=later, acting_user=network["sender"])
    # the ledger recorded ids and dates only
    ledger = erasure_ledger.read_text()
    assert len(ledger.splitlines()) == 3
    assert "Withdrawn Person" not in ledger and "Erased Person" not in ledger

    # and the backup is restored into a fresh database
    target = fresh_database()
    call_command("restore_database", input=backup, database_url=target, ledger=erasure_ledger)

    # Then the withdrawal holds again: the referral is closed and the receiver reads no personal field
    after = state_of(target)["referrals"]
    withdrawn = after[str(referrals["to_withdraw"].pk)]
    assert withdrawn["status"] == ReferralStatus.CONSENT_WITHDRAWN
    assert withdrawn["consent_withdrawn"]
    assert withdrawn["receiver_fields"] == []
    # and the erased referral's personal values are gone again
    erased = after[str(referrals["to_erase"].pk)]
    assert erased["erased"]
    assert (erased["person_name"], erased["contact_detail"], erased["needs"], erased["consent_purpose"]) == (
        "",
        "",
        "",
        "",
    )
    # and what was past retention is purged, while the referral nobody touched keeps its data
    assert after[str(referrals["past_retention"].pk)]["erased"]
    assert after[str(referrals["open"].pk)]["person_name"] == PERSON
    assert str(later.pk) not in after
