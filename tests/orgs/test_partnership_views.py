"""Partnership screens: list, proposal, detail, and the accept / decline / end transitions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from network.orgs import services
from network.orgs.models import Partnership, PartnershipStatus, Role
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Pages in English (/en/…), so that assertions on messages hold once the French catalogue is compiled."""
    with translation.override("en"):
        yield


def _proposal(proposer, partner):
    return services.partnership_propose(
        proposer=proposer,
        partner=partner,
        charter="Respect, confidentiality.",
        acting_user=factories.coordinator_of(proposer),
    )


def _transition_url(partnership, transition: str) -> str:
    return reverse("orgs:partnership_transition", kwargs={"pk": partnership.pk, "transition": transition})


def _detail_url(partnership) -> str:
    return reverse("orgs:partnership_detail", kwargs={"pk": partnership.pk})


def _state(partnership) -> tuple:
    return Partnership.objects.filter(pk=partnership.pk).values_list("status", "started_on", "ended_on").get()


# ---------------------------------------------------------------------------------------------------------------
# List


def test_list_shows_my_organisations_partnerships_grouped_by_status_and_nothing_else(signed_in):
    # Given A with an active partnership, a proposal received and a declined one, and an unrelated pair
    a = factories.organisation(name="Alpha")
    factories.active_partnership(a, factories.organisation(name="Bravo"))
    _proposal(factories.organisation(name="Charlie"), a)
    declined = _proposal(a, factories.organisation(name="Delta"))
    services.partnership_decline(partnership=declined, acting_user=factories.coordinator_of(declined.partner))
    factories.active_partnership(factories.organisation(name="Echo"), factories.organisation(name="Foxtrot"))

    # When a staff member of A opens the list
    response = signed_in(factories.member(a, Role.STAFF)).get(reverse("orgs:partnerships"))

    # Then they see A's partnerships in their status groups, and not the unrelated one
    assert response.status_code == 200
    groups = {
        group["status"]: [row["partnership"].partner.name for row in group["rows"]]
        for group in response.context["groups"]
    }
    assert groups[PartnershipStatus.ACTIVE] == ["Bravo"]
    assert groups[PartnershipStatus.PROPOSED] == ["Alpha"]
    assert groups[PartnershipStatus.DECLINED] == ["Delta"]
    assert groups[PartnershipStatus.ENDED] == []
    content = response.content.decode()
    assert "Echo" not in content and "Foxtrot" not in content
    # Staff do not propose partnerships
    assert reverse("orgs:partnership_propose") not in content


def test_list_marks_proposals_awaiting_the_coordinators_answer(signed_in):
    a, b = factories.organisation(), factories.organisation()
    _proposal(a, b)

    as_partner = signed_in(factories.coordinator_of(b)).get(reverse("orgs:partnerships"))
    as_proposer = signed_in(factories.coordinator_of(a)).get(reverse("orgs:partnerships"))

    [row_partner] = as_partner.context["groups"][0]["rows"]
    [row_proposer] = as_proposer.context["groups"][0]["rows"]
    assert row_partner["awaits_my_answer"] is True
    assert row_proposer["awaits_my_answer"] is False
    assert reverse("orgs:partnership_propose") in as_partner.content.decode()


def test_list_query_count_does_not_grow_with_partnerships(signed_in):
    a = factories.organisation()
    client = signed_in(factories.coordinator_of(a))
    factories.active_partnership(a, factories.organisation())
    url = reverse("orgs:partnerships")
    client.get(url)
    with CaptureQueriesContext(connection) as baseline:
        client.get(url)

    for _ in range(4):
        _proposal(factories.organisation(), a)
        factories.active_partnership(a, factories.organisation())

    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert sum(len(group["rows"]) for group in response.context["groups"]) == 9
    assert len(after) == len(baseline)


def test_list_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("orgs:partnerships"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# ---------------------------------------------------------------------------------------------------------------
# Proposal


def test_coordinator_proposes_a_partnership_and_the_partners_coordinators_are_emailed(
    signed_in, mailoutbox, django_capture_on_commit_callbacks
):
    # Given coordinators of A and B
    a, b = factories.organisation(name="Alpha"), factories.organisation(name="Bravo")
    client = signed_in(factories.coordinator_of(a))
    b_coordinator = factories.coordinator_of(b)
    assert client.get(reverse("orgs:partnership_propose")).status_code == 200

    # When A's coordinator proposes a partnership to B
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("orgs:partnership_propose"),
            {"proposer": a.slug, "partner": b.slug, "charter": "No judgement, confidentiality."},
        )

    # Then it is proposed (not active), and B's coordinators get an email that links to the platform
    partnership = Partnership.objects.get(proposer=a, partner=b)
    assert partnership.status == PartnershipStatus.PROPOSED
    assert response.status_code == 302
    assert response["Location"] == _detail_url(partnership)
    assert [message.to for message in mailoutbox] == [[b_coordinator.email]]
    assert "Alpha" in mailoutbox[0].body


