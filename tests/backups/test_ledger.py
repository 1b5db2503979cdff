"""The erasure ledger: every withdrawal and erasure is appended (ids only), and replaying it makes them hold again."""

from __future__ import annotations

import json
import logging

import pytest
from django.utils import timezone

from network.backups.ledger import erasure_ledger_read
from network.backups.services import erasures_replay
from network.referrals import services
from network.referrals.models import Consent, Referral, ReferralStatus
from tests.referrals.factories import make_referral, sender_and_receiver

pytestmark = pytest.mark.django_db

PERSON = "Ledger Person"


@pytest.fixture
def ledger(settings, tmp_path):
    path = tmp_path / "ledger" / "erasures.jsonl"
    settings.ERASURE_LEDGER_PATH = str(path)
    return path


@pytest.fixture
def parties():
    sender, receiver, _sender_org, _receiver_org = sender_and_receiver()
    return sender, receiver


def test_withdrawing_consent_and_erasing_append_the_referral_id_and_nothing_personal(ledger, parties):
    sender, receiver = parties
    withdrawn = make_referral(sender, receiver, status=ReferralStatus.ACCEPTED, name=PERSON)
    erased = make_referral(sender, receiver, status=ReferralStatus.COMPLETED, name=PERSON)

    services.referral_withdraw_consent(referral=withdrawn, acting_user=sender)
    services.referral_erase_personal_data(referral=Referral.objects.get(pk=erased.pk))

    lines = [json.loads(line) for line in ledger.read_text().splitlines()]
    assert [(line["kind"], line["referral"]) for line in lines] == [
        ("consent_withdrawn", str(withdrawn.pk)),
        ("erased", str(erased.pk)),
    ]
    assert set(lines[0]) == {"kind", "referral", "at"}
    assert PERSON not in ledger.read_text()
    assert ledger.stat().st_mode & 0o007 == 0  # not readable by everyone


def test_a_consent_that_expires_is_recorded_as_a_withdrawal(ledger, parties):
    sender, receiver = parties
    referral = make_referral(sender, receiver, status=ReferralStatus.ACCEPTED)
    Consent.objects.filter(referral=referral).update(valid_until=timezone.localdate() - timezone.timedelta(days=1))

    assert services.referrals_close_expired_consents() == 1

    assert [(entry.kind, entry.referral_id) for entry in erasure_ledger_read(ledger)] == [
        ("consent_withdrawn", referral.pk)
    ]


def test_a_ledger_that_cannot_be_written_never_blocks_a_withdrawal(settings, tmp_path, parties, caplog):
    sender, receiver = parties
    (tmp_path / "a-file").write_text("")
    settings.ERASURE_LEDGER_PATH = str(tmp_path / "a-file" / "erasures.jsonl")  # its parent is not a directory
    referral = make_referral(sender, receiver, status=ReferralStatus.ACCEPTED, name=PERSON)
    caplog.set_level(logging.ERROR, logger="network.backups.ledger")

    services.referral_withdraw_consent(referral=referral, acting_user=sender)

    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.CONSENT_WITHDRAWN
    assert [record.getMessage() for record in caplog.records] == [
        f"erasure ledger: could not record consent_withdrawn of referral {referral.pk} (FileExistsError)"
    ]


def test_replaying_the_ledger_on_an_older_copy_of_the_data_withdraws_and_erases_again_once(ledger, parties):
    # Given a withdrawal and an erasure recorded in the ledger
    sender, receiver = parties
    withdrawn = make_referral(sender, receiver, status=ReferralStatus.ACCEPTED, name=PERSON)
    erased = make_referral(sender, receiver, status=ReferralStatus.COMPLETED, name=PERSON)
    untouched = make_referral(sender, receiver, status=ReferralStatus.ACCEPTED, name=PERSON)
    services.referral_withdraw_consent(referral=withdrawn, acting_user=sender)
    services.referral_erase_personal_data(referral=Referral.objects.get(pk=erased.pk))
    entries = erasure_ledger_read(ledger)
    # and the database put back as an older backup had it
    Referral.objects.filter(pk=withdrawn.pk).update(status=ReferralStatus.ACCEPTED, closed_at=None)
    Consent.objects.filter(referral=withdrawn).update(withdrawn_at=None)
    Referral.objects.filter(pk=erased.pk).update(person_name=PERSON, personal_data_erased_at=None)

    # When the ledger is replayed, twice
    first = erasures_replay(entries=entries)
    second = erasures_replay(entries=entries)

    # Then the withdrawal and the erasure hold again, the first time only, and nothing else changed
    assert (first["withdrawn"], first["erased"]) == (1, 1)
    assert (second["withdrawn"], second["erased"]) == (0, 0)
    again = Referral.objects.select_related("consent").get(pk=withdrawn.pk)
    assert again.status == ReferralStatus.CONSENT_WITHDRAWN and again.consent.withdrawn_at is not None
    assert Referral.objects.get(pk=erased.pk).person_name == ""
    assert Referral.objects.get(pk=untouched.pk).person_name == PERSON
    # and replaying wrote nothing more to the ledger
    assert len(erasure_ledger_read(ledger)) == 2
