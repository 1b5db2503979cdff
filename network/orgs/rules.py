"""Access rules for organisations, their members and partnerships, and the platform's own actions.

Registered into the policy core (`network.orgs.policy`) by `OrgsConfig.ready()`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from . import policy
from .models import Invitation, InvitationStatus, Membership, Organisation, Partnership, Role
from .policy import Action, Actor


class OrganisationAction(Action):
    # Organisations
    VIEW_ORGANISATION = "view_organisation"
    CREATE_ORGANISATION = "create_organisation"
    CHANGE_ORGANISATION = "change_organisation"
    DEACTIVATE_ORGANISATION = "deactivate_organisation"
    VIEW_ADDRESS = "view_address"  # an organisation's or a service's address
    # Members
    VIEW_MEMBERS = "view_members"
    VIEW_MEMBERSHIP = "view_membership"
    MANAGE_MEMBERS = "manage_members"
    APPOINT_COORDINATOR = "appoint_coordinator"
    CHANGE_MEMBERSHIP = "change_membership"  # obj: a MembershipChange
    # Invitations
    VIEW_INVITATION = "view_invitation"
    CANCEL_INVITATION = "cancel_invitation"
    ACCEPT_INVITATION = "accept_invitation"
    # Partnerships
    PROPOSE_PARTNERSHIP = "propose_partnership"
    VIEW_PARTNERSHIP = "view_partnership"
    ACCEPT_PARTNERSHIP = "accept_partnership"
    DECLINE_PARTNERSHIP = "decline_partnership"
    END_PARTNERSHIP = "end_partnership"
    # Platform
    MANAGE_TAXONOMIES = "manage_taxonomies"


@dataclass(frozen=True)
class MembershipChange:
    """A membership about to be given `role` in `organisation` (`current_role`: None for a new member)."""

    organisation: Organisation
    role: str
    current_role: str | None = None


# ---------------------------------------------------------------------------------------------------------------
# Organisations


def may_view_organisation(user: Actor, organisation: Organisation) -> bool:
    """Active organisations for everyone; inactive ones for network admins and their own members."""
    return organisation.is_active or _is_member(user, organisation)


def visible_organisations(user: Actor) -> QuerySet[Organisation]:
    """Active organisations for everyone; inactive ones only for network admins and their own members."""
    queryset = Organisation.objects.all()
    if policy.is_network_admin(user):
        return queryset
    if policy.is_signed_in(user):
        return queryset.filter(Q(is_active=True) | Q(memberships__user=user)).distinct()
    return queryset.filter(is_active=True)


def may_view_organisation_address(user: Actor, organisation: Organisation) -> bool:
    """Visitors see the address of an active organisation unless it is confidential; members see it anyway."""
    if not policy.is_signed_in(user):
        return organisation.is_active and not organisation.address_is_confidential
    return not organisation.address_is_confidential or _is_member(user, organisation)


def _is_member(user: Actor, organisation: Organisation) -> bool:
    return organisation.pk in policy.member_organisation_ids(user, include_inactive=True)


# ---------------------------------------------------------------------------------------------------------------
# Members


def may_change_membership(user: Actor, change: MembershipChange) -> bool:
    """Coordinators manage their team; network administrators only appoint (or keep) coordinators at onboarding."""
    if policy.can(user, OrganisationAction.MANAGE_MEMBERS, change.organisation):
        return True
    touches_only_coordinators = change.role == Role.COORDINATOR and change.current_role in (None, Role.COORDINATOR)
    return touches_only_coordinators and policy.can(user, OrganisationAction.APPOINT_COORDINATOR, change.organisation)


def visible_memberships(user: Actor) -> QuerySet[Membership]:
    """Memberships the user may see: their own, and all of the organisations where they may view members."""
    if user is None or not policy.is_signed_in(user):
        return Membership.objects.none()
    readable = policy.organisation_ids_with(user, "view_members")
    return Membership.objects.filter(Q(user=user) | Q(organisation_id__in=readable)).select_related(
        "user", "organisation"
    )


# ---------------------------------------------------------------------------------------------------------------
# Invitations


def may_cancel_invitation(user: Actor, invitation: Invitation) -> bool:
    """Whoever may give its role in its organisation (coordinators; network admins for a coordinator)."""
    return may_change_membership(user, MembershipChange(invitation.organisation, role=invitation.role))


def visible_invitations(user: Actor) -> QuerySet[Invitation]:
    """Invitations of the organisations whose members the user manages (network admins: coordinator ones)."""
    if user is None or not policy.is_signed_in(user):
        return Invitation.objects.none()
    queryset = Invitation.objects.select_related("organisation")
    managed = Q(organisation_id__in=policy.organisation_ids_with(user, "manage_members"))
    if policy.can(user, OrganisationAction.APPOINT_COORDINATOR):
        managed |= Q(role=Role.COORDINATOR)
    return queryset.filter(managed)


def may_accept_invitation(user: Actor, invitation: Invitation) -> bool:
    """The owner of the invited address accepts a pending invitation: the address must be verified on their
    account (an address merely typed into an account proves nothing)."""
    from allauth.account.models import EmailAddress

    if user is None or not policy.is_signed_in(user) or invitation.status != InvitationStatus.PENDING:
        return False
    return EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists()


# ---------------------------------------------------------------------------------------------------------------
# Partnerships


def may_view_partnership(user: Actor, partnership: Partnership) -> bool:
    """Members of either organisation (and network admins) see a partnership, whatever its status."""
    member_of = policy.member_organisation_ids(user)
    return partnership.proposer_id in member_of or partnership.partner_id in member_of


def visible_partnerships(user: Actor) -> QuerySet[Partnership]:
    """Partnerships of the user's organisations (every status); all of them for network admins."""
    queryset = Partnership.objects.select_related("proposer", "partner")
    if policy.is_network_admin(user):
        return queryset
    member_of = policy.member_organisation_ids(user)
    if not member_of:
        return queryset.none()
    return queryset.filter(Q(proposer_id__in=member_of) | Q(partner_id__in=member_of))


