"""Invitations to be named: where another organisation lists one of mine as taking part in an advocacy
opportunity or as co-author of a resource, my organisation's coordinators confirm or decline.

Until they confirm, the organisation is "invited" and named nowhere public. Every answer goes through the services
(`participation_answer`, `coauthorship_answer`), which ask the access policy again.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from network.advocacy.rules import AdvocacyAction
from network.orgs import policy
from network.orgs.models import Organisation
from network.resources import selectors as resource_selectors
from network.resources import services as resource_services

from .. import services
from ..models import ParticipationStatus

ANSWERS = {"confirm": True, "decline": False}


@login_required
@require_GET
def invitation_list(request: HttpRequest) -> HttpResponse:
    """The pending invitations of the organisations the user answers for (coordinators)."""
    user = request.user
    participations = (
        policy.visible(user, AdvocacyAction.ANSWER_PARTICIPATION)
        .filter(status=ParticipationStatus.INVITED, organisation__is_active=True)
        .select_related("opportunity", "organisation")
        .order_by("opportunity__starts_at", "organisation__name")
    )
    # Signed in only: PrivateResponsesMiddleware marks the answer private, no-store.
    return render(
        request,
        "advocacy/invitations/list.html",
        {
            "participations": list(participations),
            "coauthorships": resource_selectors.pending_coauthorship_invitations(user),
        },
    )


@login_required
@require_POST
def participation_answer(request: HttpRequest, pk: UUID, answer: str) -> HttpResponse:
    """Confirm or decline that my organisation takes part (404 for anyone who may not answer for it)."""
    if answer not in ANSWERS:
        raise Http404
    participation = get_object_or_404(policy.visible(request.user, AdvocacyAction.ANSWER_PARTICIPATION), pk=pk)
    services.participation_answer(participation=participation, confirm=ANSWERS[answer], acting_user=request.user)
    if ANSWERS[answer]:
        text = _("%(organisation)s is now listed as taking part in “%(title)s”.")
    else:
        text = _("%(organisation)s will not be listed as taking part in “%(title)s”.")
    messages.success(
        request,
        text % {"organisation": participation.organisation.name, "title": participation.opportunity.title},
    )
    return redirect("advocacy:invitations")


@login_required
@require_POST
def coauthorship_answer(
    request: HttpRequest, translation_key: UUID, organisation_id: UUID, answer: str
) -> HttpResponse:
    """Confirm or decline that my organisation co-wrote a resource (404 for anyone who may not answer for it,
    or where the resource does not list it)."""
    if answer not in ANSWERS:
        raise Http404
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    try:
        resource_services.coauthorship_answer(
            translation_key=translation_key,
            organisation=organisation,
            confirm=ANSWERS[answer],
            acting_user=request.user,
        )
    except (policy.AccessDenied, ValidationError):
        raise Http404 from None
    if ANSWERS[answer]:
        text = _("%(organisation)s is now named as a co-author of this resource.")
    else:
        text = _("%(organisation)s will not be named as a co-author of this resource.")
    messages.success(request, text % {"organisation": organisation.name})
    return redirect("advocacy:invitations")
