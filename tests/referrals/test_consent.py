"""Consent first: nothing leaves without it, the receiver sees only what it covers, and it can end at any time."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from network.notifications.models import Notification
from network.referrals import services
from network.referrals.models import (
    AccessLogEntry,
    Consent,
    EventKind,
    PersonalField,
    Referral,
    ReferralStatus,
)
from tests.referrals.factories import (
    DEFAULT_PERSON,
    consent_data,
    make_referral,
    make_service,
    send,
    sender_and_receiver,
)

pytestmark = pytest.mark.django_db

ALL_VALUES = {
    "person_name": DEFAULT_PERSON["name"],
    "contact_channel": DEFAULT_PERSON["contact_channel"],
    "contact_detail": DEFAULT_PERSON["contact_detail"],
    "safe_times": DEFAULT_PERSON["safe_times"],
    "age_range": DEFAULT_PERSON["age_range"],
    "needs": DEFAULT_PERSON["needs"],
}


def _read(referral: Referral, user) -> dict[str, str]:
    return services.referral_read_personal(
        referral=Referral.objects.select_related("consent").get(pk=referral.pk), acting_user=user, channel="page"
    )


@pytest.mark.parametrize("missing", ["shared_fields", "purpose", "method", "explained_in_language", "valid_until"])
def test_a_referral_without_a_complete_consent_is_not_sent(missing):
    # Given a consent lacking one required part
    sender, _receiver, _s, receiver_org = sender_and_receiver()
    service = make_service(receiver_org)
    consent = consent_data()
    del consent[missing]

    # When the sender sends, then it is refused on that field and nothing is saved
    with pytest.raises(ValidationError) as refused:
        send(sender, service=service, consent=consent)
    assert missing in refused.value.message_dict
    assert Referral.objects.count() == 0

    # And with the full consent it leaves
    assert send(sender, service=service).status == ReferralStatus.SENT


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("purpose", "   "),
        ("method", "telepathy"),
        ("valid_until", "not a date"),
        ("shared_fields", "name"),
        ("shared_fields", ["name", "passport_number"]),
        ("shared_fields", ["address"]),
    ],
)
def test_a_consent_with_an_invalid_part_is_refused(field, value):
    sender, _receiver, _s, receiver_org = sender_and_receiver()
    service = make_service(receiver_org)

    with pytest.raises(ValidationError) as refused:
        send(sender, service=service, consent=consent_data(**{field: value}))

    assert field in refused.value.message_dict
    assert Referral.objects.count() == 0


def test_a_consent_valid_until_a_past_date_is_refused_and_today_is_accepted():
    sender, _receiver, _s, receiver_org = sender_and_receiver()
    service = make_service(receiver_org)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as refused:
        send(sender, service=service, consent=consent_data(valid_until=yesterday))
    assert "valid_until" in refused.value.message_dict
    assert Referral.objects.count() == 0

    referral = send(sender, service=service, consent=consent_data(valid_until=timezone.localdate().isoformat()))
    assert referral.consent.valid_until == timezone.localdate()


def test_the_consent_records_who_how_in_which_language_and_until_when():
    sender, _receiver, sender_org, receiver_org = sender_and_receiver()
    service = make_service(receiver_org)
    until = timezone.localdate() + datetime.timedelta(days=30)

    referral = send(
        sender,
        service=service,
        consent=consent_data(
            ["needs", "name", "name"],
            method="written",
            explained_in_language="RU",
            interpreter_used=True,
            valid_until=until,
        ),
    )

    consent = referral.consent
    assert consent.receiving_organisation == receiver_org
    assert consent.shared_fields == ["name", "needs"]
    assert (consent.method, consent.explained_in_language, consent.interpreter_used) == ("written", "ru", True)
    assert (consent.recorded_by, consent.valid_until, consent.withdrawn_at) == (sender, until, None)
    assert consent.recorded_at is not None


def test_the_receiver_sees_no_personal_field_before_accepting_and_only_consented_ones_after():
    # Given a referral whose consent shares the name and the needs only
    sender, receiver, _s, _r = sender_and_receiver()
    referral = make_referral(sender, receiver, shared_fields=[PersonalField.NAME, PersonalField.NEEDS])

    # Before acceptance the receiver reads nothing (and no read is logged), the sender reads everything
    assert _read(referral, receiver) == {}
    assert not AccessLogEntry.objects.filter(user=receiver).exists()
    assert _read(referral, sender) == ALL_VALUES

    # After acceptance the receiver reads exactly the consented fields, and the read is logged
    services.referral_accept(referral=referral, acting_user=receiver)
    assert _read(referral, receiver) == {"person_name": "Test Person", "needs": "advice about a residence permit"}
    entry = AccessLogEntry.objects.get(user=receiver)
    assert entry.fields == ["name", "needs"]
    assert entry.organisation == referral.receiver_organisation


@pytest.mark.parametrize(
    ("shared", "expected"),
    [
        ([], set()),
        (["contact"], {"contact_channel", "contact_detail"}),
        (["safe_times", "age_range"], {"safe_times", "age_range"}),
        (list(PersonalField.values), set(ALL_VALUES)),
    ],
)
def test_the_receiver_never_reads_a_field_outside_the_consent_scope(shared, expected):
    sender, receiver, _s, _r = sender_and_receiver()
    referral = make_referral(sender, receiver, status=ReferralStatus.APPOINTMENT_SET, shared_fields=shared)

    assert set(_read(referral, receiver)) == expected


def test_withdrawal_closes_the_referral_and_the_receiver_loses_the_fields_at_once(django_capture_on_commit_callbacks):
    # Given an accepted referral whose receiver reads the consented fields
    sender, receiver, _s, _r = sender_and_receiver()
    referral = make_referral(sender, receiver, status=ReferralStatus.ACCEPTED)
    assert _read(referral, receiver) == ALL_VALUES

    # When the sender records the person's withdrawal
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_withdraw_consent(referral=referral, acting_user=sender)

    # Then the referral is closed as consent_withdrawn and the receiver reads nothing any more
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CONSENT_WITHDRAWN
    assert referral.closed_at is not None
    assert referral.consent.withdrawn_at is not None
    assert referral.consent.withdrawn_by == sender
    assert _read(referral, receiver) == {}
    # and the receiver is told, with the reference number and a link only
    notification = Notification.objects.get(user=receiver, topic="referrals.consent_withdrawn")
    assert notification.reference == referral.number
    assert notification.link.endswith(f"/{referral.pk}/")
    assert "Test Person" not in f"{notification.reference}{notification.link}"


@pytest.mark.parametrize("status", [ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.APPOINTMENT_SET])
def test_expired_consent_behaves_like_a_withdrawal(status, django_capture_on_commit_callbacks):
    # Given an open referral whose consent runs until next week, and one valid for a year
    sender, receiver, _s, receiver_org = sender_and_receiver()
    service = make_service(receiver_org)
    referral = make_referral(sender, receiver, status=status, service=service)
    Consent.objects.filter(referral=referral).update(valid_until=timezone.localdate() + datetime.timedelta(days=7))
    lasting = send(
        sender, service=service, consent=consent_data(valid_until=timezone.localdate() + datetime.timedelta(days=365))
    )

    # When the periodic pass runs eight days from now
    with django_capture_on_commit_callbacks(execute=True):
        closed = services.referrals_close_expired_consents(today=timezone.localdate() + datetime.timedelta(days=8))

    # Then only the expired one is closed as consent_withdrawn, with a "consent expired" event
    assert closed == 1
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CONSENT_WITHDRAWN
    assert referral.consent.withdrawn_at is not None
    assert referral.events.filter(kind=EventKind.CONSENT_EXPIRED).count() == 1
    assert Referral.objects.get(pk=lasting.pk).status == ReferralStatus.SENT
    # and the receiver reads nothing and is told without details
    assert _read(referral, receiver) == {}
    assert Notification.objects.filter(user=receiver, topic="referrals.consent_withdrawn").count() == 1
    # and running again changes nothing
    assert services.referrals_close_expired_consents(today=timezone.localdate() + datetime.timedelta(days=8)) == 0


def test_the_receiver_reads_nothing_once_the_consent_date_has_passed_even_before_the_periodic_pass():
    sender, receiver, _s, _r = sender_and_receiver()
    referral = make_referral(sender, receiver, status=ReferralStatus.ACCEPTED)
    Consent.objects.filter(referral=referral).update(valid_until=timezone.localdate() - datetime.timedelta(days=1))

    assert _read(referral, receiver) == {}
    assert _read(referral, sender) == ALL_VALUES


def test_a_redirect_keeps_the_consent_scope():
    sender, receiver, _s, _r = sender_and_receiver()
    referral = make_referral(sender, receiver, status=ReferralStatus.REDIRECTED, shared_fields=["name"])

    assert _read(referral, receiver) == {}
    services.referral_accept(referral=referral, acting_user=receiver)
    assert _read(referral, receiver) == {"person_name": "Test Person"}
