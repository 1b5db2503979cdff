"""Members' screens: the dashboard, profile editing, the member list, invitations, role changes and removals."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from PIL import Image

from network.accounts.models import User
from network.orgs import services
from network.orgs.models import Invitation, Membership, Organisation, Role
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Pages in English (/en/…), so that assertions on messages hold once the French catalogue is compiled."""
    with translation.override("en"):
        yield


def _queries(client, url: str):
    """The number of queries one GET runs, and its response."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def _profile_data(organisation: Organisation, **overrides) -> dict:
    data = {
        "kind": organisation.kind,
        "name": organisation.name,
        "description": organisation.description,
        "city": organisation.city,
        "region": organisation.region,
        "country": organisation.country,
        "languages": ", ".join(organisation.languages),
        "public_email": organisation.public_email,
        "public_phone": organisation.public_phone,
        "website": organisation.website,
        "address": organisation.address,
        "address_is_confidential": "on" if organisation.address_is_confidential else "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


def _jpeg_with_gps() -> SimpleUploadedFile:
    image = Image.new("RGB", (8, 8), "red")
    exif = Image.Exif()
    exif[0x8825] = {2: (43.0, 17.0, 45.0), 1: "N"}  # GPSInfo
    exif[0x010F] = "CameraMaker"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


# ---------------------------------------------------------------------------------------------------------------
# Dashboard


def test_dashboard_lists_my_organisations_with_my_role_and_only_the_links_my_role_allows(signed_in):
    # Given a person who coordinates one organisation and is a peer worker in another
    coordinated = factories.organisation(name="Rues Solidaires")
    peer_group = factories.organisation(name="Collectif Nuit")
    person = factories.member(coordinated, Role.COORDINATOR)
    factories.member(peer_group, Role.PEER, user=person)
    unrelated = factories.organisation(name="Sans Lien")

    # When they open the dashboard
    response = signed_in(person).get(reverse("orgs:dashboard"))

    # Then both organisations appear with the role, and profile/member links only where the role allows them
    content = response.content.decode()
    assert response.status_code == 200
    assert "Rues Solidaires" in content and "Collectif Nuit" in content
    assert "Sans Lien" not in content
    assert str(Role.COORDINATOR.label) in content and str(Role.PEER.label) in content
    assert reverse("orgs:edit_profile", kwargs={"slug": coordinated.slug}) in content
    assert reverse("orgs:members", kwargs={"slug": coordinated.slug}) in content
    assert reverse("orgs:edit_profile", kwargs={"slug": peer_group.slug}) not in content
    assert reverse("orgs:members", kwargs={"slug": peer_group.slug}) not in content
    assert reverse("orgs:members", kwargs={"slug": unrelated.slug}) not in content


def test_dashboard_shows_a_proposal_only_to_those_who_may_answer_it(signed_in):
    # Given organisation A proposed a partnership to organisation B
    a, b = factories.organisation(), factories.organisation()
    partnership = services.partnership_propose(
        proposer=a, partner=b, charter="Respect.", acting_user=factories.coordinator_of(a)
    )
    accept_url = reverse("orgs:partnership_transition", kwargs={"pk": partnership.pk, "transition": "accept"})

    # Then B's coordinator sees it with the answer buttons; A's coordinator and B's staff do not
    as_b_coordinator = signed_in(factories.coordinator_of(b)).get(reverse("orgs:dashboard")).content.decode()
    assert accept_url in as_b_coordinator
    as_a_coordinator = signed_in(factories.coordinator_of(a)).get(reverse("orgs:dashboard")).content.decode()
    assert accept_url not in as_a_coordinator
    as_b_staff = signed_in(factories.member(b, Role.STAFF)).get(reverse("orgs:dashboard")).content.decode()
    assert accept_url not in as_b_staff


def test_dashboard_points_network_admins_to_the_wagtail_admin_and_nobody_else(signed_in):
    admin_url = reverse("wagtailadmin_home")
    as_admin = signed_in(factories.network_admin()).get(reverse("orgs:dashboard")).content.decode()
    assert f'href="{admin_url}"' in as_admin

    coordinator = factories.coordinator_of(factories.organisation())
    as_coordinator = signed_in(coordinator).get(reverse("orgs:dashboard")).content.decode()
    assert f'href="{admin_url}"' not in as_coordinator


def test_dashboard_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("orgs:dashboard"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_dashboard_query_count_does_not_grow_with_organisations_and_proposals(signed_in):
    # Given a coordinator of one organisation with one proposal waiting
    first = factories.organisation()
    person = factories.member(first, Role.COORDINATOR)
    proposer = factories.organisation()
    services.partnership_propose(
        proposer=proposer, partner=first, charter="Respect.", acting_user=factories.coordinator_of(proposer)
    )
    client = signed_in(person)
    url = reverse("orgs:dashboard")
    client.get(url)  # warm up caches (content types, site)
    baseline, _response = _queries(client, url)

    # When they join three more organisations, each with a proposal waiting
    for _ in range(3):
        organisation = factories.organisation()
        factories.member(organisation, Role.COORDINATOR, user=person)
        other = factories.organisation()
        services.partnership_propose(
            proposer=other, partner=organisation, charter="Respect.", acting_user=factories.coordinator_of(other)
        )

    # Then the dashboard shows them all with the same number of queries
    queries, response = _queries(client, url)
    assert (len(response.context["rows"]), len(response.context["proposals"])) == (4, 4)
    assert queries == baseline


# ---------------------------------------------------------------------------------------------------------------
# Organisation profile


def test_coordinator_edits_own_profile_and_languages_are_parsed_to_codes(signed_in):
    organisation = factories.organisation(name="Rues Solidaires")
    client = signed_in(factories.coordinator_of(organisation))
    url = reverse("orgs:edit_profile", kwargs={"slug": organisation.slug})
    assert client.get(url).status_code == 200

    response = client.post(
        url, _profile_data(organisation, description="Outreach at night.", languages="fr, EN ro;es", country="be")
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.description == "Outreach at night."
    assert organisation.country == "BE"
    assert organisation.languages == ["fr", "en", "ro", "es"]
    assert "saved" in client.get(response["Location"]).content.decode().lower()


def test_uploaded_logo_loses_its_gps_metadata(signed_in):
    organisation = factories.organisation()
    client = signed_in(factories.coordinator_of(organisation))
    upload = _jpeg_with_gps()
    with Image.open(upload) as original:
        assert original.getexif().get_ifd(0x8825)  # the upload does carry a GPS position
    upload.seek(0)

    response = client.post(
        reverse("orgs:edit_profile", kwargs={"slug": organisation.slug}),
        {**_profile_data(organisation), "logo": upload},
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.logo
    with Image.open(organisation.logo.path) as stored:
        assert not stored.getexif()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("languages", "fr, xx"),
        ("country", "France"),
        ("website", "not a url"),
        ("kind", "secret_society"),
        ("name", ""),
    ],
)
def test_bad_profile_input_shows_the_error_and_changes_nothing(signed_in, field, value):
    organisation = factories.organisation(city="Marseille", languages=["fr"])
    client = signed_in(factories.coordinator_of(organisation))
    before = Organisation.objects.filter(pk=organisation.pk).values().get()

    response = client.post(
        reverse("orgs:edit_profile", kwargs={"slug": organisation.slug}),
        {**_profile_data(organisation, city="Toulon"), field: value},
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert 'class="errorlist' in response.content.decode()
    assert Organisation.objects.filter(pk=organisation.pk).values().get() == before


def test_profile_name_already_taken_is_a_form_error(signed_in):
    factories.organisation(name="Taken Name")
    organisation = factories.organisation(name="Mine")
    client = signed_in(factories.coordinator_of(organisation))

    response = client.post(
        reverse("orgs:edit_profile", kwargs={"slug": organisation.slug}),
        _profile_data(organisation, name="Taken Name"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    organisation.refresh_from_db()
    assert organisation.name == "Mine"


def test_coordinator_editing_another_organisation_gets_404_and_nothing_changes(signed_in):
    own, other = factories.organisation(), factories.organisation(city="Nice")
    client = signed_in(factories.coordinator_of(own))
    url = reverse("orgs:edit_profile", kwargs={"slug": other.slug})

    assert client.get(url).status_code == 404
    assert client.post(url, _profile_data(other, city="Paris")).status_code == 404
    other.refresh_from_db()
    assert other.city == "Nice"


@pytest.mark.parametrize("role", [Role.STAFF, Role.PEER, Role.VOLUNTEER])
def test_members_other_than_coordinators_cannot_edit_the_profile(signed_in, role):
    organisation = factories.organisation(city="Nice")
    client = signed_in(factories.member(organisation, role))
    url = reverse("orgs:edit_profile", kwargs={"slug": organisation.slug})

    assert client.get(url).status_code == 404
    assert client.post(url, _profile_data(organisation, city="Paris")).status_code == 404
    organisation.refresh_from_db()
    assert organisation.city == "Nice"


def test_network_admin_may_edit_any_profile(signed_in):
    organisation = factories.organisation(city="Nice")
    client = signed_in(factories.network_admin())

    response = client.post(
        reverse("orgs:edit_profile", kwargs={"slug": organisation.slug}), _profile_data(organisation, city="Paris")
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.city == "Paris"


# ---------------------------------------------------------------------------------------------------------------
# Member list


def test_coordinator_sees_pseudonyms_and_emails_but_never_unchosen_real_names(signed_in):
    # Given a peer who did not choose to show their real name, and a staff member who did
    organisation = factories.organisation()
    coordinator = factories.coordinator_of(organisation)
    factories.member(
        organisation,
        Role.PEER,
        first_name="Zelphine",
        last_name="Quorradin",
        public_name="Rosa",
        email="rosa@example.org",
    )
    factories.member(organisation, Role.STAFF, first_name="Aurele", last_name="Visible", show_real_name=True)

    # When the coordinator opens the member list
    response = signed_in(coordinator).get(reverse("orgs:members", kwargs={"slug": organisation.slug}))

    # Then they see the pseudonym and the email, the chosen real name, and never the hidden one
    content = response.content.decode()
    assert response.status_code == 200
    assert "Rosa" in content and "rosa@example.org" in content
    assert "Aurele Visible" in content
    assert "Zelphine" not in content and "Quorradin" not in content
    assert reverse("orgs:member_invite", kwargs={"slug": organisation.slug}) in content


def test_staff_see_the_member_list_read_only_without_emails(signed_in):
    organisation = factories.organisation()
    peer = factories.membership(organisation, Role.PEER, public_name="Rosa", email="rosa@example.org")
    staff = factories.member(organisation, Role.STAFF)

    response = signed_in(staff).get(reverse("orgs:members", kwargs={"slug": organisation.slug}))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Rosa" in content
    assert "rosa@example.org" not in content
    assert reverse("orgs:member_invite", kwargs={"slug": organisation.slug}) not in content
    assert reverse("orgs:member_edit", kwargs={"slug": organisation.slug, "membership_id": peer.pk}) not in content


@pytest.mark.parametrize("role", [Role.PEER, Role.VOLUNTEER])
def test_peers_and_volunteers_get_404_for_the_member_list(signed_in, role):
    organisation = factories.organisation()
    client = signed_in(factories.member(organisation, role))
    assert client.get(reverse("orgs:members", kwargs={"slug": organisation.slug})).status_code == 404


def test_unrelated_coordinator_and_network_admin_get_404_for_the_member_list(signed_in, client):
    organisation = factories.organisation()
    url = reverse("orgs:members", kwargs={"slug": organisation.slug})
    assert signed_in(factories.coordinator_of(organisation)).get(url).status_code == 200
    assert signed_in(factories.coordinator_of(factories.organisation())).get(url).status_code == 404
    assert signed_in(factories.network_admin()).get(url).status_code == 404
    assert client.get(reverse("orgs:members", kwargs={"slug": "no-such-organisation"})).status_code == 404


def test_member_list_query_count_does_not_grow_with_members(signed_in):
    organisation = factories.organisation()
    client = signed_in(factories.coordinator_of(organisation))
    factories.member(organisation, Role.STAFF)
    url = reverse("orgs:members", kwargs={"slug": organisation.slug})
    client.get(url)
    baseline, _response = _queries(client, url)

    for role in (Role.PEER, Role.VOLUNTEER, Role.STAFF, Role.COORDINATOR, Role.PEER):
        factories.member(organisation, role)

    queries, response = _queries(client, url)
    assert len(response.context["memberships"]) == 7
    assert queries == baseline


# ---------------------------------------------------------------------------------------------------------------
# Invitations


def test_inviting_someone_already_member_is_a_clear_error_and_changes_nothing(signed_in, mailoutbox):
    organisation = factories.organisation()
    client = signed_in(factories.coordinator_of(organisation))
    already = factories.membership(organisation, Role.PEER, email="peer@example.org")
    memberships_before = Membership.objects.count()

    response = client.post(
        reverse("orgs:member_invite", kwargs={"slug": organisation.slug}),
        {"email": "peer@example.org", "role": Role.STAFF},
    )

    assert response.status_code == 200
    assert "already a member" in " ".join(response.context["form"].non_field_errors())
    assert Membership.objects.count() == memberships_before
    already.refresh_from_db()
    assert already.role == Role.PEER


@pytest.mark.parametrize(
    "data",
    [{"email": "not-an-email", "role": Role.STAFF}, {"email": "ok@example.org", "role": "overlord"}],
)
def test_bad_invitation_input_shows_the_error_and_changes_nothing(signed_in, data):
    organisation = factories.organisation()
    client = signed_in(factories.coordinator_of(organisation))
    users_before, memberships_before = User.objects.count(), Membership.objects.count()

    response = client.post(reverse("orgs:member_invite", kwargs={"slug": organisation.slug}), data)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert (User.objects.count(), Membership.objects.count()) == (users_before, memberships_before)


def test_only_own_coordinators_may_invite(signed_in):
    organisation = factories.organisation()
    url = reverse("orgs:member_invite", kwargs={"slug": organisation.slug})
    data = {"email": "someone@example.org", "role": Role.STAFF}
    assert signed_in(factories.coordinator_of(organisation)).get(url).status_code == 200

    for outsider in (
        factories.member(organisation, Role.STAFF),
        factories.coordinator_of(factories.organisation()),
    ):
        assert signed_in(outsider).post(url, data).status_code == 404
    # network administrators appoint coordinators only: staff is not among their choices
    refused = signed_in(factories.network_admin()).post(url, data)
    assert refused.status_code == 200 and "role" in refused.context["form"].errors
    assert not User.objects.filter(email="someone@example.org").exists()
    assert not Invitation.objects.exists()


# ---------------------------------------------------------------------------------------------------------------
# Role changes and removals


def test_coordinator_changes_a_members_role(signed_in):
    organisation = factories.organisation()
    client = signed_in(factories.coordinator_of(organisation))
    membership = factories.membership(organisation, Role.VOLUNTEER)
    url = reverse("orgs:member_edit", kwargs={"slug": organisation.slug, "membership_id": membership.pk})
    assert client.get(url).status_code == 200

    response = client.post(url, {"action": "change_role", "role": Role.STAFF})

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.STAFF


def test_demoting_the_last_coordinator_is_a_clear_error_and_changes_nothing(signed_in):
    organisation = factories.organisation()
    coordinator = factories.coordinator_of(organisation)
    own = Membership.objects.get(user=coordinator, organisation=organisation)
    client = signed_in(coordinator)

    response = client.post(
        reverse("orgs:member_edit", kwargs={"slug": organisation.slug, "membership_id": own.pk}),
        {"action": "change_role", "role": Role.STAFF},
    )

    assert response.status_code == 200
    assert "at least one coordinator" in " ".join(response.context["role_form"].non_field_errors())
    own.refresh_from_db()
    assert own.role == Role.COORDINATOR


def test_unknown_role_is_a_form_error(signed_in):
    organisation = factories.organisation()
    client = signed_in(factories.coordinator_of(organisation))
    membership = factories.membership(organisation, Role.PEER)

    response = client.post(
        reverse("orgs:member_edit", kwargs={"slug": organisation.slug, "membership_id": membership.pk}),
        {"action": "change_role", "role": "overlord"},
    )

    assert response.status_code == 200
    assert response.context["role_form"].errors["role"]
    membership.refresh_from_db()
    assert membership.role == Role.PEER


def test_removal_asks_for_confirmation_then_removes_the_member_and_their_permissions(signed_in):
    organisation = factories.organisation()
    client = signed_in(factories.coordinator_of(organisation))
    membership = factories.membership(organisation, Role.STAFF)
    url = reverse("orgs:member_edit", kwargs={"slug": organisation.slug, "membership_id": membership.pk})

    confirmation = client.get(url, {"confirm": "remove"})
    assert confirmation.status_code == 200
    assert 'name="action" value="remove"' in confirmation.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()

    response = client.post(url, {"action": "remove"})

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert not membership.user.organisationuserobjectpermission_set.filter(content_object=organisation).exists()


def test_removing_the_last_coordinator_is_a_clear_error_and_changes_nothing(signed_in):
    organisation = factories.organisation()
    coordinator = factories.coordinator_of(organisation)
    own = Membership.objects.get(user=coordinator, organisation=organisation)

    response = signed_in(coordinator).post(
        reverse("orgs:member_edit", kwargs={"slug": organisation.slug, "membership_id": own.pk}), {"action": "remove"}
    )

    assert response.status_code == 200
    assert "at least one coordinator" in " ".join(response.context["remove_errors"])
    assert Membership.objects.filter(pk=own.pk, role=Role.COORDINATOR).exists()


def test_coordinator_who_leaves_goes_back_to_the_dashboard(signed_in):
    organisation = factories.organisation()
    leaving = factories.coordinator_of(organisation)
    factories.member(organisation, Role.COORDINATOR)
    own = Membership.objects.get(user=leaving, organisation=organisation)

    response = signed_in(leaving).post(
        reverse("orgs:member_edit", kwargs={"slug": organisation.slug, "membership_id": own.pk}), {"action": "remove"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:dashboard")
    assert not Membership.objects.filter(pk=own.pk).exists()


def test_another_organisations_membership_answers_404_and_stays_untouched(signed_in):
    # Given coordinators of A and a membership of B
    a, b = factories.organisation(), factories.organisation()
    client = signed_in(factories.coordinator_of(a))
    foreign = factories.membership(b, Role.STAFF)

    # When A's coordinator reaches it through A's address or B's address
    through_own = reverse("orgs:member_edit", kwargs={"slug": a.slug, "membership_id": foreign.pk})
    through_other = reverse("orgs:member_edit", kwargs={"slug": b.slug, "membership_id": foreign.pk})

    # Then both answer 404, exactly like a missing membership, and nothing changes
    for url in (through_own, through_other):
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "change_role", "role": Role.PEER}).status_code == 404
        assert client.post(url, {"action": "remove"}).status_code == 404
    missing = reverse(
        "orgs:member_edit", kwargs={"slug": a.slug, "membership_id": "00000000-0000-0000-0000-000000000000"}
    )
    assert client.get(missing).status_code == 404
    foreign.refresh_from_db()
    assert foreign.role == Role.STAFF


def test_staff_cannot_change_roles_even_in_their_own_organisation(signed_in):
    organisation = factories.organisation()
    membership = factories.membership(organisation, Role.PEER)
    client = signed_in(factories.member(organisation, Role.STAFF))
    url = reverse("orgs:member_edit", kwargs={"slug": organisation.slug, "membership_id": membership.pk})

    assert client.post(url, {"action": "change_role", "role": Role.COORDINATOR}).status_code == 404
    assert client.post(url, {"action": "remove"}).status_code == 404
    membership.refresh_from_db()
    assert membership.role == Role.PEER
