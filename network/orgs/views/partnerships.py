"""Partnership screens: list, propose, detail, and the accept / decline / end transitions.

A partnership outside `policy.visible(user, OrganisationAction.VIEW_PARTNERSHIP)` answers 404 exactly like a missing
one; a visible one the user may not act on answers 403 with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from network.core.responses import forbidden
from network.core.service_errors import add_service_errors
from network.orgs.rules import OrganisationAction

from .. import policy, services
from ..forms import PartnershipProposeForm
from ..models import Partnership, PartnershipStatus

TRANSITIONS: dict[str, Callable[..., Partnership]] = {
    "accept": services.partnership_accept,
    "decline": services.partnership_decline,
    "end": services.partnership_end,
}
TRANSITION_DONE = {
    "accept": gettext_lazy("The partnership with %(other)s is now active."),
    "decline": gettext_lazy("You declined the partnership proposed by %(other)s."),
    "end": gettext_lazy("The partnership with %(other)s has ended."),
}
TRANSITION_FORBIDDEN = {
    "accept": gettext_lazy("Only a coordinator of the invited organisation can accept this partnership."),
    "decline": gettext_lazy("Only a coordinator of the invited organisation can decline this partnership."),
    "end": gettext_lazy("Only a coordinator of one of the two organisations can end this partnership."),
}
STATUS_GROUPS = PartnershipStatus.choices  # proposed, active, declined, ended


@login_required
def partnership_list(request: HttpRequest) -> HttpResponse:
    """My organisations' partnerships (all of them for network administrators), grouped by status."""
    user = request.user
    grouped: dict[str, list[dict]] = {status: [] for status, _label in STATUS_GROUPS}
    for partnership in policy.visible(user, OrganisationAction.VIEW_PARTNERSHIP).order_by("-proposed_at"):
        grouped[partnership.status].append(
            {
                "partnership": partnership,
                "awaits_my_answer": partnership.status == PartnershipStatus.PROPOSED
                and policy.can(user, OrganisationAction.ACCEPT_PARTNERSHIP, partnership),
            }
        )
    groups = [{"status": status, "label": label, "rows": grouped[status]} for status, label in STATUS_GROUPS]
    return render(
        request,
        "orgs/partnerships/partnership_list.html",
        {
            "groups": groups,
            "is_empty": not any(group["rows"] for group in groups),
            "can_propose": policy.organisations_where(user, OrganisationAction.PROPOSE_PARTNERSHIP).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def partnership_propose(request: HttpRequest) -> HttpResponse:
    """Propose a partnership on behalf of one of my organisations; it starts only when the partner accepts."""
    user = request.user
    proposers = policy.organisations_where(user, OrganisationAction.PROPOSE_PARTNERSHIP).order_by("name")
    if not proposers.exists():
        return _forbidden(request, _("Only coordinators can propose partnerships for their organisation."))
    partners = policy.visible(user, OrganisationAction.VIEW_ORGANISATION).filter(is_active=True).order_by("name")
    form = PartnershipProposeForm(request.POST or None, proposers=proposers, partners=partners)
    if request.method == "POST" and form.is_valid():
        try:
            partnership = services.partnership_propose(
                proposer=form.cleaned_data["proposer"],
                partner=form.cleaned_data["partner"],
                charter=form.cleaned_data["charter"],
                acting_user=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Your proposal was sent to %(partner)s. The partnership starts when they accept it.")
                % {"partner": partnership.partner.name},
            )
            return redirect("orgs:partnership_detail", pk=partnership.pk)
    return render(request, "orgs/partnerships/partnership_propose.html", {"form": form})


@login_required
def partnership_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    """A partnership of one of my organisations, with the answers my role allows."""
    user = request.user
    partnership = get_object_or_404(policy.visible(user, OrganisationAction.VIEW_PARTNERSHIP), pk=pk)
    is_open = partnership.status in (PartnershipStatus.PROPOSED, PartnershipStatus.ACTIVE)
    can_answer = partnership.status == PartnershipStatus.PROPOSED and policy.can(
        user, OrganisationAction.ACCEPT_PARTNERSHIP, partnership
    )
    can_decline = partnership.status == PartnershipStatus.PROPOSED and policy.can(
        user, OrganisationAction.DECLINE_PARTNERSHIP, partnership
    )
    # The invited side answers with "decline"; "end" is for ending an active partnership or withdrawing a proposal.
    can_end = is_open and not can_answer and policy.can(user, OrganisationAction.END_PARTNERSHIP, partnership)
    return render(
        request,
        "orgs/partnerships/partnership_detail.html",
        {
            "partnership": partnership,
            "can_accept": can_answer,
            "can_decline": can_decline,
            "can_end": can_end,
            "is_proposed": partnership.status == PartnershipStatus.PROPOSED,
        },
    )


@login_required
@require_POST
def partnership_transition(request: HttpRequest, pk: UUID, transition: str) -> HttpResponse:
    """Accept, decline or end a partnership (POST only), through the service that checks and records it."""
    service = TRANSITIONS.get(transition)
    if service is None:
        raise Http404
    user = request.user
    partnership = get_object_or_404(policy.visible(user, OrganisationAction.VIEW_PARTNERSHIP), pk=pk)
    try:
        partnership = service(partnership=partnership, acting_user=user)
    except policy.AccessDenied:
        return _forbidden(request, TRANSITION_FORBIDDEN[transition], partnership=partnership)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        other = _other_side_name(request, partnership)
        messages.success(request, TRANSITION_DONE[transition] % {"other": other})
    return redirect("orgs:partnership_detail", pk=partnership.pk)


def _other_side_name(request: HttpRequest, partnership: Partnership) -> str:
    """The name of the organisation on the other side from the acting user's point of view."""
    my_organisation_ids = set(policy.roles_by_organisation(request.user))
    if partnership.proposer_id in my_organisation_ids and partnership.partner_id not in my_organisation_ids:
        return partnership.partner.name
    return partnership.proposer.name


def _forbidden(request: HttpRequest, reason: str, *, partnership: Partnership | None = None) -> HttpResponse:
    if partnership is not None:
        back_url = reverse("orgs:partnership_detail", args=[partnership.pk])
        back_label = _("Back to the partnership")
    else:
        back_url, back_label = reverse("orgs:partnerships"), _("Back to the partnerships")
    return forbidden(request, reason, back_url=back_url, back_label=back_label)
