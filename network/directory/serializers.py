"""How the REST API shows the service directory: a confidential address only where the policy allows it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from network.orgs.api import OrganisationSummarySerializer
from network.orgs.languages import language_name

from . import selectors
from .models import Service, ServiceCategory, ServiceOpeningHours


class ServiceCategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="label", read_only=True, help_text="In the language of the answer.")

    class Meta:
        model = ServiceCategory
        fields = ["id", "code", "name"]
        read_only_fields = fields


class LanguageSerializer(serializers.Serializer):
    """A language a service is offered in: its code, and its name in the language of the answer."""

    code = serializers.CharField(read_only=True, help_text="Language code, e.g. `es`, `ar`, `zh-hans`.")
    name = serializers.CharField(read_only=True, help_text="In the language of the answer (Accept-Language).")


class OpeningHoursSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceOpeningHours
        fields = ["weekday", "opens_at", "closes_at", "notes"]
        read_only_fields = fields


class ServiceSerializer(serializers.ModelSerializer):
    """A service as the caller may see it: the street address only where the policy allows it."""

    organisation = OrganisationSummarySerializer(read_only=True)
    category = ServiceCategorySerializer(read_only=True)
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    language_names = serializers.SerializerMethodField()
    interpreter_languages = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Languages an interpreter can be arranged for; empty with `interpreter_available`: any language.",
    )
    interpreter_language_names = serializers.SerializerMethodField()
    # Plain strings: an empty value is "" (an email/uri format in the schema would not allow it).
    email = serializers.CharField(read_only=True)
    url = serializers.CharField(read_only=True)
    location_type = serializers.CharField(
        source="public_location_type",
        read_only=True,
        help_text="physical or virtual. A confidential drop-in centre is physical, without its address "
        "(see `address_given_on_referral`).",
    )
    address_given_on_referral = serializers.BooleanField(
        read_only=True,
        help_text="An in-person service whose address is not published: the person learns it when referred.",
    )
    address = serializers.SerializerMethodField()
    postal_code = serializers.SerializerMethodField()
    area = serializers.SerializerMethodField()
    opening_hours = OpeningHoursSerializer(many=True, read_only=True)

    class Meta:
        model = Service
        fields = [
            "id",
            "organisation",
            "category",
            "name",
            "description",
            "languages",
            "language_names",
            "interpreter_available",
            "interpreter_languages",
            "interpreter_language_names",
            "eligibility",
            "is_free",
            "fees_description",
            "access_mode",
            "location_type",
            "address_given_on_referral",
            "address",
            "postal_code",
            "city",
            "area",
            "phone",
            "email",
            "url",
            "accepts_referrals",
            "referrals_from",
            "is_public",
            "last_verified",
            "opening_hours",
        ]
        read_only_fields = fields

    @extend_schema_field(LanguageSerializer(many=True))
    def get_language_names(self, service: Service) -> list[dict[str, str]]:
        """The service's languages named in the answer's language ("árabe", "арабский", "阿拉伯语")."""
        return [{"code": code, "name": language_name(code)} for code in service.languages or ()]

    @extend_schema_field(LanguageSerializer(many=True))
    def get_interpreter_language_names(self, service: Service) -> list[dict[str, str]]:
        """The languages interpreted, named in the answer's language."""
        return [{"code": code, "name": language_name(code)} for code in service.interpreter_languages or ()]

    @extend_schema_field({"type": "string", "nullable": True})
    def get_address(self, service: Service) -> str | None:
        return service.address if self._shows_address(service) else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_postal_code(self, service: Service) -> str | None:
        return service.postal_code if self._shows_address(service) else None

    @extend_schema_field(
        {
            "type": "string",
            "nullable": True,
            "description": "Neighbourhood or district; null where a confidential address is withheld.",
        }
    )
    def get_area(self, service: Service) -> str | None:
        if not service.area:
            return ""
        return service.area if selectors.service_shows_area(self.context["request"].user, service) else None

    def _shows_address(self, service: Service) -> bool:
        return selectors.service_shows_address(self.context["request"].user, service)
