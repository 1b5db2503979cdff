"""Key message screens: list, detail with signatures, history and comparison, and the contributors' forms.

Every lookup goes through the policy's `visible_key_messages` (anything else answers 404, exactly like a missing
message); every change goes through `services`. Public visitors see adopted messages and the organisations that
sign them; nobody's name appears outside the members' view of the history.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from network.advocacy.rules import AdvocacyAction, Signature
from network.core.responses import forbidden
from network.core.service_errors import add_service_errors
from network.orgs import policy
from network.orgs.models import Organisation
from network.orgs.policy import AccessDenied
from network.resources import rules as resource_rules

from .. import services
from ..forms import CompareForm, KeyMessageForm, MessageFilterForm, OrganisationChoiceForm
from ..models import ENDORSABLE_STATUSES, KeyMessage, MessageStatus

PAGE_SIZE = 20

TRANSITIONS = {
    "propose": services.key_message_propose,
    "adopt": services.key_message_adopt,
    "retire": services.key_message_retire,
}
TRANSITION_DONE = {
    "propose": gettext_lazy("The message is now proposed to the network. Coordinators have been told."),
    "adopt": gettext_lazy("The network has adopted this message. It is now public."),
    "retire": gettext_lazy("The message is retired."),
}


# ---------------------------------------------------------------------------------------------------------------
# Reading


@require_GET
def message_list(request: HttpRequest) -> HttpResponse:
    """Messages the visitor may see, in their language where translated, filtered by theme and status."""
    user = request.user
    statuses = _statuses_visible_to(user)
    form = MessageFilterForm(request.GET or None, statuses=statuses)
    queryset = services.key_messages_for_reading(user).select_related("drafting_organisation", "locale")
    if form.is_valid():
        if form.cleaned_data.get("theme"):
            queryset = services.key_messages_with_theme(queryset, form.cleaned_data["theme"].slug)
        if form.cleaned_data.get("status"):
            queryset = queryset.filter(status=form.cleaned_data["status"])
    page = Paginator(queryset.order_by("-updated_at", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    services.key_messages_attach(list(page.object_list), user=user)
    context = {
        "form": form,
        "page_obj": page,
        "key_messages": page.object_list,
        "is_filtered": bool(form.is_bound and any(form.data.get(name) for name in ("theme", "status"))),
        "can_create": policy.organisations_where(user, AdvocacyAction.CONTRIBUTE_ADVOCACY).exists(),
    }
    return _render(request, "advocacy/messages/list.html", context)


def message_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    """Statement, argument, themes, evidence the visitor may see, status, signatories; sign/withdraw buttons."""
    user = request.user
    message = _visible_message(request, pk)
    services.key_messages_attach([message], user=user)
    context = {
        "message": message,
        **_signing_context(user, message),
        **_actions_context(user, message),
        "translations": _translations(user, message),
    }
    return _render(request, "advocacy/messages/detail.html", context)


def message_history(request: HttpRequest, pk: Any) -> HttpResponse:
    """Versions of the message (dates for everyone; who saved each for network members), and a comparison of any
    two of them."""
    user = request.user
    message = _visible_message(request, pk)
    versions = services.key_message_versions(message, user=user)
    show_authors = policy.is_network_member(user)
    numbered = [(len(versions) - index, version) for index, version in enumerate(versions)]
    choices = [(version.pk, _version_label(number, version)) for number, version in numbered]
    differences = None
    compared: tuple[Any, Any] | None = None
    if "a" in request.GET or "b" in request.GET:
        form = CompareForm(request.GET, versions=choices)
        if form.is_valid():
            by_pk = {version.pk: version for version in versions}
            first, second = by_pk[form.cleaned_data["a"]], by_pk[form.cleaned_data["b"]]
            differences = services.key_message_compare(message, first, second, user=user)
            numbers = {version.pk: number for number, version in numbered}
            compared = (numbers[first.pk], numbers[second.pk])
    else:
        initial = {"a": choices[1][0], "b": choices[0][0]} if len(choices) > 1 else {}
        form = CompareForm(initial=initial, versions=choices)
    context = {
        "message": message,
        "versions": [
            {"number": number, "created_at": version.created_at, "author": _author(version) if show_authors else None}
            for number, version in numbered
        ],
        "show_authors": show_authors,
        "form": form,
        "differences": differences,
        "compared": compared,
    }
    return _render(request, "advocacy/messages/history.html", context)


# ---------------------------------------------------------------------------------------------------------------
# Writing


@login_required
@require_http_methods(["GET", "POST"])
def message_create(request: HttpRequest) -> HttpResponse:
    """Draft a new key message for one of my organisations (coordinators, staff and peers contribute)."""
    user = request.user
    organisations = policy.organisations_where(user, AdvocacyAction.CONTRIBUTE_ADVOCACY).order_by("name")
    if not organisations.exists():
        return _forbidden(
            request, _("Only coordinators, staff and peer workers of an organisation draft key messages.")
        )
    form = KeyMessageForm(request.POST or None, organisations=organisations, resources=_resources_for_evidence(request))
    if request.method == "POST" and form.is_valid():
        try:
            message = services.key_message_create(
                organisation=form.cleaned_data["organisation"], acting_user=user, **form.service_values()
            )
        except AccessDenied:
            form.add_error("organisation", _("You cannot draft key messages for this organisation."))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            flash.success(request, _("Your draft is saved. Only your organisation sees it until it is proposed."))
            return redirect("advocacy:message_detail", pk=message.pk)
    return _render(request, "advocacy/messages/form.html", {"form": form, "message": None})


@login_required
@require_http_methods(["GET", "POST"])
def message_edit(request: HttpRequest, pk: Any) -> HttpResponse:
    """Change a message: every save is a new version."""
    user = request.user
    message = _visible_message(request, pk)
    if not policy.can(user, AdvocacyAction.EDIT_KEY_MESSAGE, message):
        return _forbidden(request, _edit_refusal(message), message=message)
    form = KeyMessageForm(request.POST or None, resources=_resources_for_evidence(request, message), message=message)
    if request.method == "POST" and form.is_valid():
        try:
            services.key_message_update(message=message, acting_user=user, **form.service_values())
        except AccessDenied:
            return _forbidden(request, _edit_refusal(message), message=message)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            flash.success(request, _("Your changes are saved as a new version."))
            return redirect("advocacy:message_detail", pk=message.pk)
    return _render(request, "advocacy/messages/form.html", {"form": form, "message": message})


@login_required
@require_POST
def message_transition(request: HttpRequest, pk: Any, transition: str) -> HttpResponse:
    """Propose (drafting organisation's coordinators), adopt or retire (network administrators)."""
    if transition not in TRANSITIONS:
        raise Http404
    message = _visible_message(request, pk)
    try:
        TRANSITIONS[transition](message=message, acting_user=request.user)
    except AccessDenied as error:
        return _forbidden(request, str(error), message=message)
    except services.TransitionNotAllowed as error:
        flash.error(request, " ".join(error.messages))
    else:
        flash.success(request, str(TRANSITION_DONE[transition]))
    return redirect("advocacy:message_detail", pk=message.pk)


@login_required
@require_POST
def message_sign(request: HttpRequest, pk: Any) -> HttpResponse:
    """Sign the message for one of my organisations (coordinators)."""
    return _endorsement_action(request, pk, sign=True)


@login_required
@require_POST
def message_withdraw(request: HttpRequest, pk: Any) -> HttpResponse:
    """Withdraw my organisation's signature (coordinators); the signature's history is kept."""
    return _endorsement_action(request, pk, sign=False)


def _endorsement_action(request: HttpRequest, pk: Any, *, sign: bool) -> HttpResponse:
    user = request.user
    message = _visible_message(request, pk)
    coordinated = policy.organisations_where(user, AdvocacyAction.ENDORSE_POSITIONS)
    if not coordinated.exists():
        return _forbidden(request, _("Only coordinators can sign for their organisation."), message=message)
    form = OrganisationChoiceForm(request.POST, organisations=coordinated)
    if not form.is_valid():
        flash.error(request, _("Choose one of your organisations."))
        return redirect("advocacy:message_detail", pk=message.pk)
    organisation = form.cleaned_data["organisation"]
    service = services.endorsement_sign if sign else services.endorsement_withdraw
    try:
        service(message=message, organisation=organisation, acting_user=user)
    except AccessDenied as error:
        return _forbidden(request, str(error), message=message)
    except ValidationError as error:  # wrong status, already signed, not signed
        flash.error(request, " ".join(error.messages))
    else:
        done = _("%(organisation)s now signs this message.") if sign else _("%(organisation)s no longer signs it.")
        flash.success(request, done % {"organisation": organisation.name})
    return redirect("advocacy:message_detail", pk=message.pk)


# ---------------------------------------------------------------------------------------------------------------
# Helpers


def _visible_message(request: HttpRequest, pk: Any) -> KeyMessage:
    queryset = policy.visible(request.user, AdvocacyAction.VIEW_KEY_MESSAGE).select_related(
        "drafting_organisation", "locale"
    )
    return get_object_or_404(queryset, pk=pk)


def _statuses_visible_to(user: Any) -> list[tuple[str, str]]:
    if policy.is_network_member(user):
        return list(MessageStatus.choices)
    return [(MessageStatus.ADOPTED, MessageStatus.ADOPTED.label)]


def _signing_context(user: Any, message: KeyMessage) -> dict[str, Any]:
    """Which of my organisations may sign now, and which of them already sign (coordinators only)."""
    coordinated = list(policy.organisations_where(user, AdvocacyAction.ENDORSE_POSITIONS).order_by("name"))
    signing_ids = {endorsement.organisation_id for endorsement in message.signatories}
    can_sign = [
        org
        for org in coordinated
        if org.pk not in signing_ids and policy.can(user, AdvocacyAction.SIGN_KEY_MESSAGE, Signature(message, org))
    ]
    can_withdraw = [
        org
        for org in coordinated
        if org.pk in signing_ids and policy.can(user, AdvocacyAction.WITHDRAW_SIGNATURE, Signature(message, org))
    ]
    return {
        "sign_form": OrganisationChoiceForm(organisations=_ids(can_sign)) if can_sign else None,
        "withdraw_form": OrganisationChoiceForm(organisations=_ids(can_withdraw)) if can_withdraw else None,
        "is_coordinator": bool(coordinated),
        "is_endorsable": message.status in ENDORSABLE_STATUSES,
    }


def _ids(organisations: list[Organisation]) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=[org.pk for org in organisations]).order_by("name")


