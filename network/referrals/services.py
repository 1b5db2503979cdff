"""Every change of state of a referral goes through these functions.

Each one locks the referral row, asks the access policy, checks the transition is allowed from the current state,
writes the change and its timeline event in one transaction, and leaves notifications to the outbox (ids only).
A transition from the wrong state raises TransitionNotAllowed and changes nothing; of two people answering at
once, the second finds the new state and is refused.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from network.accounts.models import User
from network.backups.ledger import erasure_ledger_record
from network.directory import rules as directory_rules
from network.directory.models import Service
from network.orgs import policy
from network.orgs.models import Organisation
from network.outbox.services import outbox_enqueue
from network.referrals import rules as referral_rules
from network.referrals.rules import ReferralAction

from .models import (
    AWAITING_ANSWER,
    CLOSED_STATUSES,
    OPEN_STATUSES,
    AccessChannel,
    AccessLogEntry,
    AgeRange,
    Consent,
    ConsentMethod,
    ContactChannel,
    DeclineReason,
    EventKind,
    Outcome,
    PersonalField,
    Referral,
    ReferralEvent,
    ReferralMessage,
    ReferralStatus,
    Urgency,
)

logger = logging.getLogger(__name__)

PERSONAL_MODEL_FIELDS: dict[str, tuple[str, ...]] = {
    PersonalField.NAME: ("person_name",),
    PersonalField.CONTACT: ("contact_channel", "contact_detail"),
    PersonalField.SAFE_TIMES: ("safe_times",),
    PersonalField.AGE_RANGE: ("age_range",),
    PersonalField.NEEDS: ("needs",),
}
ERASABLE_MODEL_FIELDS = ("person_name", "contact_detail", "safe_times", "age_range", "needs", "appointment_note")


# From which states each action may start: the services enforce it, screens use it to offer only what is possible.
ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    "accept": AWAITING_ANSWER,
    "decline": AWAITING_ANSWER,
    "redirect": AWAITING_ANSWER,
    "set-appointment": (ReferralStatus.ACCEPTED, ReferralStatus.APPOINTMENT_SET),
    "complete": (ReferralStatus.ACCEPTED, ReferralStatus.APPOINTMENT_SET),
    "cancel": OPEN_STATUSES,
    "withdraw-consent": OPEN_STATUSES,
}


class TransitionNotAllowed(ValidationError):
    """The referral is not in a state where this action is possible (the API answers 409)."""


class ConversationClosed(policy.AccessDenied):
    """The consent ended (withdrawn or expired): nobody posts on the referral any more (the API answers 403)."""


# Why the conversation is closed: the same words on the page and in the API, with no detail about the person.
CONVERSATION_CLOSED = gettext_lazy(
    "The person's consent was withdrawn or has expired: the conversation on this referral is closed."
)
CONVERSATION_NOT_SHARED = gettext_lazy(
    "The person's consent was withdrawn or has expired: the messages and notes of this referral are no longer "
    "shared with your organisation."
)


# ---------------------------------------------------------------------------------------------------------------
# Sending


@transaction.atomic
def referral_send(
    *,
    acting_user: User,
    sender: Organisation,
    service: Service,
    person: dict[str, Any],
    urgency: str,
    consent: dict[str, Any],
    accompaniment: bool = False,
) -> Referral:
    """Send a person to a partner's service. A recorded consent is required; nothing leaves without it.

    `person`: name, preferred_language, interpreter_needed, contact_channel, contact_detail, safe_times,
    age_range, needs. `consent`: shared_fields, purpose, method, explained_in_language, interpreter_used,
    valid_until.
    """
    policy.require(acting_user, ReferralAction.SEND_REFERRALS, sender)
    if not directory_rules.referable_services(acting_user, sender).filter(pk=service.pk).exists():
        raise ValidationError({"service": _("This service does not take referrals from your organisation.")})
    _validate_consent(consent)
    errors: dict[str, list[str]] = {}
    name = str(person.get("name", "")).strip()
    if not name:
        errors["name"] = [_("A first name or a pseudonym is needed.")]
    channel = person.get("contact_channel", ContactChannel.THROUGH_SENDER)
    if channel not in ContactChannel.values:
        errors["contact_channel"] = [_("Choose a contact channel.")]
    detail = str(person.get("contact_detail", "")).strip()
    if channel in (ContactChannel.PHONE, ContactChannel.MESSAGING) and not detail:
        errors["contact_detail"] = [_("Give the number or handle for this channel.")]
    age_range = person.get("age_range", "") or ""
    if age_range and age_range not in AgeRange.values:
        errors["age_range"] = [_("Unknown age range.")]
    language = str(person.get("preferred_language", "")).strip().lower()
    if not language:
        errors["preferred_language"] = [_("Which language does the person prefer?")]
    if urgency not in Urgency.values:
        errors["urgency"] = [_("Choose an urgency.")]
    if errors:
        raise ValidationError(errors)

    referral = Referral(
        sender_organisation=sender,
        receiver_organisation=service.organisation,
        service=service,
        sent_by=acting_user,
        urgency=urgency,
        preferred_language=language,
        interpreter_needed=bool(person.get("interpreter_needed", False)),
        accompaniment=bool(accompaniment),
        person_name=name,
        contact_channel=channel,
        contact_detail=detail,
        safe_times=str(person.get("safe_times", "")).strip(),
        age_range=age_range,
        needs=str(person.get("needs", "")).strip(),
    )
    referral.full_clean(exclude=["sent_by"])
    referral.save()
    Consent.objects.create(
        referral=referral,
        receiving_organisation=service.organisation,
        shared_fields=sorted(set(consent["shared_fields"])),
        purpose=str(consent["purpose"]).strip(),
        method=consent["method"],
        explained_in_language=str(consent["explained_in_language"]).strip().lower(),
        interpreter_used=bool(consent.get("interpreter_used", False)),
        recorded_by=acting_user,
        valid_until=consent["valid_until"],
    )
    _event(referral, EventKind.SENT, acting_user, sender, from_status="", to_status=ReferralStatus.SENT)
    outbox_enqueue(topic="referrals.received", object_id=referral.id)
    return referral


def _validate_consent(consent: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    fields = consent.get("shared_fields")
    if not isinstance(fields, list | tuple | set) or not set(fields) <= set(PersonalField.values):
        errors["shared_fields"] = [_("Choose which personal fields the person agreed to share.")]
    if not str(consent.get("purpose", "")).strip():
        errors["purpose"] = [_("Record the purpose the person agreed to.")]
    if consent.get("method") not in ConsentMethod.values:
        errors["method"] = [_("Record how consent was obtained.")]
    if not str(consent.get("explained_in_language", "")).strip():
        errors["explained_in_language"] = [_("Record the language consent was explained in.")]
    valid_until = consent.get("valid_until")
    if isinstance(valid_until, str):
        try:
            valid_until = date.fromisoformat(valid_until)
            consent["valid_until"] = valid_until
        except ValueError:
            valid_until = None
    if not isinstance(valid_until, date) or valid_until < timezone.localdate():
        errors["valid_until"] = [_("Consent must be valid until a date that is not in the past.")]
    if errors:
        raise ValidationError(errors)


# ---------------------------------------------------------------------------------------------------------------
# The receiver's answers


@transaction.atomic
def referral_accept(*, referral: Referral, acting_user: User, note: str = "") -> Referral:
    referral = _locked_for(referral, acting_user, ReferralAction.ANSWER_REFERRAL, allowed=ALLOWED_FROM["accept"])
    referral.answered_at = timezone.now()
    return _move(referral, ReferralStatus.ACCEPTED, EventKind.ACCEPTED, acting_user, note, "referrals.accepted")


@transaction.atomic
def referral_decline(*, referral: Referral, acting_user: User, reason: str, note: str = "") -> Referral:
    referral = _locked_for(referral, acting_user, ReferralAction.ANSWER_REFERRAL, allowed=ALLOWED_FROM["decline"])
    if reason not in DeclineReason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    if reason == DeclineReason.OTHER and not note.strip():
        raise ValidationError({"note": _("Say briefly why, when the reason is 'other'.")})
    referral.decline_reason = reason
    referral.answered_at = timezone.now()
    referral.closed_at = timezone.now()
    return _move(referral, ReferralStatus.DECLINED, EventKind.DECLINED, acting_user, note, "referrals.declined")


@transaction.atomic
def referral_redirect(*, referral: Referral, acting_user: User, service: Service, note: str = "") -> Referral:
    """Send the referral on to another service of the same receiving organisation: the consent still holds."""
    referral = _locked_for(referral, acting_user, ReferralAction.ANSWER_REFERRAL, allowed=ALLOWED_FROM["redirect"])
    if service.organisation_id != referral.receiver_organisation_id or not service.is_active:
        raise ValidationError({"service": _("Redirect only to another active service of your organisation.")})
    if service.pk == referral.service_id:
        raise ValidationError({"service": _("The referral is already with this service.")})
    referral.service = service
    return _move(referral, ReferralStatus.REDIRECTED, EventKind.REDIRECTED, acting_user, note, "referrals.redirected")


@transaction.atomic
def referral_set_appointment(
    *, referral: Referral, acting_user: User, appointment_at: datetime, place: str = "", note: str = ""
) -> Referral:
    """Set or move the appointment; `place` (where inside the service) and `note` (for the person) go on the
    person's slip."""
    referral = _locked_for(
        referral,
        acting_user,
        ReferralAction.ANSWER_REFERRAL,
        allowed=ALLOWED_FROM["set-appointment"],
    )
    if not isinstance(appointment_at, datetime):
        raise ValidationError({"appointment_at": _("Give the date and time of the appointment.")})
    if timezone.is_naive(appointment_at):
        appointment_at = timezone.make_aware(appointment_at)
    if appointment_at < timezone.now() - timedelta(days=1):
        raise ValidationError({"appointment_at": _("The appointment cannot be in the past.")})
    referral.appointment_at = appointment_at
    referral.appointment_place = (place or "").strip()[:200]
    referral.appointment_note = (note or "").strip()
    return _move(
        referral, ReferralStatus.APPOINTMENT_SET, EventKind.APPOINTMENT_SET, acting_user, "", "referrals.appointment"
    )


