"""Only ids travel: distinctive personal values, seeded into referrals, appear nowhere they could leak to.

The whole flow runs (send, accept, read, messages, appointment, completion, a decline with a note, a withdrawal,
reminders, expiry, digests, erasure), and we capture every email, every log record of every logger at DEBUG,
every Celery message, every outbox row, every notification, every URL requested and every error message.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

import pytest
from celery.app.task import Task
from django.core.exceptions import ValidationError
from django.core.signals import request_started
from django.urls import reverse
from django.utils import timezone

from network.notifications.models import Notification
from network.notifications.services import notifications_send_digests
from network.outbox.models import OutboxMessage
from network.referrals import services
from network.referrals.models import DeclineReason, Outcome, Referral, ReferralStatus
from network.referrals.tasks import referrals_housekeeping
from tests.referrals.factories import consent_data, make_service, send, sender_and_receiver

pytestmark = pytest.mark.django_db

CANARY = {
    "name": "Zxqvcanary Name",
    "contact_detail": "+33 7 99 88 77 66",
    "handle": "@canary_handle",
    "safe_times": "canary safe times",
    "needs": "canary needs text",
    "purpose": "canary consent purpose",
    "note": "canary decline note",
    "message": "canary message body",
}
# Pieces that would betray a value even when reformatted (a phone number without spaces, a lowercased name).
NEEDLES = [value.lower() for value in CANARY.values()] + ["zxqvcanary", "799887766", "canary_handle"]


def _leaks(text: str) -> list[str]:
    lowered = text.lower().replace(" ", "")
    return [needle for needle in NEEDLES if needle.replace(" ", "") in lowered]


@pytest.fixture
def captured(monkeypatch, caplog) -> dict[str, list[Any]]:
    """Record Celery messages, URLs requested and log records (every logger, DEBUG) while the test runs."""
    record: dict[str, list[Any]] = {"celery": [], "urls": []}
    original = Task.apply_async

    def apply_async(self, args=None, kwargs=None, *rest, **options):
        record["celery"].append((self.name, args, kwargs, options))
        return original(self, args, kwargs, *rest, **options)

    monkeypatch.setattr(Task, "apply_async", apply_async)

    def on_request(sender, environ=None, **kwargs):
        if environ:
            record["urls"].append(f"{environ.get('PATH_INFO', '')}?{environ.get('QUERY_STRING', '')}")

    request_started.connect(on_request, dispatch_uid="canary-urls")
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)
    yield record
    request_started.disconnect(dispatch_uid="canary-urls")


def test_personal_values_never_leave_in_mail_logs_tasks_outbox_notifications_urls_or_errors(
    captured, caplog, mailoutbox, django_capture_on_commit_callbacks, signed_in, settings
):
    settings.REFERRAL_REMINDER_DAYS, settings.REFERRAL_EXPIRY_DAYS, settings.REFERRAL_RETENTION_DAYS = 3, 14, 90
    sender, receiver, sender_org, receiver_org = sender_and_receiver()
    receiver.notification_email = "digest"  # the digest too must carry nothing personal
    receiver.save(update_fields=["notification_email"])
    service = make_service(receiver_org)
    person = {
        "name": CANARY["name"],
        "contact_channel": "phone",
        "contact_detail": CANARY["contact_detail"],
        "safe_times": CANARY["safe_times"],
        "needs": CANARY["needs"],
    }
    consent = consent_data(purpose=CANARY["purpose"])
    errors: list[str] = []
    soon = timezone.now() + datetime.timedelta(days=2)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        # A refused send (bad consent) with the person's values: the error message names no value
        try:
            send(sender, service=service, consent={**consent, "method": "telepathy"}, **person)
        except ValidationError as error:
            errors.append(str(error.message_dict))
        # A full flow: send, accept, read, messages both ways, appointment, completion
        completed = send(sender, service=service, consent=dict(consent), **person)
        services.referral_accept(referral=completed, acting_user=receiver, note=CANARY["note"])
        services.referral_message_post(referral=completed, acting_user=sender, body=CANARY["message"])
        services.referral_message_post(referral=completed, acting_user=receiver, body=CANARY["message"])
        services.referral_set_appointment(referral=completed, acting_user=receiver, appointment_at=soon)
        try:  # a refused transition: its message names no value either
            services.referral_accept(referral=completed, acting_user=receiver)
        except ValidationError as error:
            errors.append(str(error.messages))
        services.referral_complete(
            referral=completed, acting_user=receiver, outcome=Outcome.SERVICE_PROVIDED, note=CANARY["note"]
        )
        # Another declined with a note, another messaged then withdrawn, another left unanswered
        declined = send(sender, service=service, consent=dict(consent), **person)
        services.referral_decline(
            referral=declined, acting_user=receiver, reason=DeclineReason.OTHER, note=CANARY["note"]
        )
        withdrawn = send(
            sender,
            service=service,
            consent=dict(consent),
            **{**person, "contact_channel": "messaging", "contact_detail": CANARY["handle"]},
        )
        services.referral_accept(referral=withdrawn, acting_user=receiver)
        services.referral_withdraw_consent(referral=withdrawn, acting_user=sender)
        unanswered = send(sender, service=service, consent=dict(consent), **person)
    assert callbacks

    # Pages of the workspace, and every link the notifications carry, requested by both sides
    for user in (sender, receiver):
        client = signed_in(user)
        for referral in (completed, declined, withdrawn, unanswered):
            client.get(reverse("referrals:detail", kwargs={"pk": referral.pk}))
            client.get(reverse("referrals:access_log", kwargs={"pk": referral.pk}))
        client.get(reverse("referrals:inbox"))
        client.get(reverse("referrals:sent"))
        for link in Notification.objects.filter(user=user).values_list("link", flat=True):
            client.get(link)
    for referral in (completed, withdrawn):
        services.referral_read_personal(
            referral=Referral.objects.get(pk=referral.pk), acting_user=receiver, channel="page"
        )

    # Time passes: a reminder, then expiry; the digest goes out; after the retention period, erasure
    Referral.objects.filter(pk=unanswered.pk).update(created_at=timezone.now() - datetime.timedelta(days=4))
    with django_capture_on_commit_callbacks(execute=True):
        referrals_housekeeping.delay()
    Referral.objects.filter(pk=unanswered.pk).update(created_at=timezone.now() - datetime.timedelta(days=15))
    with django_capture_on_commit_callbacks(execute=True):
        referrals_housekeeping.delay()
    notifications_send_digests()
    Referral.objects.exclude(closed_at=None).update(closed_at=timezone.now() - datetime.timedelta(days=91))
    with django_capture_on_commit_callbacks(execute=True):
        referrals_housekeeping.delay()

    # The flow did happen
    statuses = dict(Referral.objects.values_list("pk", "status"))
    assert statuses[completed.pk] == ReferralStatus.COMPLETED
    assert statuses[declined.pk] == ReferralStatus.DECLINED
    assert statuses[withdrawn.pk] == ReferralStatus.CONSENT_WITHDRAWN
    assert statuses[unanswered.pk] == ReferralStatus.EXPIRED
    assert not Referral.objects.filter(personal_data_erased_at=None).exists()
    topics = set(OutboxMessage.objects.values_list("topic", flat=True))
    assert {"referrals.received", "referrals.message", "referrals.reminder", "referrals.expired"} <= topics
    assert len(mailoutbox) >= 8 and captured["celery"] and captured["urls"] and caplog.records and errors

    # And no personal value is anywhere it could leak to
    places: dict[str, list[str]] = {
        "email": [f"{m.subject}\n{m.body}\n{m.to}\n{m.extra_headers}" for m in mailoutbox],
        "log": [f"{r.name} {r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records],
        "celery": [repr(call) for call in captured["celery"]],
        "outbox": [repr(row) for row in OutboxMessage.objects.values_list("topic", "object_id", "last_error")],
        "notification": [
            repr(row) for row in Notification.objects.values_list("topic", "object_id", "reference", "link")
        ],
        "url": captured["urls"],
        "error": errors,
    }
    leaks = {where: found for where, texts in places.items() for text in texts if (found := _leaks(text))}
    assert leaks == {}
    assert all(texts for texts in places.values()), {where: len(texts) for where, texts in places.items()}