def _actions_context(user: Any, message: KeyMessage) -> dict[str, Any]:
    return {
        "can_edit": policy.can(user, AdvocacyAction.EDIT_KEY_MESSAGE, message),
        "can_propose": message.status == MessageStatus.DRAFT
        and policy.can(user, AdvocacyAction.PROPOSE_KEY_MESSAGE, message),
        "can_adopt": message.status == MessageStatus.PROPOSED
        and policy.can(user, AdvocacyAction.ADOPT_KEY_MESSAGE, message),
        "can_retire": message.status in (MessageStatus.PROPOSED, MessageStatus.ADOPTED)
        and policy.can(user, AdvocacyAction.ADOPT_KEY_MESSAGE, message),
        "is_member": policy.is_network_member(user),
    }


def _translations(user: Any, message: KeyMessage) -> list[KeyMessage]:
    """The other languages this message is available in (that the visitor may see)."""
    return list(
        policy.visible(user, AdvocacyAction.VIEW_KEY_MESSAGE)
        .filter(translation_key=message.translation_key)
        .exclude(pk=message.pk)
        .select_related("locale")
        .order_by("locale__language_code")
    )


def _resources_for_evidence(request: HttpRequest, message: KeyMessage | None = None) -> QuerySet[Any]:
    """Library resources the author may cite: those they may see, in the message's (or the page's) language."""
    from wagtail.models import Locale

    locale = message.locale if message is not None else Locale.get_active()
    return resource_rules.visible_resources(request.user).filter(locale=locale)


