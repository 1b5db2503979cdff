"""Access rules for referrals: who sees one, who answers it, who reads which personal field.

Staff and coordinators of the sending and receiving organisations; nobody else, not even network
administrators, who see counts only. Registered into the policy core by `ReferralsConfig.ready()`.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from network.orgs import policy
from network.orgs.models import Organisation
from network.orgs.policy import Action, Actor

from .models import AWAITING_ANSWER, OPEN_STATUSES, ContactChannel, PersonalField, Referral, ReferralStatus


class ReferralAction(Action):
    SEND_REFERRALS = "send_referrals"  # obj: the sending organisation
    RECEIVE_REFERRALS = "receive_referrals"  # obj: the receiving organisation
    USE_REFERRAL_WORKSPACE = "use_referral_workspace"  # no obj: sends or receives for some organisation
    VIEW_REFERRAL = "view_referral"
    ANSWER_REFERRAL = "answer_referral"  # accept, decline, redirect, set appointment, complete: the receiver
    MANAGE_SENT_REFERRAL = "manage_sent_referral"  # cancel, withdraw consent: the sender
    POST_REFERRAL_MESSAGE = "post_referral_message"  # either side, while the consent holds
    READ_REFERRAL_CONVERSATION = "read_referral_conversation"  # the messages and the timeline's notes
    VIEW_REFERRAL_ACCESS_LOG = "view_referral_access_log"
    READ_REFERRAL_PERSONAL_DATA = "read_referral_personal_data"  # obj: a referral, or an organisation
    VIEW_REFERRAL_COUNTS = "view_referral_counts"
    PRINT_REFERRAL_SLIP = "print_referral_slip"  # the person's slip and its .ics
    SEND_REFERRAL_SLIP = "send_referral_slip"  # the slip by SMS or a messaging app, within the consent


def _sends(user: Actor, referral: Referral) -> bool:
    return policy.has_organisation_permission(user, referral.sender_organisation_id, "send_referrals")


def _receives(user: Actor, referral: Referral) -> bool:
    return policy.has_organisation_permission(user, referral.receiver_organisation_id, "receive_referrals")


def may_view_referral(user: Actor, referral: Referral) -> bool:
    """Those who send referrals for the sending organisation, or receive them for the receiving one."""
    return _sends(user, referral) or _receives(user, referral)


def may_answer_referral(user: Actor, referral: Referral) -> bool:
    """The receiving organisation's staff and coordinators."""
    return _receives(user, referral)


def may_manage_sent_referral(user: Actor, referral: Referral) -> bool:
    """The sending organisation's staff and coordinators."""
    return _sends(user, referral)


def consent_has_ended(referral: Referral) -> bool:
    """Whether the person's consent was withdrawn or has expired (closed by the periodic pass or not yet)."""
    consent = referral.consent
    return (
        consent.withdrawn_at is not None
        or referral.status == ReferralStatus.CONSENT_WITHDRAWN
        or consent.valid_until < timezone.localdate()
    )


def may_read_conversation(user: Actor, referral: Referral) -> bool:
    """The sending side keeps its own record (messages and timeline notes, until retention erases them); the
    receiving side reads them only while the consent holds, as they can carry personal data."""
    if _sends(user, referral):
        return True
    return _receives(user, referral) and not consent_has_ended(referral)


def may_post_referral_message(user: Actor, referral: Referral) -> bool:
    """Either side, while the consent holds: once it is withdrawn or expired, the conversation is closed."""
    return may_view_referral(user, referral) and not consent_has_ended(referral)


def may_view_access_log(user: Actor, referral: Referral) -> bool:
    """The sending organisation's coordinators (who manage its members)."""
    return policy.has_organisation_permission(user, referral.sender_organisation_id, "manage_members")


def may_read_personal_data(user: Actor, referral: Referral) -> bool:
    """Roles that read personal data in the sending or receiving organisation (the fields: see
    `personal_fields_visible_to`); never network administrators."""
    return policy.has_organisation_permission(
        user, referral.sender_organisation_id, "read_referral_personal_data"
    ) or policy.has_organisation_permission(user, referral.receiver_organisation_id, "read_referral_personal_data")


def may_print_slip(user: Actor, referral: Referral) -> bool:
    """The person's slip follows the rule for reading personal data: roles that read it on the sending side, and on
    the receiving side once it accepted; only while the referral is open, the consent holds and nothing is erased."""
    if referral.status not in OPEN_STATUSES or referral.personal_data_erased_at is not None:
        return False
    if consent_has_ended(referral):
        return False
    if policy.has_organisation_permission(user, referral.sender_organisation_id, "read_referral_personal_data"):
        return True
    return referral.status not in AWAITING_ANSWER and policy.has_organisation_permission(
        user, referral.receiver_organisation_id, "read_referral_personal_data"
    )