@transaction.atomic
def referral_complete(*, referral: Referral, acting_user: User, outcome: str, note: str = "") -> Referral:
    referral = _locked_for(
        referral,
        acting_user,
        ReferralAction.ANSWER_REFERRAL,
        allowed=ALLOWED_FROM["complete"],
    )
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    referral.outcome = outcome
    referral.closed_at = timezone.now()
    return _move(referral, ReferralStatus.COMPLETED, EventKind.COMPLETED, acting_user, note, "referrals.completed")


# ---------------------------------------------------------------------------------------------------------------
# The sender's actions


@transaction.atomic
def referral_cancel(*, referral: Referral, acting_user: User, note: str = "") -> Referral:
    referral = _locked_for(referral, acting_user, ReferralAction.MANAGE_SENT_REFERRAL, allowed=ALLOWED_FROM["cancel"])
    referral.closed_at = timezone.now()
    return _move(referral, ReferralStatus.CANCELLED, EventKind.CANCELLED, acting_user, note, "referrals.cancelled")


@transaction.atomic
def referral_withdraw_consent(*, referral: Referral, acting_user: User) -> Referral:
    """The person withdrew consent: the receiver loses the personal fields at once and is told without details."""
    referral = _locked_for(
        referral, acting_user, ReferralAction.MANAGE_SENT_REFERRAL, allowed=ALLOWED_FROM["withdraw-consent"]
    )
    consent = referral.consent
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = acting_user
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    referral.closed_at = timezone.now()
    referral = _move(
        referral,
        ReferralStatus.CONSENT_WITHDRAWN,
        EventKind.CONSENT_WITHDRAWN,
        acting_user,
        "",
        "referrals.consent_withdrawn",
    )
    erasure_ledger_record(kind="consent_withdrawn", referral_id=referral.id, at=consent.withdrawn_at)
    return referral


