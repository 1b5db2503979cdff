"""The person's slip: a printable page in the person's language with the service and the appointment and nothing else
about them, its calendar file, and sending it to the person's phone (preview, consent, outbox after commit)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import serializers
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from network.directory.models import ServiceOpeningHours, Weekday
from network.orgs.models import Role
from network.outbox.models import OutboxMessage
from network.referrals import messaging, services
from network.referrals.models import (
    AccessChannel,
    AccessLogEntry,
    EventKind,
    Referral,
    ReferralEvent,
    ReferralStatus,
    SlipDelivery,
)
from network.referrals.slip import SLIP_MESSAGE_TOPIC, slip_for, slip_language
from tests import factories
from tests.referrals.factories import make_referral, make_service, sender_and_receiver

pytestmark = pytest.mark.django_db

PERSON_NAME = "Zoya-Canary"
CONTACT_DETAIL = "+33 6 12 34 56 78"
CONTACT_DIGITS = "612345678"
NEEDS = "needs-canary renew the residence permit"
SAFE_TIMES = "safe-times-canary after eight"
ADDRESS = "12 rue des Lilas"
PLACE = "Second floor, room 4"
NOTE = "Bring any paper you have from the prefecture"
PHONE = "+33 4 00 11 22 33"


@pytest.fixture(autouse=True)
def _english_and_empty_messages():
    messaging.sent_messages.clear()
    with translation.override("en"):
        yield
    messaging.sent_messages.clear()


@pytest.fixture
def people():
    sender, receiver, sender_org, receiver_org = sender_and_receiver()
    return sender, receiver, sender_org, receiver_org


def _appointment_referral(people, *, confidential: bool = False, **person) -> Referral:
    """A referral with an appointment on Monday 2030-03-04 at 10:30 (Paris), a place and a note."""
    sender, receiver, _sender_org, receiver_org = people
    service = make_service(
        receiver_org,
        name="Free legal consultation",
        address=ADDRESS,
        postal_code="69001",
        city="Lyon",
        address_is_confidential=confidential,
        phone=PHONE,
    )
    ServiceOpeningHours.objects.create(
        service=service, weekday=Weekday.TUESDAY, opens_at=datetime.time(9), closes_at=datetime.time(12, 30)
    )
    referral = make_referral(
        sender,
        receiver,
        service=service,
        status=ReferralStatus.ACCEPTED,
        name=PERSON_NAME,
        contact_detail=CONTACT_DETAIL,
        needs=NEEDS,
        safe_times=SAFE_TIMES,
        **person,
    )
    when = datetime.datetime(2030, 3, 4, 10, 30, tzinfo=timezone.get_current_timezone())
    services.referral_set_appointment(
        referral=referral, acting_user=receiver, appointment_at=when, place=PLACE, note=NOTE
    )
    return Referral.objects.select_related("consent").get(pk=referral.pk)


def slip_url(referral: Referral, language: str | None = None) -> str:
    url = reverse("referrals:slip", kwargs={"pk": referral.pk})
    return f"{url}?language={language}" if language else url


def ics_url(referral: Referral) -> str:
    return reverse("referrals:slip_ics", kwargs={"pk": referral.pk})


def send_url(referral: Referral) -> str:
    return reverse("referrals:slip_send", kwargs={"pk": referral.pk})


def _assert_nothing_personal(text: str) -> None:
    for secret in (PERSON_NAME, CONTACT_DETAIL, NEEDS, SAFE_TIMES, "legal advice about residence"):
        assert secret not in text, secret
    assert CONTACT_DIGITS not in text.replace(" ", "")


# ---------------------------------------------------------------------------------------------------------------
# The printed slip


@pytest.mark.parametrize("side", ["sender", "receiver"])
def test_slip_shows_the_appointment_and_the_service_and_no_other_personal_data(people, signed_in, side):
    # Given an accepted referral with an appointment, a place and a note
    referral = _appointment_referral(people, preferred_language="en")
    user = people[0] if side == "sender" else people[1]

    # When a worker of either side opens the slip
    response = signed_in(user).get(slip_url(referral))

    # Then it shows the service, its address, phone and hours, and the appointment with its place and note
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    html = response.content.decode()
    for shown in ("Free legal consultation", ADDRESS, "69001 Lyon", PHONE, PLACE, NOTE, "Tuesday", "Monday"):
        assert shown in html, shown
    assert "10:30" in html and "2030" in html
    assert referral.number in html
    # and nothing else about the person: no name, needs, contact, safe times, consent purpose
    _assert_nothing_personal(html)
    # and none of the platform's navigation
    assert "workspace-nav" not in html and "site-header" not in html and "site-footer" not in html


def test_slip_says_an_interpreter_will_be_there_only_when_the_referral_asks_for_one(people, signed_in):
    with_interpreter = _appointment_referral(people, interpreter_needed=True, preferred_language="en")
    without = make_referral(people[0], people[1], status=ReferralStatus.ACCEPTED, preferred_language="en")
    client = signed_in(people[0])
    assert "An interpreter will be there." in client.get(slip_url(with_interpreter)).content.decode()
    assert "An interpreter will be there." not in client.get(slip_url(without)).content.decode()


def test_confidential_address_is_withheld_from_the_slip_the_calendar_and_the_message(people, signed_in):
    # Given a service at a confidential address (a drop-in centre)
    referral = _appointment_referral(people, confidential=True, preferred_language="en")
    client = signed_in(people[0])

    # When the slip, its calendar file and the message preview are produced
    page = client.get(slip_url(referral)).content.decode()
    ics = client.get(ics_url(referral)).content.decode()
    preview = client.get(send_url(referral)).content.decode()

    # Then none of them carries the address; the slip says to call the service
    for text in (page, ics, preview):
        assert ADDRESS not in text and "69001" not in text
    assert "The address is not written here" in page
    assert PHONE in page


def test_slip_is_in_the_persons_preferred_language_and_the_worker_can_switch_it(people, signed_in):
    # Given a referral for a person who prefers Spanish, opened by a worker reading English
    referral = _appointment_referral(people, preferred_language="es")
    client = signed_in(people[0])

    # When the slip opens, it is in Spanish (the weekday of the appointment, 4 March 2030, is a Monday)
    html = client.get(slip_url(referral)).content.decode()
    assert 'lang="es"' in html and "lunes" in html.lower()
    assert 'dir="ltr"' in html

    # and the person's language stays out of the addresses the page links to
    assert "language=es" not in html

    # When the worker switches it to Arabic, it reads right to left, in Arabic, and the calendar file follows
    html = client.get(slip_url(referral, "ar")).content.decode()
    assert 'id="slip" lang="ar" dir="rtl"' in html
    assert "الاثنين" in html
    assert f"{ics_url(referral)}?language=ar" in html
    # and a language the interface does not speak falls back to the person's
    assert 'id="slip" lang="es"' in client.get(slip_url(referral, "xx")).content.decode()


@pytest.mark.parametrize(
    ("preferred", "expected"), [("es", "es"), ("zh", "zh-hans"), ("fr-be", "fr"), ("ti", "en"), ("", "en")]
)
def test_slip_language_follows_the_person_then_the_interface(people, preferred, expected):
    referral = Referral(preferred_language=preferred)
    assert slip_language(referral, fallback="en") == expected


def test_receiver_cannot_print_the_slip_before_accepting_and_others_get_404(people, signed_in):
    # Given a referral not yet answered
    sender, receiver, sender_org, _receiver_org = people
    referral = make_referral(sender, receiver)
    # Then the receiver is refused (403), as for the personal data; the sender may print it
    assert signed_in(receiver).get(slip_url(referral)).status_code == 403
    assert signed_in(sender).get(slip_url(referral)).status_code == 200
    # and a peer of the sending organisation, or an unrelated coordinator, gets 404
    peer = factories.member(sender_org, Role.PEER)
    assert signed_in(peer).get(slip_url(referral)).status_code == 404
    outsider = factories.member(factories.organisation(), Role.COORDINATOR)
    assert signed_in(outsider).get(ics_url(referral)).status_code == 404


def test_no_slip_once_the_consent_is_withdrawn(people, signed_in):
    sender, receiver, _s, _r = people
    referral = make_referral(sender, receiver, status=ReferralStatus.CONSENT_WITHDRAWN)
    assert signed_in(sender).get(slip_url(referral)).status_code == 403


def test_referral_page_links_to_the_slip_for_those_who_may_print_it(people, signed_in):
    sender, receiver, _s, _r = people
    referral = make_referral(sender, receiver)
    detail = reverse("referrals:detail", kwargs={"pk": referral.pk})
    assert slip_url(referral) in signed_in(sender).get(detail).content.decode()
    assert slip_url(referral) not in signed_in(receiver).get(detail).content.decode()


# ---------------------------------------------------------------------------------------------------------------
# The calendar file


def test_calendar_file_is_valid_icalendar_with_the_appointment_and_nothing_personal(people, signed_in):
    # Given a referral with an appointment
    referral = _appointment_referral(people, preferred_language="en", interpreter_needed=True)

    # When the worker downloads the calendar file
    response = signed_in(people[0]).get(ics_url(referral))

    # Then it is one iCalendar event at the appointment's time, where the slip says, nothing more
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response.headers["Cache-Control"]
    assert 'filename="appointment.ics"' in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == referral.appointment_at
    assert "Free legal consultation" in str(event["summary"])
    assert PLACE in str(event["location"]) and ADDRESS in str(event["location"])
    description = str(event["description"])
    assert PHONE in description and NOTE in description and "interpreter" in description
    assert str(referral.pk) not in response.content.decode()
    _assert_nothing_personal(response.content.decode())


def test_calendar_file_answers_404_without_an_appointment(people, signed_in):
    referral = make_referral(people[0], people[1], status=ReferralStatus.ACCEPTED)
    assert signed_in(people[0]).get(ics_url(referral)).status_code == 404


# ---------------------------------------------------------------------------------------------------------------
# Sending the slip by message


def test_preview_shows_the_message_text_before_anything_is_sent(people, signed_in):
    # Given a referral whose consent shares the person's phone
    referral = _appointment_referral(people, preferred_language="en")

    # When the worker asks to send the slip
    response = signed_in(people[0]).get(send_url(referral))

    # Then the page shows the message as it will leave, and nothing was sent or queued
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    html = response.content.decode()
    assert 'data-testid="slip-preview"' in html
    for shown in ("Free legal consultation", PLACE, NOTE, "10:30", referral.number):
        assert shown in html, shown
    assert "Send this message" in html
    _assert_nothing_personal(html)
    assert not SlipDelivery.objects.exists()
    assert not OutboxMessage.objects.filter(topic=SLIP_MESSAGE_TOPIC).exists()


@pytest.mark.parametrize(
    "person",
    [
        {"shared_fields": ["name", "needs"]},  # the consent does not share the contact
        {"contact_channel": "through_sender", "contact_detail": ""},  # the person is reached through the sender only
    ],
)
def test_messaging_is_refused_when_the_consent_does_not_cover_the_contact_channel(people, signed_in, person):
    # Given a referral whose consent does not cover contacting the person directly
    sender, receiver, _s, _r = people
    referral = make_referral(sender, receiver, status=ReferralStatus.ACCEPTED, **person)
    client = signed_in(sender)

    # When the worker tries to preview or send the slip: refused, nothing queued
    assert client.get(send_url(referral)).status_code == 403
    response = client.post(send_url(referral), {"language": "en"})
    assert response.status_code == 403
    assert "consent does not cover" in response.content.decode()
    assert not SlipDelivery.objects.exists()
    assert not OutboxMessage.objects.filter(topic=SLIP_MESSAGE_TOPIC).exists()
    # and the slip page offers no sending
    assert send_url(referral) not in client.get(slip_url(referral)).content.decode()


@override_settings(REFERRAL_SLIP_MESSAGING_BACKEND=None)
def test_messaging_is_off_by_default_without_a_backend(people, signed_in):
    referral = _appointment_referral(people, preferred_language="en")
    client = signed_in(people[0])
    assert send_url(referral) not in client.get(slip_url(referral)).content.decode()
    response = client.post(send_url(referral), {"language": "en"})
    assert response.status_code == 403
    assert not SlipDelivery.objects.exists()


def test_backend_receives_the_text_only_after_commit(people, signed_in, django_capture_on_commit_callbacks):
    # Given a referral whose consent shares the person's phone
    referral = _appointment_referral(people, preferred_language="en")
    client = signed_in(people[0])

    # When the worker confirms the message: nothing leaves before the transaction commits
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(send_url(referral), {"language": "es"})
    assert response.status_code == 302
    assert messaging.sent_messages == []

    # Then, once committed, the backend gets the person's number and the text in the chosen language
    for callback in callbacks:
        callback()
    (sent,) = messaging.sent_messages
    assert sent.to == CONTACT_DETAIL
    assert "Free legal consultation" in sent.text and PLACE in sent.text and "lunes" in sent.text.lower()
    for secret in (PERSON_NAME, NEEDS, SAFE_TIMES):
        assert secret not in sent.text
    delivery = SlipDelivery.objects.get(referral=referral)
    assert delivery.sent_at is not None
    # and the read of the contact is in the access log, on behalf of the worker
    entry = AccessLogEntry.objects.get(referral=referral, channel=AccessChannel.SLIP_MESSAGE)
    assert entry.user == people[0] and entry.fields == ["contact"]


@override_settings(REFERRAL_SLIP_MESSAGING_BACKEND="network.referrals.messaging.ConsoleMessagingBackend")
def test_console_backend_prints_the_message_after_commit(people, signed_in, django_capture_on_commit_callbacks, capsys):
    referral = _appointment_referral(people, preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        assert signed_in(people[0]).post(send_url(referral), {"language": "en"}).status_code == 302
    printed = capsys.readouterr().out
    assert CONTACT_DETAIL in printed and "Free legal consultation" in printed and PLACE in printed


def test_console_backend_writes_to_its_stream():
    stream = io.StringIO()
    messaging.ConsoleMessagingBackend(stream).send("+33 1", "hello")
    assert "hello" in stream.getvalue()


def test_outbox_payload_and_event_log_carry_no_phone_number_or_text(
    people, signed_in, django_capture_on_commit_callbacks
):
    # Given a slip sent to the person's phone
    referral = _appointment_referral(people, preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(people[0]).post(send_url(referral), {"language": "en"})
    delivery = SlipDelivery.objects.get(referral=referral)

    # Then the outbox row names the request by id only
    (row,) = OutboxMessage.objects.filter(topic=SLIP_MESSAGE_TOPIC)
    assert row.object_id == str(delivery.pk)
    assert row.delivered_at is not None
    stored = serializers.serialize("json", [row, delivery])
    assert CONTACT_DIGITS not in stored.replace(" ", "") and CONTACT_DETAIL not in stored
    assert "Free legal consultation" not in stored and PLACE not in stored
    # and the referral's timeline records the sending (channel, language), never the number
    event = ReferralEvent.objects.get(referral=referral, kind=EventKind.SLIP_SENT)
    assert event.actor == people[0]
    assert "SMS" in event.note
    assert CONTACT_DIGITS not in event.note.replace(" ", "")


def test_a_consent_withdrawn_before_sending_stops_the_message(people, signed_in, django_capture_on_commit_callbacks):
    # Given a slip message requested but not yet sent
    sender = people[0]
    referral = _appointment_referral(people, preferred_language="en")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        signed_in(sender).post(send_url(referral), {"language": "en"})

    # When the consent is withdrawn before the outbox runs
    services.referral_withdraw_consent(referral=referral, acting_user=sender)
    for callback in callbacks:
        callback()

    # Then nothing is sent and the request says why (without any detail about the person)
    assert messaging.sent_messages == []
    delivery = SlipDelivery.objects.get(referral=referral)
    assert delivery.sent_at is None and delivery.not_sent_reason == "consent_or_access_ended"
    assert ReferralEvent.objects.filter(referral=referral, kind=EventKind.SLIP_NOT_SENT).exists()


def test_slip_for_reads_the_opening_hours_in_one_query(people, django_assert_max_num_queries):
    referral = _appointment_referral(people, preferred_language="en")
    referral = Referral.objects.select_related("service", "service__organisation").get(pk=referral.pk)
    with django_assert_max_num_queries(1):
        slip = slip_for(referral, language="en")
    assert slip.service_name == "Free legal consultation"
    assert [slot.weekday for slot in slip.opening_hours] == [Weekday.TUESDAY]
