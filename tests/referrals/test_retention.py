"""Reminders, expiry and erasure, run by the periodic Celery task (eager in tests).

Time is moved by dating rows back in the database (created_at, closed_at), not by freezing the clock: the task
runs exactly as beat runs it in production.
"""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Count
from django.utils import timezone

from network.notifications.models import Notification
from network.referrals import services
from network.referrals.models import (
    AccessLogEntry,
    Consent,
    EventKind,
    Referral,
    ReferralEvent,
    ReferralMessage,
    ReferralStatus,
)
from network.referrals.tasks import referrals_housekeeping
from tests.referrals.factories import make_referral, sender_and_receiver

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _age(referral: Referral, days: float) -> None:
    Referral.objects.filter(pk=referral.pk).update(created_at=timezone.now() - days * DAY)


def _closed_days_ago(referral: Referral, days: float) -> None:
    Referral.objects.filter(pk=referral.pk).update(closed_at=timezone.now() - days * DAY)


def _housekeeping(capture) -> dict[str, int]:
    with capture(execute=True):
        return referrals_housekeeping.delay().get()


@pytest.fixture
def two_sides():
    sender, receiver, _sender_org, _receiver_org = sender_and_receiver()
    return sender, receiver


def test_a_referral_unanswered_for_n_days_reminds_the_receiver_once(
    two_sides, settings, django_capture_on_commit_callbacks
):
    # Given reminders after 3 days, a referral sent 3 days ago, one sent yesterday, one accepted 5 days ago
    settings.REFERRAL_REMINDER_DAYS, settings.REFERRAL_EXPIRY_DAYS = 3, 14
    sender, receiver = two_sides
    due = make_referral(sender, receiver)
    _age(due, 3.1)
    recent = make_referral(sender, receiver)
    _age(recent, 1)
    answered = make_referral(sender, receiver, status=ReferralStatus.ACCEPTED)
    _age(answered, 5)

    # When the periodic task runs
    result = _housekeeping(django_capture_on_commit_callbacks)

    # Then only the due one is reminded, with an event and a notification to the receiver
    assert result["reminded"] == 1
    assert Referral.objects.get(pk=due.pk).reminded_at is not None
    assert Referral.objects.get(pk=recent.pk).reminded_at is None
    assert Referral.objects.get(pk=answered.pk).reminded_at is None
    assert ReferralEvent.objects.filter(kind=EventKind.REMINDED).count() == 1
    assert Notification.objects.filter(user=receiver, topic="referrals.reminder").count() == 1
    reminders = Notification.objects.filter(topic="referrals.reminder").count()

    # And when it runs again the next day, nobody is reminded twice
    assert _housekeeping(django_capture_on_commit_callbacks)["reminded"] == 0
    assert ReferralEvent.objects.filter(kind=EventKind.REMINDED).count() == 1
    assert Notification.objects.filter(topic="referrals.reminder").count() == reminders


def test_a_referral_unanswered_for_m_days_expires_and_the_sender_is_told(
    two_sides, settings, django_capture_on_commit_callbacks
):
    # Given expiry after 14 days, and referrals sent 15 days ago (one redirected meanwhile), 13 days ago, and an
    # accepted one sent 20 days ago
    settings.REFERRAL_EXPIRY_DAYS = 14
    sender, receiver = two_sides
    old = make_referral(sender, receiver)
    old_redirected = make_referral(sender, receiver, status=ReferralStatus.REDIRECTED)
    younger = make_referral(sender, receiver)
    accepted = make_referral(sender, receiver, status=ReferralStatus.ACCEPTED)
    for referral, days in ((old, 15), (old_redirected, 15), (younger, 13), (accepted, 20)):
        _age(referral, days)

    # When the periodic task runs
    result = _housekeeping(django_capture_on_commit_callbacks)

    # Then the two old unanswered ones expire, closed now, each with an event; the others stay as they were
    assert result["expired"] == 2
    statuses = dict(Referral.objects.values_list("pk", "status"))
    assert statuses[old.pk] == statuses[old_redirected.pk] == ReferralStatus.EXPIRED
    assert statuses[younger.pk] == ReferralStatus.SENT
    assert statuses[accepted.pk] == ReferralStatus.ACCEPTED
    assert Referral.objects.get(pk=old.pk).closed_at is not None
    assert ReferralEvent.objects.filter(kind=EventKind.EXPIRED).count() == 2
    assert Notification.objects.filter(user=sender, topic="referrals.expired").count() == 2
    # and the receiver reads nothing of an expired referral
    assert services.referral_read_personal(referral=old, acting_user=receiver, channel="page") == {}
    # and running again changes nothing
    assert _housekeeping(django_capture_on_commit_callbacks)["expired"] == 0


