"""The one access policy of Passerelle.

Every view, admin screen, API endpoint and task asks this module two questions:
- `can(user, action, obj)`: may this user do this to this object?
- `visible_*(user)` / `organisations_where(user, action)`: which objects of this kind may this user see or act on?

Roles (DESIGN.md, "Roles and what they may do") become django-guardian object permissions on the organisation
when a membership is created or changed (see `services.membership_sync_permissions`); this module reads them
back, once per request, with `accept_global_perms=False` semantics: a model-wide permission never opens a row.
Network administrators are a platform-level role (a group), never an organisation role, and never read the
personal fields of referrals, even where they are also members of an organisation.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from .models import (
    Membership,
    Organisation,
    OrganisationUserObjectPermission,
    Partnership,
    PartnershipStatus,
    ReferralsFrom,
    Role,
    Service,
)

if TYPE_CHECKING:
    from network.accounts.models import User

NETWORK_ADMINS_GROUP = "Network administrators"


class Action(StrEnum):
    # Organisations
    VIEW_ORGANISATION = "view_organisation"
    CREATE_ORGANISATION = "create_organisation"
    CHANGE_ORGANISATION = "change_organisation"
    DEACTIVATE_ORGANISATION = "deactivate_organisation"
    VIEW_ADDRESS = "view_address"
    # Members
    VIEW_MEMBERS = "view_members"
    MANAGE_MEMBERS = "manage_members"
    APPOINT_COORDINATOR = "appoint_coordinator"
    # Partnerships
    PROPOSE_PARTNERSHIP = "propose_partnership"
    VIEW_PARTNERSHIP = "view_partnership"
    ACCEPT_PARTNERSHIP = "accept_partnership"
    DECLINE_PARTNERSHIP = "decline_partnership"
    END_PARTNERSHIP = "end_partnership"
    # Service directory
    VIEW_SERVICE = "view_service"
    MANAGE_SERVICES = "manage_services"
    REFER_TO_SERVICE = "refer_to_service"
    # Referrals (obj: a Referral)
    VIEW_REFERRAL = "view_referral"
    ANSWER_REFERRAL = "answer_referral"  # accept, decline, redirect, set appointment, complete: the receiver
    MANAGE_SENT_REFERRAL = "manage_sent_referral"  # cancel, withdraw consent: the sender
    POST_REFERRAL_MESSAGE = "post_referral_message"
    VIEW_REFERRAL_ACCESS_LOG = "view_referral_access_log"
    # Work that later issues build on, decided here already
    SEND_REFERRALS = "send_referrals"
    RECEIVE_REFERRALS = "receive_referrals"
    READ_REFERRAL_PERSONAL_DATA = "read_referral_personal_data"
    VIEW_REFERRAL_COUNTS = "view_referral_counts"
    PUBLISH_RESOURCES = "publish_resources"
    DRAFT_RESOURCES = "draft_resources"
    ENDORSE_POSITIONS = "endorse_positions"
    CONTRIBUTE_ADVOCACY = "contribute_advocacy"
    # Resource library (obj: a ResourcePage, or a Document for DOWNLOAD_DOCUMENT)
    VIEW_RESOURCE = "view_resource"
    DOWNLOAD_DOCUMENT = "download_document"
    # Advocacy (obj: a KeyMessage, an AdvocacyPage or an AdvocacyOpportunity; endorsing: see `can_endorse`)
    VIEW_KEY_MESSAGE = "view_key_message"
    EDIT_KEY_MESSAGE = "edit_key_message"
    PROPOSE_KEY_MESSAGE = "propose_key_message"
    ADOPT_KEY_MESSAGE = "adopt_key_message"  # adopt or retire: the network's decision, taken by its admins
    VIEW_ADVOCACY_PAGE = "view_advocacy_page"
    VIEW_OPPORTUNITY = "view_opportunity"
    MANAGE_OPPORTUNITY = "manage_opportunity"
    # Platform
    MANAGE_USERS = "manage_users"
    MANAGE_TAXONOMIES = "manage_taxonomies"


# Role → object permissions (codenames on Organisation) that a membership grants.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset(
        {
            "change_organisation",
            "view_members",
            "manage_members",
            "manage_partnerships",
            "send_referrals",
            "receive_referrals",
            "read_referral_personal_data",
            "publish_resources",
            "draft_resources",
            "endorse_positions",
            "contribute_advocacy",
        }
    ),
    Role.STAFF: frozenset(
        {
            "view_members",
            "send_referrals",
            "receive_referrals",
            "read_referral_personal_data",
            "publish_resources",
            "draft_resources",
            "contribute_advocacy",
        }
    ),
    Role.PEER: frozenset({"draft_resources", "contribute_advocacy"}),
    Role.VOLUNTEER: frozenset(),
}
ALL_ORGANISATION_PERMISSIONS: frozenset[str] = frozenset().union(*ROLE_PERMISSIONS.values())

# Actions decided by an object permission on the organisation concerned.
_ORGANISATION_PERMISSION_FOR_ACTION: dict[Action, str] = {
    Action.CHANGE_ORGANISATION: "change_organisation",
    Action.VIEW_MEMBERS: "view_members",
    Action.MANAGE_MEMBERS: "manage_members",
    Action.PROPOSE_PARTNERSHIP: "manage_partnerships",
    Action.MANAGE_SERVICES: "change_organisation",
    Action.SEND_REFERRALS: "send_referrals",
    Action.RECEIVE_REFERRALS: "receive_referrals",
    Action.READ_REFERRAL_PERSONAL_DATA: "read_referral_personal_data",
    Action.PUBLISH_RESOURCES: "publish_resources",
    Action.DRAFT_RESOURCES: "draft_resources",
    Action.ENDORSE_POSITIONS: "endorse_positions",
    Action.CONTRIBUTE_ADVOCACY: "contribute_advocacy",
}
# Network administrators run the platform: these they may do, and nothing inside referrals.
_NETWORK_ADMIN_ACTIONS: frozenset[Action] = frozenset(
    {
        Action.CREATE_ORGANISATION,
        Action.CHANGE_ORGANISATION,
        Action.DEACTIVATE_ORGANISATION,
        Action.APPOINT_COORDINATOR,
        Action.VIEW_PARTNERSHIP,
        Action.VIEW_REFERRAL_COUNTS,
        Action.MANAGE_USERS,
        Action.MANAGE_TAXONOMIES,
        Action.VIEW_ADDRESS,
        Action.ADOPT_KEY_MESSAGE,
        Action.MANAGE_OPPORTUNITY,
    }
)
_NEVER_FOR_NETWORK_ADMINS: frozenset[Action] = frozenset({Action.READ_REFERRAL_PERSONAL_DATA})

_PERMS_CACHE = "_passerelle_org_perms"
_ADMIN_CACHE = "_passerelle_is_network_admin"
_TOTP_CACHE = "_passerelle_has_totp"
_MEMBERSHIPS_CACHE = "_passerelle_memberships"


class AccessDenied(PermissionDenied):
    """Raised by `require`. Views turn it into 403 for objects the user may see, 404 otherwise."""


# ---------------------------------------------------------------------------------------------------------------
# Who the user is


def is_network_admin(user: User | Any) -> bool:
    if not _is_signed_in(user):
        return False
    if not hasattr(user, _ADMIN_CACHE):
        setattr(
            user,
            _ADMIN_CACHE,
            user.is_superuser or user.groups.filter(name=NETWORK_ADMINS_GROUP).exists(),
        )
    return getattr(user, _ADMIN_CACHE)


def organisation_permissions(user: User | Any) -> dict[UUID, frozenset[str]]:
    """The user's object permissions per organisation id, read once per request (one query)."""
    if not _is_signed_in(user):
        return {}
    cached = getattr(user, _PERMS_CACHE, None)
    if cached is None:
        rows = OrganisationUserObjectPermission.objects.filter(user=user, content_object__is_active=True).values_list(
            "content_object_id", "permission__codename"
        )
        collected: dict[UUID, set[str]] = {}
        for organisation_id, codename in rows:
            collected.setdefault(organisation_id, set()).add(codename)
        cached = {key: frozenset(value) for key, value in collected.items()}
        setattr(user, _PERMS_CACHE, cached)
    return cached


