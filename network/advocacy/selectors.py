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

from .models import AdvocacyOpportunity, KeyMessage, key_message_link


@dataclass
class CalendarEntry:
    """An opportunity as this visitor may see it: the key messages they may read, in their language if possible."""

    opportunity: AdvocacyOpportunity
    key_messages: list[KeyMessage] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)

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


def calendar_entries(
    user: Actor, opportunities: QuerySet[AdvocacyOpportunity], *, language: str | None = None
) -> list[CalendarEntry]:
    """Each opportunity with what this user may see of its key messages and organisations, in 4 queries."""
    messages = policy.visible(user, AdvocacyAction.VIEW_KEY_MESSAGE)
    opportunities = opportunities.prefetch_related(
        Prefetch("key_messages", queryset=messages.order_by("statement"), to_attr="visible_messages"),
        Prefetch(
            "organisations",
            queryset=policy.visible(user, OrganisationAction.VIEW_ORGANISATION).filter(is_active=True).order_by("name"),
            to_attr="visible_organisations",
        ),
    )
    rows = list(opportunities)
    translated = _translations(user, rows, language or get_language())
    entries = [
        CalendarEntry(
            opportunity=opportunity,
            key_messages=[translated.get(message.translation_key, message) for message in opportunity.visible_messages],
            organisations=list(opportunity.visible_organisations),
        )
        for opportunity in rows
    ]
    for entry in entries:
        for message in entry.key_messages:
            message.link = key_message_link(message)
    return entries


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
