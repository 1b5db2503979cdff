"""The referrals API's representations, request bodies and filters (the viewset is in api.py).

Lists carry no personal field at all; the detail's personal fields come from the single read the viewset makes
(`context["personal"]`). A choice error never repeats the value sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from network.directory.models import Service
from network.directory.rules import DirectoryAction
from network.orgs import policy
from network.orgs.api import OrganisationSummarySerializer
from network.referrals.rules import ReferralAction

from . import selectors
from .models import (
    AgeRange,
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

# A choice error must not repeat the value sent (it could be a personal value typed in the wrong field).
CHOICE_ERRORS = {"invalid_choice": _("This is not one of the accepted values.")}


# ---------------------------------------------------------------------------------------------------------------
# Representations


def _values_help(choices: Any) -> str:
    return str(_("One of: %(values)s.")) % {"values": ", ".join(choices.values)}


class ReferralServiceSummarySerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code", read_only=True, help_text="The category code.")

    class Meta:
        model = Service
        fields = ["id", "name", "category"]
        read_only_fields = fields


class ReferralSummarySerializer(serializers.ModelSerializer):
    """A referral's metadata: what lists show. No personal field, ever."""

    number = serializers.CharField(read_only=True, help_text="A short reference, e.g. R-1A2B3C4D.")
    # An enum of its own (`ReferralStatusEnum` in SPECTACULAR_SETTINGS), distinct from the partnerships' statuses.
    status = serializers.ChoiceField(choices=ReferralStatus.choices, read_only=True)
    direction = serializers.SerializerMethodField()
    urgency = serializers.ChoiceField(choices=Urgency.choices, read_only=True)
    sender = OrganisationSummarySerializer(source="sender_organisation", read_only=True)
    receiver = OrganisationSummarySerializer(source="receiver_organisation", read_only=True)
    service = ReferralServiceSummarySerializer(read_only=True)
    decline_reason = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "number",
            "status",
            "direction",
            "urgency",
            "sender",
            "receiver",
            "service",
            "preferred_language",
            "interpreter_needed",
            "accompaniment",
            "decline_reason",
            "appointment_at",
            "outcome",
            "created_at",
            "updated_at",
            "answered_at",
            "closed_at",
            "personal_data_erased_at",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "string",
            "enum": ["sent", "received"],
            "description": "received when you answer it for the receiving organisation, sent otherwise.",
        }
    )
    def get_direction(self, referral: Referral) -> str:
        user = self.context["request"].user
        return "received" if policy.can(user, ReferralAction.ANSWER_REFERRAL, referral) else "sent"

    @extend_schema_field(serializers.ChoiceField(choices=DeclineReason.choices, allow_null=True))
    def get_decline_reason(self, referral: Referral) -> str | None:
        return referral.decline_reason or None

    @extend_schema_field(serializers.ChoiceField(choices=Outcome.choices, allow_null=True))
    def get_outcome(self, referral: Referral) -> str | None:
        return referral.outcome or None


class ReferralPersonSerializer(serializers.Serializer):
    """The person's fields you may read now: null outside the consent scope, before acceptance, after
    withdrawal or erasure."""

    name = serializers.CharField(allow_null=True, source="person_name")
    contact_channel = serializers.ChoiceField(choices=ContactChannel.choices, allow_null=True)
    contact_detail = serializers.CharField(allow_null=True)
    safe_times = serializers.CharField(allow_null=True)
    age_range = serializers.ChoiceField(choices=AgeRange.choices, allow_null=True, allow_blank=True)
    needs = serializers.CharField(allow_null=True)


class ReferralConsentSerializer(serializers.Serializer):
    """What the person agreed to share and how consent was recorded (the purpose stays out: it is personal)."""

    shared_fields = serializers.ListField(child=serializers.ChoiceField(choices=PersonalField.choices))
    method = serializers.ChoiceField(choices=ConsentMethod.choices)
    explained_in_language = serializers.CharField()
    interpreter_used = serializers.BooleanField()
    valid_until = serializers.DateField()
    recorded_at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)


