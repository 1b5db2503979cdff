"""The REST API of advocacy: key messages with their signatories, endorsing, and the opportunities calendar.

Views stay thin: every list and lookup goes through the policy's selectors (a message you may not see answers 404,
exactly like a missing one), every change through `services`. Answers to endorsing:
- 401 when not signed in;
- 400 when `organisation` is missing or names no active organisation;
- 403 (with the reason) when you are not a coordinator of that organisation, whether or not you belong to it:
  organisations are public, so saying so reveals nothing;
- 404 when the message does not exist or you may not see it;
- 409 when the message's status does not allow it, when the organisation already signs it (endorse) or does not
  sign it (withdraw). Nothing changes on any refusal.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import django_filters
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponseBase
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotAuthenticated
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from network.advocacy.rules import AdvocacyAction
from network.core.service_errors import service_error_text
from network.orgs import policy
from network.orgs.api import ERROR_400, ERROR_403, ERROR_404, ErrorSerializer
from network.orgs.models import Organisation

from . import selectors, services
from .models import AdvocacyOpportunity, KeyMessage, MessageStatus, OpportunityLevel
from .serializers import EndorsementRequestSerializer, KeyMessageSerializer, OpportunitySerializer


class EndorsementConflict(APIException):
    """The message's status, or the organisation's current signature, does not allow this: nothing changed."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This message's current state does not allow this.")
    default_code = "conflict"


ERROR_401 = OpenApiResponse(ErrorSerializer, description="Not signed in, or the token was refused.")
ERROR_409 = OpenApiResponse(
    ErrorSerializer,
    description="The message's status does not allow it, or the organisation already signs it (endorse) / does "
    "not sign it (withdraw). Nothing was changed.",
)


@contextmanager
def endorsement_errors() -> Iterator[None]:
    try:
        yield
    except policy.AccessDenied as error:
        raise ApiPermissionDenied(str(error)) from error
    except DjangoValidationError as error:  # TransitionNotAllowed, AlreadyEndorsed, NotEndorsed
        raise EndorsementConflict(service_error_text(error)) from error


