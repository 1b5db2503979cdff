"""TOTP two-factor: the two-step sign-in, and who must enrol before using the platform."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import translation

from network.orgs.models import Role
from tests import factories
from tests.totp import code_now

from .conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls"), pytest.mark.usefixtures("api_in_english")]


def test_member_with_totp_is_signed_in_only_after_a_valid_code(client, password_login, enrol_totp, totp_code):
    # given a staff member with an authenticator app
    staff = enrol_totp(factories.member(factories.organisation(), Role.STAFF))

    # when they give the right password
    first_step = password_login(staff.username)

    # then they are asked for a code, and are not signed in yet
    assert first_step.status_code == 302
    assert first_step.url == reverse("mfa_authenticate")
    assert SESSION_KEY not in client.session
    assert client.get(reverse("orgs:dashboard")).status_code == 302  # to sign-in, not the dashboard

    # when they give a wrong code, they are still not signed in
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000" if totp_code(staff) != "000000" else "111111"})
    assert wrong.status_code == 200 and SESSION_KEY not in client.session

    # when they give the code their app shows
    second_step = client.post(reverse("mfa_authenticate"), {"code": totp_code(staff)})

    # then they are signed in
    assert second_step.status_code == 302
    assert client.session[SESSION_KEY] == str(staff.pk)


def test_the_second_step_cannot_be_skipped(client, password_login, enrol_totp):
    # given a coordinator with TOTP who passed the password step only
    coordinator = enrol_totp(factories.coordinator_of(factories.organisation()))
    password_login(coordinator.username)

    # when they go straight to a members' page
    response = client.get(reverse("orgs:dashboard"))

    # then they are not signed in
    assert response.status_code == 302 and reverse("account_login") in response.url
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize(
    ("make_user", "must_enrol"),
    [
        (lambda: factories.coordinator_of(factories.organisation()), True),
        (lambda: factories.member(factories.organisation(), Role.STAFF), True),
        (factories.network_admin, True),
        (lambda: factories.member(factories.organisation(), Role.PEER), False),
        (lambda: factories.member(factories.organisation(), Role.VOLUNTEER), False),
    ],
    ids=["coordinator", "staff", "network-admin", "peer", "volunteer"],
)
def test_roles_that_read_personal_data_must_enrol_before_anything_else(signed_in, make_user, must_enrol):
    # given a signed-in member without an authenticator
    client = signed_in(make_user(), with_totp=False)

    # when they open a members' page, and the API
    enrolment = reverse("mfa_activate_totp")  # in the page's language (the API request below speaks English)
    page = client.get(reverse("orgs:dashboard"))
    api = client.get("/api/v1/probe/whoami/")

    # then coordinators, staff and network admins are sent to enrolment, and the API refuses with a reason;
    # peers and volunteers are not held back
    if must_enrol:
        assert page.status_code == 302 and page.url == enrolment
        assert api.status_code == 403 and "Two-factor" in api.json()["detail"]
    else:
        assert page.status_code != 302 or page.url != enrolment
        assert api.status_code == 200


def test_coordinator_signing_in_is_sent_to_enrolment_and_through_once_enrolled(client, password_login, totp_code):
    # given a coordinator without an authenticator, who signs in with their password
    coordinator = factories.coordinator_of(factories.organisation())
    signed_in = password_login(coordinator.username, follow=True)

    # then they are signed in but held on the way to enrolment, which first asks their password again
    # (so that a stolen session cannot enrol the thief's authenticator)
    assert [url.split("?")[0] for url, _ in signed_in.redirect_chain][-2:] == [
        reverse("mfa_activate_totp"),
        reverse("account_reauthenticate"),
    ]
    assert client.session[SESSION_KEY] == str(coordinator.pk)
    assert client.get(reverse("orgs:dashboard")).url == reverse("mfa_activate_totp")
    confirmed = client.post(signed_in.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    assert confirmed.redirect_chain[-1][0] == reverse("mfa_activate_totp") and confirmed.status_code == 200

    # when they enter the code of the secret the page showed them (as their authenticator app would)
    secret = client.session[SECRET_SESSION_KEY]
    code = code_now(secret)
    activated = client.post(reverse("mfa_activate_totp"), {"code": code})

    # then they are enrolled and reach the members' pages
    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=coordinator, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("orgs:dashboard")).status_code == 200


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_sign_out_and_two_factor_pages_stay_reachable_under_every_language_prefix(client, password_login, language):
    # given a staff member who has not enrolled yet, signed in under a language prefix
    staff = factories.member(factories.organisation(), Role.STAFF)
    password_login(staff.username, language=language)
    with translation.override(language):
        enrol, index, logout, dashboard = (
            reverse("mfa_activate_totp"),
            reverse("mfa_index"),
            reverse("account_logout"),
            reverse("orgs:dashboard"),
        )
    assert enrol.startswith(f"/{language}/accounts/")

    # when they open the two-factor pages and the sign-out page under that prefix
    # then they are served, while a members' page sends them to enrolment in the same language
    to_password_check = client.get(enrol)
    assert to_password_check.status_code == 302
    assert to_password_check.url.startswith(f"/{language}/accounts/reauthenticate/")
    assert client.get(to_password_check.url).status_code == 200
    assert client.get(index).status_code == 200
    assert client.get(logout).status_code == 200
    held = client.get(dashboard)
    assert held.status_code == 302 and held.url == enrol

    # and sign-out works
    assert client.post(logout).status_code == 302
    assert SESSION_KEY not in client.session


def test_demo_setting_relaxes_the_two_factor_rule(settings, signed_in):
    # given the demo setting
    settings.PASSERELLE_REQUIRE_TWO_FACTOR = False
    client = signed_in(factories.coordinator_of(factories.organisation()), with_totp=False)

    # when a coordinator without an authenticator opens a members' page and the API
    page = client.get(reverse("orgs:dashboard"))
    api = client.get("/api/v1/probe/whoami/")

    # then they are not held back
    assert not (page.status_code == 302 and page.url == reverse("mfa_activate_totp"))
    assert api.status_code == 200


def test_api_token_of_a_member_who_must_enrol_is_refused_with_a_reason(client, enrol_totp):
    # given a staff member who has a token but no authenticator, and one who has both
    from rest_framework.authtoken.models import Token

    org = factories.organisation()
    without = factories.member(org, Role.STAFF)
    with_totp = enrol_totp(factories.member(org, Role.STAFF))
    volunteer = factories.member(org, Role.VOLUNTEER)
    keys = {user: Token.objects.create(user=user).key for user in (without, with_totp, volunteer)}

    # when each calls the API with their token
    def call(user):
        return client.get("/api/v1/probe/whoami/", HTTP_AUTHORIZATION=f"Token {keys[user]}")

    # then the one who must enrol gets 403 with the reason, the one with both gets through, and the volunteer is
    # not asked for a second factor (their token is refused for their role: tests/accounts/test_api_token.py)
    refused = call(without)
    assert refused.status_code == 403 and "Two-factor" in refused.json()["detail"]
    assert call(with_totp).json() == {"username": with_totp.username}
    assert "Two-factor" not in call(volunteer).json()["detail"]
