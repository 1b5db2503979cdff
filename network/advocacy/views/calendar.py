"""The calendar of advocacy opportunities: a page and an iCalendar feed of the same entries.

What each visitor sees is decided by the policy (`network.advocacy.selectors` asks it): public opportunities for
everyone, members-only ones for network members. Anything personalised is never cached by a shared cache.
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from network.advocacy.rules import AdvocacyAction
from network.orgs import policy

from .. import ical, selectors
from ..models import OpportunityLevel, key_message_link

CALENDAR_PAGE_SIZE = 50
ANONYMOUS_FEED_MAX_AGE = 15 * 60


class CalendarFilterForm(forms.Form):
    level = forms.ChoiceField(
        label=gettext_lazy("Level"),
        required=False,
        choices=[("", gettext_lazy("All levels")), *OpportunityLevel.choices],
    )

    def level_or_none(self) -> str | None:
        """The chosen level; an unknown value (a stale link) shows every level with the form's error."""
        return (self.cleaned_data.get("level") or None) if self.is_valid() else None


@require_GET
def calendar_list(request: HttpRequest) -> HttpResponse:
    """Upcoming opportunities, soonest first, filterable by level."""
    form = CalendarFilterForm(request.GET or None)
    level = form.level_or_none() if request.GET else None
    opportunities = selectors.upcoming_opportunities(request.user, level=level)
    page_obj = Paginator(opportunities, CALENDAR_PAGE_SIZE).get_page(request.GET.get("page"))
    entries = selectors.calendar_entries(request.user, page_obj.object_list)
    response = render(
        request,
        "advocacy/calendar/list.html",
        {
            "form": form,
            "entries": entries,
            "page_obj": page_obj,
            "level": level,
            "is_member": policy.is_network_member(request.user),
            "add_url": _add_url() if policy.can(request.user, AdvocacyAction.ADD_OPPORTUNITY) else "",
            # Coordinators answer when another organisation would name theirs.
            "invitations_url": reverse("advocacy:invitations")
            if policy.organisation_ids_with(request.user, "endorse_positions")
            else "",
        },
    )
    _cache_for(request, response)
    return response


@require_GET
def calendar_ics(request: HttpRequest) -> HttpResponse:
    """The same upcoming opportunities as an iCalendar feed to subscribe to (public ones for visitors)."""
    form = CalendarFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return HttpResponse(
            _("Unknown level: choose local, national or international."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    level = form.level_or_none() if request.GET else None
    entries = selectors.calendar_entries(request.user, selectors.upcoming_opportunities(request.user, level=level))
    body = ical.opportunities_ical(
        entries,
        calendar_url=request.build_absolute_uri(reverse("advocacy_calendar:list")),
        message_url=lambda message: request.build_absolute_uri(key_message_link(message)),
        name=_("Passerelle: advocacy calendar"),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="passerelle-advocacy.ics"'
    _cache_for(request, response)
    return response


def _add_url() -> str:
    """The admin's "add an opportunity" screen (absent while the snippet is not registered)."""
    try:
        return reverse("wagtailsnippets_advocacy_advocacyopportunity:add")
    except NoReverseMatch:
        return ""


def _cache_for(request: HttpRequest, response: HttpResponse) -> None:
    """Visitors all get the same public entries; members get entries no shared cache may keep."""
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, no_store=True)
    else:
        patch_cache_control(response, public=True, max_age=ANONYMOUS_FEED_MAX_AGE)
