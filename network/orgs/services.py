"""Every change of state of organisations, memberships and partnerships goes through these functions.

Each one checks the access policy, validates, writes inside one transaction, logs the action, and leaves
side effects (mail) to the outbox, which relays them after commit.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cms.images import strip_image_metadata
from network.accounts import services as accounts_services
from network.accounts.models import User
from network.orgs.rules import MembershipChange, OrganisationAction
from network.outbox.services import outbox_enqueue
from network.pagecache.generations import everything_changed

from . import policy, roles, signals
from .models import (
    Invitation,
    InvitationStatus,
    Membership,
    Organisation,
    OrganisationUserObjectPermission,
    Partnership,
    PartnershipStatus,
    Role,
)

logger = logging.getLogger(__name__)

PROFILE_FIELDS = (
    "kind",
    "name",
    "description",
    "city",
    "region",
    "country",
    "languages",
    "public_email",
    "public_phone",
    "website",
    "address",
    "address_is_confidential",
)
# The Wagtail groups follow the one table of rights: editors publish, contributors only draft.
EDITOR_ROLES = roles.roles_with("publish_resources")
CONTRIBUTOR_ROLES = roles.roles_with("draft_resources") - EDITOR_ROLES


# ---------------------------------------------------------------------------------------------------------------
# Organisations


@transaction.atomic
def organisation_create(*, acting_user: User, logo: Any = None, slug: str = "", **fields: Any) -> Organisation:
    """Create an organisation; the apps listening to `organisation_created` give it the rest in the same
    transaction (cms: its page subtree, document collection, Wagtail groups and moderation workflow).

    Only network administrators onboard organisations.
    """
    policy.require(acting_user, OrganisationAction.CREATE_ORGANISATION)
    organisation = Organisation(slug=slug or slugify(fields.get("name", ""))[:80], **fields)
    if logo:
        organisation.logo = _clean_logo(logo)
    organisation.full_clean()
    organisation.save()
    signals.organisation_created.send(sender=Organisation, organisation=organisation)
    _log(acting_user, "orgs.organisation.create", organisation)
    everything_changed()  # the directory lists it; its name shows wherever its pages do
    return organisation


@transaction.atomic
def organisation_update_profile(
    *, organisation: Organisation, acting_user: User, logo: Any = None, **fields: Any
) -> Organisation:
    """Change an organisation's public profile: its coordinators, or a network administrator."""
    policy.require(acting_user, OrganisationAction.CHANGE_ORGANISATION, organisation)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(unknown)})
    for name, value in fields.items():
        setattr(organisation, name, value)
    if logo:
        organisation.logo = _clean_logo(logo)
    organisation.full_clean()
    organisation.save()
    signals.organisation_profile_changed.send(sender=Organisation, organisation=organisation)
    _log(acting_user, "orgs.organisation.update", organisation)
    everything_changed()
    return organisation


@transaction.atomic
def organisation_set_active(*, organisation: Organisation, active: bool, acting_user: User) -> Organisation:
    """Deactivate (or reactivate) an organisation: its members lose its permissions while it is inactive, and
    its space leaves the public site (cms, listening to `organisation_activity_changed`)."""
    policy.require(acting_user, OrganisationAction.DEACTIVATE_ORGANISATION, organisation)
    organisation.is_active = active
    organisation.save(update_fields=["is_active", "updated_at"])
    signals.organisation_activity_changed.send(
        sender=Organisation, organisation=organisation, active=active, acting_user=acting_user
    )
    _log(acting_user, "orgs.organisation.activate" if active else "orgs.organisation.deactivate", organisation)
    if not active:  # members whose only API role was here lose their tokens
        accounts_services.api_tokens_revoke_unused(
            users=list(User.objects.filter(memberships__organisation=organisation))
        )
    everything_changed()
    return organisation


def _clean_logo(upload: Any) -> SimpleUploadedFile:
    try:
        return strip_image_metadata(upload)
    except ValidationError as error:
        raise ValidationError({"logo": error.messages}) from error


# ---------------------------------------------------------------------------------------------------------------
# Memberships