def test_personal_data_is_erased_after_the_retention_period_and_statistics_survive(
    two_sides, settings, django_capture_on_commit_callbacks
):
    # Given a retention of 90 days, a completed referral with notes and messages closed 91 days ago,
    # and a declined one closed 89 days ago
    settings.REFERRAL_RETENTION_DAYS = 90
    sender, receiver = two_sides
    old = make_referral(sender, receiver, status=ReferralStatus.ACCEPTED)
    services.referral_message_post(referral=old, acting_user=sender, body="She prefers mornings")
    services.referral_message_post(referral=old, acting_user=receiver, body="Noted, see you Tuesday")
    services.referral_complete(referral=old, acting_user=receiver, outcome="service_provided", note="Went well")
    services.referral_read_personal(referral=old, acting_user=receiver, channel="page")
    _closed_days_ago(old, 91)
    recent = make_referral(sender, receiver, status=ReferralStatus.DECLINED)
    _closed_days_ago(recent, 89)
    old_before = Referral.objects.get(pk=old.pk)

    # When the periodic task runs
    result = _housekeeping(django_capture_on_commit_callbacks)

    # Then the old referral's personal fields, consent purpose, notes and message bodies are blank
    assert result["erased"] == 1
    erased = Referral.objects.select_related("consent").get(pk=old.pk)
    assert erased.personal_data_erased_at is not None
    assert (erased.person_name, erased.contact_detail, erased.safe_times, erased.age_range, erased.needs) == (
        "",
        "",
        "",
        "",
        "",
    )
    assert erased.consent.purpose == ""
    assert not ReferralEvent.objects.filter(referral=erased).exclude(note="").exists()
    assert list(ReferralMessage.objects.filter(referral=erased).values_list("body", flat=True)) == ["", ""]
    assert not ReferralMessage.objects.filter(referral=erased, erased_at__isnull=True).exists()
    assert erased.events.filter(kind=EventKind.PERSONAL_DATA_ERASED).count() == 1
    # and nobody reads anything any more, not even the sender
    assert services.referral_read_personal(referral=erased, acting_user=sender, channel="page") == {}
    assert services.referral_read_personal(referral=erased, acting_user=receiver, channel="page") == {}
    # while the metadata survives for statistics
    kept = ("status", "service_id", "sender_organisation_id", "receiver_organisation_id", "urgency", "outcome")
    assert [getattr(erased, f) for f in kept] == [getattr(old_before, f) for f in kept]
    assert (erased.created_at, erased.answered_at, erased.closed_at) == (
        old_before.created_at,
        old_before.answered_at,
        old_before.closed_at,
    )
    assert (erased.preferred_language, erased.contact_channel) == ("fr", "phone")
    assert erased.consent.shared_fields == old_before.consent.shared_fields
    assert AccessLogEntry.objects.filter(referral=erased).count() == 1
    by_status = dict(Referral.objects.values_list("status").annotate(n=Count("pk")))
    assert by_status == {ReferralStatus.COMPLETED: 1, ReferralStatus.DECLINED: 1}
    # and the referral closed 89 days ago keeps its data
    kept_referral = Referral.objects.get(pk=recent.pk)
    assert kept_referral.personal_data_erased_at is None
    assert kept_referral.person_name == "Test Person"
    # and no message can be posted on an erased conversation
    with pytest.raises(services.TransitionNotAllowed):
        services.referral_message_post(referral=erased, acting_user=sender, body="Anything new?")

    # And running again erases nothing more
    assert _housekeeping(django_capture_on_commit_callbacks)["erased"] == 0
    assert erased.events.filter(kind=EventKind.PERSONAL_DATA_ERASED).count() == 1


@pytest.mark.parametrize(
    "status",
    [
        ReferralStatus.DECLINED,
        ReferralStatus.COMPLETED,
        ReferralStatus.CANCELLED,
        ReferralStatus.EXPIRED,
        ReferralStatus.CONSENT_WITHDRAWN,
    ],
)
def test_every_way_of_ending_leads_to_erasure_after_the_retention_period(
    status, two_sides, settings, django_capture_on_commit_callbacks
):
    settings.REFERRAL_RETENTION_DAYS = 30
    sender, receiver = two_sides
    referral = make_referral(sender, receiver, status=status)
    _closed_days_ago(referral, 31)

    assert _housekeeping(django_capture_on_commit_callbacks)["erased"] == 1

    referral = Referral.objects.get(pk=referral.pk)
    assert referral.status == status
    assert referral.person_name == referral.needs == referral.contact_detail == ""
    assert Consent.objects.get(referral=referral).purpose == ""


def test_open_referrals_are_never_erased_however_old(two_sides, settings, django_capture_on_commit_callbacks):
    settings.REFERRAL_RETENTION_DAYS = 1
    sender, receiver = two_sides
    referral = make_referral(sender, receiver, status=ReferralStatus.APPOINTMENT_SET)
    _age(referral, 400)

    assert _housekeeping(django_capture_on_commit_callbacks)["erased"] == 0

    assert Referral.objects.get(pk=referral.pk).person_name == "Test Person"


def test_the_services_take_an_explicit_time(two_sides, settings):
    # Given a sent referral and the settings of production (reminder 3, expiry 14, retention 90)
    settings.REFERRAL_REMINDER_DAYS, settings.REFERRAL_EXPIRY_DAYS, settings.REFERRAL_RETENTION_DAYS = 3, 14, 90
    sender, receiver = two_sides
    referral = make_referral(sender, receiver)
    now = timezone.now()

    # When the passes run at chosen moments, then each acts exactly when due
    assert services.referrals_send_reminders(now=now + 2 * DAY) == 0
    assert services.referrals_send_reminders(now=now + 4 * DAY) == 1
    assert services.referrals_expire_unanswered(now=now + 13 * DAY) == 0
    assert services.referrals_expire_unanswered(now=now + 15 * DAY) == 1
    assert services.referrals_erase_personal_data(now=now + 80 * DAY) == 0
    assert services.referrals_erase_personal_data(now=now + 120 * DAY) == 1
    referral.refresh_from_db()
    assert (referral.status, referral.person_name) == (ReferralStatus.EXPIRED, "")