def forget(user: User | Any) -> None:
    """Drop what this module cached on the user object (after their memberships changed)."""
    for attribute in (_PERMS_CACHE, _ADMIN_CACHE, _TOTP_CACHE, _MEMBERSHIPS_CACHE):
        if hasattr(user, attribute):
            delattr(user, attribute)


def _memberships(user: User | Any) -> list[tuple[UUID, str, bool]]:
    """(organisation id, role, organisation active) for each of the user's memberships, read once per request."""
    cached = getattr(user, _MEMBERSHIPS_CACHE, None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user).values_list("organisation_id", "role", "organisation__is_active")
        )
        setattr(user, _MEMBERSHIPS_CACHE, cached)
    return cached


def member_organisation_ids(user: User | Any, *, include_inactive: bool = False) -> set[UUID]:
    """Ids of the organisations the user belongs to, whatever the role (active ones unless told otherwise)."""
    if not _is_signed_in(user):
        return set()
    return {org_id for org_id, _role, active in _memberships(user) if active or include_inactive}


def is_network_member(user: User | Any) -> bool:
    """Members of an active organisation, and network admins: they see what the network shares among itself."""
    return is_network_admin(user) or bool(member_organisation_ids(user))


def has_referral_role(user: User | Any) -> bool:
    """Whether the user sends or receives referrals for at least one organisation (the workspace is theirs)."""
    return any(
        "send_referrals" in perms or "receive_referrals" in perms for perms in organisation_permissions(user).values()
    )


