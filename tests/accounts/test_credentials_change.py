"""Changing or resetting the password, or changing the second factor, ends the other sessions and the API tokens."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory
from tests.totp import code_now

from .conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls"), pytest.mark.usefixtures("api_in_english")]

NEW_PASSWORD = "a-much-longer-new-passphrase-42"
WHOAMI = "/api/v1/probe/whoami/"


def _elsewhere(user) -> tuple[Client, str]:
    """The same account signed in on another device, and an API token a program uses."""
    other = Client()
    other.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    assert other.get(WHOAMI).json()["username"] == user.username
    return other, Token.objects.create(user=user).key


def _assert_other_session_and_token_ended(user, other: Client, token: str) -> None:
    assert not Session.objects.filter(session_key=other.session.session_key).exists()
    assert other.get(WHOAMI).json()["username"] is None
    assert not Token.objects.filter(user=user).exists()
    assert Client().get(WHOAMI, HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


def _post_confirming_password(client, url: str, data: dict | None = None):
    """POST to an allauth page that may first ask the password again (re-authentication), as a member would:
    allauth then replays the suspended POST itself."""
    response = client.post(url, data or {})
    if response.status_code == 302 and reverse("account_reauthenticate") in response.url:
        response = client.post(response.url, {"password": PASSWORD})
    return response


def _sign_in_with_totp(client, password_login, totp_code, user) -> None:
    password_login(user.username)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(user)})
    assert client.session[SESSION_KEY] == str(user.pk)


def test_changing_the_password_ends_the_other_sessions_and_the_api_tokens(client, password_login):
    # given a member signed in here and on another device, with an API token
    user = UserFactory()
    password_login(user.username)
    other, token = _elsewhere(user)

    # when they change their password here
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    # then the other session and the token are gone
    assert response.status_code == 302
    _assert_other_session_and_token_ended(user, other, token)


def test_resetting_the_password_ends_every_session_and_the_api_tokens(client, mailoutbox):
    # given a member signed in on a device, with an API token, who forgot their password
    user = UserFactory()
    other, token = _elsewhere(user)

    # when they reset it through the emailed link
    client.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"https?://[^/\s]+(/\S+/password/reset/key/\S+/)", mailoutbox[-1].body).group(1)
    form_page = client.get(link, follow=True)
    response = client.post(form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    # then the session on the device and the token are gone
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    _assert_other_session_and_token_ended(user, other, token)


def test_adding_an_authenticator_ends_the_other_sessions_and_the_api_tokens_but_not_this_one(
    client, password_login, django_capture_on_commit_callbacks
):
    # given a member signed in here (with their password) and elsewhere, with an API token
    user = UserFactory()
    password_login(user.username)
    other, token = _elsewhere(user)

    # when they enrol an authenticator app here
    page = client.get(reverse("mfa_activate_totp"), follow=True)
    if page.redirect_chain and reverse("account_reauthenticate") in page.redirect_chain[-1][0]:
        client.post(page.redirect_chain[-1][0], {"password": PASSWORD})
        client.get(reverse("mfa_activate_totp"))
    code = code_now(client.session[SECRET_SESSION_KEY])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": code})

    # then the authenticator is on, this session stays, the other session and the token are gone
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get(WHOAMI).json()["username"] == user.username
    _assert_other_session_and_token_ended(user, other, token)


def test_removing_the_authenticator_ends_the_other_sessions_and_the_api_tokens(
    client, password_login, enrol_totp, totp_code, django_capture_on_commit_callbacks
):
    # given a member with an authenticator, signed in here with it and elsewhere, with an API token
    user = enrol_totp(UserFactory())
    _sign_in_with_totp(client, password_login, totp_code, user)
    other, token = _elsewhere(user)

    # when they remove the authenticator here
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_confirming_password(client, reverse("mfa_deactivate_totp"))

    # then it is gone, and so are the other session and the token
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    _assert_other_session_and_token_ended(user, other, token)


def test_regenerating_recovery_codes_ends_the_other_sessions_and_the_api_tokens(
    client, password_login, enrol_totp, totp_code, django_capture_on_commit_callbacks
):
    # given a member with an authenticator, signed in here with it and elsewhere, with an API token
    user = enrol_totp(UserFactory())
    _sign_in_with_totp(client, password_login, totp_code, user)
    other, token = _elsewhere(user)

    # when they generate new recovery codes
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_confirming_password(client, reverse("mfa_generate_recovery_codes"))

    # then the other session and the token are gone
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()
    _assert_other_session_and_token_ended(user, other, token)


def test_the_sessions_page_answers(signed_in):
    # given a signed-in member
    client = signed_in(UserFactory())

    # when they open the list of their sessions
    response = client.get(reverse("usersessions_list"))

    # then it answers (it was a 500: its templates load `humanize`)
    assert response.status_code == 200
