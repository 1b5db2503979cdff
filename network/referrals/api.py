"""The REST API of referrals: lists, detail, sending, the lifecycle, messages, timeline, network counts.

Views stay thin (the representations, request bodies and filters are in serializers.py, the counts in
selectors.py). Every lookup goes through `referral_rules.visible_referrals` (anything else answers 404, exactly like a
missing referral); every change goes through `services`; the policy decides every permission. Personal fields are
read only through `services.referral_read_personal` (once per response, which writes the access log); lists carry
no personal field at all. Error bodies carry the services' own messages and never echo what was sent, and every
response is marked `Cache-Control: no-store`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpResponseBase
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from network.accounts.names import names_prefetch
from network.core.service_errors import service_error_body, service_error_text
from network.orgs import policy
from network.orgs.api import ERROR_400, ERROR_403, ERROR_404, ErrorSerializer
from network.orgs.models import Organisation
from network.orgs.rules import OrganisationAction
from network.referrals import rules as referral_rules
from network.referrals.rules import ReferralAction

from . import services
from .models import Referral, ReferralMessage
from .selectors import referral_counts
from .serializers import (
    ReferralAppointmentSerializer,
    ReferralCompleteSerializer,
    ReferralCountsSerializer,
    ReferralCreateSerializer,
    ReferralDeclineSerializer,
    ReferralDetailSerializer,
    ReferralEventSerializer,
    ReferralFilter,
    ReferralMessageInputSerializer,
    ReferralMessageSerializer,
    ReferralNoteSerializer,
    ReferralRedirectSerializer,
    ReferralSummarySerializer,
)
from .services import TransitionNotAllowed

DENIED_REASONS: dict[str, str] = {
    "send": _("Only staff and coordinators of an organisation can send referrals on its behalf."),
    "answer": _("Only staff and coordinators of the receiving organisation can answer this referral."),
    "manage": _(
        "Only staff and coordinators of the sending organisation can cancel this referral or withdraw its consent."
    ),
    "message": _("Only staff and coordinators of the two organisations can write on this referral."),
    "counts": _("Only network administrators can see referral counts."),
}


# ---------------------------------------------------------------------------------------------------------------
# Errors: 400 with messages per field, 403 with a reason, 409 for a wrong state


class TransitionConflict(APIException):
    """The referral's current state does not allow this action: nothing was changed."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This referral's current state does not allow this action.")
    default_code = "transition_not_allowed"


# Where the send service's field names belong in the request body.
PERSON_ERROR_FIELDS = {
    "name": "name",
    "person_name": "name",
    "preferred_language": "preferred_language",
    "interpreter_needed": "interpreter_needed",
    "contact_channel": "contact_channel",
    "contact_detail": "contact_detail",
    "safe_times": "safe_times",
    "age_range": "age_range",
    "needs": "needs",
}
CONSENT_ERROR_FIELDS = {
    "shared_fields",
    "purpose",
    "method",
    "explained_in_language",
    "interpreter_used",
    "valid_until",
}


def _send_field_place(field: str) -> tuple[str, ...]:
    """Where a field of the send service's errors sits in the request body (under `person` or `consent`)."""
    if field in PERSON_ERROR_FIELDS:
        return ("person", PERSON_ERROR_FIELDS[field])
    if field in CONSENT_ERROR_FIELDS:
        return ("consent", field)
    return (field,)


@contextmanager
def service_errors(denied_reason: str, *, nested: bool = False) -> Iterator[None]:
    """Turn the services' exceptions into API answers: AccessDenied → 403, wrong state → 409, bad input → 400."""
    try:
        yield
    except services.ConversationClosed as error:  # the consent ended: the refusal says so, without detail
        raise ApiPermissionDenied(str(error), code="conversation_closed") from error
    except policy.AccessDenied as error:
        raise ApiPermissionDenied(denied_reason) from error
    except TransitionNotAllowed as error:
        raise TransitionConflict(service_error_text(error)) from error
    except DjangoValidationError as error:
        raise ApiValidationError(service_error_body(error, place=_send_field_place if nested else None)) from error


ERROR_401 = OpenApiResponse(ErrorSerializer, description="Not signed in, or the token was refused.")
ERROR_409 = OpenApiResponse(
    ErrorSerializer, description="The referral's current state does not allow this action; nothing was changed."
)
ERROR_400_FIELDS = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Bad input: one list of messages per field (nested under `person` and `consent` when sending). "
    "The messages never repeat the values sent.",
)


# ---------------------------------------------------------------------------------------------------------------
# The viewset