def requires_two_factor(user: User | Any) -> bool:
    """Roles that can read personal fields of referrals, and network administrators, must use TOTP."""
    if not _is_signed_in(user):
        return False
    if is_network_admin(user):
        return True
    return any("read_referral_personal_data" in perms for perms in organisation_permissions(user).values())


def two_factor_missing(user: User | Any) -> bool:
    """True when the user must use two-factor authentication and has not enrolled an authenticator yet."""
    if not settings.PASSERELLE_REQUIRE_TWO_FACTOR or not requires_two_factor(user):
        return False
    if not hasattr(user, _TOTP_CACHE):
        from allauth.mfa.models import Authenticator

        setattr(
            user,
            _TOTP_CACHE,
            Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists(),
        )
    return not getattr(user, _TOTP_CACHE)


# ---------------------------------------------------------------------------------------------------------------
# May this user do this to this object?


def can(user: User | Any, action: Action, obj: Any = None) -> bool:
    """Whether `user` may perform `action` on `obj` (an Organisation, a Partnership, a User or None)."""
    if not _is_signed_in(user):
        if _model_name(obj) in _CONTENT_RULES:
            return _CONTENT_RULES[_model_name(obj)](user, action, obj, admin=False)
        if isinstance(obj, Service):
            visible = _is_public_service(obj)
            if action == Action.VIEW_ADDRESS:
                return visible and not obj.address_is_confidential
            return action == Action.VIEW_SERVICE and visible
        if not isinstance(obj, Organisation) or not obj.is_active:
            return False
        return action == Action.VIEW_ORGANISATION or (action == Action.VIEW_ADDRESS and not obj.address_is_confidential)

    admin = is_network_admin(user)
    if admin and action in _NEVER_FOR_NETWORK_ADMINS:
        return False

    if action == Action.VIEW_ORGANISATION and isinstance(obj, Organisation):
        return obj.is_active or admin or _is_member(user, obj)
    if action == Action.VIEW_ADDRESS and isinstance(obj, Organisation):
        return (not obj.address_is_confidential) or admin or _is_member(user, obj)
    if action in (Action.CREATE_ORGANISATION, Action.DEACTIVATE_ORGANISATION, Action.MANAGE_USERS):
        return admin
    if action in (Action.APPOINT_COORDINATOR, Action.MANAGE_TAXONOMIES, Action.VIEW_REFERRAL_COUNTS):
        return admin

    if isinstance(obj, Partnership):
        return _can_on_partnership(user, action, obj, admin=admin)
    if _model_name(obj) in _CONTENT_RULES:
        return _CONTENT_RULES[_model_name(obj)](user, action, obj, admin=admin)
    if isinstance(obj, Service):
        return _can_on_service(user, action, obj, admin=admin)
    if _is_referral(obj):
        return _can_on_referral(user, action, obj, admin=admin)

    codename = _ORGANISATION_PERMISSION_FOR_ACTION.get(action)
    if codename is not None and isinstance(obj, Organisation):
        if admin and action in _NETWORK_ADMIN_ACTIONS:
            return True
        return codename in organisation_permissions(user).get(obj.pk, frozenset())
    return False


def can_change_membership(
    user: User | Any, organisation: Organisation, *, role: str, current_role: str | None = None
) -> bool:
    """Coordinators manage their team; network administrators only appoint (or keep) coordinators at onboarding."""
    if can(user, Action.MANAGE_MEMBERS, organisation):
        return True
    touches_only_coordinators = role == Role.COORDINATOR and current_role in (None, Role.COORDINATOR)
    return touches_only_coordinators and can(user, Action.APPOINT_COORDINATOR, organisation)


