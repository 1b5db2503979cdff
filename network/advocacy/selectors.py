"""Reads of advocacy that are not access rules: the calendar as a visitor may see it.

Opportunities go through the policy (`VIEW_OPPORTUNITY`: public ones for everyone, members-only ones for network
members); key messages shown with an opportunity go through `VIEW_KEY_MESSAGE`, so a draft message linked to a
public opportunity never reaches the public.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from wagtail.models import Locale

from network.advocacy.rules import AdvocacyAction
from network.orgs import policy
from network.orgs.models import Organisation
from network.orgs.policy import Actor
from network.orgs.rules import OrganisationAction

from .models import (
    AdvocacyOpportunity,
    KeyMessage,
    OpportunityParticipation,
    ParticipationStatus,
    key_message_link,
)


@dataclass
class CalendarEntry:
    """An opportunity as this visitor may see it: the key messages they may read, in their language if possible."""

    opportunity: AdvocacyOpportunity
    key_messages: list[KeyMessage] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    invited_organisations: list[Organisation] = field(default_factory=list)  # for those who manage it only

    @property
    def pk(self) -> UUID:
        return self.opportunity.pk


def upcoming_opportunities(
    user: Actor, *, level: str | None = None, now: dt.datetime | None = None
) -> QuerySet[AdvocacyOpportunity]:
    """Opportunities this user may see that have not ended yet (those of today included), soonest first."""
    now = now or timezone.now()
    start_of_today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    queryset = policy.visible(user, AdvocacyAction.VIEW_OPPORTUNITY).filter(
        Q(ends_at__gte=start_of_today) | Q(ends_at__isnull=True, starts_at__gte=start_of_today)
    )
    if level:
        queryset = queryset.filter(level=level)
    return queryset.order_by("starts_at", "title")


def participating_organisations(user: Actor) -> Prefetch[Any]:
    """Prefetch of the organisations an opportunity names, as `visible_participations`: only those that
    confirmed they take part (and this user may see). Invited or declined organisations are never named."""
    organisations = policy.visible(user, OrganisationAction.VIEW_ORGANISATION).filter(is_active=True)
    return Prefetch(
        "participations",
        queryset=OpportunityParticipation.objects.filter(
            status=ParticipationStatus.CONFIRMED, organisation__in=organisations
        )
        .select_related("organisation")
        .order_by("organisation__name"),
        to_attr="visible_participations",
    )


def confirmed_organisations(opportunity: AdvocacyOpportunity) -> list[Organisation]:
    """The organisations prefetched by `participating_organisations`."""
    return [participation.organisation for participation in opportunity.visible_participations]


def calendar_entries(
    user: Actor, opportunities: QuerySet[AdvocacyOpportunity], *, language: str | None = None
) -> list[CalendarEntry]:
    """Each opportunity with what this user may see of its key messages and organisations (confirmed ones; the
    invited ones too for those who manage it), in 6 queries."""
    messages = policy.visible(user, AdvocacyAction.VIEW_KEY_MESSAGE)
    opportunities = opportunities.prefetch_related(
        Prefetch("key_messages", queryset=messages.order_by("statement"), to_attr="visible_messages"),
        participating_organisations(user),
    )
    rows = list(opportunities)
    translated = _translations(user, rows, language or get_language())
    invited = _invited_organisations(user, rows)
    entries = [
        CalendarEntry(
            opportunity=opportunity,
            key_messages=[translated.get(message.translation_key, message) for message in opportunity.visible_messages],
            organisations=confirmed_organisations(opportunity),
            invited_organisations=invited.get(opportunity.pk, []),
        )
        for opportunity in rows
    ]
    for entry in entries:
        for message in entry.key_messages:
            message.link = key_message_link(message)
    return entries


def _invited_organisations(user: Actor, opportunities: Sequence[Any]) -> dict[UUID, list[Organisation]]:
    """Organisations invited but not (yet) confirmed, for the opportunities this user manages (the inviting
    side): nobody else learns who was asked."""
    if not opportunities or not policy.is_signed_in(user):
        return {}
    ids = [opportunity.pk for opportunity in opportunities]
    managed = policy.visible(user, AdvocacyAction.MANAGE_OPPORTUNITY).filter(pk__in=ids).values("pk")
    pending: dict[UUID, list[Organisation]] = {}
    for participation in (
        OpportunityParticipation.objects.filter(
            opportunity_id__in=managed, status=ParticipationStatus.INVITED, organisation__is_active=True
        )
        .select_related("organisation")
        .order_by("organisation__name")
    ):
        pending.setdefault(participation.opportunity_id, []).append(participation.organisation)
    return pending


def _translations(user: Actor, opportunities: Sequence[Any], language: str) -> dict[UUID, KeyMessage]:
    """The visible translation of each linked message in the visitor's language, where there is one."""
    keys = {message.translation_key for opportunity in opportunities for message in opportunity.visible_messages}
    if not keys:
        return {}
    locale = Locale.objects.filter(language_code=language).first()
    if locale is None:
        return {}
    return {
        message.translation_key: message
        for message in policy.visible(user, AdvocacyAction.VIEW_KEY_MESSAGE).filter(
            translation_key__in=keys, locale=locale
        )
    }