def test_partnership_with_oneself_is_a_clear_form_error_and_nothing_is_created(signed_in):
    a = factories.organisation()
    client = signed_in(factories.coordinator_of(a))

    response = client.post(
        reverse("orgs:partnership_propose"), {"proposer": a.slug, "partner": a.slug, "charter": "Respect."}
    )

    assert response.status_code == 200
    assert "itself" in " ".join(response.context["form"].non_field_errors())
    assert not Partnership.objects.exists()


def test_second_open_proposal_between_the_same_pair_is_a_form_error(signed_in):
    a, b = factories.organisation(), factories.organisation()
    _proposal(b, a)
    client = signed_in(factories.coordinator_of(a))

    response = client.post(
        reverse("orgs:partnership_propose"), {"proposer": a.slug, "partner": b.slug, "charter": "Respect."}
    )

    assert response.status_code == 200
    assert "already proposed or active" in " ".join(response.context["form"].non_field_errors())
    assert Partnership.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"partner": "PARTNER", "charter": "   "},
        {"partner": "no-such-organisation", "charter": "Respect."},
        {"partner": "PARTNER", "charter": "x" * 4001},
    ],
)
def test_bad_proposal_input_shows_the_error_and_changes_nothing(signed_in, data):
    a, b = factories.organisation(), factories.organisation()
    client = signed_in(factories.coordinator_of(a))
    data = {"proposer": a.slug, **data}
    data["partner"] = data["partner"].replace("PARTNER", b.slug)

    response = client.post(reverse("orgs:partnership_propose"), data)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Partnership.objects.exists()


def test_proposing_on_behalf_of_an_organisation_i_do_not_coordinate_is_refused(signed_in):
    # Given a coordinator of A who is only staff in C
    a, b, c = factories.organisation(), factories.organisation(), factories.organisation()
    person = factories.coordinator_of(a)
    factories.member(c, Role.STAFF, user=person)

    # When they try to propose on behalf of C
    response = signed_in(person).post(
        reverse("orgs:partnership_propose"), {"proposer": c.slug, "partner": b.slug, "charter": "Respect."}
    )

    # Then C is not a valid choice and nothing is created
    assert response.status_code == 200
    assert response.context["form"].errors["proposer"]
    assert not Partnership.objects.exists()


def test_partnership_with_an_inactive_organisation_cannot_be_proposed(signed_in):
    a, b = factories.organisation(), factories.organisation()
    services.organisation_set_active(organisation=b, active=False, acting_user=factories.network_admin())
    client = signed_in(factories.coordinator_of(a))

    response = client.post(
        reverse("orgs:partnership_propose"), {"proposer": a.slug, "partner": b.slug, "charter": "Respect."}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["partner"]
    assert not Partnership.objects.exists()


@pytest.mark.parametrize("role", [Role.STAFF, Role.PEER, Role.VOLUNTEER])
def test_members_other_than_coordinators_cannot_propose(signed_in, role):
    a, b = factories.organisation(), factories.organisation()
    client = signed_in(factories.member(a, role))

    assert client.get(reverse("orgs:partnership_propose")).status_code == 403
    response = client.post(
        reverse("orgs:partnership_propose"), {"proposer": a.slug, "partner": b.slug, "charter": "Respect."}
    )
    assert response.status_code == 403
    assert not Partnership.objects.exists()


# ---------------------------------------------------------------------------------------------------------------
# Detail


def test_detail_is_visible_to_both_sides_and_404_for_an_unrelated_organisation(signed_in):
    a, b = factories.organisation(), factories.organisation()
    partnership = _proposal(a, b)
    url = _detail_url(partnership)

    as_partner = signed_in(factories.coordinator_of(b)).get(url)
    assert as_partner.status_code == 200
    assert _transition_url(partnership, "accept") in as_partner.content.decode()
    as_proposer = signed_in(factories.member(a, Role.PEER)).get(url)
    assert as_proposer.status_code == 200
    assert _transition_url(partnership, "accept") not in as_proposer.content.decode()
    assert "Respect, confidentiality." in as_proposer.content.decode()

    assert signed_in(factories.coordinator_of(factories.organisation())).get(url).status_code == 404
    missing = reverse("orgs:partnership_detail", kwargs={"pk": "00000000-0000-0000-0000-000000000000"})
    assert signed_in(factories.coordinator_of(a)).get(missing).status_code == 404


def test_proposer_sees_withdraw_and_partner_sees_accept_and_decline(signed_in):
    a, b = factories.organisation(), factories.organisation()
    partnership = _proposal(a, b)

    as_proposer = signed_in(factories.coordinator_of(a)).get(_detail_url(partnership)).content.decode()
    as_partner = signed_in(factories.coordinator_of(b)).get(_detail_url(partnership)).content.decode()

    assert _transition_url(partnership, "end") in as_proposer
    assert _transition_url(partnership, "accept") not in as_proposer
    assert _transition_url(partnership, "accept") in as_partner
    assert _transition_url(partnership, "decline") in as_partner
    assert _transition_url(partnership, "end") not in as_partner


# ---------------------------------------------------------------------------------------------------------------
# Transitions


def test_partner_coordinator_accepts_and_the_proposers_coordinators_are_emailed(
    signed_in, mailoutbox, django_capture_on_commit_callbacks
):
    a, b = factories.organisation(name="Alpha"), factories.organisation(name="Bravo")
    partnership = _proposal(a, b)
    a_coordinator = factories.coordinator_of(a)
    client = signed_in(factories.coordinator_of(b))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_transition_url(partnership, "accept"))

    assert response.status_code == 302
    assert response["Location"] == _detail_url(partnership)
    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.ACTIVE
    assert partnership.started_on is not None
    assert [message.to for message in mailoutbox] == [[a_coordinator.email]]
    assert "Alpha" in client.get(response["Location"]).content.decode()


