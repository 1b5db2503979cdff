"""The referral page (status, personal fields within consent, timeline, messages, actions) and its access log.

A referral outside `referral_rules.visible_referrals(user)` answers 404 exactly like a missing one. Personal fields come
from ONE call to `services.referral_read_personal` per page shown (it writes the access log); the view never
reads them from the model. Every response here carries `Cache-Control: no-store`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from network.accounts.names import names_prefetch
from network.core.service_errors import add_service_errors
from network.directory.models import Service
from network.orgs import policy
from network.orgs.languages import language_name
from network.referrals import rules as referral_rules
from network.referrals.rules import ReferralAction

from .. import selectors, services
from ..forms import (
    AcceptForm,
    AppointmentForm,
    CancelForm,
    CompleteForm,
    DeclineForm,
    MessageForm,
    RedirectForm,
    WithdrawConsentForm,
)
from ..models import (
    AWAITING_ANSWER,
    AccessChannel,
    AgeRange,
    ContactChannel,
    EventKind,
    PersonalField,
    Referral,
    ReferralStatus,
)
from .common import forbidden

ACCESS_LOG_PAGE_SIZE = 50

# Why a personal field is not on the page (never which value it would have had).
NOT_SHARED = gettext_lazy("Not shared (outside the consent)")
AFTER_ACCEPTANCE = gettext_lazy("Shared after acceptance")
CONSENT_WITHDRAWN = gettext_lazy("Consent withdrawn")
CONSENT_EXPIRED = gettext_lazy("Consent expired")
ERASED = gettext_lazy("Erased")
NOT_AVAILABLE = gettext_lazy("Not available to you")
NOT_GIVEN = gettext_lazy("Not given")


@dataclass(frozen=True)
class ReferralStep:
    """One action of the referral page: its form, the service it calls, who may take it and from which states."""

    label: Promise
    form: type[forms.Form]
    run: Callable[[Referral, Any, dict[str, Any]], Referral]
    policy_action: ReferralAction
    states: tuple[str, ...]
    done: Promise
    refused: Promise
    danger: bool = False


ACTIONS: dict[str, ReferralStep] = {
    "accept": ReferralStep(
        label=gettext_lazy("Accept"),
        form=AcceptForm,
        run=lambda referral, user, data: services.referral_accept(referral=referral, acting_user=user, **data),
        policy_action=ReferralAction.ANSWER_REFERRAL,
        states=services.ALLOWED_FROM["accept"],
        done=gettext_lazy("You accepted referral %(number)s."),
        refused=gettext_lazy("Only staff and coordinators of the receiving organisation can answer this referral."),
    ),
    "decline": ReferralStep(
        label=gettext_lazy("Decline"),
        form=DeclineForm,
        run=lambda referral, user, data: services.referral_decline(referral=referral, acting_user=user, **data),
        policy_action=ReferralAction.ANSWER_REFERRAL,
        states=services.ALLOWED_FROM["decline"],
        done=gettext_lazy("You declined referral %(number)s."),
        refused=gettext_lazy("Only staff and coordinators of the receiving organisation can answer this referral."),
        danger=True,
    ),
    "redirect": ReferralStep(
        label=gettext_lazy("Redirect to another of our services"),
        form=RedirectForm,
        run=lambda referral, user, data: services.referral_redirect(referral=referral, acting_user=user, **data),
        policy_action=ReferralAction.ANSWER_REFERRAL,
        states=services.ALLOWED_FROM["redirect"],
        done=gettext_lazy("Referral %(number)s was redirected."),
        refused=gettext_lazy("Only staff and coordinators of the receiving organisation can answer this referral."),
    ),
    "set-appointment": ReferralStep(
        label=gettext_lazy("Set the appointment"),
        form=AppointmentForm,
        run=lambda referral, user, data: services.referral_set_appointment(referral=referral, acting_user=user, **data),
        policy_action=ReferralAction.ANSWER_REFERRAL,
        states=services.ALLOWED_FROM["set-appointment"],
        done=gettext_lazy("The appointment for referral %(number)s is recorded."),
        refused=gettext_lazy("Only staff and coordinators of the receiving organisation can set the appointment."),
    ),
    "complete": ReferralStep(
        label=gettext_lazy("Record the outcome"),
        form=CompleteForm,
        run=lambda referral, user, data: services.referral_complete(referral=referral, acting_user=user, **data),
        policy_action=ReferralAction.ANSWER_REFERRAL,
        states=services.ALLOWED_FROM["complete"],
        done=gettext_lazy("Referral %(number)s is completed."),
        refused=gettext_lazy("Only staff and coordinators of the receiving organisation can complete this referral."),
    ),
    "cancel": ReferralStep(
        label=gettext_lazy("Cancel the referral"),
        form=CancelForm,
        run=lambda referral, user, data: services.referral_cancel(referral=referral, acting_user=user, **data),
        policy_action=ReferralAction.MANAGE_SENT_REFERRAL,
        states=services.ALLOWED_FROM["cancel"],
        done=gettext_lazy("Referral %(number)s is cancelled."),
        refused=gettext_lazy("Only staff and coordinators of the sending organisation can cancel this referral."),
        danger=True,
    ),
    "withdraw-consent": ReferralStep(
        label=gettext_lazy("Record that consent was withdrawn"),
        form=WithdrawConsentForm,
        run=lambda referral, user, data: services.referral_withdraw_consent(referral=referral, acting_user=user),
        policy_action=ReferralAction.MANAGE_SENT_REFERRAL,
        states=services.ALLOWED_FROM["withdraw-consent"],
        done=gettext_lazy("Consent for referral %(number)s is withdrawn: the receiver no longer sees the person."),
        refused=gettext_lazy("Only staff and coordinators of the sending organisation can record a withdrawal."),
        danger=True,
    ),
}


def _visible(user: Any) -> QuerySet[Referral]:
    return referral_rules.visible_referrals(user).select_related(
        "service", "service__category", "sender_organisation", "receiver_organisation", "consent"
    )


def _redirect_services(referral: Referral) -> QuerySet[Service]:
    """The receiving organisation's other active services (the redirect service checks this again)."""
    return (
        Service.objects.filter(organisation_id=referral.receiver_organisation_id, is_active=True)
        .exclude(pk=referral.service_id)
        .select_related("organisation")
        .order_by("name")
    )


