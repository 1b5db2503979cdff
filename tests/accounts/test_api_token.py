"""The member's "API token" page: see, create (shown once), replace and revoke their own token."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from network.accounts import services
from network.orgs import services as org_services
from network.orgs.models import Membership, Role
from tests import factories
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls")]

WHOAMI = "/api/v1/probe/whoami/"


def test_member_creates_a_token_shown_once_that_signs_the_api_in(signed_in):
    # given a staff member with two-factor, without a token
    staff = factories.member(factories.organisation(), Role.STAFF)
    client = signed_in(staff)
    url = reverse("accounts:api_token")
    assert url == "/fr/me/api-token/"
    assert Token.objects.filter(user=staff).count() == 0
    assert client.get(url).status_code == 200

    # when they create one
    created = client.post(url, {"action": "create"})

    # then the page shows it once, and it signs the API in as them
    key = Token.objects.get(user=staff).key
    assert created.status_code == 200 and key in created.content.decode()
    assert "no-store" in created["Cache-Control"]
    assert client.get(WHOAMI, HTTP_AUTHORIZATION=f"Token {key}").json() == {"username": staff.username}

    # and the page never shows it again
    later = client.get(url).content.decode()
    assert key not in later


def test_replacing_a_token_invalidates_the_old_one_and_revoking_removes_it(signed_in):
    # given a staff member with a token
    user = factories.member(factories.organisation(), Role.STAFF)
    client = signed_in(user)
    url = reverse("accounts:api_token")
    client.post(url, {"action": "create"})
    old = Token.objects.get(user=user).key

    # when they replace it, the old key stops working and a new one does
    client.post(url, {"action": "create"})
    new = Token.objects.get(user=user).key
    assert new != old
    assert client.get(WHOAMI, HTTP_AUTHORIZATION=f"Token {old}").status_code == 401

    # when they revoke it
    revoked = client.post(url, {"action": "revoke"}, follow=True)

    # then it is gone and they are told so
    assert not Token.objects.filter(user=user).exists()
    assert revoked.status_code == 200 and list(revoked.context["messages"])
    assert client.get(WHOAMI, HTTP_AUTHORIZATION=f"Token {new}").status_code == 401


def test_token_page_needs_sign_in_csrf_and_two_factor_where_required(client, signed_in, enrol_totp):
    url = reverse("accounts:api_token")

    # an anonymous visitor is sent to sign in, and cannot create a token
    anonymous = client.post(url, {"action": "create"})
    assert anonymous.status_code == 302 and reverse("account_login") in anonymous.url
    assert not Token.objects.exists()

    # a POST without the CSRF token is refused
    from django.test import Client

    user = enrol_totp(factories.member(factories.organisation(), Role.STAFF))
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    assert strict.post(url, {"action": "create"}).status_code == 403
    assert not Token.objects.filter(user=user).exists()

    # a coordinator who has not enrolled in two-factor is sent to enrolment first
    coordinator_client = signed_in(factories.coordinator_of(factories.organisation()), with_totp=False)
    held = coordinator_client.post(url, {"action": "create"})
    assert held.status_code == 302 and held.url == reverse("mfa_activate_totp")
    assert not Token.objects.exists()


def test_token_page_says_whether_the_member_has_a_token(signed_in):
    # given a coordinator without a token, then with one
    user = factories.coordinator_of(factories.organisation())
    client = signed_in(user)
    url = reverse("accounts:api_token")
    without = client.get(url)
    Token.objects.create(user=user)
    with_token = client.get(url)

    # then the page says so, and offers the matching actions
    assert without.context["token"] is None and 'value="revoke"' not in without.content.decode()
    assert with_token.context["token"] is not None and 'value="revoke"' in with_token.content.decode()


@pytest.mark.parametrize("role", [Role.PEER, Role.VOLUNTEER])
def test_roles_that_do_not_use_the_api_have_no_token_page(signed_in, role):
    # given a peer worker or a volunteer (their work is done on the site), and a member of no organisation
    member = factories.member(factories.organisation(), role)
    url = reverse("accounts:api_token")

    # when they open the token page or try to create a token
    client = signed_in(member)
    page = client.get(url)
    created = client.post(url, {"action": "create"})

    # then the page does not exist for them, and no token was made
    assert page.status_code == 404 and created.status_code == 404
    assert not Token.objects.filter(user=member).exists()
    client.logout()
    assert signed_in(UserFactory()).get(url).status_code == 404


def test_network_admins_coordinators_and_staff_have_the_token_page(signed_in):
    organisation = factories.organisation()
    for user in (
        factories.network_admin(),
        factories.coordinator_of(organisation),
        factories.member(organisation, Role.STAFF),
    ):
        client = signed_in(user)
        assert client.get(reverse("accounts:api_token")).status_code == 200, user
        client.logout()


def test_a_token_held_by_a_role_that_does_not_use_the_api_is_refused_with_a_reason(client, enrol_totp):
    # Given a peer worker holding a token (made before the roles decided who holds one), with two-factor set up
    peer = factories.member(factories.organisation(), Role.PEER)
    enrol_totp(peer)
    key = Token.objects.create(user=peer).key

    # When a program calls the API with it
    response = client.get(WHOAMI, HTTP_AUTHORIZATION=f"Token {key}")

    # Then it is refused (valid credentials, not allowed: 403) and told why, without naming the account
    assert response.status_code == 403
    assert "API" in response.json()["detail"] and peer.username not in response.content.decode()


def test_a_staff_member_made_a_peer_loses_their_token_and_a_new_promotion_does_not_bring_it_back(client, enrol_totp):
    # Given a staff member whose token signs the API in
    organisation = factories.organisation()
    staff = factories.member(organisation, Role.STAFF)
    enrol_totp(staff)
    key = services.api_token_create(user=staff)
    assert client.get(WHOAMI, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    coordinator = factories.coordinator_of(organisation)
    membership = Membership.objects.get(user=staff, organisation=organisation)

    # When their coordinator makes them a peer worker, then staff again
    org_services.membership_change_role(membership=membership, role=Role.PEER, acting_user=coordinator)
    revoked = client.get(WHOAMI, HTTP_AUTHORIZATION=f"Token {key}")
    org_services.membership_change_role(membership=membership, role=Role.STAFF, acting_user=coordinator)

    # Then the token went with the role, and stays gone
    assert revoked.status_code == 401
    assert not Token.objects.filter(user=staff).exists()
    assert client.get(WHOAMI, HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_removing_a_member_or_deactivating_their_organisation_revokes_only_the_tokens_no_role_uses(enrol_totp):
    # Given staff of one organisation, one of them also staff elsewhere, and a member removed from a second one
    first, second, other = factories.organisation(), factories.organisation(), factories.organisation()
    only_here = factories.member(first, Role.STAFF)
    also_elsewhere = factories.member(first, Role.STAFF)
    factories.member(other, Role.STAFF, user=also_elsewhere)
    removed = factories.member(second, Role.STAFF)
    for user in (only_here, also_elsewhere, removed):
        services.api_token_create(user=user)

    # When the member leaves the second organisation, and a network administrator deactivates the first
    org_services.membership_remove(
        membership=Membership.objects.get(user=removed, organisation=second),
        acting_user=factories.coordinator_of(second),
    )
    org_services.organisation_set_active(organisation=first, active=False, acting_user=factories.network_admin())

    # Then the tokens of those left without an API role are gone, the other one stays
    assert set(Token.objects.values_list("user__username", flat=True)) == {also_elsewhere.username}
