"""Every change of state of organisations, memberships and partnerships goes through these functions.

Each one checks the access policy, validates, writes inside one transaction, logs the action, and leaves
side effects (mail) to the outbox, which relays them after commit.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cms.images import strip_image_metadata
from network.accounts.models import User
from network.orgs.rules import MembershipChange, OrganisationAction
from network.outbox.services import outbox_enqueue

from . import policy, roles, signals
from .models import (
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
    membership.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as error:  # two coordinators adding the same person at once
        raise ValidationError(_("This person is already a member of the organisation.")) from error
    membership_sync_permissions(membership=membership, user=user, organisation=organisation)
    _log(acting_user, "orgs.membership.add", membership)
    return membership


@transaction.atomic
def membership_invite(
    *, organisation: Organisation, email: str, role: str, acting_user: User, public_name: str = ""
) -> Membership:
    """Add a member by email: an existing account is added; otherwise an account is created and invited by email."""
    _require_membership_change(acting_user, organisation, role)
    email = User.objects.normalize_email(email).strip()
    user = User.objects.filter(email__iexact=email).first()
    invited = user is None
    if user is None:
        user = User(username=_free_username(email), email=email, public_name=public_name)
        user.set_unusable_password()
        user.full_clean()
        user.save()
    membership = membership_add(organisation=organisation, user=user, role=role, acting_user=acting_user)
    if invited:
        outbox_enqueue(topic="accounts.invited", object_id=membership.id)
    return membership


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


def _free_username(email: str) -> str:
    base = slugify(email.split("@", 1)[0])[:30] or "member"
    candidate = base
    while User.objects.filter(username=candidate).exists():
        candidate = f"{base}-{secrets.token_hex(2)}"
    return candidate


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