# ---------------------------------------------------------------------------------------------------------------
# Messages and reads of personal data


@transaction.atomic
def referral_message_post(*, referral: Referral, acting_user: User, body: str) -> ReferralMessage:
    """Post a message from the user's side to the other side. Refused (ConversationClosed) once the consent was
    withdrawn or expired, for both sides: the receiving organisation could not read it any more."""
    # Locked and read again: a withdrawal committed since the caller loaded the referral closes the conversation.
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("consent", "sender_organisation", "receiver_organisation")
        .get(pk=referral.pk)
    )
    if not policy.can(acting_user, ReferralAction.POST_REFERRAL_MESSAGE, referral):
        if policy.can(acting_user, ReferralAction.VIEW_REFERRAL, referral) and referral_rules.consent_has_ended(
            referral
        ):
            raise ConversationClosed(CONVERSATION_CLOSED)
        raise policy.AccessDenied(f"Not allowed: {ReferralAction.POST_REFERRAL_MESSAGE}.")
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    if len(body) > 5000:
        raise ValidationError({"body": _("Keep messages under 5,000 characters.")})
    if referral.personal_data_erased_at is not None:
        raise TransitionNotAllowed(_("This referral's conversation has been erased."))
    author_organisation = _acting_side(referral, acting_user)
    if author_organisation is None:  # not reached: the rule above lets only the two sides post
        raise policy.AccessDenied(f"Not allowed: {ReferralAction.POST_REFERRAL_MESSAGE}.")
    message = ReferralMessage.objects.create(
        referral=referral, author=acting_user, author_organisation=author_organisation, body=body
    )
    outbox_enqueue(topic="referrals.message", object_id=message.id)
    return message


