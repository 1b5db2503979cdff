"""The REST API of referrals: lists, detail, sending, the lifecycle, messages, timeline, network counts.

Views stay thin. Every lookup goes through `policy.visible_referrals` (anything else answers 404, exactly like a
missing referral); every change goes through `services`; the policy decides every permission. Personal fields are
read only through `services.referral_read_personal` (once per response, which writes the access log); lists carry
no personal field at all. Error bodies carry the services' own messages and never echo what was sent, and every
response is marked `Cache-Control: no-store`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.http import HttpResponseBase
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from network.orgs import policy
from network.orgs.api import ERROR_400, ERROR_403, ERROR_404, ErrorSerializer, OrganisationSummarySerializer
from network.orgs.models import Organisation, Service
from network.orgs.policy import Action

from . import services
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
from .services import TransitionNotAllowed

# A choice error must not repeat the value sent (it could be a personal value typed in the wrong field).
CHOICE_ERRORS = {"invalid_choice": _("This is not one of the accepted values.")}

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


def _field_messages(error: DjangoValidationError, *, nested: bool = False) -> dict[str, Any]:
    """The service's messages per field (nested under person/consent for a send); never the values sent."""
    if not hasattr(error, "error_dict"):
        return {"detail": " ".join(str(message) for message in error.messages)}
    body: dict[str, Any] = {}
    for field, messages in error.message_dict.items():
        messages = [str(message) for message in messages]
        if nested and field in PERSON_ERROR_FIELDS:
            body.setdefault("person", {})[PERSON_ERROR_FIELDS[field]] = messages
        elif nested and field in CONSENT_ERROR_FIELDS:
            body.setdefault("consent", {})[field] = messages
        elif field == "__all__":
            body["non_field_errors"] = messages
        else:
            body[field] = messages
    return body


@contextmanager
def service_errors(denied_reason: str, *, nested: bool = False) -> Iterator[None]:
    """Turn the services' exceptions into API answers: AccessDenied → 403, wrong state → 409, bad input → 400."""
    try:
        yield
    except policy.AccessDenied as error:
        raise ApiPermissionDenied(denied_reason) from error
    except TransitionNotAllowed as error:
        raise TransitionConflict(" ".join(str(message) for message in error.messages)) from error
    except DjangoValidationError as error:
        raise ApiValidationError(_field_messages(error, nested=nested)) from error


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
    # Plain strings with the values listed: a second `status` enum would collide with the partnerships' one.
    status = serializers.CharField(read_only=True, help_text=_values_help(ReferralStatus))
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
        return "received" if policy.can(user, Action.ANSWER_REFERRAL, referral) else "sent"

    @extend_schema_field({"type": "string", "nullable": True, "description": _values_help(DeclineReason)})
    def get_decline_reason(self, referral: Referral) -> str | None:
        return referral.decline_reason or None

    @extend_schema_field({"type": "string", "nullable": True, "description": _values_help(Outcome)})
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

    class Meta(ReferralSummarySerializer.Meta):
        fields = [*ReferralSummarySerializer.Meta.fields, "person", "consent"]
        read_only_fields = fields

    @extend_schema_field(ReferralPersonSerializer)
    def get_person(self, referral: Referral) -> dict[str, Any]:
        personal: Mapping[str, str] = self.context["personal"]
        fields = ("person_name", "contact_channel", "contact_detail", "safe_times", "age_range", "needs")
        return ReferralPersonSerializer({field: personal.get(field) for field in fields}).data


class ReferralEventSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text=_values_help(EventKind))
    from_status = serializers.SerializerMethodField()
    to_status = serializers.SerializerMethodField()
    actor = serializers.SerializerMethodField()
    organisation = OrganisationSummarySerializer(source="actor_organisation", read_only=True, allow_null=True)
    note = serializers.SerializerMethodField()

    class Meta:
        model = ReferralEvent
        fields = ["id", "kind", "from_status", "to_status", "actor", "organisation", "created_at", "note"]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True})
    def get_from_status(self, event: ReferralEvent) -> str | None:
        return event.from_status or None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_to_status(self, event: ReferralEvent) -> str | None:
        return event.to_status or None

    @extend_schema_field({"type": "string", "nullable": True, "description": "The name the actor shows others."})
    def get_actor(self, event: ReferralEvent) -> str | None:
        return event.actor.display_name if event.actor else None

    @extend_schema_field({"type": "string", "nullable": True, "description": "Null when none, or erased."})
    def get_note(self, event: ReferralEvent) -> str | None:
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
        service = policy.visible_services(self.context["request"].user).filter(pk=value).first()
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
        service = policy.visible_services(self.context["request"].user).filter(pk=value).first()
        if service is None:
            raise serializers.ValidationError(_("No such service."))
        return service


class ReferralAppointmentSerializer(serializers.Serializer):
    appointment_at = serializers.DateTimeField(help_text="ISO 8601 date and time, e.g. 2030-05-04T10:30:00+02:00.")


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
        """Applied in the viewset's queryset already (policy.visible_referrals(direction=…)): one indexed condition."""
        return queryset


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
        queryset = policy.visible_referrals(
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
        senders = list(policy.organisations_where(request.user, Action.SEND_REFERRALS)[:2])
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
        sender = policy.visible_organisations(self.request.user).filter(pk=pk).first()
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
        responses={200: ReferralMessageSerializer(many=True), 401: ERROR_401, 403: ERROR_403, 404: ERROR_404},
        filters=False,
    )
    @extend_schema(
        methods=["POST"],
        summary="Write a secure message on a referral",
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
        messages = referral.messages.select_related("author", "author_organisation").order_by("created_at", "id")
        return Response(ReferralMessageSerializer(messages, many=True).data)

    @extend_schema(
        summary="The timeline of a referral",
        responses={200: ReferralEventSerializer(many=True), 401: ERROR_401, 403: ERROR_403, 404: ERROR_404},
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request: Request, pk: str | None = None) -> Response:
        referral = self.get_object()  # 404 unless visible
        events = referral.events.select_related("actor", "actor_organisation").order_by("created_at", "id")
        return Response(ReferralEventSerializer(events, many=True).data)

    # -- network counts ----------------------------------------------------------------------------------------

    @extend_schema(
        summary="Referral counts across the network (network administrators)",
        description="Counts only: no referral, organisation or person is named.",
        responses={200: ReferralCountsSerializer, 401: ERROR_401, 403: ERROR_403},
        filters=False,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def counts(self, request: Request) -> Response:
        if not policy.can(request.user, Action.VIEW_REFERRAL_COUNTS):
            raise ApiPermissionDenied(DENIED_REASONS["counts"])
        return Response(ReferralCountsSerializer(referral_counts()).data)


def referral_counts() -> dict[str, Any]:
    """Network-wide counts per status and per month sent (two queries, whatever the data size)."""
    by_status = dict.fromkeys(ReferralStatus.values, 0)
    for row in Referral.objects.order_by().values("status").annotate(n=Count("id")):
        by_status[row["status"]] = row["n"]
    months = (
        Referral.objects.order_by()
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    by_month = [{"month": row["month"].strftime("%Y-%m"), "count": row["n"]} for row in months if row["month"]]
    return {"total": sum(by_status.values()), "by_status": by_status, "by_month": by_month}
