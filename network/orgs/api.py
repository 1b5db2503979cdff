"""The REST API of organisations, partnerships and the signed-in member (serializers and viewsets).

Views stay thin: reads go through the policy's selectors (DRF applies no object permission to lists), every
change goes through `services`, and the policy decides every permission. Another organisation's object
answers 404 exactly like a missing one; a visible object the user may not act on answers 403 with a reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from network.api_schema import ErrorSerializer
from network.core.service_errors import service_error_text
from network.orgs.rules import OrganisationAction

from . import policy, services
from .models import Organisation, OrganisationKind, Partnership

LANGUAGE_CODE_PATTERN = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")


class ServiceRejected(APIException):
    """A service refused the change (bad input or wrong state): 400 with the service's own message."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("This change is not possible.")
    default_code = "rejected"


@contextmanager
def service_errors(denied_reason: str | None = None) -> Iterator[None]:
    """Turn the services' exceptions into API answers: ValidationError → 400, AccessDenied → 403 with a reason."""
    try:
        yield
    except policy.AccessDenied as error:
        raise ApiPermissionDenied(denied_reason or str(error)) from error
    except DjangoValidationError as error:
        raise ServiceRejected(service_error_text(error)) from error


# ---------------------------------------------------------------------------------------------------------------
# Documented error bodies (so the schema tells the truth about 400/403/404)

ERROR_400 = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Bad input or a change the current state does not allow: `detail` or one list of messages per field.",
)
ERROR_403 = OpenApiResponse(
    ErrorSerializer,
    description="Not signed in (or a refused token), or not allowed to do this to an object you can see.",
)
ERROR_404 = OpenApiResponse(ErrorSerializer, description="No such object, or one you may not see.")


# ---------------------------------------------------------------------------------------------------------------
# Organisations


class OrganisationSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "slug"]
        read_only_fields = fields


class OrganisationSerializer(serializers.ModelSerializer):
    """Public fields for everyone; the address only for those the policy lets see it; the caller's own role."""

    address = serializers.SerializerMethodField()
    my_role = serializers.SerializerMethodField()
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    # Plain strings: an empty value is "" (an email/uri format in the schema would not allow it).
    public_email = serializers.CharField(read_only=True)
    website = serializers.CharField(read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "kind",
            "name",
            "slug",
            "description",
            "city",
            "region",
            "country",
            "languages",
            "logo",
            "public_email",
            "public_phone",
            "website",
            "is_active",
            "address",
            "my_role",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True})
    def get_address(self, organisation: Organisation) -> str | None:
        user = self.context["request"].user
        if organisation.address and policy.can(user, OrganisationAction.VIEW_ADDRESS, organisation):
            return organisation.address
        return None

    @extend_schema_field({"type": "string", "nullable": True, "description": "Your role here, if you are a member."})
    def get_my_role(self, organisation: Organisation) -> str | None:
        return self._roles().get(organisation.pk)

    def _roles(self) -> dict:
        # Read once per response, not once per row.
        if "roles" not in self.context:
            self.context["roles"] = policy.roles_by_organisation(self.context["request"].user)
        return self.context["roles"]


class OrganisationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices)
    country = django_filters.CharFilter(method="filter_country", help_text="Two-letter ISO 3166 code, e.g. FR.")
    language = django_filters.CharFilter(method="filter_language", help_text="A language spoken, e.g. fr.")

    class Meta:
        model = Organisation
        fields = ["kind", "country", "language"]

    def filter_country(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(country=value.strip().upper())

    def filter_language(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        code = value.strip().lower()
        if not LANGUAGE_CODE_PATTERN.match(code):
            return queryset.none()
        if connection.features.supports_json_field_contains:
            return queryset.filter(languages__contains=[code])
        # SQLite has no JSON containment: match the quoted code inside the stored list.
        return queryset.filter(languages__icontains=f'"{code}"')


@extend_schema_view(
    list=extend_schema(
        summary="Organisations of the network",
        responses={200: OrganisationSerializer(many=True), 400: ERROR_400, 403: ERROR_403},
    ),
    retrieve=extend_schema(
        summary="One organisation",
        responses={200: OrganisationSerializer, 403: ERROR_403, 404: ERROR_404},
    ),
)
class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """Organisations anyone may see (inactive ones only for their members and network administrators)."""

    serializer_class = OrganisationSerializer
    permission_classes = [AllowAny]
    queryset = Organisation.objects.none()  # the real one is per user: see get_queryset
    filter_backends = [DjangoFilterBackend]
    filterset_class = OrganisationFilter

    def get_queryset(self) -> QuerySet[Organisation]:
        return policy.visible(self.request.user, OrganisationAction.VIEW_ORGANISATION).order_by("name")


# ---------------------------------------------------------------------------------------------------------------
# Partnerships


class PartnershipSerializer(serializers.ModelSerializer):
    proposer = OrganisationSummarySerializer(read_only=True)
    partner = OrganisationSummarySerializer(read_only=True)

    class Meta:
        model = Partnership
        fields = [
            "id",
            "proposer",
            "partner",
            "status",
            "charter",
            "proposed_at",
            "answered_at",
            "started_on",
            "ended_on",
        ]
        read_only_fields = fields


class PartnershipProposalSerializer(serializers.Serializer):
    """A proposal on behalf of one of your organisations; the partner decides."""

    proposer = serializers.UUIDField(help_text="Your organisation, which proposes.")
    partner = serializers.UUIDField(help_text="The organisation invited to the partnership.")
    charter = serializers.CharField(max_length=4000, help_text="The charter of shared values.")

    def validate_proposer(self, value: Any) -> Organisation:
        return self._organisation(value)

    def validate_partner(self, value: Any) -> Organisation:
        return self._organisation(value)

    def _organisation(self, pk: Any) -> Organisation:
        organisation = (
            policy.visible(self.context["request"].user, OrganisationAction.VIEW_ORGANISATION).filter(pk=pk).first()
        )
        if organisation is None:
            raise serializers.ValidationError(_("No such organisation."))
        return organisation


DENIED_REASONS: dict[str, str] = {
    "propose": _("Only the coordinators of the proposing organisation can propose a partnership."),
    "accept": _("Only the coordinators of the invited organisation can accept this partnership."),
    "decline": _("Only the coordinators of the invited organisation can decline this partnership."),
    "end": _("Only the coordinators of the two organisations can end this partnership."),
}


def _transition_schema(summary: str) -> Callable:
    return extend_schema(
        summary=summary,
        request=None,
        responses={200: PartnershipSerializer, 400: ERROR_400, 403: ERROR_403, 404: ERROR_404},
    )


@extend_schema_view(
    list=extend_schema(
        summary="Partnerships of your organisations",
        responses={200: PartnershipSerializer(many=True), 403: ERROR_403},
    ),
    retrieve=extend_schema(
        summary="One partnership", responses={200: PartnershipSerializer, 403: ERROR_403, 404: ERROR_404}
    ),
    create=extend_schema(
        summary="Propose a partnership",
        request=PartnershipProposalSerializer,
        responses={201: PartnershipSerializer, 400: ERROR_400, 403: ERROR_403},
    ),
)
class PartnershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Partnerships are proposed by one organisation and accepted by the other: never imposed."""

    serializer_class = PartnershipSerializer
    permission_classes = [IsAuthenticated]
    queryset = Partnership.objects.none()  # the real one is per user: see get_queryset

    def get_queryset(self) -> QuerySet[Partnership]:
        return policy.visible(self.request.user, OrganisationAction.VIEW_PARTNERSHIP).order_by("-proposed_at")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        proposal = PartnershipProposalSerializer(data=request.data, context=self.get_serializer_context())
        proposal.is_valid(raise_exception=True)
        with service_errors(DENIED_REASONS["propose"]):
            partnership = services.partnership_propose(acting_user=request.user, **proposal.validated_data)
        return Response(self.get_serializer(partnership).data, status=status.HTTP_201_CREATED)

    @_transition_schema("Accept a proposed partnership (the invited side)")
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(services.partnership_accept, "accept")

    @_transition_schema("Decline a proposed partnership (the invited side)")
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(services.partnership_decline, "decline")

    @_transition_schema("End a partnership, or withdraw a proposal (either side)")
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(services.partnership_end, "end")

    def _transition(self, service: Callable[..., Partnership], name: str) -> Response:
        partnership = self.get_object()  # 404 unless visible
        with service_errors(DENIED_REASONS[name]):
            partnership = service(partnership=partnership, acting_user=self.request.user)
        return Response(self.get_serializer(partnership).data)


# ---------------------------------------------------------------------------------------------------------------
# The signed-in member


class MyMembershipSerializer(serializers.Serializer):
    organisation = serializers.UUIDField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    organisation_slug = serializers.CharField(source="organisation.slug")
    role = serializers.CharField()


class MeSerializer(serializers.Serializer):
    display_name = serializers.CharField(help_text="The name others see (your pseudonym unless you chose otherwise).")
    is_network_admin = serializers.BooleanField()
    memberships = MyMembershipSerializer(many=True)


class MeView(APIView):
    """Who you are on the platform: the name others see and your memberships (never your real name unasked)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(summary="You and your memberships", responses={200: MeSerializer, 403: ERROR_403})
    def get(self, request: Request) -> Response:
        user = request.user
        memberships = (
            policy.visible(user, OrganisationAction.VIEW_MEMBERSHIP).filter(user=user).order_by("organisation__name")
        )
        data = {
            "display_name": user.display_name,
            "is_network_admin": policy.is_network_admin(user),
            "memberships": list(memberships),
        }
        return Response(MeSerializer(data).data)