def may_answer_partnership(user: Actor, partnership: Partnership) -> bool:
    """Only the side that did not propose accepts or declines: a partnership is never imposed."""
    return policy.has_organisation_permission(user, partnership.partner_id, "manage_partnerships")


def may_end_partnership(user: Actor, partnership: Partnership) -> bool:
    """Either side's coordinators end a partnership."""
    return policy.has_organisation_permission(
        user, partnership.proposer_id, "manage_partnerships"
    ) or policy.has_organisation_permission(user, partnership.partner_id, "manage_partnerships")


def register_rules() -> None:
    register, A = policy.register, OrganisationAction
    register(
        A.VIEW_ORGANISATION,
        Organisation,
        check=may_view_organisation,
        lister=visible_organisations,
        anonymous=True,
        network_admins=True,
    )
    register(A.VIEW_ADDRESS, Organisation, check=may_view_organisation_address, anonymous=True, network_admins=True)
    policy.register_organisation_permission(A.CHANGE_ORGANISATION, "change_organisation", network_admins=True)
    for platform_action in (
        A.CREATE_ORGANISATION,
        A.DEACTIVATE_ORGANISATION,
        A.APPOINT_COORDINATOR,
        A.MANAGE_TAXONOMIES,
    ):
        policy.register_network_admin_action(platform_action)
    policy.register_organisation_permission(A.VIEW_MEMBERS, "view_members")
    policy.register_organisation_permission(A.MANAGE_MEMBERS, "manage_members")
    register(A.VIEW_MEMBERSHIP, Membership, lister=visible_memberships)
    register(A.CHANGE_MEMBERSHIP, MembershipChange, check=may_change_membership)
    register(A.VIEW_INVITATION, Invitation, lister=visible_invitations)
    register(A.CANCEL_INVITATION, Invitation, check=may_cancel_invitation)
    register(A.ACCEPT_INVITATION, Invitation, check=may_accept_invitation)
    policy.register_organisation_permission(A.PROPOSE_PARTNERSHIP, "manage_partnerships")
    register(
        A.VIEW_PARTNERSHIP, Partnership, check=may_view_partnership, lister=visible_partnerships, network_admins=True
    )
    register(A.ACCEPT_PARTNERSHIP, Partnership, check=may_answer_partnership)
    register(A.DECLINE_PARTNERSHIP, Partnership, check=may_answer_partnership)
    register(A.END_PARTNERSHIP, Partnership, check=may_end_partnership)
