"""An advocacy opportunity names an organisation as taking part only once that organisation's coordinators
confirm: until then it is "invited", shown to those who manage the opportunity and to nobody else (page, iCal feed,
API)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from icalendar import Calendar
from wagtail.models import ModelLogEntry

from network.advocacy import services
from network.advocacy.models import OpportunityParticipation, ParticipationStatus
from network.orgs.models import Role
from network.orgs.policy import AccessDenied
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.advocacy.urls")]

CALENDAR = "/en/advocacy/calendar/"
FEED = "/en/advocacy/calendar.ics"
OPPORTUNITIES = "/api/v1/advocacy/opportunities/"
INVITATIONS = "/en/advocacy/invitations/"


@pytest.fixture
def network():
    """Lotus (a peer who adds opportunities, a coordinator) and Etoile (a coordinator, a staff member)."""
    lotus, etoile = factories.organisation(name="Lotus Outreach"), factories.organisation(name="Collectif Etoile")
    return {
        "lotus": lotus,
        "etoile": etoile,
        "peer": factories.member(lotus, Role.PEER),
        "coordinator": factories.coordinator_of(lotus),
        "etoile_coordinator": factories.coordinator_of(etoile),
        "etoile_staff": factories.member(etoile, Role.STAFF),
    }


def _hearing(by, *organisations):
    return services.opportunity_create(
        acting_user=by,
        title="Senate hearing",
        starts_at=timezone.now() + dt.timedelta(days=10),
        level="national",
        organisations=list(organisations),
    )


def _participation(opportunity, organisation) -> OpportunityParticipation:
    return OpportunityParticipation.objects.get(opportunity=opportunity, organisation=organisation)


def _feed_text(client) -> str:
    feed = Calendar.from_ical(client.get(FEED).content)
    return " ".join(str(event.get("DESCRIPTION", "")) for event in feed.walk("VEVENT"))


def _api_names(client) -> list[str]:
    return [org["name"] for row in client.get(OPPORTUNITIES).json()["results"] for org in row["organisations"]]


def test_invited_organisation_is_named_nowhere_public_until_its_coordinator_confirms(client, network):
    # given: Lotus's peer lists Etoile as taking part in a public hearing
    opportunity = _hearing(network["peer"], network["etoile"])
    assert _participation(opportunity, network["etoile"]).status == ParticipationStatus.INVITED

    # then: the calendar, the iCal feed and the API do not name Etoile
    assert "Collectif Etoile" not in client.get(CALENDAR).content.decode()
    assert "Collectif Etoile" not in _feed_text(client)
    assert _api_names(client) == []

    # when: Etoile's coordinator confirms
    services.participation_answer(
        participation=_participation(opportunity, network["etoile"]),
        confirm=True,
        acting_user=network["etoile_coordinator"],
    )

    # then: Etoile is named everywhere
    assert "Collectif Etoile" in client.get(CALENDAR).content.decode()
    assert "Collectif Etoile" in _feed_text(client)
    assert _api_names(client) == ["Collectif Etoile"]
    assert ModelLogEntry.objects.filter(
        object_id=str(opportunity.pk), action="advocacy.opportunity.participation_confirm"
    ).exists()


def test_declined_organisation_is_never_named(client, network):
    opportunity = _hearing(network["peer"], network["etoile"])

    services.participation_answer(
        participation=_participation(opportunity, network["etoile"]),
        confirm=False,
        acting_user=network["etoile_coordinator"],
    )

    assert _participation(opportunity, network["etoile"]).status == ParticipationStatus.DECLINED
    assert "Collectif Etoile" not in client.get(CALENDAR).content.decode()
    assert _api_names(client) == []


def test_only_the_invited_organisations_coordinators_answer(network):
    opportunity = _hearing(network["peer"], network["etoile"])
    participation = _participation(opportunity, network["etoile"])
    outsider = factories.coordinator_of(factories.organisation(name="Unrelated"))

    for refused in (
        network["peer"],
        network["coordinator"],
        network["etoile_staff"],
        outsider,
        factories.network_admin(),
    ):
        with pytest.raises(AccessDenied):
            services.participation_answer(participation=participation, confirm=True, acting_user=refused)

    assert _participation(opportunity, network["etoile"]).status == ParticipationStatus.INVITED


def test_coordinator_listing_their_own_organisation_confirms_it_at_once(network):
    opportunity = _hearing(network["coordinator"], network["lotus"], network["etoile"])

    assert _participation(opportunity, network["lotus"]).status == ParticipationStatus.CONFIRMED
    assert _participation(opportunity, network["etoile"]).status == ParticipationStatus.INVITED


def test_inviting_side_sees_invited_organisations_and_others_do_not(client, signed_in, network):
    _hearing(network["peer"], network["etoile"])

    signed_in(network["peer"])
    page = client.get(CALENDAR).content.decode()
    assert "Invited, not yet confirmed" in page
    assert "Collectif Etoile" in page
    assert f'href="{INVITATIONS}"' not in page  # a peer answers for no organisation

    signed_in(factories.member(factories.organisation(name="Bystander"), Role.STAFF))
    page = client.get(CALENDAR).content.decode()
    assert "Collectif Etoile" not in page


def test_invited_coordinator_does_not_manage_the_opportunity_until_confirming(network):
    opportunity = _hearing(network["peer"], network["etoile"])

    with pytest.raises(AccessDenied):
        services.opportunity_update(opportunity=opportunity, acting_user=network["etoile_coordinator"], place="X")

    services.participation_answer(
        participation=_participation(opportunity, network["etoile"]),
        confirm=True,
        acting_user=network["etoile_coordinator"],
    )
    services.opportunity_update(opportunity=opportunity, acting_user=network["etoile_coordinator"], place="Lille")


def test_coordinator_answers_from_the_invitations_page(client, signed_in, network):
    opportunity = _hearing(network["peer"], network["etoile"])
    participation = _participation(opportunity, network["etoile"])

    signed_in(network["etoile_coordinator"])
    assert f'href="{INVITATIONS}"' in client.get(CALENDAR).content.decode()  # the way there, for coordinators
    page = client.get(INVITATIONS)
    assert page.status_code == 200
    assert "Senate hearing" in page.content.decode()
    assert client.get(f"{INVITATIONS}participation/{participation.pk}/confirm/").status_code == 405

    response = client.post(f"{INVITATIONS}participation/{participation.pk}/confirm/")

    assert response.status_code == 302
    assert _participation(opportunity, network["etoile"]).status == ParticipationStatus.CONFIRMED
    assert f"participation/{participation.pk}/" not in client.get(INVITATIONS).content.decode()


def test_someone_else_cannot_answer_from_the_invitations_page(client, signed_in, network):
    opportunity = _hearing(network["peer"], network["etoile"])
    participation = _participation(opportunity, network["etoile"])

    signed_in(network["coordinator"])  # Lotus invited Etoile: Lotus does not answer for it
    assert "Senate hearing" not in client.get(INVITATIONS).content.decode()
    assert client.post(f"{INVITATIONS}participation/{participation.pk}/confirm/").status_code == 404
    assert _participation(opportunity, network["etoile"]).status == ParticipationStatus.INVITED


def test_organisation_taken_off_the_list_loses_its_invitation_and_a_declined_one_stays_declined(network):
    opportunity = _hearing(network["peer"], network["etoile"], network["lotus"])
    services.participation_answer(
        participation=_participation(opportunity, network["etoile"]),
        confirm=False,
        acting_user=network["etoile_coordinator"],
    )

    services.opportunity_update(opportunity=opportunity, acting_user=network["peer"], organisations=[network["etoile"]])

    assert not OpportunityParticipation.objects.filter(opportunity=opportunity, organisation=network["lotus"]).exists()
    assert _participation(opportunity, network["etoile"]).status == ParticipationStatus.DECLINED