def _action_form(name: str, referral: Referral, data: Any = None) -> forms.Form:
    kwargs: dict[str, Any] = {"prefix": name}
    if name == "redirect":
        kwargs["services"] = _redirect_services(referral)
    elif name == "complete":
        kwargs["referral"] = referral
    return ACTIONS[name].form(data, **kwargs)


# ---------------------------------------------------------------------------------------------------------------
# The referral page


@never_cache
@login_required
@require_GET
def detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Everything about one referral that this user may see, and the actions their role allows now."""
    referral = get_object_or_404(_visible(request.user), pk=pk)
    return _render_detail(request, referral)


@never_cache
@login_required
@require_POST
def transition(request: HttpRequest, pk: UUID, action: str) -> HttpResponse:
    """Accept, decline, redirect, set the appointment, complete, cancel or withdraw consent (POST only)."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    user = request.user
    referral = get_object_or_404(_visible(user), pk=pk)
    if not policy.can(user, spec.policy_action, referral):
        return forbidden(request, spec.refused, referral=referral)
    form = _action_form(action, referral, request.POST)
    if form.is_valid():
        try:
            spec.run(referral, user, dict(form.cleaned_data))
        except policy.AccessDenied:
            return forbidden(request, spec.refused, referral=referral)
        except services.TransitionNotAllowed as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("referrals:detail", pk=referral.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, spec.done % {"number": referral.number})
            return redirect("referrals:detail", pk=referral.pk)
    referral = get_object_or_404(_visible(user), pk=pk)  # as it is now, for the page shown again with the errors
    return _render_detail(request, referral, bound=(action, form))


