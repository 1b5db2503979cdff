"""API representations of key messages and advocacy opportunities.

Signatories are organisations (id, slug, name, date): never the person who signed, edited or created anything.
Key messages arrive with `shared_themes`, `visible_evidence` and `signatories` attached by
`services.key_messages_attach` (a constant number of queries per response).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from network.i18n import unprefixed_reverse
from network.orgs.api import OrganisationSummarySerializer

from .models import AdvocacyOpportunity, Endorsement, KeyMessage, MessageStatus, OpportunityLevel


class ThemeSummarySerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(source="label", read_only=True, help_text="In the language of the request.")


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "nullable": True})
    def get_url(self, page: Any) -> str | None:
        return page.get_url()


class SignatorySerializer(serializers.ModelSerializer):
    """An organisation that signs the message, and since when."""

    id = serializers.UUIDField(source="organisation.id", read_only=True, help_text="The organisation's id.")
    slug = serializers.CharField(source="organisation.slug", read_only=True)
    name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Endorsement
        fields = ["id", "slug", "name", "endorsed_at"]
        read_only_fields = fields


class KeyMessageSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True, help_text="A short reference, e.g. KM-1A2B3C4D.")
    language = serializers.CharField(source="locale.language_code", read_only=True)
    status = serializers.ChoiceField(choices=MessageStatus.choices, read_only=True)
    argument = serializers.CharField(read_only=True, help_text="Rich text (HTML).")
    themes = ThemeSummarySerializer(source="shared_themes", many=True, read_only=True)
    evidence = EvidenceSerializer(
        source="visible_evidence", many=True, read_only=True, help_text="Library resources you may see."
    )
    drafting_organisation = OrganisationSummarySerializer(read_only=True)
    signatories = SignatorySerializer(many=True, read_only=True, help_text="Organisations signing, oldest first.")
    signatory_count = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = KeyMessage
        fields = [
            "id",
            "reference",
            "language",
            "statement",
            "argument",
            "status",
            "themes",
            "evidence",
            "drafting_organisation",
            "signatories",
            "signatory_count",
            "proposed_at",
            "adopted_at",
            "updated_at",
            "url",
        ]
        read_only_fields = fields

    def get_signatory_count(self, message: KeyMessage) -> int:
        return len(message.signatories)

    def get_url(self, message: KeyMessage) -> str:
        """The message's page (without a language prefix: the site sends each reader to their language)."""
        return _absolute(self.context.get("request"), unprefixed_reverse("advocacy:message_detail", pk=message.pk))


class EndorsementRequestSerializer(serializers.Serializer):
    organisation = serializers.CharField(
        max_length=80, help_text="The signing organisation's id or slug (one where you are coordinator)."
    )


class KeyMessageSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    statement = serializers.CharField(read_only=True)


class OpportunitySerializer(serializers.ModelSerializer):
    """An advocacy opportunity. Key messages listed are only those you may see."""

    level = serializers.ChoiceField(choices=OpportunityLevel.choices, read_only=True)
    online_url = serializers.CharField(read_only=True)  # "" when there is none: not a uri format
    key_messages = serializers.SerializerMethodField()
    organisations = serializers.SerializerMethodField()
    calendar_url = serializers.SerializerMethodField()

    class Meta:
        model = AdvocacyOpportunity
        fields = [
            "id",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "all_day",
            "place",
            "online_url",
            "level",
            "deadline",
            "key_messages",
            "organisations",
            "calendar_url",
        ]
        read_only_fields = fields

    @extend_schema_field(KeyMessageSummarySerializer(many=True))
    def get_key_messages(self, opportunity: AdvocacyOpportunity) -> list[dict[str, Any]]:
        return [{"id": message.pk, "statement": message.statement} for message in opportunity.visible_key_messages]

    @extend_schema_field(OrganisationSummarySerializer(many=True))
    def get_organisations(self, opportunity: AdvocacyOpportunity) -> list[dict[str, Any]]:
        """Organisations that confirmed they take part (an invited one is not named)."""
        organisations = [participation.organisation for participation in opportunity.visible_participations]
        return OrganisationSummarySerializer(organisations, many=True).data

    @extend_schema_field(
        {"type": "string", "nullable": True, "description": "Its entry in the public calendar (public ones only)."}
    )
    def get_calendar_url(self, opportunity: AdvocacyOpportunity) -> str | None:
        if not opportunity.is_public:
            return None
        try:
            path = unprefixed_reverse("advocacy_calendar:list")
        except NoReverseMatch:
            return None
        return _absolute(self.context.get("request"), f"{path}#opportunity-{opportunity.pk}")


def _absolute(request: Any, path: str) -> str:
    if request is not None:
        return request.build_absolute_uri(path)
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{path}"