def membership_sync_permissions(*, membership: Membership | None, user: User, organisation: Organisation) -> None:
    """Make the user's guardian permissions and Wagtail groups on `organisation` match their role (or none)."""
    OrganisationUserObjectPermission.objects.filter(user=user, content_object=organisation).delete()
    role = membership.role if membership else None
    codenames = roles.ROLE_PERMISSIONS.get(role, frozenset()) if role else frozenset()
    if codenames:
        permissions = Permission.objects.filter(content_type__app_label="orgs", codename__in=codenames)
        OrganisationUserObjectPermission.objects.bulk_create(
            [
                OrganisationUserObjectPermission(user=user, content_object=organisation, permission=permission)
                for permission in permissions
            ]
        )
    for group, wanted in (
        (organisation.editors_group, role in EDITOR_ROLES),
        (organisation.contributors_group, role in CONTRIBUTOR_ROLES),
    ):
        if group is None:
            continue
        if wanted:
            user.groups.add(group)
        else:
            user.groups.remove(group)
    policy.forget(user)


@transaction.atomic
def membership_add(*, organisation: Organisation, user: User, role: str, acting_user: User) -> Membership:
    """Add an existing user to an organisation. Coordinators add any role; network admins appoint coordinators."""
    _require_membership_change(acting_user, organisation, role)
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ValidationError(
            _("%(user)s is already a member of %(organisation)s.") % {"user": user, "organisation": organisation}
        )
    membership = Membership(user=user, organisation=organisation, role=role, created_by=acting_user)
    # The role and the fields' own rules; the three related rows were handed in as rows (the database's foreign
    # keys still hold), so they are not read again one query each.
    membership.full_clean(exclude=["user", "organisation", "created_by"], validate_unique=False)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as error:  # two coordinators adding the same person at once
        raise ValidationError(_("This person is already a member of the organisation.")) from error
    membership_sync_permissions(membership=membership, user=user, organisation=organisation)
    _log(acting_user, "orgs.membership.add", membership)
    return membership


# ---------------------------------------------------------------------------------------------------------------
# Invitations: a membership exists only once the owner of the invited address accepted it

INVITATION_SIGNING_SALT = "network.orgs.invitation"