def require(user: User | Any, action: Action, obj: Any = None) -> None:
    """Raise AccessDenied unless `can(user, action, obj)`."""
    if not can(user, action, obj):
        raise AccessDenied(f"Not allowed: {action}.")


def _can_on_partnership(user: User | Any, action: Action, partnership: Partnership, *, admin: bool) -> bool:
    perms = organisation_permissions(user)
    manages_proposer = "manage_partnerships" in perms.get(partnership.proposer_id, frozenset())
    manages_partner = "manage_partnerships" in perms.get(partnership.partner_id, frozenset())
    if action == Action.VIEW_PARTNERSHIP:
        if admin:
            return True
        member_of = member_organisation_ids(user)
        return partnership.proposer_id in member_of or partnership.partner_id in member_of
    if action in (Action.ACCEPT_PARTNERSHIP, Action.DECLINE_PARTNERSHIP):
        # Only the side that did not propose can accept: a partnership is never imposed.
        return manages_partner
    if action == Action.END_PARTNERSHIP:
        return manages_proposer or manages_partner
    return False


# ---------------------------------------------------------------------------------------------------------------
# Library and advocacy content


def _model_name(obj: Any) -> str:
    meta = getattr(obj, "_meta", None)
    return meta.label if meta is not None else ""


def _may_see_by_visibility(user: User | Any, visibility: str, organisation_id: UUID | None, *, admin: bool) -> bool:
    """public: everyone; network: network members; organisation: members of the owning organisation only."""
    if visibility == "public":
        return True
    if visibility == "network":
        return admin or is_network_member(user)
    if visibility == "organisation":
        return organisation_id is not None and organisation_id in member_organisation_ids(user)
    return False


def _edits_in_space(user: User | Any, organisation_id: UUID | None) -> bool:
    """Members who draft in the organisation's space see its unpublished and restricted pages."""
    perms = organisation_permissions(user).get(organisation_id, frozenset()) if organisation_id else frozenset()
    return bool(perms & {"draft_resources", "publish_resources", "contribute_advocacy"})


def _can_on_resource(user: User | Any, action: Action, page: Any, *, admin: bool) -> bool:
    if action != Action.VIEW_RESOURCE:
        return False
    if not page.live:
        return _edits_in_space(user, page.organisation_id)
    return _may_see_by_visibility(user, page.visibility, page.organisation_id, admin=admin)


def _can_on_advocacy_page(user: User | Any, action: Action, page: Any, *, admin: bool) -> bool:
    if action != Action.VIEW_ADVOCACY_PAGE:
        return False
    if not page.live:
        return _edits_in_space(user, page.organisation_id)
    return _may_see_by_visibility(user, page.visibility, page.organisation_id, admin=admin)


def _can_on_key_message(user: User | Any, action: Action, message: Any, *, admin: bool) -> bool:
    """Drafts stay with the drafting organisation; proposed and retired messages with the network; adopted ones
    are public. Contributors of the drafting organisation edit until adoption, its coordinators afterwards;
    its coordinators propose; network admins adopt and retire."""
    from network.advocacy.models import MessageStatus

    perms = organisation_permissions(user).get(message.drafting_organisation_id, frozenset())
    if action == Action.VIEW_KEY_MESSAGE:
        if message.status == MessageStatus.ADOPTED:
            return True
        if message.status == MessageStatus.DRAFT:
            return message.drafting_organisation_id in member_organisation_ids(user)
        return admin or is_network_member(user)
    if action == Action.EDIT_KEY_MESSAGE:
        if message.status in (MessageStatus.DRAFT, MessageStatus.PROPOSED):
            return "contribute_advocacy" in perms
        return message.status == MessageStatus.ADOPTED and "endorse_positions" in perms
    if action == Action.PROPOSE_KEY_MESSAGE:
        return message.status == MessageStatus.DRAFT and "endorse_positions" in perms
    if action == Action.ADOPT_KEY_MESSAGE:
        return admin
    return False


def _can_on_opportunity(user: User | Any, action: Action, opportunity: Any, *, admin: bool) -> bool:
    if action == Action.VIEW_OPPORTUNITY:
        return opportunity.is_public or admin or is_network_member(user)
    if action == Action.MANAGE_OPPORTUNITY:
        return admin or manageable_opportunities(user).filter(pk=opportunity.pk).exists()
    return False


def may_add_opportunity(user: User | Any) -> bool:
    """Network admins, and anyone who contributes to advocacy for an organisation, add opportunities."""
    return is_network_admin(user) or _contributes_somewhere(user)


