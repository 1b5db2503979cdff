"""The calendar of advocacy opportunities: what a visitor may see of it, how it changes, and its iCalendar feed.

Reads go through the policy's `visible_opportunities(user)` (public opportunities for everyone, members-only ones
for network members); key messages shown with an opportunity go through `visible_key_messages(user)`, so a draft
message linked to a public opportunity never reaches the public. Changes go through the services below, which ask
the policy (`MANAGE_OPPORTUNITY`) and write an audit-log entry beside the row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import Calendar, Event
from wagtail.log_actions import log
from wagtail.models import Locale

from network.orgs import policy
from network.orgs.models import Organisation
from network.orgs.policy import AccessDenied, Action

from .models import AdvocacyOpportunity, KeyMessage, OpportunityLevel, key_message_link

if TYPE_CHECKING:
    from network.accounts.models import User

EDITABLE_FIELDS = (
    "title",
    "description",
    "starts_at",
    "ends_at",
    "all_day",
    "place",
    "online_url",
    "level",
    "deadline",
    "is_public",
)
ICAL_PRODID = "-//Passerelle//Advocacy calendar//EN"
UID_DOMAIN = "passerelle.advocacy"


# ---------------------------------------------------------------------------------------------------------------
# Who may add and manage opportunities


# ---------------------------------------------------------------------------------------------------------------
# Services


@transaction.atomic
def opportunity_create(
    *,
    acting_user: User,
    key_messages: Iterable[KeyMessage] = (),
    organisations: Iterable[Organisation] = (),
    **fields: Any,
) -> AdvocacyOpportunity:
    """Add an opportunity to the calendar (anyone who contributes to advocacy for an organisation)."""
    if not policy.may_add_opportunity(acting_user):
        raise AccessDenied("Not allowed: add an advocacy opportunity.")
    _refuse_unknown(fields)
    opportunity = AdvocacyOpportunity(created_by=acting_user, **fields)
    opportunity.full_clean()
    opportunity.save()
    _set_relations(opportunity, acting_user, key_messages, organisations)
    log(instance=opportunity, action="advocacy.opportunity.create", user=acting_user)
    return opportunity


@transaction.atomic
def opportunity_update(
    *,
    opportunity: AdvocacyOpportunity,
    acting_user: User,
    key_messages: Iterable[KeyMessage] | None = None,
    organisations: Iterable[Organisation] | None = None,
    **fields: Any,
) -> AdvocacyOpportunity:
    """Change an opportunity: network admins, its creator, coordinators of the organisations taking part."""
    policy.require(acting_user, Action.MANAGE_OPPORTUNITY, opportunity)
    _refuse_unknown(fields)
    for name, value in fields.items():
        setattr(opportunity, name, value)
    opportunity.full_clean()
    opportunity.save()
    _set_relations(opportunity, acting_user, key_messages, organisations)
    log(instance=opportunity, action="advocacy.opportunity.update", user=acting_user)
    return opportunity


@transaction.atomic
def opportunity_delete(*, opportunity: AdvocacyOpportunity, acting_user: User) -> None:
    policy.require(acting_user, Action.MANAGE_OPPORTUNITY, opportunity)
    log(instance=opportunity, action="advocacy.opportunity.delete", user=acting_user)
    opportunity.delete()


def _refuse_unknown(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(unknown)})


def _set_relations(
    opportunity: AdvocacyOpportunity,
    acting_user: User,
    key_messages: Iterable[KeyMessage] | None,
    organisations: Iterable[Organisation] | None,
) -> None:
    """Only messages the user may see, and active organisations, can be linked."""
    if key_messages is not None:
        wanted = {message.pk for message in key_messages}
        allowed = set(policy.visible_key_messages(acting_user).filter(pk__in=wanted).values_list("pk", flat=True))
        if wanted - allowed:
            raise ValidationError({"key_messages": _("Choose key messages you can see.")})
        opportunity.key_messages.set(sorted(allowed))
    if organisations is not None:
        wanted_orgs = {organisation.pk for organisation in organisations}
        active = set(Organisation.objects.filter(pk__in=wanted_orgs, is_active=True).values_list("pk", flat=True))
        if wanted_orgs - active:
            raise ValidationError({"organisations": _("Choose active organisations.")})
        opportunity.organisations.set(sorted(active))
    opportunity.save()  # ParentalManyToManyField: the relations are written when the cluster is saved


# ---------------------------------------------------------------------------------------------------------------
# Reading the calendar


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
    user: User | Any, *, level: str | None = None, now: dt.datetime | None = None
) -> QuerySet[AdvocacyOpportunity]:
    """Opportunities this user may see that have not ended yet (those of today included), soonest first."""
    now = now or timezone.now()
    start_of_today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    queryset = policy.visible_opportunities(user).filter(
        Q(ends_at__gte=start_of_today) | Q(ends_at__isnull=True, starts_at__gte=start_of_today)
    )
    if level:
        queryset = queryset.filter(level=level)
    return queryset.order_by("starts_at", "title")


def calendar_entries(
    user: User | Any, opportunities: QuerySet[AdvocacyOpportunity], *, language: str | None = None
) -> list[CalendarEntry]:
    """Each opportunity with what this user may see of its key messages and organisations, in 4 queries."""
    messages = policy.visible_key_messages(user)
    opportunities = opportunities.prefetch_related(
        Prefetch("key_messages", queryset=messages.order_by("statement"), to_attr="visible_messages"),
        Prefetch(
            "organisations",
            queryset=policy.visible_organisations(user).filter(is_active=True).order_by("name"),
            to_attr="visible_organisations",
        ),
    )
    opportunities = list(opportunities)
    translated = _translations(user, opportunities, language or get_language())
    entries = [
        CalendarEntry(
            opportunity=opportunity,
            key_messages=[translated.get(message.translation_key, message) for message in opportunity.visible_messages],
            organisations=list(opportunity.visible_organisations),
        )
        for opportunity in opportunities
    ]
    for entry in entries:
        for message in entry.key_messages:
            message.link = key_message_link(message)
    return entries


def _translations(user: User | Any, opportunities: Sequence[Any], language: str) -> dict[UUID, KeyMessage]:
    """The visible translation of each linked message in the visitor's language, where there is one."""
    keys = {message.translation_key for opportunity in opportunities for message in opportunity.visible_messages}
    if not keys:
        return {}
    locale = Locale.objects.filter(language_code=language).first()
    if locale is None:
        return {}
    return {
        message.translation_key: message
        for message in policy.visible_key_messages(user).filter(translation_key__in=keys, locale=locale)
    }


