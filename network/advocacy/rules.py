"""Access rules of shared advocacy: key messages, signatures, advocacy pages and the calendar.

Drafts stay with the drafting organisation, proposed and retired messages with the network, adopted ones are
public; contributors edit until adoption, coordinators afterwards and sign for their organisation; network
administrators adopt and retire. Registered by `AdvocacyConfig.ready()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from cms.rules import register_page_type
from network.orgs import policy
from network.orgs.models import Organisation
from network.orgs.policy import Action, Actor

from .models import (
    ENDORSABLE_STATUSES,
    AdvocacyOpportunity,
    AdvocacyPage,
    KeyMessage,
    MessageStatus,
    OpportunityParticipation,
    ParticipationStatus,
)


class AdvocacyAction(Action):
    CONTRIBUTE_ADVOCACY = "contribute_advocacy"  # obj: the organisation
    ENDORSE_POSITIONS = "endorse_positions"  # obj: the organisation
    VIEW_KEY_MESSAGE = "view_key_message"
    EDIT_KEY_MESSAGE = "edit_key_message"
    PROPOSE_KEY_MESSAGE = "propose_key_message"
    ADOPT_KEY_MESSAGE = "adopt_key_message"  # adopt or retire: the network's decision, taken by its admins
    SIGN_KEY_MESSAGE = "sign_key_message"  # obj: a Signature
    WITHDRAW_SIGNATURE = "withdraw_signature"  # obj: a Signature
    VIEW_OPPORTUNITY = "view_opportunity"
    ADD_OPPORTUNITY = "add_opportunity"  # no obj
    MANAGE_OPPORTUNITY = "manage_opportunity"
    ANSWER_PARTICIPATION = "answer_participation"  # obj: an OpportunityParticipation


@dataclass(frozen=True)
class Signature:
    """An organisation's signature on a key message, as asked about before it is given or withdrawn."""

    message: KeyMessage
    organisation: Organisation


# ---------------------------------------------------------------------------------------------------------------
# Key messages


def may_view_key_message(user: Actor, message: KeyMessage) -> bool:
    """Adopted messages for everyone; proposed and retired ones for network members; drafts for their drafting
    organisation's members."""
    if message.status == MessageStatus.ADOPTED:
        return True
    if message.status == MessageStatus.DRAFT:
        return message.drafting_organisation_id in policy.member_organisation_ids(user)
    return policy.is_network_member(user)


def visible_key_messages(user: Actor) -> QuerySet[KeyMessage]:
    """Adopted messages for everyone; proposed and retired ones for network members; drafts for their
    drafting organisation's members."""
    condition = Q(status=MessageStatus.ADOPTED)
    if policy.is_network_member(user):
        condition |= Q(status__in=[MessageStatus.PROPOSED, MessageStatus.RETIRED])
    own = policy.member_organisation_ids(user)
    if own:
        condition |= Q(status=MessageStatus.DRAFT, drafting_organisation_id__in=own)
    return KeyMessage.objects.filter(condition)


def may_edit_key_message(user: Actor, message: KeyMessage) -> bool:
    """Contributors of the drafting organisation while draft or proposed, its coordinators once adopted."""
    organisation_id = message.drafting_organisation_id
    if message.status in (MessageStatus.DRAFT, MessageStatus.PROPOSED):
        return policy.has_organisation_permission(user, organisation_id, "contribute_advocacy")
    return message.status == MessageStatus.ADOPTED and policy.has_organisation_permission(
        user, organisation_id, "endorse_positions"
    )


def editable_key_messages(user: Actor) -> QuerySet[KeyMessage]:
    """Contributors of the drafting organisation while draft or proposed, its coordinators once adopted."""
    contributing = policy.organisation_ids_with(user, "contribute_advocacy")
    coordinating = policy.organisation_ids_with(user, "endorse_positions")
    if not contributing and not coordinating:
        return KeyMessage.objects.none()
    return KeyMessage.objects.filter(
        Q(status__in=[MessageStatus.DRAFT, MessageStatus.PROPOSED], drafting_organisation_id__in=contributing)
        | Q(status=MessageStatus.ADOPTED, drafting_organisation_id__in=coordinating)
    )


def may_propose_key_message(user: Actor, message: KeyMessage) -> bool:
    """The drafting organisation's coordinators propose a draft to the network."""
    return message.status == MessageStatus.DRAFT and policy.has_organisation_permission(
        user, message.drafting_organisation_id, "endorse_positions"
    )


def may_sign(user: Actor, signature: Signature) -> bool:
    """Coordinators sign a proposed or adopted message for their own (active) organisation."""
    return (
        signature.message.status in ENDORSABLE_STATUSES
        and signature.organisation.is_active
        and policy.has_organisation_permission(user, signature.organisation.pk, "endorse_positions")
    )


