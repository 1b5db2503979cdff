"""The REST API under /api/v1/: what each kind of caller sees and may change, and what is refused and why."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from network.orgs import services
from network.orgs.models import OrganisationKind, Partnership, PartnershipStatus, Role
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_in_english")]

ORGS = "/api/v1/organisations/"
PARTNERSHIPS = "/api/v1/partnerships/"
ME = "/api/v1/me/"

PUBLIC_FIELDS = {
    "id",
    "kind",
    "name",
    "slug",
    "description",
    "city",
    "region",
    "country",
    "languages",
    "logo",
    "public_email",
    "public_phone",
    "website",
    "is_active",
}


def _ids(response) -> set[str]:
    return {row["id"] for row in response.json()["results"]}


def _by_id(response) -> dict[str, dict]:
    return {row["id"]: row for row in response.json()["results"]}


def _deactivated(organisation):
    return services.organisation_set_active(
        organisation=organisation, active=False, acting_user=factories._system_admin()
    )


def _proposed(proposer, partner) -> Partnership:
    return services.partnership_propose(
        proposer=proposer,
        partner=partner,
        charter="Harm reduction first.",
        acting_user=factories.coordinator_of(proposer),
    )


# ---------------------------------------------------------------------------------------------------------------
# Organisations: public fields for everyone, the address only where the policy says so


def test_anonymous_visitor_lists_active_organisations_with_public_fields_and_no_confidential_address(client):
    # given an active organisation with a confidential address, and an inactive one
    drop_in = factories.organisation(name="Drop-in Nord", address="1 rue cachée", address_is_confidential=True)
    closed = _deactivated(factories.organisation(name="Closed"))

    # when an anonymous visitor lists organisations
    response = client.get(ORGS)

    # then the active one is listed with its public fields, without address or role; the inactive one is absent
    assert response.status_code == 200
    rows = _by_id(response)
    assert set(rows) == {str(drop_in.pk)}
    row = rows[str(drop_in.pk)]
    assert PUBLIC_FIELDS <= set(row)
    assert row["address"] is None
    assert row["my_role"] is None
    assert "1 rue cachée" not in response.content.decode()
    assert str(closed.pk) not in response.content.decode()


def test_confidential_address_is_shown_to_members_and_network_admins_only(client, signed_in):
    # given an organisation with a confidential address and another organisation
    drop_in = factories.organisation(address="1 rue cachée", address_is_confidential=True)
    other = factories.organisation()
    url = f"{ORGS}{drop_in.pk}/"

    # then anonymous visitors do not get it
    assert client.get(url).json()["address"] is None
    # nor members of another organisation
    signed_in(factories.member(other, Role.COORDINATOR))
    assert client.get(url).json()["address"] is None
    assert "1 rue cachée" not in client.get(ORGS).content.decode()
    # but a volunteer of the organisation does, with their role
    signed_in(factories.member(drop_in, Role.VOLUNTEER))
    body = client.get(url).json()
    assert body["address"] == "1 rue cachée"
    assert body["my_role"] == Role.VOLUNTEER
    # and so does a network administrator
    signed_in(factories.network_admin())
    assert client.get(url).json()["address"] == "1 rue cachée"


def test_public_address_is_shown_to_signed_in_members_of_other_organisations(client, signed_in):
    # given an organisation whose address is not confidential
    office = factories.organisation(address="10 boulevard public", address_is_confidential=False)

    # when a member of another organisation reads it
    signed_in(factories.member(factories.organisation(), Role.STAFF))
    response = client.get(f"{ORGS}{office.pk}/")

    # then the address is there
    assert response.status_code == 200
    assert response.json()["address"] == "10 boulevard public"


def test_inactive_organisation_answers_404_except_to_its_members_and_network_admins(client, signed_in):
    # given an inactive organisation with a member, and an outsider
    closed = factories.organisation()
    member = factories.member(closed, Role.PEER)
    _deactivated(closed)
    outsider = factories.member(factories.organisation(), Role.STAFF)
    url = f"{ORGS}{closed.pk}/"

    # then anonymous visitors and outsiders get 404, like for an organisation that does not exist
    assert client.get(url).status_code == 404
    signed_in(outsider)
    assert client.get(url).status_code == 404
    assert str(closed.pk) not in _ids(client.get(ORGS))
    assert client.get(f"{ORGS}00000000-0000-0000-0000-000000000000/").status_code == 404
    # while its member and a network admin see it
    signed_in(member)
    assert client.get(url).status_code == 200
    assert str(closed.pk) in _ids(client.get(ORGS))
    signed_in(factories.network_admin())
    assert client.get(url).json()["is_active"] is False


def test_organisations_filter_by_kind_country_and_language(client):
    # given organisations of different kinds, countries and languages
    clinic = factories.organisation(kind=OrganisationKind.HEALTH_UNIT, country="BE", languages=["fr", "nl"])
    peers = factories.organisation(kind=OrganisationKind.PEER_GROUP, country="FR", languages=["fr", "ro"])
    lawyers = factories.organisation(kind=OrganisationKind.LEGAL_SERVICE, country="FR", languages=["en"])

    # then each filter keeps only the matching ones
    assert _ids(client.get(ORGS, {"kind": "health_unit"})) == {str(clinic.pk)}
    assert _ids(client.get(ORGS, {"country": "fr"})) == {str(peers.pk), str(lawyers.pk)}
    assert _ids(client.get(ORGS, {"language": "ro"})) == {str(peers.pk)}
    assert _ids(client.get(ORGS, {"language": "fr", "country": "BE"})) == {str(clinic.pk)}
    assert _ids(client.get(ORGS, {"language": "r"})) == set()
    assert _ids(client.get(ORGS, {"language": '"ro"'})) == set()
    # and an unknown kind is bad input
    assert client.get(ORGS, {"kind": "secret_society"}).status_code == 400


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_organisation_list_runs_a_constant_number_of_queries(client, signed_in, django_assert_max_num_queries):
    # given a member of one organisation and a few organisations with confidential addresses
    home = factories.organisation(address="1 rue cachée")
    member = factories.member(home, Role.STAFF)
    for _ in range(2):
        factories.organisation(address="somewhere")
    signed_in(member)
    small = _count_queries(client, ORGS)
    anonymous_client = client.__class__()
    small_anonymous = _count_queries(anonymous_client, ORGS)

    # when there are many more organisations
    for _ in range(10):
        factories.organisation(address="somewhere else")

    # then the list costs the same number of queries, signed in or not
    with django_assert_max_num_queries(small):
        client.get(ORGS)
    with django_assert_max_num_queries(small_anonymous):
        anonymous_client.get(ORGS)
    assert small_anonymous <= 3


# ---------------------------------------------------------------------------------------------------------------
# Partnerships


def test_partnerships_are_listed_to_members_of_either_side_only(client, signed_in):
    # given an active partnership between A and B, a proposal from B to C, and an unrelated organisation D
    a, b, c, d = (factories.organisation() for _ in range(4))
    ab = factories.active_partnership(a, b)
    bc = _proposed(b, c)

    # then anonymous callers are asked to authenticate
    assert client.get(PARTNERSHIPS).status_code == 401
    # a peer of A sees A's partnership only
    signed_in(factories.member(a, Role.PEER))
    assert _ids(client.get(PARTNERSHIPS)) == {str(ab.pk)}
    # a staff member of B sees both
    signed_in(factories.member(b, Role.STAFF))
    assert _ids(client.get(PARTNERSHIPS)) == {str(ab.pk), str(bc.pk)}
    # a coordinator of D sees none, and each one answers 404 as if it did not exist
    signed_in(factories.coordinator_of(d))
    assert _ids(client.get(PARTNERSHIPS)) == set()
    assert client.get(f"{PARTNERSHIPS}{ab.pk}/").status_code == 404
    # a network admin sees them all
    signed_in(factories.network_admin())
    assert _ids(client.get(PARTNERSHIPS)) == {str(ab.pk), str(bc.pk)}


def test_partnership_detail_shows_both_sides_to_a_member(client, signed_in):
    a, b = factories.organisation(), factories.organisation()
    ab = factories.active_partnership(a, b)

    signed_in(factories.member(b, Role.VOLUNTEER))
    body = client.get(f"{PARTNERSHIPS}{ab.pk}/").json()

    assert body["status"] == PartnershipStatus.ACTIVE
    assert body["proposer"] == {"id": str(a.pk), "name": a.name, "slug": a.slug}
    assert body["partner"]["id"] == str(b.pk)


def test_partnership_list_runs_a_constant_number_of_queries(client, signed_in, django_assert_max_num_queries):
    hub = factories.organisation()
    coordinator = factories.coordinator_of(hub)
    factories.active_partnership(hub, factories.organisation())
    signed_in(coordinator)
    small = _count_queries(client, PARTNERSHIPS)

    for _ in range(6):
        _proposed(hub, factories.organisation())

    with django_assert_max_num_queries(small):
        response = client.get(PARTNERSHIPS)
    assert len(response.json()["results"]) == 7


def test_coordinator_proposes_a_partnership_and_staff_cannot(client, signed_in):
    # given two organisations
    a, b = factories.organisation(), factories.organisation()
    payload = {"proposer": str(a.pk), "partner": str(b.pk), "charter": "Nothing about us without us."}

    # when a staff member of A proposes, then it is refused with a reason and nothing is created
    signed_in(factories.member(a, Role.STAFF))
    refused = client.post(PARTNERSHIPS, payload, content_type="application/json")
    assert refused.status_code == 403
    assert "coordinators" in refused.json()["detail"]
    assert not Partnership.objects.exists()

    # when A's coordinator proposes, then it is created as a proposal
    signed_in(factories.coordinator_of(a))
    created = client.post(PARTNERSHIPS, payload, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["status"] == PartnershipStatus.PROPOSED
    assert Partnership.objects.get().proposer == a


def test_bad_proposals_get_a_clear_message_and_change_nothing(client, signed_in):
    a, b = factories.organisation(), factories.organisation()
    signed_in(factories.coordinator_of(a))

    def propose(**payload):
        data = {"proposer": str(a.pk), "partner": str(b.pk), "charter": "Respect.", **payload}
        return client.post(PARTNERSHIPS, data, content_type="application/json")

    with_itself = propose(partner=str(a.pk))
    assert with_itself.status_code == 400
    assert "itself" in with_itself.json()["detail"]

    unknown = propose(partner="00000000-0000-0000-0000-000000000000")
    assert unknown.status_code == 400
    assert "partner" in unknown.json()

    assert propose(charter="").status_code == 400
    assert propose(proposer="not-a-uuid").status_code == 400
    assert not Partnership.objects.exists()

    assert propose().status_code == 201
    twice = propose()
    assert twice.status_code == 400
    assert "already" in twice.json()["detail"]
    assert Partnership.objects.count() == 1


def test_only_the_invited_side_accepts_a_proposal(client, signed_in):
    # given a proposal from A to B, and an unrelated organisation C
    a, b, c = factories.organisation(), factories.organisation(), factories.organisation()
    proposal = _proposed(a, b)
    url = f"{PARTNERSHIPS}{proposal.pk}/accept/"

    # when A's coordinator (the proposer) tries to accept, then 403 with a reason
    signed_in(factories.coordinator_of(a))
    refused = client.post(url)
    assert refused.status_code == 403
    assert "invited organisation" in refused.json()["detail"]
    # when C's coordinator tries, then 404 as for a partnership that does not exist
    signed_in(factories.coordinator_of(c))
    assert client.post(url).status_code == 404
    # when B's staff member tries, then 403
    signed_in(factories.member(b, Role.STAFF))
    assert client.post(url).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == PartnershipStatus.PROPOSED

    # when B's coordinator accepts, then it is active
    signed_in(factories.coordinator_of(b))
    accepted = client.post(url)
    assert accepted.status_code == 200
    assert accepted.json()["status"] == PartnershipStatus.ACTIVE
    assert accepted.json()["started_on"]

    # and accepting again is refused with the reason, changing nothing
    again = client.post(url)
    assert again.status_code == 400
    assert "not possible" in again.json()["detail"]
    proposal.refresh_from_db()
    assert proposal.status == PartnershipStatus.ACTIVE


def test_invited_side_declines_and_a_declined_proposal_cannot_be_ended(client, signed_in):
    a, b = factories.organisation(), factories.organisation()
    proposal = _proposed(a, b)

    signed_in(factories.coordinator_of(b))
    declined = client.post(f"{PARTNERSHIPS}{proposal.pk}/decline/")
    assert declined.status_code == 200
    assert declined.json()["status"] == PartnershipStatus.DECLINED

    signed_in(factories.coordinator_of(a))
    ended = client.post(f"{PARTNERSHIPS}{proposal.pk}/end/")
    assert ended.status_code == 400
    proposal.refresh_from_db()
    assert proposal.status == PartnershipStatus.DECLINED


def test_either_side_ends_an_active_partnership_and_outsiders_cannot(client, signed_in):
    a, b, c = factories.organisation(), factories.organisation(), factories.organisation()
    partnership = factories.active_partnership(a, b)
    url = f"{PARTNERSHIPS}{partnership.pk}/end/"

    signed_in(factories.coordinator_of(c))
    assert client.post(url).status_code == 404
    signed_in(factories.member(a, Role.PEER))
    assert client.post(url).status_code == 403
    signed_in(factories.network_admin())
    assert client.post(url).status_code == 403
    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.ACTIVE

    signed_in(factories.coordinator_of(a))
    ended = client.post(url)
    assert ended.status_code == 200
    assert ended.json()["status"] == PartnershipStatus.ENDED
    assert ended.json()["ended_on"]


def test_anonymous_caller_cannot_propose_or_accept(client):
    a, b = factories.organisation(), factories.organisation()
    proposal = _proposed(a, b)

    assert client.post(PARTNERSHIPS, {"proposer": str(a.pk), "partner": str(b.pk), "charter": "x"}).status_code == 401
    assert client.post(f"{PARTNERSHIPS}{proposal.pk}/accept/").status_code == 401
    proposal.refresh_from_db()
    assert proposal.status == PartnershipStatus.PROPOSED


# ---------------------------------------------------------------------------------------------------------------
# Me


def test_me_shows_the_pseudonym_and_memberships_never_the_hidden_real_name(client, signed_in):
    # given a peer worker with a pseudonym, in two organisations
    a, b = factories.organisation(name="Alpha"), factories.organisation(name="Beta")
    peer = factories.member(a, Role.PEER, first_name="Maria", last_name="Realname", public_name="Luna")
    factories.member(b, Role.VOLUNTEER, user=peer)

    # when they ask who they are
    signed_in(peer)
    response = client.get(ME)

    # then they see their pseudonym and both memberships, and their real name is not there
    assert response.status_code == 200
    body = response.json()
    assert body["display_name"] == "Luna"
    assert "Realname" not in response.content.decode()
    assert body["is_network_admin"] is False
    assert [(m["organisation"], m["organisation_name"], m["role"]) for m in body["memberships"]] == [
        (str(a.pk), "Alpha", Role.PEER),
        (str(b.pk), "Beta", Role.VOLUNTEER),
    ]


def test_me_is_refused_to_anonymous_callers(client):
    assert client.get(ME).status_code == 401


# ---------------------------------------------------------------------------------------------------------------
# Token sign-in


def test_token_signs_in_and_a_disabled_users_token_stops_working(client, enrol_totp):
    # given a coordinator with TOTP enrolled and an API token
    organisation = factories.organisation()
    coordinator = enrol_totp(factories.coordinator_of(organisation))
    token = Token.objects.create(user=coordinator)
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}

    # then the token works
    assert client.get(ME, **headers).status_code == 200

    # when the account is disabled, then the same token is refused
    coordinator.is_active = False
    coordinator.save()
    assert client.get(ME, **headers).status_code in (401, 403)
    assert not Token.objects.filter(key=token.key).exists()


def test_token_of_a_coordinator_without_two_factor_is_refused(client):
    organisation = factories.organisation()
    coordinator = factories.coordinator_of(organisation)
    token = Token.objects.create(user=coordinator)

    response = client.get(ME, HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code in (401, 403)
    assert "Two-factor" in response.json()["detail"]

    # a volunteer, who reads no personal data, is not asked for a second factor: their role does not use the API
    volunteer = factories.member(organisation, Role.VOLUNTEER)
    volunteer_token = Token.objects.create(user=volunteer)
    refused = client.get(ME, HTTP_AUTHORIZATION=f"Token {volunteer_token.key}")
    assert refused.status_code == 403 and "Two-factor" not in refused.json()["detail"]
