"""The advocacy calendar as an iCalendar (RFC 5545) feed, built from the entries the visitor may see
(selectors.calendar_entries)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import OpportunityLevel
from .selectors import CalendarEntry

ICAL_PRODID = "-//Passerelle//Advocacy calendar//EN"
UID_DOMAIN = "passerelle.advocacy"


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