SLIP_MESSAGE_CHANNELS = (ContactChannel.PHONE, ContactChannel.MESSAGING)


def may_send_slip(user: Actor, referral: Referral) -> bool:
    """Sending the slip to the person's phone: whoever may print it, when the person's consent shares their contact
    channel, the channel is a phone or a messaging app, and the user may read that contact now."""
    return (
        may_print_slip(user, referral)
        and referral.contact_channel in SLIP_MESSAGE_CHANNELS
        and PersonalField.CONTACT in referral.consent.shared_fields
        and PersonalField.CONTACT in personal_fields_visible_to(user, referral)
    )


def uses_referral_workspace(user: Actor, obj: object = None) -> bool:
    """Whether the user sends or receives referrals for at least one organisation (the workspace is theirs)."""
    return bool(policy.organisation_ids_with(user, "send_referrals", "receive_referrals"))


def visible_referrals(user: Actor, *, direction: str | None = None) -> QuerySet[Referral]:
    """Referrals sent or received by organisations where the user may send or receive them.

    `direction` narrows to "received" or "sent" in the query itself (one indexed condition instead of an OR, so
    the planner finds an inbox page through the index). Network admins see counts only, never through this.
    """
    sending = policy.organisation_ids_with(user, "send_referrals")
    receiving = policy.organisation_ids_with(user, "receive_referrals")
    if not sending and not receiving:
        return Referral.objects.none()
    if direction == "received":
        condition = Q(receiver_organisation_id__in=receiving)
    elif direction == "sent":
        condition = Q(sender_organisation_id__in=sending)
    else:
        condition = Q(sender_organisation_id__in=sending) | Q(receiver_organisation_id__in=receiving)
    return Referral.objects.filter(condition)


def personal_fields_visible_to(user: Actor, referral: Referral) -> frozenset[str]:
    """The personal fields of `referral` this user may read now.

    The sending side reads what it recorded while the referral is open or within retention; the receiving side
    reads only the fields in the consent scope, only after accepting, and only while consent is valid.
    Network administrators never read any. Erased data is gone for everyone.
    """
    if not policy.is_signed_in(user) or policy.is_network_admin(user) or referral.personal_data_erased_at is not None:
        return frozenset()
    if policy.has_organisation_permission(user, referral.sender_organisation_id, "read_referral_personal_data"):
        return frozenset(PersonalField.values)
    if not policy.has_organisation_permission(user, referral.receiver_organisation_id, "read_referral_personal_data"):
        return frozenset()
    if consent_has_ended(referral) or referral.status in AWAITING_ANSWER:
        return frozenset()
    if referral.status in (ReferralStatus.EXPIRED, ReferralStatus.CANCELLED, ReferralStatus.DECLINED):
        return frozenset()
    return frozenset(referral.consent.shared_fields) & frozenset(PersonalField.values)


def acting_organisation(user: Actor, referral: Referral) -> Organisation | None:
    """The organisation on whose behalf the user acts on this referral (receiver first when both)."""
    if _receives(user, referral):
        return referral.receiver_organisation
    if _sends(user, referral):
        return referral.sender_organisation
    return None


def register_rules() -> None:
    A = ReferralAction
    policy.register_organisation_permission(A.SEND_REFERRALS, "send_referrals")
    policy.register_organisation_permission(A.RECEIVE_REFERRALS, "receive_referrals")
    policy.register_organisation_permission(
        A.READ_REFERRAL_PERSONAL_DATA, "read_referral_personal_data", never_for_network_admins=True
    )
    policy.register(A.USE_REFERRAL_WORKSPACE, None, check=uses_referral_workspace)
    policy.register(A.VIEW_REFERRAL, Referral, check=may_view_referral, lister=visible_referrals)
    policy.register(A.POST_REFERRAL_MESSAGE, Referral, check=may_post_referral_message)
    policy.register(A.READ_REFERRAL_CONVERSATION, Referral, check=may_read_conversation)
    policy.register(A.ANSWER_REFERRAL, Referral, check=may_answer_referral)
    policy.register(A.MANAGE_SENT_REFERRAL, Referral, check=may_manage_sent_referral)
    policy.register(A.VIEW_REFERRAL_ACCESS_LOG, Referral, check=may_view_access_log)
    policy.register(
        A.READ_REFERRAL_PERSONAL_DATA, Referral, check=may_read_personal_data, never_for_network_admins=True
    )
    policy.register(A.PRINT_REFERRAL_SLIP, Referral, check=may_print_slip, never_for_network_admins=True)
    policy.register(A.SEND_REFERRAL_SLIP, Referral, check=may_send_slip, never_for_network_admins=True)
    policy.register_network_admin_action(A.VIEW_REFERRAL_COUNTS, "network administrators only: counts, no rows")