def _contributes_somewhere(user: User | Any) -> bool:
    return any("contribute_advocacy" in perms for perms in organisation_permissions(user).values())


def manageable_opportunities(user: User | Any) -> QuerySet[Any]:
    """Opportunities this user may edit: all for network admins; otherwise those they created (while they still
    contribute for an organisation) and those where an organisation they coordinate takes part. One query."""
    from network.advocacy.models import AdvocacyOpportunity

    if is_network_admin(user):
        return AdvocacyOpportunity.objects.all()
    if not _is_signed_in(user):
        return AdvocacyOpportunity.objects.none()
    coordinated = [org_id for org_id, perms in organisation_permissions(user).items() if "endorse_positions" in perms]
    condition = Q(organisations__in=coordinated) if coordinated else Q(pk__in=[])
    if _contributes_somewhere(user):
        condition |= Q(created_by=user)
    return AdvocacyOpportunity.objects.filter(pk__in=AdvocacyOpportunity.objects.filter(condition).values("pk"))


def _can_on_document(user: User | Any, action: Action, document: Any, *, admin: bool) -> bool:
    """A document is served to members of the organisation whose collection holds it, and to anyone who may see
    a live page that uses it (attachment or body block). Anything else answers 404."""
    if action != Action.DOWNLOAD_DOCUMENT:
        return False
    owner_ids = set(Organisation.objects.filter(collection_id=document.collection_id).values_list("pk", flat=True))
    if owner_ids & member_organisation_ids(user):
        return True
    return any(can(user, _VIEW_ACTION_FOR_PAGE[_model_name(page)], page) for page in _pages_using(document))


def _pages_using(document: Any) -> list[Any]:
    """Live library and advocacy pages that reference the document (Wagtail's reference index)."""
    from wagtail.models import Page, ReferenceIndex

    page_ids = (
        ReferenceIndex.get_references_to(document)
        .filter(
            base_content_type=ReferenceIndex._get_base_content_type(Page)  # noqa: SLF001
        )
        .values_list("object_id", flat=True)
    )
    pages = Page.objects.filter(pk__in=[int(pk) for pk in page_ids], live=True).specific()
    return [page for page in pages if _model_name(page) in _VIEW_ACTION_FOR_PAGE]


_VIEW_ACTION_FOR_PAGE: dict[str, Action] = {
    "resources.ResourcePage": Action.VIEW_RESOURCE,
    "advocacy.AdvocacyPage": Action.VIEW_ADVOCACY_PAGE,
}

_CONTENT_RULES = {
    "resources.ResourcePage": _can_on_resource,
    "advocacy.AdvocacyPage": _can_on_advocacy_page,
    "advocacy.KeyMessage": _can_on_key_message,
    "advocacy.AdvocacyOpportunity": _can_on_opportunity,
    "wagtaildocs.Document": _can_on_document,
}


def can_translate(user: User | Any, instance: Any) -> bool:
    """Submitting content for translation, or syncing its translations, publishes in its owner's name: key
    messages follow the rule for editing them; organisation pages (resources, advocacy pages, the space itself)
    the rule for publishing for that organisation; the network's own pages (home, library) its administrators."""
    if _model_name(instance) == "advocacy.KeyMessage":
        return can(user, Action.EDIT_KEY_MESSAGE, instance)
    organisation = getattr(instance, "organisation", None)
    if organisation is None and hasattr(instance, "get_organisation"):  # an organisation's space page
        organisation = instance.get_organisation()
    if organisation is None:
        return is_network_admin(user)
    return can(user, Action.PUBLISH_RESOURCES, organisation)


def editable_key_messages(user: User | Any) -> QuerySet[Any]:
    """Key messages this user may edit (the EDIT_KEY_MESSAGE rule as one query): contributors of the drafting
    organisation while draft or proposed, its coordinators once adopted."""
    from network.advocacy.models import KeyMessage, MessageStatus

    perms = organisation_permissions(user)
    contributing = [org_id for org_id, p in perms.items() if "contribute_advocacy" in p]
    coordinating = [org_id for org_id, p in perms.items() if "endorse_positions" in p]
    if not contributing and not coordinating:
        return KeyMessage.objects.none()
    return KeyMessage.objects.filter(
        Q(status__in=[MessageStatus.DRAFT, MessageStatus.PROPOSED], drafting_organisation_id__in=contributing)
        | Q(status=MessageStatus.ADOPTED, drafting_organisation_id__in=coordinating)
    )