def invitation_token(invitation: Invitation) -> str:
    """The signed, timestamped token of the emailed link: the invitation's id, nothing else (no address)."""
    return signing.dumps(str(invitation.pk), salt=INVITATION_SIGNING_SALT, compress=False)


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation a link names, whatever its state; None for a forged, altered or too old link."""
    max_age = timedelta(days=settings.INVITATION_EXPIRY_DAYS)
    try:
        invitation_id = signing.loads(token, salt=INVITATION_SIGNING_SALT, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired included
        return None
    return Invitation.objects.select_related("organisation").filter(pk=invitation_id).first()


def _normalised_email(email: str) -> str:
    return User.objects.normalize_email(email).strip().lower()


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, email: str, role: str, acting_user: User, public_name: str = ""
) -> Invitation:
    """Invite the owner of `email` to join `organisation` with `role`, by an emailed single-use link.

    Nothing about an account that may already use this address is looked up or revealed: the result is the same
    pending invitation either way. `public_name` is a suggestion for a new account, never a rename. Coordinators
    invite any role; network administrators invite (first) coordinators. Inviting again the same address while an
    invitation is pending is refused; an expired one is closed and replaced.
    """
    _require_membership_change(acting_user, organisation, role)
    email = _normalised_email(email)
    if (
        policy.can(acting_user, OrganisationAction.VIEW_MEMBERS, organisation)
        and Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists()
    ):
        # The coordinator already sees this member's address on the members screen: nothing new is learnt.
        raise ValidationError(_("This person is already a member of the organisation."))
    now = timezone.now()
    stale = Invitation.objects.select_for_update().filter(
        organisation=organisation, email=email, accepted_at__isnull=True, cancelled_at__isnull=True
    )
    for previous in stale:
        if previous.expires_at > now:
            raise ValidationError(_("An invitation to this address is already pending. Cancel it to send a new one."))
        previous.cancelled_at, previous.cancelled_by = now, acting_user
        previous.save(update_fields=["cancelled_at", "cancelled_by"])
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        public_name=public_name.strip(),
        created_by=acting_user,
        expires_at=now + timedelta(days=settings.INVITATION_EXPIRY_DAYS),
    )
    invitation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError as error:  # two coordinators inviting the same address at once
        raise ValidationError(_("An invitation to this address is already pending.")) from error
    outbox_enqueue(topic="orgs.invitation.created", object_id=invitation.pk)
    _log(acting_user, "orgs.invitation.create", invitation)
    return invitation


@transaction.atomic
def invitation_cancel(*, invitation: Invitation, acting_user: User) -> Invitation:
    """Withdraw a pending invitation: its link stops working at once."""
    invitation = _locked_invitation(invitation)
    policy.require(acting_user, OrganisationAction.CANCEL_INVITATION, invitation)
    if invitation.accepted_at is not None or invitation.cancelled_at is not None:
        raise ValidationError(_("This invitation is no longer pending."))
    invitation.cancelled_at, invitation.cancelled_by = timezone.now(), acting_user
    invitation.save(update_fields=["cancelled_at", "cancelled_by"])
    _log(acting_user, "orgs.invitation.cancel", invitation)
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, acting_user: User) -> Membership:
    """The owner of the invited, verified address joins the organisation with the invited role.

    Refused (AccessDenied, saying nothing about the invited address) to anyone whose verified addresses do not
    include it; refused (ValidationError) once the invitation was used, cancelled or expired. A new account with
    no public name yet takes the suggested one; an existing account's name is never changed.
    """
    invitation = _locked_invitation(invitation)
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(_("This invitation can no longer be used."))
    if not policy.can(acting_user, OrganisationAction.ACCEPT_INVITATION, invitation):
        raise policy.AccessDenied(_("This invitation was sent to another email address."))
    if Membership.objects.filter(user=acting_user, organisation_id=invitation.organisation_id).exists():
        raise ValidationError(_("You are already a member of this organisation."))
    membership = Membership(
        user=acting_user, organisation=invitation.organisation, role=invitation.role, created_by=invitation.created_by
    )
    membership.full_clean(validate_unique=False)
    membership.save()
    invitation.accepted_at, invitation.accepted_by = timezone.now(), acting_user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if invitation.public_name and not acting_user.public_name and acting_user.date_joined >= invitation.created_at:
        acting_user.public_name = invitation.public_name
        acting_user.save(update_fields=["public_name"])
    membership_sync_permissions(membership=membership, user=acting_user, organisation=invitation.organisation)
    _log(acting_user, "orgs.invitation.accept", invitation)
    return membership


def _locked_invitation(invitation: Invitation) -> Invitation:
    return Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, acting_user: User) -> Membership:
    """Change a member's role. An organisation keeps at least one coordinator."""
    _require_membership_change(acting_user, membership.organisation, role, current_role=membership.role)
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    if membership.role == Role.COORDINATOR and role != Role.COORDINATOR:
        _keep_one_coordinator(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    membership_sync_permissions(membership=membership, user=membership.user, organisation=membership.organisation)
    accounts_services.api_tokens_revoke_unused(users=[membership.user])
    _log(acting_user, "orgs.membership.change_role", membership)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, acting_user: User) -> None:
    """Remove a member from an organisation; their permissions on it go at once."""
    _require_membership_change(acting_user, membership.organisation, membership.role, current_role=membership.role)
    if membership.role == Role.COORDINATOR:
        _keep_one_coordinator(membership)
    user, organisation = membership.user, membership.organisation
    _log(acting_user, "orgs.membership.remove", membership)
    membership.delete()
    membership_sync_permissions(membership=None, user=user, organisation=organisation)
    accounts_services.api_tokens_revoke_unused(users=[user])


def _require_membership_change(
    acting_user: User, organisation: Organisation, role: str, *, current_role: str | None = None
) -> None:
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    if not policy.can(
        acting_user,
        OrganisationAction.CHANGE_MEMBERSHIP,
        MembershipChange(organisation, role=role, current_role=current_role),
    ):
        raise policy.AccessDenied(_("You cannot manage the members of this organisation."))


def _keep_one_coordinator(membership: Membership) -> None:
    others = (
        Membership.objects.select_for_update()
        .filter(organisation_id=membership.organisation_id, role=Role.COORDINATOR)
        .exclude(pk=membership.pk)
    )
    if not list(others):
        raise ValidationError(_("An organisation must keep at least one coordinator."))


# ---------------------------------------------------------------------------------------------------------------
# Partnerships


