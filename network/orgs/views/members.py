"""Members' screens: the dashboard, an organisation's profile and its members.

Views stay thin: forms parse the input, the policy's selectors find the objects (anything outside them is a 404,
exactly like a missing object), the services decide and write, and their ValidationError becomes a form error.
"""

from __future__ import annotations

import copy
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from network.core.service_errors import add_service_errors
from network.orgs.rules import OrganisationAction

from .. import policy, services
from ..dashboard import organisation_links
from ..forms import MemberInviteForm, MembershipRoleForm, OrganisationProfileForm
from ..models import Organisation, PartnershipStatus, Role

ROLE_ORDER = Case(
    *(When(role=role, then=Value(position)) for position, role in enumerate(Role.values)),
    output_field=IntegerField(),
)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """My organisations with my role and what it lets me open, and the partnership proposals awaiting my answer."""
    user = request.user
    memberships = list(
        policy.visible(user, OrganisationAction.VIEW_MEMBERSHIP)
        .filter(user=user)
        .order_by("organisation__name")
        .select_related("organisation")
    )
    rows = [
        {
            "membership": membership,
            "organisation": membership.organisation,
            "can_edit_profile": policy.can(user, OrganisationAction.CHANGE_ORGANISATION, membership.organisation),
            "can_view_members": policy.can(user, OrganisationAction.VIEW_MEMBERS, membership.organisation),
            "can_manage_members": policy.can(user, OrganisationAction.MANAGE_MEMBERS, membership.organisation),
            "links": organisation_links(user, membership.organisation),  # registered by other apps
        }
        for membership in memberships
    ]
    # Proposals addressed to one of my organisations, kept when the policy lets me answer them.
    my_organisation_ids = [membership.organisation_id for membership in memberships]
    proposals = [
        {
            "partnership": partnership,
            "can_accept": True,
            "can_decline": policy.can(user, OrganisationAction.DECLINE_PARTNERSHIP, partnership),
        }
        for partnership in policy.visible(user, OrganisationAction.VIEW_PARTNERSHIP)
        .filter(status=PartnershipStatus.PROPOSED, partner_id__in=my_organisation_ids)
        .order_by("-proposed_at")
        if policy.can(user, OrganisationAction.ACCEPT_PARTNERSHIP, partnership)
    ]
    return render(
        request,
        "orgs/members/dashboard.html",
        {"rows": rows, "proposals": proposals, "is_network_admin": policy.is_network_admin(user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_profile(request: HttpRequest, slug: str) -> HttpResponse:
    """Coordinators (and network administrators) edit an organisation's public profile."""
    organisation = get_object_or_404(
        policy.organisations_where(request.user, OrganisationAction.CHANGE_ORGANISATION), slug=slug
    )
    # The form and the service both set attributes on the instance they get; the page shows the saved state.
    saved = copy.copy(organisation)
    if request.method == "POST":
        form = OrganisationProfileForm(request.POST, request.FILES, instance=copy.copy(organisation))
        if form.is_valid():
            try:
                services.organisation_update_profile(
                    organisation=organisation,
                    acting_user=request.user,
                    logo=form.cleaned_data["logo"],
                    **form.profile_fields(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The profile of %(name)s is saved.") % {"name": organisation.name})
                return redirect("orgs:edit_profile", slug=organisation.slug)
    else:
        form = OrganisationProfileForm(instance=organisation)
    return render(
        request,
        "orgs/members/edit_profile.html",
        {"organisation": saved, "form": form},
    )


@login_required
def member_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Those who may see the members (coordinators, staff) see the list; coordinators also get the controls."""
    user = request.user
    organisation = get_object_or_404(policy.organisations_where(user, OrganisationAction.VIEW_MEMBERS), slug=slug)
    can_manage = policy.can(user, OrganisationAction.MANAGE_MEMBERS, organisation)
    memberships = (
        policy.visible(user, OrganisationAction.VIEW_MEMBERSHIP)
        .filter(organisation=organisation)
        .order_by(ROLE_ORDER, "user__public_name", "user__username")
    )
    return render(
        request,
        "orgs/members/member_list.html",
        {"organisation": organisation, "memberships": memberships, "can_manage": can_manage},
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_invite(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a member by email: an existing account joins at once; a new one gets an invitation email."""
    organisation = _managed_organisation(request, slug)
    form = MemberInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_invite(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                public_name=form.cleaned_data["public_name"],
                acting_user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is now a member of %(organisation)s (%(role)s).")
                % {
                    "name": membership.user.display_name,
                    "organisation": organisation.name,
                    "role": membership.get_role_display(),
                },
            )
            return redirect("orgs:members", slug=organisation.slug)
    return render(
        request,
        "orgs/members/member_invite.html",
        {"organisation": organisation, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, slug: str, membership_id: UUID) -> HttpResponse:
    """Change a member's role, or remove them after a confirmation page (`?confirm=remove`)."""
    user = request.user
    organisation = _managed_organisation(request, slug)
    membership = get_object_or_404(
        policy.visible(user, OrganisationAction.VIEW_MEMBERSHIP).filter(organisation=organisation), pk=membership_id
    )
    context = {"organisation": organisation, "membership": membership, "remove_errors": []}
    role_form = MembershipRoleForm(initial={"role": membership.role})

    if request.method == "POST" and request.POST.get("action") == "remove":
        try:
            services.membership_remove(membership=membership, acting_user=user)
        except ValidationError as error:
            context["remove_errors"] = error.messages
        else:
            messages.success(
                request,
                _("%(name)s is no longer a member of %(organisation)s.")
                % {"name": membership.user.display_name, "organisation": organisation.name},
            )
            return _back_to_members(request, organisation)
    elif request.method == "POST":
        role_form = MembershipRoleForm(request.POST)
        if role_form.is_valid():
            try:
                services.membership_change_role(
                    membership=membership, role=role_form.cleaned_data["role"], acting_user=user
                )
            except ValidationError as error:
                add_service_errors(role_form, error)
                membership.refresh_from_db(fields=["role"])
            else:
                messages.success(
                    request,
                    _("%(name)s is now %(role)s.")
                    % {"name": membership.user.display_name, "role": membership.get_role_display()},
                )
                return _back_to_members(request, organisation)
    elif request.GET.get("confirm") == "remove":
        return render(request, "orgs/members/member_remove_confirm.html", context)

    context["role_form"] = role_form
    return render(request, "orgs/members/member_edit.html", context)


def _managed_organisation(request: HttpRequest, slug: str) -> Organisation:
    """The organisation whose members the user may manage; 404 for any other, as for a missing one."""
    return get_object_or_404(policy.organisations_where(request.user, OrganisationAction.MANAGE_MEMBERS), slug=slug)


def _back_to_members(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    """After a change that may concern the acting user: the member list if they may still see it, else the dashboard."""
    policy.forget(request.user)
    if policy.can(request.user, OrganisationAction.VIEW_MEMBERS, organisation):
        return redirect("orgs:members", slug=organisation.slug)
    return redirect("orgs:dashboard")