@never_cache
@login_required
@require_POST
def message_post(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Post a secure message to the other organisation on this referral."""
    user = request.user
    referral = get_object_or_404(_visible(user), pk=pk)
    if not policy.can(user, ReferralAction.POST_REFERRAL_MESSAGE, referral):
        if referral_rules.consent_has_ended(referral):
            return _conversation_closed(request, referral)
        return forbidden(request, _("You cannot post messages on this referral."), referral=referral)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.referral_message_post(referral=referral, acting_user=user, body=form.cleaned_data["body"])
        except services.ConversationClosed:  # the consent ended since the page was loaded
            return _conversation_closed(request, referral)
        except policy.AccessDenied:
            return forbidden(request, _("You cannot post messages on this referral."), referral=referral)
        except services.TransitionNotAllowed as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("referrals:detail", pk=referral.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your message was posted."))
            return redirect(reverse("referrals:detail", kwargs={"pk": referral.pk}) + "#messages")
    return _render_detail(request, referral, message_form=form)


def _conversation_closed(request: HttpRequest, referral: Referral) -> HttpResponse:
    """Back to the referral page, with the reason above it: nothing was posted."""
    messages.error(request, services.CONVERSATION_CLOSED)
    return redirect(reverse("referrals:detail", kwargs={"pk": referral.pk}) + "#messages")


def _render_detail(
    request: HttpRequest,
    referral: Referral,
    *,
    bound: tuple[str, forms.Form] | None = None,
    message_form: MessageForm | None = None,
) -> HttpResponse:
    user = request.user
    personal = services.referral_read_personal(referral=referral, acting_user=user, channel=AccessChannel.PAGE)
    is_sender = policy.can(user, ReferralAction.MANAGE_SENT_REFERRAL, referral)
    is_receiver = policy.can(user, ReferralAction.ANSWER_REFERRAL, referral)
    consent = referral.consent
    actions = []
    for name, spec in ACTIONS.items():
        if referral.status not in spec.states or not policy.can(user, spec.policy_action, referral):
            continue
        if name == "redirect" and not _redirect_services(referral).exists():
            continue
        form = bound[1] if bound and bound[0] == name else _action_form(name, referral)
        actions.append({"name": name, "spec": spec, "form": form, "open": bool(bound and bound[0] == name)})
    can_message = (
        policy.can(user, ReferralAction.POST_REFERRAL_MESSAGE, referral) and referral.personal_data_erased_at is None
    )
    # Messages and notes can carry personal data: once consent ended, the receiving side no longer loads them.
    reads_conversation = policy.can(user, ReferralAction.READ_REFERRAL_CONVERSATION, referral)
    events = referral.events.select_related("actor", "actor_organisation").prefetch_related(*names_prefetch("actor"))
    if not reads_conversation:
        events = events.defer("note")
    place = _appointment_place(referral, is_receiver=is_receiver)
    events = _with_appointment_and_outcome(list(events), referral, place)
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "consent": consent,
            "is_sender": is_sender,
            "is_receiver": is_receiver,
            "personal_rows": _personal_rows(referral, personal, is_sender=is_sender),
            "shared_field_labels": [PersonalField(field).label for field in consent.shared_fields],
            "consent_language": language_name(consent.explained_in_language),
            "preferred_language": language_name(referral.preferred_language),
            "events": events,
            "appointment_place": place,
            "appointment_ahead": (
                referral.appointment_at
                if referral.status == ReferralStatus.APPOINTMENT_SET and CompleteForm.appointment_ahead(referral)
                else None
            ),
            "service_phone": referral.service.phone,
            "service_tel": tel_href(referral.service.phone),
            "show_notes": reads_conversation,
            "messages_list": (
                list(
                    referral.messages.select_related("author", "author_organisation").prefetch_related(
                        *names_prefetch("author")
                    )
                )
                if reads_conversation
                else []
            ),
            "conversation_not_shared": services.CONVERSATION_NOT_SHARED if not reads_conversation else None,
            "conversation_closed": (
                services.CONVERSATION_CLOSED
                if reads_conversation and not can_message and referral_rules.consent_has_ended(referral)
                else None
            ),
            "message_form": (message_form or MessageForm()) if can_message else None,
            "actions": actions,
            "can_view_access_log": policy.can(user, ReferralAction.VIEW_REFERRAL_ACCESS_LOG, referral),
            "can_print_slip": policy.can(user, ReferralAction.PRINT_REFERRAL_SLIP, referral),
        },
    )


def tel_href(number: str) -> str:
    """A `tel:` address for a phone number as people type it ("+33 6 12 34 56 78" -> "tel:+33612345678"), or ""
    when it holds no digit. Only in the page, for a tap: never in a link the platform follows or logs."""
    digits = "".join(char for char in number if char.isdigit())
    if not digits:
        return ""
    return "tel:" + ("+" if number.strip().startswith("+") else "") + digits


def _appointment_place(referral: Referral, *, is_receiver: bool) -> str:
    """Where the appointment takes place: the place the receiver wrote with the appointment, otherwise the service's
    address (or its organisation's city). A confidential address (a drop-in centre) is shown to the receiving
    organisation only; the sender is told to ask."""
    service = referral.service
    written = selectors.appointment_place_for(referral, is_receiver=is_receiver)
    if written is None:
        return str(_("Confidential address: the receiving service gives it to the person."))
    if written:
        return written
    parts = [part for part in (service.address, service.city) if part]
    return ", ".join(parts) or str(service.name)


def _with_appointment_and_outcome(events: list[Any], referral: Referral, place: str) -> list[Any]:
    """Attach to the timeline what each step decided: the appointment (date and place) on the latest
    "appointment set" (earlier ones were rescheduled), and the outcome on "completed"."""
    latest = None
    for event in events:
        event.appointment = event.rescheduled = event.outcome = None
        if event.kind == EventKind.APPOINTMENT_SET:
            if latest is not None:
                latest.rescheduled = True
            latest = event
        elif event.kind == EventKind.COMPLETED and referral.outcome:
            event.outcome = referral.get_outcome_display()
    if latest is not None and referral.appointment_at:
        latest.appointment = {"at": referral.appointment_at, "place": place}
    return events


def _personal_rows(referral: Referral, personal: dict[str, str], *, is_sender: bool) -> list[dict[str, Any]]:
    """One row per personal field: its value when `referral_read_personal` returned it, otherwise why not."""
    consent = referral.consent
    rows = []
    for field in PersonalField:
        model_fields = services.PERSONAL_MODEL_FIELDS[field]
        if all(name in personal for name in model_fields):
            tel = ""
            if field == PersonalField.CONTACT and personal.get("contact_channel") == ContactChannel.PHONE:
                tel = tel_href(personal.get("contact_detail", ""))
            rows.append(
                {"label": field.label, "value": _display(field, personal) or NOT_GIVEN, "shown": True, "tel": tel}
            )
            continue
        if referral.personal_data_erased_at is not None:
            reason = ERASED
        elif consent.withdrawn_at is not None or referral.status == ReferralStatus.CONSENT_WITHDRAWN:
            reason = CONSENT_WITHDRAWN
        elif is_sender:
            reason = NOT_AVAILABLE
        elif field not in consent.shared_fields:
            reason = NOT_SHARED
        elif consent.valid_until < timezone.localdate():
            reason = CONSENT_EXPIRED
        elif referral.status in AWAITING_ANSWER:
            reason = AFTER_ACCEPTANCE
        else:
            reason = NOT_AVAILABLE
        rows.append({"label": field.label, "value": reason, "shown": False})
    return rows


def _display(field: str, personal: dict[str, str]) -> str:
    if field == PersonalField.CONTACT:
        channel = personal.get("contact_channel", "")
        label = ContactChannel(channel).label if channel in ContactChannel.values else channel
        detail = personal.get("contact_detail", "")
        return f"{label}: {detail}" if detail else str(label)
    if field == PersonalField.AGE_RANGE:
        value = personal.get("age_range", "")
        return str(AgeRange(value).label) if value in AgeRange.values else value
    model_field = services.PERSONAL_MODEL_FIELDS[field][0]
    return personal.get(model_field, "")


# ---------------------------------------------------------------------------------------------------------------
# The access log


@never_cache
@login_required
@require_GET
def access_log(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Who read which personal fields of this referral, when, through which channel (the sender's coordinators)."""
    user = request.user
    referral = get_object_or_404(_visible(user), pk=pk)
    if not policy.can(user, ReferralAction.VIEW_REFERRAL_ACCESS_LOG, referral):
        return forbidden(
            request, _("Only coordinators of the sending organisation can read the access log."), referral=referral
        )
    entries = (
        referral.access_log.select_related("user", "organisation")
        .prefetch_related(*names_prefetch("user"))
        .order_by("-created_at")
    )
    page_obj = Paginator(entries, ACCESS_LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    field_labels = dict(PersonalField.choices)
    rows = [
        {
            "entry": entry,
            "who": entry.user.display_name if entry.user else _("A deleted account"),
            "fields": [field_labels.get(field, field) for field in entry.fields],
        }
        for entry in page_obj.object_list
    ]
    return render(request, "referrals/access_log.html", {"referral": referral, "rows": rows, "page_obj": page_obj})