@transaction.atomic
def partnership_propose(
    *, proposer: Organisation, partner: Organisation, charter: str, acting_user: User
) -> Partnership:
    """Propose a partnership on behalf of `proposer`; it starts only when the partner accepts."""
    policy.require(acting_user, OrganisationAction.PROPOSE_PARTNERSHIP, proposer)
    if proposer.pk == partner.pk:
        raise ValidationError(_("An organisation cannot enter a partnership with itself."))
    if not partner.is_active:
        raise ValidationError(_("This organisation is not active."))
    if not charter.strip():
        raise ValidationError(_("Write the charter of shared values."))
    already_open = Partnership.objects.filter(status__in=[PartnershipStatus.PROPOSED, PartnershipStatus.ACTIVE]).filter(
        proposer__in=[proposer, partner], partner__in=[proposer, partner]
    )
    if already_open.exists():
        raise ValidationError(_("A partnership between these organisations is already proposed or active."))
    partnership = Partnership(proposer=proposer, partner=partner, charter=charter.strip(), proposed_by=acting_user)
    partnership.full_clean()
    try:
        with transaction.atomic():
            partnership.save()
    except IntegrityError as error:
        raise ValidationError(_("A partnership between these organisations is already proposed or active.")) from error
    outbox_enqueue(topic="orgs.partnership.proposed", object_id=partnership.id)
    _log(acting_user, "orgs.partnership.propose", partnership)
    return partnership


@transaction.atomic
def partnership_accept(*, partnership: Partnership, acting_user: User) -> Partnership:
    """The invited side accepts: the partnership becomes active today."""
    partnership = _locked(partnership)
    policy.require(acting_user, OrganisationAction.ACCEPT_PARTNERSHIP, partnership)
    _expect_status(partnership, PartnershipStatus.PROPOSED)
    partnership.status = PartnershipStatus.ACTIVE
    partnership.answered_by = acting_user
    partnership.answered_at = timezone.now()
    partnership.started_on = timezone.localdate()
    partnership.save()
    outbox_enqueue(topic="orgs.partnership.accepted", object_id=partnership.id)
    _log(acting_user, "orgs.partnership.accept", partnership)
    return partnership


@transaction.atomic
def partnership_decline(*, partnership: Partnership, acting_user: User) -> Partnership:
    partnership = _locked(partnership)
    policy.require(acting_user, OrganisationAction.DECLINE_PARTNERSHIP, partnership)
    _expect_status(partnership, PartnershipStatus.PROPOSED)
    partnership.status = PartnershipStatus.DECLINED
    partnership.answered_by = acting_user
    partnership.answered_at = timezone.now()
    partnership.save()
    outbox_enqueue(topic="orgs.partnership.declined", object_id=partnership.id)
    _log(acting_user, "orgs.partnership.decline", partnership)
    return partnership


@transaction.atomic
def partnership_end(*, partnership: Partnership, acting_user: User) -> Partnership:
    """Either side ends an active partnership, or the proposer withdraws its proposal."""
    partnership = _locked(partnership)
    policy.require(acting_user, OrganisationAction.END_PARTNERSHIP, partnership)
    _expect_status(partnership, PartnershipStatus.PROPOSED, PartnershipStatus.ACTIVE)
    partnership.status = PartnershipStatus.ENDED
    partnership.ended_on = timezone.localdate()
    partnership.ended_by = acting_user
    partnership.save()
    outbox_enqueue(topic="orgs.partnership.ended", object_id=partnership.id)
    _log(acting_user, "orgs.partnership.end", partnership)
    return partnership


def _locked(partnership: Partnership) -> Partnership:
    return Partnership.objects.select_for_update().select_related("proposer", "partner").get(pk=partnership.pk)


def _expect_status(partnership: Partnership, *allowed: str) -> None:
    if partnership.status not in allowed:
        raise ValidationError(
            _("This partnership is %(status)s; this action is not possible any more.")
            % {"status": partnership.get_status_display()}
        )


# ---------------------------------------------------------------------------------------------------------------
# Network administrators


@transaction.atomic
def network_admin_grant(*, user: User) -> None:
    """Make `user` a network administrator (run from the shell or seed_demo: there is no screen for it)."""
    group, _created = Group.objects.get_or_create(name=policy.NETWORK_ADMINS_GROUP)
    wanted = Permission.objects.filter(
        content_type__app_label__in=["orgs"],
        codename__in=["add_organisation", "change_organisation", "view_organisation"],
    ) | Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")
    group.permissions.add(*wanted)
    user.groups.add(group)
    policy.forget(user)


def _log(acting_user: User, action: str, instance: Any) -> None:
    """Record the action in Wagtail's audit log (ids and labels only, no personal data)."""
    from wagtail.log_actions import log

    log(instance=instance, action=action, user=acting_user, content_changed=True)