class ReferralDetailSerializer(ReferralSummarySerializer):
    """The metadata, the consent, and the personal fields read for this response (see `person`)."""

    person = serializers.SerializerMethodField()
    consent = ReferralConsentSerializer(read_only=True)
    appointment_place = serializers.SerializerMethodField()

    class Meta(ReferralSummarySerializer.Meta):
        fields = [*ReferralSummarySerializer.Meta.fields, "appointment_place", "person", "consent"]
        read_only_fields = fields

    @extend_schema_field(
        serializers.CharField(
            allow_null=True,
            help_text="Where exactly the receiver said the appointment is; null when none was given, and for the "
            "sending side when the service's address is confidential (the receiving service gives it to the person).",
        )
    )
    def get_appointment_place(self, referral: Referral) -> str | None:
        return selectors.appointment_place_for(referral, is_receiver=self.get_direction(referral) == "received") or None

    @extend_schema_field(ReferralPersonSerializer)
    def get_person(self, referral: Referral) -> dict[str, Any]:
        personal: Mapping[str, str] = self.context["personal"]
        fields = ("person_name", "contact_channel", "contact_detail", "safe_times", "age_range", "needs")
        return ReferralPersonSerializer({field: personal.get(field) for field in fields}).data


class ReferralEventSerializer(serializers.ModelSerializer):
    """One step of the timeline. The note is shown only when `context["show_notes"]` says the reader may read the
    conversation (`ReferralAction.READ_REFERRAL_CONVERSATION`); without it, every note is null."""

    kind = serializers.ChoiceField(choices=EventKind.choices, read_only=True)
    from_status = serializers.SerializerMethodField()
    to_status = serializers.SerializerMethodField()
    actor = serializers.SerializerMethodField()
    organisation = OrganisationSummarySerializer(source="actor_organisation", read_only=True, allow_null=True)
    note = serializers.SerializerMethodField()

    class Meta:
        model = ReferralEvent
        fields = ["id", "kind", "from_status", "to_status", "actor", "organisation", "created_at", "note"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=ReferralStatus.choices, allow_null=True))
    def get_from_status(self, event: ReferralEvent) -> str | None:
        return event.from_status or None

    @extend_schema_field(serializers.ChoiceField(choices=ReferralStatus.choices, allow_null=True))
    def get_to_status(self, event: ReferralEvent) -> str | None:
        return event.to_status or None

    @extend_schema_field({"type": "string", "nullable": True, "description": "The name the actor shows others."})
    def get_actor(self, event: ReferralEvent) -> str | None:
        return event.actor.display_name if event.actor else None

    @extend_schema_field(
        {
            "type": "string",
            "nullable": True,
            "description": "Null when none, erased, or no longer shared with you (consent withdrawn or expired).",
        }
    )
    def get_note(self, event: ReferralEvent) -> str | None:
        if not self.context.get("show_notes", False):
            return None
        return event.note or None


class ReferralMessageSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    organisation = OrganisationSummarySerializer(source="author_organisation", read_only=True)
    body = serializers.SerializerMethodField()

    class Meta:
        model = ReferralMessage
        fields = ["id", "author", "organisation", "created_at", "body"]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True, "description": "The name the author shows others."})
    def get_author(self, message: ReferralMessage) -> str | None:
        return message.author.display_name if message.author else None

    @extend_schema_field({"type": "string", "nullable": True, "description": "Null once erased (retention)."})
    def get_body(self, message: ReferralMessage) -> str | None:
        return None if message.erased_at else message.body


class ReferralCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField(), help_text=_values_help(ReferralStatus))
    by_month = inline_serializer(
        name="ReferralMonthCount",
        fields={
            "month": serializers.CharField(help_text="YYYY-MM, by date sent."),
            "count": serializers.IntegerField(),
        },
        many=True,
    )


# ---------------------------------------------------------------------------------------------------------------
# Request bodies (shapes and types; the services decide the rest)


class ReferralPersonInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, help_text="A first name or a pseudonym: enough.")
    preferred_language = serializers.CharField(max_length=12, help_text="A language code, e.g. ro.")
    interpreter_needed = serializers.BooleanField(default=False)
    contact_channel = serializers.ChoiceField(
        choices=ContactChannel.choices, default=ContactChannel.THROUGH_SENDER, error_messages=CHOICE_ERRORS
    )
    contact_detail = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="The number or handle, for phone or messaging."
    )
    safe_times = serializers.CharField(max_length=500, required=False, allow_blank=True)
    age_range = serializers.ChoiceField(
        choices=AgeRange.choices, required=False, allow_blank=True, error_messages=CHOICE_ERRORS
    )
    needs = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class ReferralConsentInputSerializer(serializers.Serializer):
    shared_fields = serializers.ListField(
        child=serializers.ChoiceField(choices=PersonalField.choices, error_messages=CHOICE_ERRORS),
        allow_empty=True,
        help_text="The personal fields the person agreed to share with the receiving organisation.",
    )
    purpose = serializers.CharField(max_length=1000)
    method = serializers.ChoiceField(choices=ConsentMethod.choices, error_messages=CHOICE_ERRORS)
    explained_in_language = serializers.CharField(max_length=12)
    interpreter_used = serializers.BooleanField(default=False)
    valid_until = serializers.DateField()


class ReferralCreateSerializer(serializers.Serializer):
    sender = serializers.UUIDField(
        required=False, help_text="Your organisation that sends; optional when you send for one organisation only."
    )
    service = serializers.UUIDField(help_text="The receiving service (GET /api/v1/services/).")
    person = ReferralPersonInputSerializer()
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.ROUTINE, error_messages=CHOICE_ERRORS)
    accompaniment = serializers.BooleanField(
        default=False, help_text="Someone from the sending organisation will come along."
    )
    consent = ReferralConsentInputSerializer()

    def validate_service(self, value: Any) -> Service:
        service = policy.visible(self.context["request"].user, DirectoryAction.VIEW_SERVICE).filter(pk=value).first()
        if service is None:
            raise serializers.ValidationError(_("No such service."))
        return service


class ReferralNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class ReferralDeclineSerializer(ReferralNoteSerializer):
    reason = serializers.ChoiceField(choices=DeclineReason.choices, error_messages=CHOICE_ERRORS)


class ReferralRedirectSerializer(ReferralNoteSerializer):
    service = serializers.UUIDField(help_text="Another active service of the receiving organisation.")

    def validate_service(self, value: Any) -> Service:
        service = policy.visible(self.context["request"].user, DirectoryAction.VIEW_SERVICE).filter(pk=value).first()
        if service is None:
            raise serializers.ValidationError(_("No such service."))
        return service


class ReferralAppointmentSerializer(serializers.Serializer):
    """The appointment as the site's form takes it (`AppointmentForm`): the place and the note go on the person's
    slip."""

    appointment_at = serializers.DateTimeField(help_text="ISO 8601 date and time, e.g. 2030-05-04T10:30:00+02:00.")
    place = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Where exactly inside the service (a floor, a room, a desk): printed on the person's slip.",
    )
    note = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text="A note for the person (what to bring, who to ask for), printed on the slip; kept encrypted and "
        "erased with the person's data.",
    )


class ReferralCompleteSerializer(ReferralNoteSerializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices, error_messages=CHOICE_ERRORS)


class ReferralMessageInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=5000)


# ---------------------------------------------------------------------------------------------------------------
# Filters


class ReferralFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ReferralStatus.choices, error_messages=CHOICE_ERRORS)
    direction = django_filters.ChoiceFilter(
        choices=[("sent", "sent"), ("received", "received")],
        method="filter_direction",
        error_messages=CHOICE_ERRORS,
        help_text="sent: by your organisations; received: by organisations you answer for.",
    )
    service = django_filters.UUIDFilter(field_name="service_id", help_text="A service id.")
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices, error_messages=CHOICE_ERRORS)

    class Meta:
        model = Referral
        fields = ["status", "direction", "service", "urgency"]

    def filter_direction(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Applied in the viewset's queryset already (`visible_referrals(direction=…)`): one indexed condition."""
        return queryset
