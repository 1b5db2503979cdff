"""The advocacy calendar: upcoming opportunities for each visitor as the policy allows, an iCalendar feed of the
same entries, and the opportunities' admin screens scoped to those who may manage each one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from icalendar import Calendar
from wagtail.models import ModelLogEntry

from network.advocacy import services
from network.advocacy.models import AdvocacyOpportunity, MessageStatus, OpportunityParticipation, ParticipationStatus
from network.orgs.models import Role
from network.orgs.policy import AccessDenied
from tests import factories
from tests.advocacy.factories import make_key_message

# The calendar, the messages' pages and the API are mounted there until network/urls.py mounts them.
pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.advocacy.urls")]

CALENDAR = "/en/advocacy/calendar/"
FEED = "/en/advocacy/calendar.ics"
ADMIN = "/admin/snippets/advocacy/advocacyopportunity/"


def _days(n: int, hour: int = 10) -> dt.datetime:
    moment = timezone.localtime() + dt.timedelta(days=n)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def _opportunity(by, **fields) -> AdvocacyOpportunity:
    values = {"title": "Opportunity", "starts_at": _days(10), "level": "national"}
    values.update(fields)
    return services.opportunity_create(acting_user=by, **values)


def _confirm(opportunity: AdvocacyOpportunity, coordinator) -> None:
    """The coordinator's organisation confirms it takes part (until then it is only invited)."""
    for participation in OpportunityParticipation.objects.filter(
        opportunity=opportunity, status=ParticipationStatus.INVITED
    ):
        if participation.organisation.memberships.filter(user=coordinator).exists():
            services.participation_answer(participation=participation, confirm=True, acting_user=coordinator)


def _feed(client, url: str = FEED) -> Calendar:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def _events(feed: Calendar) -> dict[str, object]:
    return {str(event["SUMMARY"]): event for event in feed.walk("VEVENT")}


def _denied(response) -> bool:
    """Refused: 403, or a redirect to the sign-in page or the dashboard (never to the opportunity's screens)."""
    return response.status_code == 403 or (response.status_code == 302 and not response.url.startswith(ADMIN))


@pytest.fixture
def network():
    """Two organisations: a peer and a coordinator in the first, a coordinator in the second."""
    lotus, etoile = factories.organisation(name="Lotus Outreach"), factories.organisation(name="Collectif Etoile")
    return {
        "lotus": lotus,
        "etoile": etoile,
        "peer": factories.member(lotus, Role.PEER, public_name="Iris"),
        "coordinator": factories.coordinator_of(lotus),
        "etoile_coordinator": factories.coordinator_of(etoile),
    }


# ---------------------------------------------------------------------------------------------------------------
# The calendar page


def test_visitor_sees_upcoming_public_opportunities_and_members_also_network_only_ones(client, signed_in, network):
    # given a public upcoming opportunity, a members-only one, and a public one already over
    peer = network["peer"]
    _opportunity(peer, title="Public hearing on outreach", starts_at=_days(5))
    _opportunity(peer, title="Members strategy call", starts_at=_days(6), is_public=False)
    _opportunity(peer, title="Last month's conference", starts_at=_days(-30), ends_at=_days(-29))

    # when a visitor opens the calendar, then only the public upcoming one is listed
    html = client.get(CALENDAR).content.decode()
    assert "Public hearing on outreach" in html
    assert "Members strategy call" not in html
    assert "Last month&#x27;s conference" not in html and "Last month's conference" not in html

    # when a member of any organisation opens it, then the members-only one is there too (marked so)
    signed_in(factories.member(network["etoile"], Role.VOLUNTEER))
    html = client.get(CALENDAR).content.decode()
    assert "Public hearing on outreach" in html and "Members strategy call" in html
    assert "Network members only" in html