def referral_read_personal(*, referral: Referral, acting_user: User, channel: str) -> dict[str, str]:
    """The personal fields this user may read now, each read written to the access log (ids and field names)."""
    visible = referral_rules.personal_fields_visible_to(acting_user, referral)
    values: dict[str, str] = {}
    for field in sorted(visible):
        for model_field in PERSONAL_MODEL_FIELDS[field]:
            values[model_field] = getattr(referral, model_field)
    if visible:
        AccessLogEntry.objects.create(
            referral=referral,
            user=acting_user,
            organisation=_acting_side(referral, acting_user),
            fields=sorted(visible),
            channel=channel if channel in AccessChannel.values else AccessChannel.PAGE,
        )
    return values


def referrals_log_name_reads(*, acting_user: User, shown: list[tuple[Any, Any, Any]]) -> None:
    """A first name shown in a list is a read of a personal field: one access-log row per referral shown
    (`shown`: referral id, sending and receiving organisation ids), written in one query."""
    entries = []
    for referral_id, sender_id, receiver_id in shown:
        if policy.has_organisation_permission(acting_user, receiver_id, "receive_referrals"):
            organisation_id = receiver_id  # the receiving side first, as `acting_organisation`
        elif policy.has_organisation_permission(acting_user, sender_id, "send_referrals"):
            organisation_id = sender_id
        else:
            organisation_id = None
        entries.append(
            AccessLogEntry(
                referral_id=referral_id,
                user=acting_user,
                organisation_id=organisation_id,
                fields=[PersonalField.NAME],
                channel=AccessChannel.PAGE,
            )
        )
    if entries:
        AccessLogEntry.objects.bulk_create(entries)


# ---------------------------------------------------------------------------------------------------------------
# Periodic work (Celery beat): reminders, expiry, consent expiry, retention


def referrals_send_reminders(*, now: datetime | None = None) -> int:
    """Remind receivers of referrals unanswered for REFERRAL_REMINDER_DAYS (once)."""
    now = now or timezone.now()
    due = Referral.objects.filter(
        status__in=AWAITING_ANSWER,
        reminded_at__isnull=True,
        created_at__lte=now - timedelta(days=settings.REFERRAL_REMINDER_DAYS),
    ).values_list("id", flat=True)
    count = 0
    for referral_id in list(due):
        with transaction.atomic():
            referral = Referral.objects.select_for_update().get(pk=referral_id)
            if referral.reminded_at is not None or referral.status not in AWAITING_ANSWER:
                continue
            referral.reminded_at = now
            referral.save(update_fields=["reminded_at", "updated_at"])
            _event(referral, EventKind.REMINDED, None, None)
            outbox_enqueue(topic="referrals.reminder", object_id=referral.id)
            count += 1
    return count


def referrals_expire_unanswered(*, now: datetime | None = None) -> int:
    """Close referrals unanswered for REFERRAL_EXPIRY_DAYS as expired."""
    now = now or timezone.now()
    due = Referral.objects.filter(
        status__in=AWAITING_ANSWER, created_at__lte=now - timedelta(days=settings.REFERRAL_EXPIRY_DAYS)
    ).values_list("id", flat=True)
    return _close_each(list(due), ReferralStatus.EXPIRED, EventKind.EXPIRED, "referrals.expired", now)


def referrals_close_expired_consents(*, today: date | None = None) -> int:
    """Consent past its end date behaves as a withdrawal: the referral closes and the receiver loses the fields."""
    today = today or timezone.localdate()
    due = Referral.objects.filter(status__in=OPEN_STATUSES, consent__valid_until__lt=today).values_list("id", flat=True)
    return _close_each(
        list(due), ReferralStatus.CONSENT_WITHDRAWN, EventKind.CONSENT_EXPIRED, "referrals.consent_withdrawn", None
    )