def may_withdraw_signature(user: Actor, signature: Signature) -> bool:
    """A signature is withdrawn by the organisation's coordinators, whatever the message's status now."""
    return policy.has_organisation_permission(user, signature.organisation.pk, "endorse_positions")


# ---------------------------------------------------------------------------------------------------------------
# The calendar of advocacy opportunities


def may_view_opportunity(user: Actor, opportunity: AdvocacyOpportunity) -> bool:
    """Public opportunities for everyone; all of them for network members."""
    return opportunity.is_public or policy.is_network_member(user)


def visible_opportunities(user: Actor) -> QuerySet[AdvocacyOpportunity]:
    """Public opportunities for everyone; all of them for network members."""
    queryset = AdvocacyOpportunity.objects.all()
    if policy.is_network_member(user):
        return queryset
    return queryset.filter(is_public=True)


def contributes_somewhere(user: Actor, obj: Any = None) -> bool:
    """Anyone who contributes to advocacy for an organisation (and network admins) adds opportunities."""
    return bool(policy.organisation_ids_with(user, "contribute_advocacy"))


def manageable_opportunities(user: Actor) -> QuerySet[AdvocacyOpportunity]:
    """All for network admins; otherwise those they created (while they still contribute for an organisation)
    and those where an organisation they coordinate confirmed it takes part (an invitation alone gives no say).
    One query."""
    if policy.is_network_admin(user):
        return AdvocacyOpportunity.objects.all()
    if not policy.is_signed_in(user):
        return AdvocacyOpportunity.objects.none()
    coordinated = policy.organisation_ids_with(user, "endorse_positions")
    condition = (
        Q(
            participations__organisation__in=coordinated,
            participations__status=ParticipationStatus.CONFIRMED,
        )
        if coordinated
        else Q(pk__in=[])
    )
    if contributes_somewhere(user):
        condition |= Q(created_by=user)
    return AdvocacyOpportunity.objects.filter(pk__in=AdvocacyOpportunity.objects.filter(condition).values("pk"))


def may_answer_participation(user: Actor, participation: OpportunityParticipation) -> bool:
    """Only the named organisation's coordinators confirm or decline that it takes part: nobody else, not even
    network administrators, names an organisation."""
    return policy.has_organisation_permission(user, participation.organisation_id, "endorse_positions")


def answerable_participations(user: Actor) -> QuerySet[OpportunityParticipation]:
    """Only the named organisation's coordinators confirm or decline that it takes part: nobody else, not even
    network administrators, names an organisation."""
    coordinated = policy.organisation_ids_with(user, "endorse_positions")
    return OpportunityParticipation.objects.filter(organisation_id__in=coordinated)


def may_translate_key_message(user: Actor, message: KeyMessage) -> bool:
    """Translating a key message (or syncing its translations) follows the rule for editing it."""
    return policy.can(user, AdvocacyAction.EDIT_KEY_MESSAGE, message)


def register_rules() -> None:
    from network.translation.rules import TranslationAction

    register, A = policy.register, AdvocacyAction
    policy.register_organisation_permission(A.CONTRIBUTE_ADVOCACY, "contribute_advocacy")
    policy.register_organisation_permission(A.ENDORSE_POSITIONS, "endorse_positions")
    register(A.VIEW_KEY_MESSAGE, KeyMessage, check=may_view_key_message, lister=visible_key_messages, anonymous=True)
    register(A.EDIT_KEY_MESSAGE, KeyMessage, check=may_edit_key_message, lister=editable_key_messages)
    register(A.PROPOSE_KEY_MESSAGE, KeyMessage, check=may_propose_key_message)
    policy.register_network_admin_action(A.ADOPT_KEY_MESSAGE, "network administrators only: the network's decision")
    register(A.SIGN_KEY_MESSAGE, Signature, check=may_sign)
    register(A.WITHDRAW_SIGNATURE, Signature, check=may_withdraw_signature)
    register(
        A.VIEW_OPPORTUNITY,
        AdvocacyOpportunity,
        check=may_view_opportunity,
        lister=visible_opportunities,
        anonymous=True,
    )
    register(A.ADD_OPPORTUNITY, None, check=contributes_somewhere, network_admins=True)
    register(A.MANAGE_OPPORTUNITY, AdvocacyOpportunity, lister=manageable_opportunities, network_admins=True)
    register(
        A.ANSWER_PARTICIPATION,
        OpportunityParticipation,
        check=may_answer_participation,
        lister=answerable_participations,
    )
    register(TranslationAction.TRANSLATE, KeyMessage, check=may_translate_key_message)
    register_page_type(AdvocacyPage, with_organisation_level=False)