class KeyMessageFilter(django_filters.FilterSet):
    theme = django_filters.CharFilter(method="filter_theme", help_text="A theme's slug, e.g. harm-reduction.")
    status = django_filters.ChoiceFilter(choices=MessageStatus.choices)
    language = django_filters.ChoiceFilter(
        method="filter_language",
        choices=settings.LANGUAGES,
        help_text="Only messages available in this language, in that language. Without it, every message once: "
        "in the language of the request (Accept-Language) where translated, else in its source language.",
    )

    class Meta:
        model = KeyMessage
        fields = ["theme", "status", "language"]

    def filter_theme(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return services.key_messages_with_theme(queryset, value.strip())

    def filter_language(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset  # applied in get_queryset, where the reading language is chosen


@extend_schema_view(
    list=extend_schema(
        summary="Key messages you may see",
        description="Adopted messages for everyone; proposed and retired ones for network members; drafts for "
        "members of the drafting organisation. Signatories are organisations, never people.",
        responses={200: KeyMessageSerializer(many=True), 400: ERROR_400},
    ),
    retrieve=extend_schema(
        summary="One key message, with its signatories",
        responses={200: KeyMessageSerializer, 404: ERROR_404},
    ),
)
class KeyMessageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = KeyMessageSerializer
    permission_classes = [AllowAny]
    queryset = KeyMessage.objects.none()  # the real one is per user: see get_queryset
    filter_backends = [DjangoFilterBackend]
    filterset_class = KeyMessageFilter

    def get_queryset(self) -> QuerySet[KeyMessage]:
        user = self.request.user
        if self.action == "list":
            language = self.request.query_params.get("language")
            if language in dict(settings.LANGUAGES):
                queryset = policy.visible(user, AdvocacyAction.VIEW_KEY_MESSAGE).filter(locale__language_code=language)
            else:  # no language (or an unknown one, which the filter answers with 400)
                queryset = services.key_messages_for_reading(user)
            queryset = queryset.order_by("-updated_at", "pk")
        else:
            queryset = policy.visible(user, AdvocacyAction.VIEW_KEY_MESSAGE)
        return queryset.select_related("drafting_organisation", "locale")

    def paginate_queryset(self, queryset: Any) -> list[KeyMessage] | None:
        page = super().paginate_queryset(queryset)
        if page is not None:
            services.key_messages_attach(page, user=self.request.user)
        return page

    def get_object(self) -> KeyMessage:
        message = super().get_object()
        services.key_messages_attach([message], user=self.request.user)
        return message

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.user.is_authenticated:
            add_never_cache_headers(response)  # drafts and proposals are not for shared caches
        patch_vary_headers(response, ["Cookie", "Authorization", "Accept-Language"])
        return response

    @extend_schema(
        summary="Sign the message for one of your organisations",
        description="Coordinators only, for an organisation where they are coordinator, on a proposed or adopted "
        "message. An organisation signs a message once (all its translations at once).",
        request=EndorsementRequestSerializer,
        responses={
            200: KeyMessageSerializer,
            400: ERROR_400,
            401: ERROR_401,
            403: ERROR_403,
            404: ERROR_404,
            409: ERROR_409,
        },
    )
    @action(detail=True, methods=["post"])
    def endorse(self, request: Request, pk: str | None = None) -> Response:
        return self._endorsement(request, services.endorsement_sign)

    @extend_schema(
        summary="Withdraw your organisation's signature",
        description="Coordinators of the signing organisation, whatever the message's status. The signature's "
        "history is kept.",
        request=EndorsementRequestSerializer,
        responses={
            200: KeyMessageSerializer,
            400: ERROR_400,
            401: ERROR_401,
            403: ERROR_403,
            404: ERROR_404,
            409: ERROR_409,
        },
    )
    @action(detail=True, methods=["post"], url_path="withdraw-endorsement")
    def withdraw_endorsement(self, request: Request, pk: str | None = None) -> Response:
        return self._endorsement(request, services.endorsement_withdraw)

    def _endorsement(self, request: Request, service: Any) -> Response:
        if not request.user.is_authenticated:
            raise NotAuthenticated
        message = super().get_object()  # 404 when invisible
        body = EndorsementRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        organisation = _organisation(body.validated_data["organisation"])
        with endorsement_errors():
            service(message=message, organisation=organisation, acting_user=request.user)
        return Response(self.get_serializer(self.get_object()).data)


def _organisation(value: str) -> Organisation:
    """An active organisation by id or slug; 400 otherwise (organisations are public: no 404 to hide anything)."""
    value = value.strip()
    try:
        condition = {"pk": UUID(value)}
    except ValueError:
        condition = {"slug": value}
    organisation = Organisation.objects.filter(is_active=True, **condition).first()
    if organisation is None:
        raise ApiValidationError({"organisation": [_("No active organisation has this id or slug.")]})
    return organisation


# ---------------------------------------------------------------------------------------------------------------
# Opportunities


class OpportunityFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=OpportunityLevel.choices)

    class Meta:
        model = AdvocacyOpportunity
        fields = ["level"]


@extend_schema_view(
    list=extend_schema(
        summary="Advocacy opportunities you may see",
        description="Public ones for everyone; members-only ones for network members. Soonest first.",
        responses={200: OpportunitySerializer(many=True), 400: ERROR_400},
    ),
    retrieve=extend_schema(summary="One advocacy opportunity", responses={200: OpportunitySerializer, 404: ERROR_404}),
)
class OpportunityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = OpportunitySerializer
    permission_classes = [AllowAny]
    queryset = AdvocacyOpportunity.objects.none()  # the real one is per user: see get_queryset
    filter_backends = [DjangoFilterBackend]
    filterset_class = OpportunityFilter

    def get_queryset(self) -> QuerySet[AdvocacyOpportunity]:
        user = self.request.user
        messages = policy.visible(user, AdvocacyAction.VIEW_KEY_MESSAGE).order_by("statement")
        return (
            policy.visible(user, AdvocacyAction.VIEW_OPPORTUNITY)
            .prefetch_related(
                Prefetch("key_messages", queryset=messages, to_attr="visible_key_messages"),
                selectors.participating_organisations(user),  # confirmed ones only: naming needs consent
            )
            .order_by("starts_at", "pk")
        )

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        patch_vary_headers(response, ["Cookie", "Authorization"])
        return response