def _edit_refusal(message: KeyMessage) -> str:
    if message.status == MessageStatus.ADOPTED:
        return _("Once adopted, a message is edited by the drafting organisation's coordinators only.")
    if message.status == MessageStatus.RETIRED:
        return _("A retired message can no longer be edited.")
    return _("Only coordinators, staff and peer workers of the drafting organisation can edit this message.")


def _version_label(number: int, version: Any) -> str:
    from django.utils.formats import date_format
    from django.utils.timezone import localtime

    when = date_format(localtime(version.created_at), "DATETIME_FORMAT")
    return _("Version %(number)s, %(when)s") % {"number": number, "when": when}


def _author(version: Any) -> str:
    """The name the author shows others (a pseudonym unless they chose to show their real name)."""
    if version.user is None:
        return _("Unknown")
    return version.user.display_name


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    if request.user.is_authenticated:
        add_never_cache_headers(response)  # members' pages carry drafts, names and buttons: never in a cache
    patch_vary_headers(response, ["Cookie"])
    return response


def _forbidden(request: HttpRequest, reason: str, *, message: KeyMessage | None = None) -> HttpResponse:
    if message is not None:
        back_url, back_label = reverse("advocacy:message_detail", args=[message.pk]), _("Back to the key message")
    else:
        back_url, back_label = reverse("advocacy:message_list"), _("Back to the key messages")
    return forbidden(request, reason, back_url=back_url, back_label=back_label)