def test_opportunity_shows_date_place_level_deadline_organisations_and_visible_messages(client, network):
    # given an opportunity with a deadline, two organisations taking part, an adopted and a draft key message
    lotus, etoile = network["lotus"], network["etoile"]
    adopted = make_key_message(lotus, status=MessageStatus.ADOPTED, statement="Decriminalisation saves lives.")
    draft = make_key_message(lotus, status=MessageStatus.DRAFT, statement="Unfinished draft statement.")
    opportunity = _opportunity(
        network["coordinator"],
        title="Public consultation on the health strategy",
        place="Ministry of Health, Paris",
        online_url="https://consultation.example.org/",
        level="national",
        deadline=(_days(20)).date(),
        key_messages=[adopted, draft],
        organisations=[lotus, etoile],
    )
    _confirm(opportunity, network["etoile_coordinator"])  # Lotus's coordinator confirmed Lotus by listing it

    # when a visitor opens the calendar
    response = client.get(CALENDAR)
    html = response.content.decode()

    # then the entry says when, where, at which level, until when, who takes part, and links the adopted message
    assert f'id="opportunity-{opportunity.pk}"' in html
    assert "Ministry of Health, Paris" in html and 'href="https://consultation.example.org/"' in html
    assert "National" in html and "Deadline" in html
    assert "Lotus Outreach" in html and "Collectif Etoile" in html
    assert "Decriminalisation saves lives." in html
    assert f'href="/en/advocacy/messages/{adopted.pk}/"' in html
    # and the draft message, which only its organisation may read, is not shown
    assert "Unfinished draft statement." not in html
    assert "public" in response["Cache-Control"]


def test_calendar_filters_by_level_and_ignores_an_unknown_level(client, network):
    peer = network["peer"]
    _opportunity(peer, title="City council hearing", level="local")
    _opportunity(peer, title="UN Human Rights Council session", level="international")

    local = client.get(CALENDAR, {"level": "local"}).content.decode()
    assert "City council hearing" in local and "UN Human Rights Council session" not in local

    unknown = client.get(CALENDAR, {"level": "galactic"})
    assert unknown.status_code == 200
    html = unknown.content.decode()
    assert "City council hearing" in html and "UN Human Rights Council session" in html
    assert 'class="errorlist' in html


