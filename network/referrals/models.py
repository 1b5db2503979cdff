"""Consent-based referrals between organisations.

Personal fields of the person referred are encrypted at rest (EncryptedTextField) and erased after the retention
period or when consent ends. Metadata (status, service, dates, urgency) survives for statistics. Nothing here ever
lives in Wagtail pages, snippets, revisions or the search index.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from network.crypto.fields import EncryptedTextField


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    REDIRECTED = "redirected", _("Redirected")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    APPOINTMENT_SET = "appointment_set", _("Appointment set")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")


AWAITING_ANSWER = (ReferralStatus.SENT, ReferralStatus.REDIRECTED)
OPEN_STATUSES = (*AWAITING_ANSWER, ReferralStatus.ACCEPTED, ReferralStatus.APPOINTMENT_SET)
CLOSED_STATUSES = (
    ReferralStatus.DECLINED,
    ReferralStatus.COMPLETED,
    ReferralStatus.CANCELLED,
    ReferralStatus.EXPIRED,
    ReferralStatus.CONSENT_WITHDRAWN,
)


class Urgency(models.TextChoices):
    # Translators: a referral's urgency: not urgent.
    ROUTINE = "routine", _("Routine")
    SOON = "soon", _("Within a week")
    URGENT = "urgent", _("Urgent (48 hours)")


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    MESSAGING = "messaging", _("Messaging app")
    THROUGH_SENDER = "through_sender", _("Through the sending organisation only")


class AgeRange(models.TextChoices):
    UNDER_18 = "under_18", _("Under 18")
    AGE_18_25 = "18_25", _("18–25")
    AGE_26_40 = "26_40", _("26–40")
    AGE_41_60 = "41_60", _("41–60")
    OVER_60 = "over_60", _("Over 60")


class DeclineReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", _("No capacity")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    OUT_OF_AREA = "out_of_area", _("Out of area")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    SERVICE_PROVIDED = "service_provided", _("Service provided")
    DID_NOT_COME = "did_not_come", _("The person did not come")
    COULD_NOT_CONTACT = "could_not_contact", _("Could not contact the person")
    NO_LONGER_NEEDED = "no_longer_needed", _("No longer needed")


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", _("Verbal")
    WRITTEN = "written", _("Written")
    # Translators: how the person's consent was recorded: on a device, in digital form.
    DIGITAL = "digital", _("Digital")


class PersonalField(models.TextChoices):
    """The personal fields a consent may share with the receiving organisation."""

    NAME = "name", _("First name or pseudonym")
    CONTACT = "contact", _("Safe contact channel and detail")
    SAFE_TIMES = "safe_times", _("Safe times to contact")
    AGE_RANGE = "age_range", _("Age range")
    NEEDS = "needs", _("Needs, in their words")


class Referral(models.Model):
    """A person sent, with their consent, from one organisation to another's service."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sender_organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="referrals_sent"
    )
    receiver_organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="referrals_received"
    )
    service = models.ForeignKey("directory.Service", on_delete=models.PROTECT, related_name="referrals")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=24, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.ROUTINE)
    # Preview fields: what the receiver sees before accepting (no contact details).
    preferred_language = models.CharField(_("preferred language"), max_length=12)
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    accompaniment = models.BooleanField(
        _("accompaniment"), default=False, help_text=_("Someone from the sending organisation will come along.")
    )
    # Personal fields: encrypted at rest, shared only within the consent scope, erased after retention.
    person_name = EncryptedTextField(_("first name or pseudonym"), blank=True)
    contact_channel = models.CharField(_("safe contact channel"), max_length=16, choices=ContactChannel.choices)
    contact_detail = EncryptedTextField(_("contact detail"), blank=True)
    safe_times = EncryptedTextField(_("safe times to contact"), blank=True)
    age_range = EncryptedTextField(_("age range"), blank=True)
    needs = EncryptedTextField(_("needs"), blank=True)
    # Lifecycle
    decline_reason = models.CharField(_("decline reason"), max_length=16, choices=DeclineReason.choices, blank=True)
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    # Where to go inside the service (a floor, a room, a desk) and a word for the person (what to bring): printed on
    # the person's slip. The note is written for the person and may say something about them: encrypted, erased.
    appointment_place = models.CharField(_("place of the appointment"), max_length=200, blank=True)
    appointment_note = EncryptedTextField(_("note for the person"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    personal_data_erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["receiver_organisation", "-created_at"], name="referral_inbox_idx"),
            models.Index(fields=["receiver_organisation", "status", "-created_at"], name="referral_inbox_status_idx"),
            models.Index(fields=["sender_organisation", "-created_at"], name="referral_sent_all_idx"),
            models.Index(fields=["sender_organisation", "status", "-created_at"], name="referral_sent_idx"),
            models.Index(fields=["status", "created_at"], name="referral_status_idx"),
            models.Index(fields=["closed_at"], name="referral_closed_idx", condition=Q(personal_data_erased_at=None)),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ReferralStatus.values), name="referral_status_valid"),
            models.CheckConstraint(
                condition=~Q(sender_organisation=models.F("receiver_organisation")), name="referral_not_to_itself"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """A short reference that emails and notifications can carry: it says nothing about the person."""
        return f"R-{self.id.hex[:8].upper()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Consent(models.Model):
    """What the person agreed may be shared, with whom, for what, how it was recorded, and until when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="consent")
    receiving_organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    shared_fields = models.JSONField(_("fields that may be shared"), default=list)
    purpose = EncryptedTextField(_("purpose"))
    method = models.CharField(_("how consent was obtained"), max_length=12, choices=ConsentMethod.choices)
    explained_in_language = models.CharField(_("explained in language"), max_length=12)
    interpreter_used = models.BooleanField(_("interpreter used"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    valid_until = models.DateField(_("valid until"))
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"Consent for {self.referral_id}"


class EventKind(models.TextChoices):
    SENT = "sent", _("Sent")
    REDIRECTED = "redirected", _("Redirected")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    APPOINTMENT_SET = "appointment_set", _("Appointment set")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    CONSENT_EXPIRED = "consent_expired", _("Consent expired")
    REMINDED = "reminded", _("Reminder sent")
    PERSONAL_DATA_ERASED = "personal_data_erased", _("Personal data erased")
    SLIP_SENT = "slip_sent", _("Slip sent to the person")
    SLIP_NOT_SENT = "slip_not_sent", _("Slip not sent: the consent or the access ended first")


class ReferralEvent(models.Model):
    """One step on a referral's timeline: who did what, when, with an optional note (encrypted)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["referral", "created_at"], name="referral_event_idx")]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.kind}"


class ReferralMessage(models.Model):
    """A secure message between sender and receiver, in the platform only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    author_organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    body = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["referral", "created_at"], name="referral_message_idx")]

    def __str__(self) -> str:
        return f"Message {self.id} on {self.referral_id}"


class AccessChannel(models.TextChoices):
    PAGE = "page", _("Web page")
    API = "api", _("API")
    EXPORT = "export", _("Export")
    SLIP_MESSAGE = "slip_message", _("Slip sent by message")


class AccessLogEntry(models.Model):
    """A read of personal fields: who, from which organisation, which fields, through which channel, when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="access_log")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey("orgs.Organisation", null=True, on_delete=models.SET_NULL, related_name="+")
    fields = models.JSONField(default=list)
    channel = models.CharField(max_length=12, choices=AccessChannel.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["referral", "-created_at"], name="referral_access_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.referral_id}"


class SlipDelivery(models.Model):
    """A request to send the person their slip by SMS or a messaging app (see network/referrals/slip.py).

    It holds no number and no text: the outbox hands its id to the handler, which reads the referral again, checks
    the consent still covers the channel, decrypts the number and composes the text at send time.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="slip_deliveries")
    language = models.CharField(max_length=12)
    channel = models.CharField(max_length=16, choices=ContactChannel.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    not_sent_reason = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["requested_at"]

    def __str__(self) -> str:
        return f"Slip delivery {self.id} for {self.referral_id}"