# ---------------------------------------------------------------------------------------------------------------
# The iCalendar feed


def opportunities_ical(
    entries: Sequence[CalendarEntry],
    *,
    calendar_url: str,
    message_url: Any,
    name: str,
) -> bytes:
    """An iCalendar (RFC 5545) document with one VEVENT per opportunity.

    `calendar_url` is the absolute address of the calendar page (each event links to its anchor there);
    `message_url(message)` gives the absolute address of a key message's page. UIDs are stable per opportunity,
    so calendar applications update events instead of duplicating them.
    """
    calendar = Calendar()
    calendar.add("prodid", ICAL_PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for entry in entries:
        calendar.add_component(_event(entry, calendar_url=calendar_url, message_url=message_url))
    return calendar.to_ical()


def _event(entry: CalendarEntry, *, calendar_url: str, message_url: Any) -> Event:
    opportunity = entry.opportunity
    event = Event()
    event.add("uid", f"{opportunity.pk}@{UID_DOMAIN}")
    event.add("dtstamp", opportunity.updated_at)
    event.add("created", opportunity.created_at)
    event.add("last-modified", opportunity.updated_at)
    event.add("summary", opportunity.title)
    if opportunity.all_day:
        first_day = timezone.localtime(opportunity.starts_at).date()
        last_day = timezone.localtime(opportunity.ends_at).date() if opportunity.ends_at else first_day
        event.add("dtstart", first_day)
        event.add("dtend", max(last_day, first_day) + dt.timedelta(days=1))  # DTEND of a DATE is exclusive
    else:
        event.add("dtstart", opportunity.starts_at.astimezone(dt.UTC))
        if opportunity.ends_at:
            event.add("dtend", opportunity.ends_at.astimezone(dt.UTC))
    location = opportunity.place or opportunity.online_url
    if location:
        event.add("location", location)
    event.add("url", f"{calendar_url}#opportunity-{opportunity.pk}")
    event.add("categories", [str(OpportunityLevel(opportunity.level).label)])
    event.add("description", _description(entry, message_url=message_url))
    return event


def _description(entry: CalendarEntry, *, message_url: Any) -> str:
    opportunity = entry.opportunity
    parts = [opportunity.description.strip()] if opportunity.description.strip() else []
    parts.append(_("Level: %(level)s") % {"level": OpportunityLevel(opportunity.level).label})
    if opportunity.deadline:
        parts.append(_("Deadline: %(date)s") % {"date": opportunity.deadline.isoformat()})
    if opportunity.online_url and opportunity.place:
        parts.append(_("Online: %(url)s") % {"url": opportunity.online_url})
    if entry.organisations:
        parts.append(
            _("Organisations taking part: %(names)s")
            % {"names": ", ".join(organisation.name for organisation in entry.organisations)}
        )
    if entry.key_messages:
        lines = [_("Key messages to bring:")]
        lines += [f"- {message.statement} ({message_url(message)})" for message in entry.key_messages]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)
