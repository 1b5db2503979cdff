"""The person's slip: where to go, when, and who to call, in the person's language, on paper, in a calendar file, or
sent to their phone.

What the slip carries is decided here, once, for the page, the .ics and the message: the service (its name, its
organisation, its address unless confidential, its opening hours and phone), the appointment (date and time, the
place inside the service, the note for the person), whether an interpreter will be there, and the referral's
reference number (an id that says nothing about the person, and lets the reception find the referral).

Nothing else from the referral is on it: not the person's name (a paper or a phone can be lost or seen by a
landlord, a partner or the police; a name next to a sexual-health or legal service is what could hurt the person,
and the reference number already lets the service recognise them), not the needs, not the contact details, not the
sending organisation's notes or messages.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import time as time_filter
from django.utils import timezone, translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from network.accounts.models import User
from network.directory.models import Service, Weekday
from network.orgs import policy
from network.outbox.handlers import handles
from network.outbox.models import OutboxMessage
from network.outbox.services import outbox_enqueue

from . import rules as referral_rules
from .messaging import get_messaging_backend, messaging_enabled
from .models import AccessChannel, AccessLogEntry, ContactChannel, EventKind, Referral, ReferralEvent, SlipDelivery
from .rules import ReferralAction

logger = logging.getLogger(__name__)

ICAL_PRODID = "-//Passerelle//Referral slip//EN"
UID_NAMESPACE = uuid.UUID("6f1d3c52-0f8e-4a57-9a3e-51a1f2b0c7d4")
SLIP_MESSAGE_TOPIC = "referrals.slip_message"


class SlipMessagingOff(policy.AccessDenied):
    """No messaging backend is configured: slips are printed or downloaded, not sent."""


# ---------------------------------------------------------------------------------------------------------------
# Language


def slip_languages() -> list[tuple[str, str]]:
    """The interface languages a slip can be printed in, each named in itself (the person points at theirs)."""
    return [(code, str(get_language_info(code)["name_local"])) for code, _name in settings.LANGUAGES]


def slip_language(referral: Referral, *, requested: str | None = None, fallback: str | None = None) -> str:
    """The language of the slip: the one chosen on the page if it is an interface language; otherwise the person's
    preferred language when the interface speaks it (its base language counts: "zh" → "zh-hans", "fr-be" → "fr");
    otherwise `fallback` (the worker's interface language)."""
    codes = [code for code, _name in settings.LANGUAGES]
    if requested in codes:
        return str(requested)
    preferred = (referral.preferred_language or "").lower().replace("_", "-")
    for candidate in (preferred, preferred.split("-")[0]):
        if candidate in codes:
            return candidate
        for code in codes:
            if candidate and code.split("-")[0] == candidate:
                return code
    fallback = fallback or translation.get_language() or settings.LANGUAGE_CODE
    return fallback if fallback in codes else codes[0]


# ---------------------------------------------------------------------------------------------------------------
# What the slip shows


@dataclass(frozen=True)
class OpeningSlot:
    weekday: int
    opens_at: dt.time
    closes_at: dt.time
    notes: str

    @property
    def weekday_label(self) -> str:
        return str(Weekday(self.weekday).label)  # in the language active where it is shown


@dataclass(frozen=True)
class Slip:
    """Everything printed on a slip, and nothing more."""

    language: str
    number: str
    service_name: str
    organisation_name: str
    address_lines: tuple[str, ...]  # empty when the address is confidential or unknown
    address_is_confidential: bool
    phone: str
    opening_hours: tuple[OpeningSlot, ...]
    appointment_at: dt.datetime | None
    appointment_place: str
    appointment_note: str
    interpreter: bool
    uid_seed: str = field(repr=False, default="")

    @property
    def bidi(self) -> bool:
        return bool(get_language_info(self.language)["bidi"])


def slip_for(referral: Referral, *, language: str) -> Slip:
    """The slip of `referral` in `language` (the caller checked `PRINT_REFERRAL_SLIP`). Two queries at most: the
    referral's service is usually loaded, its opening hours are one more."""
    service: Service = referral.service
    hours = tuple(
        OpeningSlot(slot.weekday, slot.opens_at, slot.closes_at, slot.notes)
        for slot in service.opening_hours.order_by("weekday", "opens_at")
    )
    confidential = service.address_is_confidential
    address_lines: tuple[str, ...] = ()
    if not confidential:
        city_line = " ".join(part for part in (service.postal_code, service.city) if part)
        address_lines = tuple(line for line in (service.address, city_line) if line)
    return Slip(
        language=language,
        number=referral.number,
        service_name=service.name,
        organisation_name=service.organisation.name,
        address_lines=address_lines,
        address_is_confidential=confidential,
        phone=service.phone,
        opening_hours=hours,
        appointment_at=referral.appointment_at,
        appointment_place=referral.appointment_place,
        appointment_note=referral.appointment_note,
        interpreter=referral.interpreter_needed,
        uid_seed=str(referral.pk),
    )


def _when(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{date_filter(local, 'l')} {date_filter(local, 'DATE_FORMAT')}, {time_filter(local, 'TIME_FORMAT')}"


def slip_message_text(slip: Slip) -> str:
    """The slip as a short text message, in the slip's language (what the worker sees before sending it)."""
    with translation.override(slip.language):
        lines = [slip.service_name + (f" ({slip.organisation_name})" if slip.organisation_name else "")]
        if slip.appointment_at:
            lines.append(_("Appointment: %(when)s") % {"when": _when(slip.appointment_at)})
        if slip.appointment_place:
            lines.append(_("Where: %(place)s") % {"place": slip.appointment_place})
        if slip.address_lines:
            lines.append(_("Address: %(address)s") % {"address": ", ".join(slip.address_lines)})
        if slip.phone:
            lines.append(_("Phone: %(phone)s") % {"phone": slip.phone})
        if slip.interpreter:
            lines.append(_("An interpreter will be there."))
        if slip.appointment_note:
            lines.append(slip.appointment_note)
        lines.append(_("Reference: %(number)s") % {"number": slip.number})
    return "\n".join(lines)


def slip_ical(slip: Slip) -> bytes:
    """The appointment as an iCalendar (RFC 5545) document, with what the slip shows and nothing more. Its UID is
    derived from the referral's id but does not reveal it; moving the appointment updates the same event."""
    if slip.appointment_at is None:
        raise ValueError("A slip without an appointment has no calendar event.")
    with translation.override(slip.language):
        calendar = Calendar()
        calendar.add("prodid", ICAL_PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        event = Event()
        event.add("uid", f"{uuid.uuid5(UID_NAMESPACE, slip.uid_seed)}@passerelle.referrals")
        event.add("dtstamp", timezone.now().astimezone(dt.UTC))
        event.add("dtstart", slip.appointment_at.astimezone(dt.UTC))
        summary = _("Appointment: %(service)s") % {"service": slip.service_name}
        event.add("summary", summary)
        location = ", ".join(part for part in (slip.appointment_place, *slip.address_lines) if part)
        if location:
            event.add("location", location)
        event.add("description", _ical_description(slip))
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", dt.timedelta(hours=-2))
        event.add_component(alarm)
        calendar.add_component(event)
        return calendar.to_ical()


def _ical_description(slip: Slip) -> str:
    parts = [slip.organisation_name] if slip.organisation_name else []
    if slip.phone:
        parts.append(_("Phone: %(phone)s") % {"phone": slip.phone})
    if slip.address_is_confidential:
        parts.append(_("The address is not written here: call the service or ask who gave you this appointment."))
    if slip.interpreter:
        parts.append(_("An interpreter will be there."))
    if slip.appointment_note:
        parts.append(slip.appointment_note)
    parts.append(_("Reference: %(number)s") % {"number": slip.number})
    return "\n".join(parts)


# ---------------------------------------------------------------------------------------------------------------
# Sending the slip to the person's phone


def slip_message_refusal(user: Any, referral: Referral) -> str | None:
    """Why this user cannot send this referral's slip by message now (None: they can). The reasons say nothing
    about the person's contact details."""
    if not messaging_enabled():
        return _("Sending slips by SMS or messaging app is not switched on for this platform.")
    if policy.can(user, ReferralAction.SEND_REFERRAL_SLIP, referral):
        return None
    if not policy.can(user, ReferralAction.PRINT_REFERRAL_SLIP, referral):
        return _("You cannot use this referral's slip.")
    return _(
        "The person's consent does not cover sending them a message: it must share their contact, and the contact "
        "channel must be a phone or a messaging app."
    )


@transaction.atomic
def referral_slip_send(*, referral: Referral, acting_user: User, language: str) -> SlipDelivery:
    """Ask for the slip to be sent to the person's phone or messaging app, in `language`.

    Refused (AccessDenied) unless a backend is configured and the consent covers the contact channel. The request
    and its timeline event are written in this transaction; the message leaves through the outbox after commit,
    carrying the request's id only: the handler reads the number and composes the text when it sends.
    """
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("consent", "sender_organisation", "receiver_organisation")
        .get(pk=referral.pk)
    )
    refusal = slip_message_refusal(acting_user, referral)
    if refusal is not None:
        if not messaging_enabled():
            raise SlipMessagingOff(refusal)
        raise policy.AccessDenied(refusal)
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the languages of the platform.")})
    delivery = SlipDelivery.objects.create(
        referral=referral, language=language, channel=referral.contact_channel, requested_by=acting_user
    )
    channel_label = _("SMS") if referral.contact_channel == ContactChannel.PHONE else _("a messaging app")
    ReferralEvent.objects.create(
        referral=referral,
        kind=EventKind.SLIP_SENT,
        actor=acting_user,
        actor_organisation=referral_rules.acting_organisation(acting_user, referral),
        # The channel and the language; never the number.
        note=_("By %(channel)s, in %(language)s.")
        % {"channel": channel_label, "language": dict(settings.LANGUAGES)[language]},
    )
    outbox_enqueue(topic=SLIP_MESSAGE_TOPIC, object_id=delivery.id)
    return delivery


@handles(SLIP_MESSAGE_TOPIC)
def slip_message_deliver(message: OutboxMessage) -> None:
    """Send one requested slip: read the referral again, check the consent still covers the channel (it may have
    been withdrawn since), decrypt the number, compose the text, hand both to the backend. The read of the contact
    is written to the access log, on behalf of whoever asked for the sending."""
    delivery = SlipDelivery.objects.select_related("requested_by").filter(pk=message.object_id).first()
    if delivery is None or delivery.sent_at is not None or delivery.not_sent_reason:
        return
    referral = Referral.objects.select_related(
        "consent", "service", "service__organisation", "sender_organisation", "receiver_organisation"
    ).get(pk=delivery.referral_id)
    requester = delivery.requested_by
    backend = get_messaging_backend()
    reason = ""
    if backend is None:
        reason = "messaging_off"
    elif requester is None or not policy.can(requester, ReferralAction.SEND_REFERRAL_SLIP, referral):
        reason = "consent_or_access_ended"
    elif referral.contact_channel != delivery.channel or not referral.contact_detail.strip():
        reason = "channel_changed"
    if reason:
        delivery.not_sent_reason = reason
        delivery.save(update_fields=["not_sent_reason"])
        ReferralEvent.objects.create(referral=referral, kind=EventKind.SLIP_NOT_SENT)
        logger.info("referrals: slip delivery %s not sent (%s)", delivery.pk, reason)
        return
    assert backend is not None  # noqa: S101  (narrowed above, for the type checker)
    with translation.override(delivery.language):
        text = slip_message_text(slip_for(referral, language=delivery.language))
    AccessLogEntry.objects.create(
        referral=referral,
        user=requester,
        organisation=referral_rules.acting_organisation(requester, referral),
        fields=["contact"],
        channel=AccessChannel.SLIP_MESSAGE,
    )
    delivery.sent_at = timezone.now()
    delivery.save(update_fields=["sent_at"])
    # Last: if the backend raises, the handler's transaction rolls back and the outbox retries the whole send.
    backend.send(referral.contact_detail.strip(), text)