def _transition_schema(summary: str, request: Any = None, *, error_400: bool = True) -> Callable:
    responses: dict[int, Any] = {
        200: ReferralDetailSerializer,
        401: ERROR_401,
        403: ERROR_403,
        404: ERROR_404,
        409: ERROR_409,
    }
    if error_400:
        responses[400] = ERROR_400_FIELDS
    return extend_schema(summary=summary, request=request, responses=responses, filters=False)


@extend_schema_view(
    list=extend_schema(
        summary="Referrals you may see",
        description="Sent or received by organisations where you are staff or coordinator. Metadata only: "
        "no personal field appears in lists.",
        responses={200: ReferralSummarySerializer(many=True), 400: ERROR_400, 401: ERROR_401, 403: ERROR_403},
    ),
    retrieve=extend_schema(
        summary="One referral",
        description="The personal fields you may read now are filled in (and the read is written to the access "
        "log); the others are null.",
        responses={200: ReferralDetailSerializer, 401: ERROR_401, 403: ERROR_403, 404: ERROR_404},
    ),
    create=extend_schema(
        summary="Send a referral, with the person's consent",
        request=ReferralCreateSerializer,
        responses={201: ReferralSummarySerializer, 400: ERROR_400_FIELDS, 401: ERROR_401, 403: ERROR_403},
    ),
)
class ReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Referrals between organisations: visible to staff and coordinators of the two sides only."""

    serializer_class = ReferralSummarySerializer
    permission_classes = [IsAuthenticated]
    queryset = Referral.objects.none()  # the real one is per user: see get_queryset
    filter_backends = [DjangoFilterBackend]
    filterset_class = ReferralFilter

    def get_queryset(self) -> QuerySet[Referral]:
        direction = self.request.query_params.get("direction") if self.action == "list" else None
        queryset = referral_rules.visible_referrals(
            self.request.user, direction=direction if direction in ("sent", "received") else None
        ).select_related("sender_organisation", "receiver_organisation", "service__category")
        if self.action == "list":
            # Lists never show personal fields: do not even load (and decrypt) them.
            return queryset.defer(*services.ERASABLE_MODEL_FIELDS).order_by("-created_at", "-id")
        return queryset.select_related("consent")

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)  # personal data must not stay in any cache
        return response

    # -- reading -----------------------------------------------------------------------------------------------

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._detail(self.get_object()))

    def _detail(self, referral: Referral) -> dict[str, Any]:
        """The detail representation; the single read of personal fields for this response."""
        personal = services.referral_read_personal(referral=referral, acting_user=self.request.user, channel="api")
        context = {**self.get_serializer_context(), "personal": personal}
        return ReferralDetailSerializer(referral, context=context).data

    # -- sending -----------------------------------------------------------------------------------------------

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        senders = list(policy.organisations_where(request.user, ReferralAction.SEND_REFERRALS)[:2])
        if not senders:
            raise ApiPermissionDenied(DENIED_REASONS["send"])
        body = ReferralCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        sender = self._sender(data.pop("sender", None), senders)
        with service_errors(DENIED_REASONS["send"], nested=True):
            referral = services.referral_send(
                acting_user=request.user,
                sender=sender,
                service=data["service"],
                person=dict(data["person"]),
                urgency=data["urgency"],
                consent=dict(data["consent"]),
                accompaniment=data["accompaniment"],
            )
        referral = self.get_queryset().get(pk=referral.pk)
        return Response(ReferralSummarySerializer(referral, context=self.get_serializer_context()).data, status=201)

    def _sender(self, pk: Any, senders: list[Organisation]) -> Organisation:
        if pk is None:
            if len(senders) > 1:
                raise ApiValidationError({"sender": [_("Say which of your organisations sends this referral.")]})
            return senders[0]
        sender = policy.visible(self.request.user, OrganisationAction.VIEW_ORGANISATION).filter(pk=pk).first()
        if sender is None:
            raise ApiValidationError({"sender": [_("No such organisation.")]})
        return sender

    # -- the receiver's answers ---------------------------------------------------------------------------------

    @_transition_schema("Accept a referral (the receiving organisation)", ReferralNoteSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(services.referral_accept, "answer", ReferralNoteSerializer)

    @_transition_schema("Decline a referral, with a coded reason (the receiver)", ReferralDeclineSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(services.referral_decline, "answer", ReferralDeclineSerializer)

    @_transition_schema("Redirect to another service of the receiving organisation", ReferralRedirectSerializer)
    @action(detail=True, methods=["post"])
    def redirect(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(services.referral_redirect, "answer", ReferralRedirectSerializer)

    @_transition_schema("Set (or move) the appointment of an accepted referral", ReferralAppointmentSerializer)
    @action(detail=True, methods=["post"], url_path="set-appointment", url_name="set-appointment")
    def set_appointment(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(services.referral_set_appointment, "answer", ReferralAppointmentSerializer)

    @_transition_schema("Close an accepted referral with its outcome", ReferralCompleteSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(services.referral_complete, "answer", ReferralCompleteSerializer)

    # -- the sender's actions ----------------------------------------------------------------------------------

    @_transition_schema("Cancel a referral before it is completed (the sending organisation)", ReferralNoteSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(services.referral_cancel, "manage", ReferralNoteSerializer)

    @_transition_schema("Record that the person withdrew consent (the sending organisation)", None, error_400=False)
    @action(detail=True, methods=["post"], url_path="withdraw-consent", url_name="withdraw-consent")
    def withdraw_consent(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(services.referral_withdraw_consent, "manage", None)

    def _transition(self, service: Callable[..., Referral], side: str, body_class: type | None) -> Response:
        referral = self.get_object()  # 404 unless visible
        arguments: dict[str, Any] = {}
        if body_class is not None:
            body = body_class(data=self.request.data, context=self.get_serializer_context())
            body.is_valid(raise_exception=True)
            arguments = dict(body.validated_data)
        with service_errors(DENIED_REASONS[side]):
            service(referral=referral, acting_user=self.request.user, **arguments)
        return Response(self._detail(self.get_queryset().get(pk=referral.pk)))

    # -- messages and timeline ---------------------------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        summary="The secure messages of a referral",
        description="The sending organisation keeps reading them; the receiving organisation is refused (403, with "
        "the reason) once the person's consent was withdrawn or has expired.",
        responses={200: ReferralMessageSerializer(many=True), 401: ERROR_401, 403: ERROR_403, 404: ERROR_404},
        filters=False,
    )
    @extend_schema(
        methods=["POST"],
        summary="Write a secure message on a referral",
        description="Refused (403, with the reason) once the person's consent was withdrawn or has expired.",
        request=ReferralMessageInputSerializer,
        responses={
            201: ReferralMessageSerializer,
            400: ERROR_400_FIELDS,
            401: ERROR_401,
            403: ERROR_403,
            404: ERROR_404,
            409: ERROR_409,
        },
        filters=False,
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def messages(self, request: Request, pk: str | None = None) -> Response:
        referral = self.get_object()  # 404 unless visible
        if request.method == "POST":
            body = ReferralMessageInputSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            with service_errors(DENIED_REASONS["message"]):
                message = services.referral_message_post(
                    referral=referral, acting_user=request.user, body=body.validated_data["body"]
                )
            message = ReferralMessage.objects.select_related("author", "author_organisation").get(pk=message.pk)
            return Response(ReferralMessageSerializer(message).data, status=status.HTTP_201_CREATED)
        if not policy.can(request.user, ReferralAction.READ_REFERRAL_CONVERSATION, referral):
            raise ApiPermissionDenied(services.CONVERSATION_NOT_SHARED, code="conversation_closed")
        messages = (
            referral.messages.select_related("author", "author_organisation")
            .prefetch_related(*names_prefetch("author"))
            .order_by("created_at", "id")
        )
        return Response(ReferralMessageSerializer(messages, many=True).data)

    @extend_schema(
        summary="The timeline of a referral",
        description="Every step, for both sides; the notes (they can carry personal data) are null for the "
        "receiving organisation once the person's consent was withdrawn or has expired.",
        responses={200: ReferralEventSerializer(many=True), 401: ERROR_401, 403: ERROR_403, 404: ERROR_404},
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request: Request, pk: str | None = None) -> Response:
        referral = self.get_object()  # 404 unless visible
        show_notes = policy.can(request.user, ReferralAction.READ_REFERRAL_CONVERSATION, referral)
        events = (
            referral.events.select_related("actor", "actor_organisation")
            .prefetch_related(*names_prefetch("actor"))
            .order_by("created_at", "id")
        )
        if not show_notes:
            events = events.defer("note")  # not even loaded (and decrypted)
        return Response(ReferralEventSerializer(events, many=True, context={"show_notes": show_notes}).data)

    # -- network counts ----------------------------------------------------------------------------------------

    @extend_schema(
        summary="Referral counts across the network (network administrators)",
        description="Counts only: no referral, organisation or person is named.",
        responses={200: ReferralCountsSerializer, 401: ERROR_401, 403: ERROR_403},
        filters=False,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def counts(self, request: Request) -> Response:
        if not policy.can(request.user, ReferralAction.VIEW_REFERRAL_COUNTS):
            raise ApiPermissionDenied(DENIED_REASONS["counts"])
        return Response(ReferralCountsSerializer(referral_counts()).data)