def test_partner_coordinator_declines_and_the_proposer_is_told(
    signed_in, mailoutbox, django_capture_on_commit_callbacks
):
    a, b = factories.organisation(), factories.organisation()
    partnership = _proposal(a, b)
    a_coordinator = factories.coordinator_of(a)

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(factories.coordinator_of(b)).post(_transition_url(partnership, "decline"))

    assert response.status_code == 302
    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.DECLINED
    assert [message.to for message in mailoutbox] == [[a_coordinator.email]]


def test_either_side_ends_an_active_partnership_and_the_other_side_is_told(
    signed_in, mailoutbox, django_capture_on_commit_callbacks
):
    a, b = factories.organisation(), factories.organisation()
    partnership = factories.active_partnership(a, b)
    b_coordinator = factories.coordinator_of(b)

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(factories.coordinator_of(a)).post(_transition_url(partnership, "end"))

    assert response.status_code == 302
    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.ENDED
    assert partnership.ended_on is not None
    assert [message.to for message in mailoutbox] == [[b_coordinator.email]]


def test_proposer_cannot_accept_its_own_proposal(signed_in):
    a, b = factories.organisation(), factories.organisation()
    partnership = _proposal(a, b)
    before = _state(partnership)

    response = signed_in(factories.coordinator_of(a)).post(_transition_url(partnership, "accept"))

    assert response.status_code == 403
    assert "invited organisation" in response.content.decode()
    assert _state(partnership) == before


@pytest.mark.parametrize("transition", ["accept", "decline", "end"])
def test_staff_of_either_side_get_403_for_transitions(signed_in, transition):
    a, b = factories.organisation(), factories.organisation()
    partnership = _proposal(a, b)
    before = _state(partnership)

    for staff in (factories.member(a, Role.STAFF), factories.member(b, Role.STAFF)):
        assert signed_in(staff).post(_transition_url(partnership, transition)).status_code == 403
    assert _state(partnership) == before


@pytest.mark.parametrize("transition", ["accept", "decline", "end"])
def test_unrelated_organisation_gets_404_for_transitions(signed_in, transition):
    partnership = _proposal(factories.organisation(), factories.organisation())
    before = _state(partnership)

    response = signed_in(factories.coordinator_of(factories.organisation())).post(
        _transition_url(partnership, transition)
    )

    assert response.status_code == 404
    assert _state(partnership) == before


def test_network_admin_sees_partnerships_but_cannot_answer_for_an_organisation(signed_in):
    partnership = _proposal(factories.organisation(), factories.organisation())
    before = _state(partnership)
    client = signed_in(factories.network_admin())

    assert client.get(_detail_url(partnership)).status_code == 200
    assert client.post(_transition_url(partnership, "accept")).status_code == 403
    assert _state(partnership) == before


def test_unknown_transition_is_404_and_get_is_not_allowed(signed_in):
    a, b = factories.organisation(), factories.organisation()
    partnership = _proposal(a, b)
    client = signed_in(factories.coordinator_of(b))
    before = _state(partnership)

    assert client.post(_transition_url(partnership, "impose")).status_code == 404
    assert client.get(_transition_url(partnership, "accept")).status_code == 405
    assert _state(partnership) == before


def test_transition_in_the_wrong_state_shows_a_message_and_changes_nothing(signed_in):
    # Given an active partnership
    a, b = factories.organisation(), factories.organisation()
    partnership = factories.active_partnership(a, b)
    before = _state(partnership)
    client = signed_in(factories.coordinator_of(b))

    # When B's coordinator tries to accept or decline it again
    for transition in ("accept", "decline"):
        response = client.post(_transition_url(partnership, transition), follow=True)

        # Then the page says why, and nothing changes
        assert response.status_code == 200
        assert "not possible any more" in response.content.decode()
    assert _state(partnership) == before
