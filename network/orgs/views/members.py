"""Members' screens: the dashboard, an organisation's profile and its members.

Views stay thin: forms parse the input, the policy's selectors find the objects (anything outside them is a 404,
exactly like a missing object), the services decide and write, and their ValidationError becomes a form error.
"""

from __future__ import annotations

import copy
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from network.accounts.adapters import INVITATION_SIGNUP_SESSION_KEY
from network.core.service_errors import add_service_errors
from network.orgs.rules import MembershipChange, OrganisationAction

from .. import policy, services
from ..dashboard import dashboard_panels, organisation_links
from ..forms import MemberInviteForm, MembershipRoleForm, OrganisationProfileForm
from ..models import InvitationStatus, Organisation, PartnershipStatus, Role

ROLE_ORDER = Case(
    *(When(role=role, then=Value(position)) for position, role in enumerate(Role.values)),
    output_field=IntegerField(),
)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """My organisations with my role and what it lets me open, the panels other apps register (referrals awaiting
    my organisations), and the partnership proposals awaiting my answer."""
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
        {
            "rows": rows,
            "proposals": proposals,
            "is_network_admin": policy.is_network_admin(user),
            "panels": dashboard_panels(user),  # registered by other apps (the referrals' pending work)
        },
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
        .prefetch_related("user__memberships__organisation")  # the neutral name of members without a public one
    )
    invitations = (
        policy.visible(user, OrganisationAction.VIEW_INVITATION)
        .filter(organisation=organisation, accepted_at__isnull=True, cancelled_at__isnull=True)
        .order_by("-created_at")
        if can_manage
        else []
    )
    return render(
        request,
        "orgs/members/member_list.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "can_manage": can_manage,
            "invitations": invitations,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_invite(request: HttpRequest, slug: str) -> HttpResponse:
    """Invite someone by email: a pending invitation and a single-use link, whether or not the address has an
    account (the answer never tells). Coordinators invite any role; network administrators a coordinator."""
    user = request.user
    organisation = get_object_or_404(_organisations_where_user_invites(user), slug=slug)
    roles = _roles_user_may_invite(user, organisation)
    form = MemberInviteForm(request.POST or None, roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                public_name=form.cleaned_data["public_name"],
                acting_user=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The invitation is sent. The person becomes a member of %(organisation)s once they accept it.")
                % {"organisation": organisation.name},
            )
            if policy.can(user, OrganisationAction.VIEW_MEMBERS, organisation):
                return redirect("orgs:members", slug=organisation.slug)
            return redirect("orgs:edit_profile", slug=organisation.slug)
    return render(
        request,
        "orgs/members/member_invite.html",
        {"organisation": organisation, "form": form},
    )


@login_required
@require_http_methods(["POST"])
def invitation_cancel(request: HttpRequest, slug: str, invitation_id: UUID) -> HttpResponse:
    """Cancel a pending invitation of the organisation: its link stops working."""
    user = request.user
    organisation = get_object_or_404(_organisations_where_user_invites(user), slug=slug)
    invitation = get_object_or_404(
        policy.visible(user, OrganisationAction.VIEW_INVITATION).filter(organisation=organisation), pk=invitation_id
    )
    try:
        services.invitation_cancel(invitation=invitation, acting_user=user)
    except policy.AccessDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The invitation is cancelled: its link no longer works."))
    if policy.can(user, OrganisationAction.VIEW_MEMBERS, organisation):
        return redirect("orgs:members", slug=organisation.slug)
    return redirect("orgs:dashboard")


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The page of an emailed invitation link: sign in (or create an account) with the invited address, accept.

    What it shows never depends on who owns the invited address: a visitor, the invited person and anyone else
    holding the link see the same invitation (organisation and role), and the address itself is never shown.
    """
    found = services.invitation_from_token(token)
    if found is None or found.status != InvitationStatus.PENDING:
        state = found.status if found is not None else "invalid"
        return render(request, "orgs/invitations/unusable.html", {"state": state}, status=410 if found else 404)
    context: dict[str, Any] = {"invitation": found, "refused": False}
    if not request.user.is_authenticated:
        # Sign-up is closed but to the holder of a pending invitation (see AccountAdapter.is_open_for_signup).
        request.session[INVITATION_SIGNUP_SESSION_KEY] = found.expires_at.timestamp()
        context["next"] = request.get_full_path()
        return render(request, "orgs/invitations/sign_in_first.html", context)
    if request.method == "POST":
        try:
            membership = services.invitation_accept(invitation=found, acting_user=request.user)
        except policy.AccessDenied:
            context["refused"] = True
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            request.session.pop(INVITATION_SIGNUP_SESSION_KEY, None)
            messages.success(
                request,
                _("Welcome: you are now a member of %(organisation)s (%(role)s).")
                % {"organisation": membership.organisation.name, "role": membership.get_role_display()},
            )
            return redirect("orgs:dashboard")
    else:
        context["refused"] = not policy.can(request.user, OrganisationAction.ACCEPT_INVITATION, found)
    return render(request, "orgs/invitations/accept.html", context, status=403 if context["refused"] else 200)


def _organisations_where_user_invites(user: Any) -> QuerySet[Organisation]:
    """Organisations whose members the user manages; every active one for those who appoint coordinators."""
    if policy.can(user, OrganisationAction.APPOINT_COORDINATOR):
        return Organisation.objects.filter(is_active=True)
    return policy.organisations_where(user, OrganisationAction.MANAGE_MEMBERS)


def _roles_user_may_invite(user: Any, organisation: Organisation) -> list[tuple[str, str]]:
    return [
        (value, label)
        for value, label in Role.choices
        if policy.can(user, OrganisationAction.CHANGE_MEMBERSHIP, MembershipChange(organisation, role=value))
    ]


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
