"""Idle sessions end; disabling an account ends its sessions and API tokens at once."""

from datetime import timedelta

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from network.accounts import services
from network.orgs.models import Role
from network.orgs.policy import AccessDenied
from tests import factories
from tests.factories import UserFactory

from .conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls"), pytest.mark.usefixtures("api_in_english")]

WHOAMI = "/api/v1/probe/whoami/"


def _is_signed_in(client) -> bool:
    """Ask the API who we are: it answers the username of the session's user, or null."""
    return client.get(WHOAMI).json()["username"] is not None


def _session(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_session_idle_past_the_limit_no_longer_authenticates(settings, signed_in):
    # given a signed-in volunteer who then stays idle past the limit
    client = signed_in(UserFactory())
    assert _is_signed_in(client)
    Session.objects.filter(pk=_session(client).pk).update(expire_date=timezone.now() - timedelta(seconds=1))

    # when they come back
    response = client.get(reverse("orgs:dashboard"))

    # then they are asked to sign in again
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert not _is_signed_in(client)


def test_each_request_pushes_the_idle_limit_back(settings, signed_in):
    # given a signed-in member whose session would end in a minute
    client = signed_in(UserFactory())
    Session.objects.filter(pk=_session(client).pk).update(expire_date=timezone.now() + timedelta(minutes=1))

    # when they keep working
    assert _is_signed_in(client)

    # then the session now ends a full idle period after this request
    remaining = _session(client).expire_date - timezone.now()
    assert (
        timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
        < remaining
        <= timedelta(seconds=settings.SESSION_COOKIE_AGE)
    )


def test_a_request_soon_after_the_last_refresh_does_not_rewrite_the_session(settings, signed_in):
    # given a session whose idle limit was pushed back a few seconds ago
    client = signed_in(UserFactory())
    recently = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 5)
    Session.objects.filter(pk=_session(client).pk).update(expire_date=recently)

    # when the member keeps working
    assert _is_signed_in(client)

    # then the session row is left as it was (no write per request), and still ends an idle period from now
    assert _session(client).expire_date == recently


def test_sign_in_through_allauth_is_tracked_as_a_user_session(client, password_login):
    # when a volunteer signs in through the real login view
    user = UserFactory()
    password_login(user.username)

    # then allauth tracks the session
    assert list(UserSession.objects.filter(user=user).values_list("session_key", flat=True)) == [
        client.session.session_key
    ]


def test_network_admin_disabling_a_user_signs_them_out_everywhere_and_kills_their_token(
    client, django_user_model, password_login, enrol_totp
):
    # given a staff member signed in twice: in a browser through allauth, and in a session opened by Django's
    # login() that allauth has not seen yet; and an API token
    from django.test import Client

    user = UserFactory()
    password_login(user.username)
    browser = client
    untracked = Client()
    untracked.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    factories.member(factories.organisation(), Role.STAFF, user=user)  # a role that holds an API token
    enrol_totp(user)
    token = Token.objects.create(user=user).key
    assert _is_signed_in(browser) and _is_signed_in(untracked)
    assert Client().get(WHOAMI, HTTP_AUTHORIZATION=f"Token {token}").json() == {"username": user.username}
    admin = enrol_totp(factories.network_admin())

    # when a network administrator disables the account
    services.user_deactivate(user=user, acting_user=admin)

    # then every session and the token are gone
    assert not Session.objects.filter(session_key__in=[browser.session.session_key, untracked.session.session_key])
    assert not UserSession.objects.filter(user=user).exists()
    assert not Token.objects.filter(user=user).exists()

    # and the next request of each client is anonymous, and the token is refused with a reason
    assert not _is_signed_in(browser)
    assert browser.get(reverse("orgs:dashboard")).status_code == 302
    assert not _is_signed_in(untracked)
    refused = Client(headers={"Accept-Language": "en"}).get(WHOAMI, HTTP_AUTHORIZATION=f"Token {token}")
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"] and "disabled" in refused.json()["detail"]

    # and the password no longer opens a session
    client.logout()
    password_login(user.username, PASSWORD)
    assert SESSION_KEY not in client.session


def test_coordinator_cannot_disable_a_user_and_nothing_changes(signed_in):
    # given a coordinator and a member of their organisation, signed in with a token
    org = factories.organisation()
    coordinator = factories.coordinator_of(org)
    member = factories.member(org, Role.PEER)
    client = signed_in(member)
    Token.objects.create(user=member)

    # when the coordinator tries to disable the member
    with pytest.raises(AccessDenied):
        services.user_deactivate(user=member, acting_user=coordinator)

    # then the account, its session and its token are untouched
    member.refresh_from_db()
    assert member.is_active
    assert _is_signed_in(client)
    assert Token.objects.filter(user=member).exists()


def test_unticking_active_in_the_wagtail_user_admin_ends_sessions_and_tokens(signed_in, enrol_totp):
    # given a signed-in volunteer with a token, and a superuser in the Wagtail admin
    from django.test import Client

    user = UserFactory()
    volunteer = signed_in(user)
    Token.objects.create(user=user)
    superuser = enrol_totp(UserFactory(is_superuser=True, is_staff=True))
    admin = Client()
    admin.force_login(superuser, backend="allauth.account.auth_backends.AuthenticationBackend")
    edit_url = reverse("wagtailusers_users:edit", args=[user.pk])
    form = admin.get(edit_url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data["groups"] = []

    # when the superuser unticks "active" and saves
    response = admin.post(edit_url, {**data, "is_active": ""})

    # then the account is disabled, its session and token gone
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    user.refresh_from_db()
    assert not user.is_active
    assert not Token.objects.filter(user=user).exists()
    assert not _is_signed_in(volunteer)


def test_saving_a_disabled_account_again_does_not_touch_other_accounts_sessions(signed_in):
    # given a disabled account, and another signed-in member
    disabled = UserFactory(is_active=False)
    other_client = signed_in(UserFactory())

    # when the disabled account is saved again
    disabled.first_name = "Renamed"
    disabled.save()

    # then the other member stays signed in
    assert _is_signed_in(other_client)