def can_endorse(user: User | Any, message: Any, organisation: Organisation) -> bool:
    """Coordinators sign (or withdraw the signature of) a proposed or adopted message for their own organisation."""
    from network.advocacy.models import ENDORSABLE_STATUSES

    return (
        message.status in ENDORSABLE_STATUSES
        and organisation.is_active
        and "endorse_positions" in organisation_permissions(user).get(organisation.pk, frozenset())
    )


def can_withdraw_endorsement(user: User | Any, organisation: Organisation) -> bool:
    """A signature can be withdrawn whatever the message's status now, by the organisation's coordinators."""
    return "endorse_positions" in organisation_permissions(user).get(organisation.pk, frozenset())


def _is_referral(obj: Any) -> bool:
    return type(obj).__name__ == "Referral" and type(obj).__module__ == "network.referrals.models"


def _can_on_referral(user: User | Any, action: Action, referral: Any, *, admin: bool) -> bool:
    """Staff and coordinators of the sending and receiving organisations; nobody else, not even network admins.

    Reading personal fields is further limited by consent: see `referral_personal_fields_visible_to`.
    """
    perms = organisation_permissions(user)
    sender_perms = perms.get(referral.sender_organisation_id, frozenset())
    receiver_perms = perms.get(referral.receiver_organisation_id, frozenset())
    is_sender = "send_referrals" in sender_perms
    is_receiver = "receive_referrals" in receiver_perms
    if action in (Action.VIEW_REFERRAL, Action.POST_REFERRAL_MESSAGE):
        return is_sender or is_receiver
    if action == Action.ANSWER_REFERRAL:
        return is_receiver
    if action == Action.MANAGE_SENT_REFERRAL:
        return is_sender
    if action == Action.VIEW_REFERRAL_ACCESS_LOG:
        return "manage_members" in sender_perms  # the sending organisation's coordinators
    if action == Action.READ_REFERRAL_PERSONAL_DATA:
        return not admin and (
            "read_referral_personal_data" in sender_perms or "read_referral_personal_data" in receiver_perms
        )
    return False


def referral_personal_fields_visible_to(user: User | Any, referral: Any) -> frozenset[str]:
    """The personal fields of `referral` this user may read now.

    The sending side reads what it recorded while the referral is open or within retention; the receiving side
    reads only the fields in the consent scope, only after accepting, and only while consent is valid.
    Network administrators never read any. Erased data is gone for everyone.
    """
    from network.referrals.models import AWAITING_ANSWER, PersonalField, ReferralStatus

    if not _is_signed_in(user) or is_network_admin(user) or referral.personal_data_erased_at is not None:
        return frozenset()
    perms = organisation_permissions(user)
    if "read_referral_personal_data" in perms.get(referral.sender_organisation_id, frozenset()):
        return frozenset(PersonalField.values)
    if "read_referral_personal_data" not in perms.get(referral.receiver_organisation_id, frozenset()):
        return frozenset()
    consent = referral.consent
    if consent.withdrawn_at is not None or referral.status in AWAITING_ANSWER:
        return frozenset()
    if referral.status in (
        ReferralStatus.CONSENT_WITHDRAWN,
        ReferralStatus.EXPIRED,
        ReferralStatus.CANCELLED,
        ReferralStatus.DECLINED,
    ):
        return frozenset()
    from django.utils import timezone

    if consent.valid_until < timezone.localdate():
        return frozenset()
    return frozenset(consent.shared_fields) & frozenset(PersonalField.values)


def visible_referrals(user: User | Any, *, direction: str | None = None) -> QuerySet[Any]:
    """Referrals sent or received by organisations where the user may send or receive them.

    `direction` narrows to "received" or "sent" in the query itself (one indexed condition instead of an OR, so
    the planner finds an inbox page through the index). Network admins see counts only, never through this.
    """
    from network.referrals.models import Referral

    perms = organisation_permissions(user)
    sending = [org_id for org_id, p in perms.items() if "send_referrals" in p]
    receiving = [org_id for org_id, p in perms.items() if "receive_referrals" in p]
    if direction == "received":
        condition = Q(receiver_organisation_id__in=receiving)
    elif direction == "sent":
        condition = Q(sender_organisation_id__in=sending)
    else:
        condition = Q(sender_organisation_id__in=sending) | Q(receiver_organisation_id__in=receiving)
    if not sending and not receiving:
        return Referral.objects.none()
    return Referral.objects.filter(condition)