def test_calendar_page_uses_the_same_number_of_queries_whatever_the_number_of_opportunities(
    client, network, django_assert_num_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # what rendering costs is measured here, not the anonymous page cache
    lotus = network["lotus"]
    message = make_key_message(lotus, status=MessageStatus.ADOPTED)
    for n in range(2):
        _opportunity(network["peer"], title=f"Event {n}", key_messages=[message], organisations=[lotus])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(CALENDAR)  # warm what the site caches for every page (navigation links)
    with CaptureQueriesContext(connection) as few:
        client.get(CALENDAR)
    for n in range(2, 8):
        _opportunity(network["peer"], title=f"Event {n}", key_messages=[message], organisations=[lotus])
    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get(CALENDAR).content.decode()
    assert "Event 7" in html


# ---------------------------------------------------------------------------------------------------------------
# The iCalendar feed


def test_ical_feed_for_visitors_has_public_events_with_their_details_and_no_members_only_ones(client, network):
    # given a public all-day day of action, a timed public hearing with a key message, a members-only meeting
    lotus = network["lotus"]
    message = make_key_message(lotus, status=MessageStatus.ADOPTED, statement="Sex work is work.")
    day = _opportunity(
        network["peer"],
        title="International Day to End Violence against Sex Workers",
        starts_at=_days(12, hour=0),
        all_day=True,
        level="international",
        organisations=[lotus],
    )
    hearing = _opportunity(
        network["coordinator"],
        title="Parliamentary hearing",
        starts_at=_days(8, hour=14),
        ends_at=_days(8, hour=16),
        place="Assemblée nationale",
        deadline=_days(3).date(),
        key_messages=[message],
    )
    _opportunity(network["peer"], title="Members-only preparation", is_public=False)

    # when a visitor downloads the feed
    feed = _feed(client)
    events = _events(feed)

    # then it parses, and holds the two public events only
    assert set(events) == {"International Day to End Violence against Sex Workers", "Parliamentary hearing"}
    all_day = events["International Day to End Violence against Sex Workers"]
    assert str(all_day["UID"]) == f"{day.pk}@passerelle.advocacy"
    assert all_day.decoded("DTSTART") == _days(12).date()  # a DATE, not a date-time
    assert all_day.decoded("DTEND") == _days(13).date()  # exclusive end: the next day
    timed = events["Parliamentary hearing"]
    assert timed.decoded("DTSTART") == _days(8, hour=14)
    assert timed.decoded("DTEND") == _days(8, hour=16)
    assert str(timed["LOCATION"]) == "Assemblée nationale"
    assert str(timed["URL"]).endswith(f"/en/advocacy/calendar/#opportunity-{hearing.pk}")
    assert "LAST-MODIFIED" in timed
    description = str(timed["DESCRIPTION"])
    assert "Sex work is work." in description
    assert f"/en/advocacy/messages/{message.pk}/" in description
    assert f"Deadline: {_days(3).date().isoformat()}" in description


def test_ical_feed_for_members_includes_network_only_events_and_is_never_cached_by_others(client, signed_in, network):
    _opportunity(network["peer"], title="Members-only preparation", is_public=False)
    signed_in(network["peer"])

    response = client.get(FEED)
    events = _events(Calendar.from_ical(response.content))

    assert "Members-only preparation" in events
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_ical_event_keeps_its_uid_when_the_opportunity_changes(client, network):
    opportunity = _opportunity(network["peer"], title="Regional conference")
    before = _events(_feed(client))["Regional conference"]

    services.opportunity_update(opportunity=opportunity, acting_user=network["peer"], title="Regional conference 2")
    after = _events(_feed(client))["Regional conference 2"]

    assert str(after["UID"]) == str(before["UID"])
    assert after.decoded("LAST-MODIFIED") >= before.decoded("LAST-MODIFIED")


def test_ical_feed_refuses_an_unknown_level_with_a_reason(client, network):
    response = client.get(FEED, {"level": "galactic"})
    assert response.status_code == 400
    assert b"level" in response.content


def test_ical_feed_filters_by_level(client, network):
    _opportunity(network["peer"], title="City council hearing", level="local")
    _opportunity(network["peer"], title="UN session", level="international")

    assert set(_events(_feed(client, FEED + "?level=international"))) == {"UN session"}


# ---------------------------------------------------------------------------------------------------------------
# Changing opportunities: services


def test_opportunity_cannot_end_before_it_starts(network):
    with pytest.raises(ValidationError):
        _opportunity(network["peer"], starts_at=_days(5), ends_at=_days(4))
    assert not AdvocacyOpportunity.objects.exists()


def test_volunteer_cannot_add_and_nobody_links_a_message_they_cannot_see(network):
    # given a volunteer, and a draft message of Étoile
    volunteer = factories.member(network["lotus"], Role.VOLUNTEER)
    foreign_draft = make_key_message(network["etoile"], status=MessageStatus.DRAFT)

    # then the volunteer cannot add an opportunity
    with pytest.raises(AccessDenied):
        _opportunity(volunteer)
    # and the Lotus peer cannot link Étoile's draft: nothing is written
    with pytest.raises(ValidationError):
        _opportunity(network["peer"], key_messages=[foreign_draft])
    assert not AdvocacyOpportunity.objects.exists()


def test_creator_and_participating_coordinators_manage_an_opportunity_and_others_do_not(network):
    opportunity = _opportunity(network["peer"], title="Hearing", organisations=[network["etoile"]])
    _confirm(opportunity, network["etoile_coordinator"])  # an invitation alone gives no say: see test_participation

    services.opportunity_update(opportunity=opportunity, acting_user=network["peer"], place="Lyon")
    services.opportunity_update(opportunity=opportunity, acting_user=network["etoile_coordinator"], place="Lille")
    outsider = factories.coordinator_of(factories.organisation())
    with pytest.raises(AccessDenied):
        services.opportunity_update(opportunity=opportunity, acting_user=outsider, place="Nowhere")

    opportunity.refresh_from_db()
    assert opportunity.place == "Lille"
    assert (
        ModelLogEntry.objects.filter(object_id=str(opportunity.pk), action="advocacy.opportunity.update").count() == 2
    )


# ---------------------------------------------------------------------------------------------------------------
# Changing opportunities: the Wagtail admin


def _admin_form(**changes) -> dict:
    data = {
        "title": "Public consultation",
        "description": "Send the network's contribution.",
        "starts_at": _days(15).strftime("%Y-%m-%d %H:%M"),
        "ends_at": "",
        "deadline": _days(12).strftime("%Y-%m-%d"),
        "place": "",
        "online_url": "https://consultation.example.org/",
        "level": "national",
        "is_public": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_peer_adds_an_opportunity_in_the_admin_and_a_volunteer_cannot(client, signed_in, network):
    lotus = network["lotus"]
    adopted = make_key_message(lotus, status=MessageStatus.ADOPTED)

    # when a peer posts the admin's add form with a key message and their organisation
    signed_in(network["peer"])
    response = client.post(f"{ADMIN}add/", _admin_form(key_messages=[str(adopted.pk)], organisations=[str(lotus.pk)]))

    # then the opportunity exists, created by them through the service (logged), with its relations
    assert response.status_code == 302, response.content.decode()[:2000]
    opportunity = AdvocacyOpportunity.objects.get(title="Public consultation")
    assert opportunity.created_by == network["peer"]
    assert list(opportunity.key_messages.all()) == [adopted]
    assert list(opportunity.organisations.all()) == [lotus]
    assert ModelLogEntry.objects.filter(object_id=str(opportunity.pk), action="advocacy.opportunity.create").exists()

    # and a volunteer is refused the screen and the post
    signed_in(factories.member(lotus, Role.VOLUNTEER))
    assert _denied(client.get(f"{ADMIN}add/"))
    assert _denied(client.post(f"{ADMIN}add/", _admin_form(title="Sneaky")))
    assert not AdvocacyOpportunity.objects.filter(title="Sneaky").exists()


def test_admin_form_offers_only_messages_the_user_may_see(client, signed_in, network):
    visible = make_key_message(network["lotus"], status=MessageStatus.ADOPTED, statement="Adopted for all.")
    hidden = make_key_message(network["etoile"], status=MessageStatus.DRAFT, statement="Etoile's own draft.")
    signed_in(network["peer"])

    form = client.get(f"{ADMIN}add/").content.decode()
    assert "Adopted for all." in form and "Etoile&#x27;s own draft." not in form

    response = client.post(f"{ADMIN}add/", _admin_form(key_messages=[str(hidden.pk)]))
    assert response.status_code == 200  # the form again, with an error
    assert not AdvocacyOpportunity.objects.exists()
    assert visible.pk  # (the adopted one stays choosable)


def test_admin_lists_and_opens_only_opportunities_the_user_may_manage(client, signed_in, network):
    # given one opportunity by Lotus's peer, one by Étoile's coordinator
    own = _opportunity(network["peer"], title="Lotus hearing")
    other = _opportunity(network["etoile_coordinator"], title="Etoile conference")

    # when the Lotus peer opens the admin listing, then only theirs is listed
    signed_in(network["peer"])
    listing = client.get(ADMIN).content.decode()
    assert "Lotus hearing" in listing and "Etoile conference" not in listing

    # and Étoile's opportunity answers 404 on every screen, like a missing one, and a crafted post changes nothing
    for screen in ("edit", "delete", "history", "usage"):
        assert client.get(f"{ADMIN}{screen}/{other.pk}/").status_code == 404, screen
    assert client.post(f"{ADMIN}edit/{other.pk}/", _admin_form(title="Hijacked")).status_code == 404
    assert client.post(f"{ADMIN}delete/{other.pk}/").status_code == 404
    other.refresh_from_db()
    assert other.title == "Etoile conference"

    # while their own opens, saves through the service and can be deleted
    assert client.get(f"{ADMIN}edit/{own.pk}/").status_code == 200
    response = client.post(f"{ADMIN}edit/{own.pk}/", _admin_form(title="Lotus hearing (moved)"))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.title == "Lotus hearing (moved)"
    assert client.post(f"{ADMIN}delete/{own.pk}/").status_code == 302
    assert not AdvocacyOpportunity.objects.filter(pk=own.pk).exists()


def test_network_admin_manages_every_opportunity_in_the_admin(client, signed_in, network):
    other = _opportunity(network["etoile_coordinator"], title="Etoile conference")
    signed_in(factories.network_admin())

    assert "Etoile conference" in client.get(ADMIN).content.decode()
    assert client.get(f"{ADMIN}edit/{other.pk}/").status_code == 200