def referrals_erase_personal_data(*, now: datetime | None = None) -> int:
    """Erase personal fields, notes and messages of referrals closed more than REFERRAL_RETENTION_DAYS ago."""
    now = now or timezone.now()
    due = Referral.objects.filter(
        status__in=CLOSED_STATUSES,
        personal_data_erased_at__isnull=True,
        closed_at__lte=now - timedelta(days=settings.REFERRAL_RETENTION_DAYS),
    ).values_list("id", flat=True)
    count = 0
    for referral_id in list(due):
        with transaction.atomic():
            referral = Referral.objects.select_for_update().get(pk=referral_id)
            if referral.personal_data_erased_at is not None:
                continue
            referral_erase_personal_data(referral=referral, now=now)
            count += 1
    return count


def referral_erase_personal_data(*, referral: Referral, now: datetime | None = None) -> None:
    """Blank every personal value of one referral (fields, consent purpose, notes, messages); keep the metadata."""
    now = now or timezone.now()
    for field in ERASABLE_MODEL_FIELDS:
        setattr(referral, field, "")
    referral.personal_data_erased_at = now
    referral.save(update_fields=[*ERASABLE_MODEL_FIELDS, "personal_data_erased_at", "updated_at"])
    Consent.objects.filter(referral=referral).update(purpose="")
    ReferralEvent.objects.filter(referral=referral).exclude(note="").update(note="")
    ReferralMessage.objects.filter(referral=referral).update(body="", erased_at=now)
    _event(referral, EventKind.PERSONAL_DATA_ERASED, None, None)
    erasure_ledger_record(kind="erased", referral_id=referral.id, at=now)


def referrals_housekeeping() -> dict[str, int]:
    """The periodic pass run by Celery beat; each step is idempotent."""
    return {
        "reminded": referrals_send_reminders(),
        "expired": referrals_expire_unanswered(),
        "consent_expired": referrals_close_expired_consents(),
        "erased": referrals_erase_personal_data(),
    }


# ---------------------------------------------------------------------------------------------------------------
# Internals


def _locked_for(referral: Referral, acting_user: User, action: ReferralAction, *, allowed: tuple[str, ...]) -> Referral:
    locked = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("consent", "service", "sender_organisation", "receiver_organisation")
        .get(pk=referral.pk)
    )
    policy.require(acting_user, action, locked)
    if locked.status not in allowed:
        raise TransitionNotAllowed(
            _("This referral is %(status)s: this action is not possible any more.")
            % {"status": locked.get_status_display().lower()}
        )
    return locked


def _move(referral: Referral, status: str, kind: str, acting_user: User, note: str, topic: str) -> Referral:
    previous = referral.status
    referral.status = status
    referral.save()
    _event(
        referral,
        kind,
        acting_user,
        _acting_side(referral, acting_user),
        from_status=previous,
        to_status=status,
        note=note,
    )
    outbox_enqueue(topic=topic, object_id=referral.id)
    return referral


def _close_each(ids: list, status: str, kind: str, topic: str, now: datetime | None) -> int:
    count = 0
    for referral_id in ids:
        with transaction.atomic():
            referral = Referral.objects.select_for_update(of=("self",)).select_related("consent").get(pk=referral_id)
            if referral.status not in OPEN_STATUSES:
                continue
            previous = referral.status
            referral.status = status
            referral.closed_at = now or timezone.now()
            referral.save()
            if status == ReferralStatus.CONSENT_WITHDRAWN and referral.consent.withdrawn_at is None:
                referral.consent.withdrawn_at = referral.closed_at
                referral.consent.save(update_fields=["withdrawn_at"])
                erasure_ledger_record(kind="consent_withdrawn", referral_id=referral.id, at=referral.closed_at)
            _event(referral, kind, None, None, from_status=previous, to_status=status)
            outbox_enqueue(topic=topic, object_id=referral.id)
            count += 1
    return count


def _event(
    referral: Referral,
    kind: str,
    actor: User | None,
    organisation: Organisation | None,
    *,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
) -> ReferralEvent:
    return ReferralEvent.objects.create(
        referral=referral,
        kind=kind,
        actor=actor,
        actor_organisation=organisation,
        from_status=from_status,
        to_status=to_status,
        note=note.strip(),
    )


def _acting_side(referral: Referral, acting_user: User) -> Organisation | None:
    """The organisation on whose behalf the user acts on this referral (receiver first when both)."""
    return referral_rules.acting_organisation(acting_user, referral)