def _is_public_service(service: Service) -> bool:
    return service.is_active and service.is_public and service.organisation.is_active


def _can_on_service(user: User | Any, action: Action, service: Service, *, admin: bool) -> bool:
    perms = organisation_permissions(user)
    if action == Action.VIEW_SERVICE:
        if _is_public_service(service) or admin:
            return True
        visible_to_members = service.is_active and service.organisation.is_active and is_network_member(user)
        return visible_to_members or service.organisation_id in member_organisation_ids(user)
    if action == Action.MANAGE_SERVICES:  # the organisation's own coordinators, as for its profile
        return "change_organisation" in perms.get(service.organisation_id, frozenset())
    if action == Action.VIEW_ADDRESS:
        own = service.organisation_id in member_organisation_ids(user, include_inactive=True)
        return not service.address_is_confidential or admin or own
    if action == Action.REFER_TO_SERVICE:
        return referable_services(user).filter(pk=service.pk).exists()
    return False


def _is_member(user: User | Any, organisation: Organisation) -> bool:
    return organisation.pk in member_organisation_ids(user, include_inactive=True)


def _is_signed_in(user: User | Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


# ---------------------------------------------------------------------------------------------------------------
# Which objects of this kind may this user see or act on?


def visible_organisations(user: User | Any) -> QuerySet[Organisation]:
    """Active organisations for everyone; inactive ones only for network admins and their own members."""
    queryset = Organisation.objects.all()
    if is_network_admin(user):
        return queryset
    if _is_signed_in(user):
        return queryset.filter(Q(is_active=True) | Q(memberships__user=user)).distinct()
    return queryset.filter(is_active=True)


def organisations_where(user: User | Any, action: Action) -> QuerySet[Organisation]:
    """Organisations on which `user` may perform `action` (a guardian object permission, never a global one)."""
    if not _is_signed_in(user):
        return Organisation.objects.none()
    if is_network_admin(user) and action in _NETWORK_ADMIN_ACTIONS:
        return Organisation.objects.all()
    if is_network_admin(user) and action in _NEVER_FOR_NETWORK_ADMINS:
        return Organisation.objects.none()
    codename = _ORGANISATION_PERMISSION_FOR_ACTION.get(action)
    if codename is None:
        return Organisation.objects.none()
    ids = [org_id for org_id, perms in organisation_permissions(user).items() if codename in perms]
    return Organisation.objects.filter(pk__in=ids, is_active=True)


def visible_partnerships(user: User | Any) -> QuerySet[Partnership]:
    """Partnerships of the user's organisations (every status); all of them for network admins."""
    queryset = Partnership.objects.select_related("proposer", "partner")
    if is_network_admin(user):
        return queryset
    member_of = member_organisation_ids(user)
    if not member_of:
        return queryset.none()
    return queryset.filter(Q(proposer_id__in=member_of) | Q(partner_id__in=member_of))


def active_partnerships_of(organisation: Organisation) -> QuerySet[Partnership]:
    return Partnership.objects.filter(
        Q(proposer=organisation) | Q(partner=organisation), status=PartnershipStatus.ACTIVE
    ).select_related("proposer", "partner")


def visible_services(user: User | Any) -> QuerySet[Service]:
    """Public services for everyone; members-only services for network members; own inactive ones for members."""
    queryset = Service.objects.select_related("organisation", "category")
    public = Q(is_active=True, is_public=True, organisation__is_active=True)
    if is_network_admin(user):
        return queryset
    if is_network_member(user):
        own = Q(organisation_id__in=member_organisation_ids(user, include_inactive=True))
        return queryset.filter(Q(is_active=True, organisation__is_active=True) | own)
    return queryset.filter(public)


def referable_services(user: User | Any, sender: Organisation | None = None) -> QuerySet[Service]:
    """Services the user may send a referral to, on behalf of `sender` (or of any organisation they send for).

    A service takes referrals from the whole network, or from active partners of its organisation only; never
    from its own organisation's services to itself.
    """
    senders = [
        org_id
        for org_id, perms in organisation_permissions(user).items()
        if "send_referrals" in perms and (sender is None or org_id == sender.pk)
    ]
    if not senders:
        return Service.objects.none()
    partner_ids = set()
    for proposer_id, partner_id in Partnership.objects.filter(
        Q(proposer_id__in=senders) | Q(partner_id__in=senders), status=PartnershipStatus.ACTIVE
    ).values_list("proposer_id", "partner_id"):
        partner_ids.update({proposer_id, partner_id})
    partner_ids.difference_update(senders)
    return (
        Service.objects.select_related("organisation", "category")
        .filter(is_active=True, accepts_referrals=True, organisation__is_active=True)
        .exclude(organisation_id__in=senders)
        .filter(Q(referrals_from=ReferralsFrom.NETWORK) | Q(organisation_id__in=partner_ids))
    )


def _visibility_condition(user: User | Any, *, with_organisation_level: bool) -> Q:
    """The rows of a page model with `visibility` and `organisation` that this user may see (live ones)."""
    condition = Q(visibility="public")
    if is_network_admin(user) or is_network_member(user):
        condition |= Q(visibility="network")
    if with_organisation_level:
        own = member_organisation_ids(user)
        if own:
            condition |= Q(visibility="organisation", organisation_id__in=own)
    return condition


def visible_resources(user: User | Any) -> QuerySet[Any]:
    """Live resource pages (every locale) this user may see. Filter by locale at the call site."""
    from network.resources.models import ResourcePage

    return ResourcePage.objects.live().filter(_visibility_condition(user, with_organisation_level=True))


def visible_advocacy_pages(user: User | Any) -> QuerySet[Any]:
    from network.advocacy.models import AdvocacyPage

    return AdvocacyPage.objects.live().filter(_visibility_condition(user, with_organisation_level=False))


def visible_key_messages(user: User | Any) -> QuerySet[Any]:
    """Adopted messages for everyone; proposed and retired ones for network members; drafts for their
    drafting organisation's members."""
    from network.advocacy.models import KeyMessage, MessageStatus

    condition = Q(status=MessageStatus.ADOPTED)
    if is_network_admin(user) or is_network_member(user):
        condition |= Q(status__in=[MessageStatus.PROPOSED, MessageStatus.RETIRED])
    own = member_organisation_ids(user)
    if own:
        condition |= Q(status=MessageStatus.DRAFT, drafting_organisation_id__in=own)
    return KeyMessage.objects.filter(condition)


def visible_opportunities(user: User | Any) -> QuerySet[Any]:
    from network.advocacy.models import AdvocacyOpportunity

    queryset = AdvocacyOpportunity.objects.all()
    if is_network_admin(user) or is_network_member(user):
        return queryset
    return queryset.filter(is_public=True)


def visible_memberships(user: User | Any) -> QuerySet[Membership]:
    """Memberships the user may see: their own, and all of the organisations where they may view members."""
    if not _is_signed_in(user):
        return Membership.objects.none()
    readable = [org_id for org_id, perms in organisation_permissions(user).items() if "view_members" in perms]
    return Membership.objects.filter(Q(user=user) | Q(organisation_id__in=readable)).select_related(
        "user", "organisation"
    )


def users_who_can(action: Action) -> QuerySet[User]:
    """Active users who may perform `action` on at least one organisation (for admin notifications and reports)."""
    from network.accounts.models import User

    admins = Q(is_superuser=True) | Q(groups__name=NETWORK_ADMINS_GROUP)
    who = admins if action in _NETWORK_ADMIN_ACTIONS else Q(pk__in=[])
    codename = _ORGANISATION_PERMISSION_FOR_ACTION.get(action)
    if codename is not None:
        holders = OrganisationUserObjectPermission.objects.filter(
            permission__codename=codename, content_object__is_active=True
        ).values("user_id")
        who |= Q(pk__in=holders)
        if action in _NEVER_FOR_NETWORK_ADMINS:
            return User.objects.filter(who, is_active=True).exclude(admins).distinct()
    return User.objects.filter(who, is_active=True).distinct()


def organisation_users_who_can(organisation: Organisation, action: Action) -> QuerySet[User]:
    """Active users holding the permission behind `action` on this organisation (e.g. who receives referrals)."""
    from network.accounts.models import User

    codename = _ORGANISATION_PERMISSION_FOR_ACTION.get(action)
    if codename is None or not organisation.is_active:
        return User.objects.none()
    holders = OrganisationUserObjectPermission.objects.filter(
        permission__codename=codename, content_object=organisation
    ).values("user_id")
    return User.objects.filter(pk__in=holders, is_active=True)


def roles_by_organisation(user: User | Any) -> dict[UUID, str]:
    if not _is_signed_in(user):
        return {}
    return {org_id: role for org_id, role, _active in _memberships(user)}


def permissions_for_roles(roles: Iterable[str]) -> frozenset[str]:
    return frozenset().union(*(ROLE_PERMISSIONS[role] for role in roles))
