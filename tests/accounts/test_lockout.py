"""Lock-out after repeated failures (django-axes): clear, scoped to one account, and changing nothing else."""

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from network.accounts.models import User
from tests.factories import UserFactory

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _fail(password_login, login: str, times: int) -> list[int]:
    return [password_login(login, f"wrong-password-{attempt}").status_code for attempt in range(times)]


def test_after_five_failures_even_the_right_password_is_refused_with_a_clear_429(client, settings, password_login):
    # given an account and five failed attempts on it
    user = UserFactory(username="karim", email="karim@example.org")
    before = User.objects.values().get(pk=user.pk)
    statuses = _fail(password_login, "karim", settings.AXES_FAILURE_LIMIT)

    # then the first four say "wrong password" and the fifth announces the lock-out
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]

    # when the sixth attempt gives the right password
    sixth = password_login("karim", PASSWORD)

    # then it is refused with the lock-out page, and nobody is signed in
    assert sixth.status_code == 429
    assert "account/lockout.html" in [template.name for template in sixth.templates]
    body = sixth.content.decode()
    assert 'role="alert"' in body and "karim" not in body
    assert SESSION_KEY not in client.session

    # and signing in by email is the same account, so it is locked too
    assert password_login("karim@example.org", PASSWORD).status_code == 429

    # and nothing else changed: the account is untouched, its password still the same
    assert User.objects.values().get(pk=user.pk) == before
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_lock_out_of_one_account_does_not_lock_another_on_the_same_connection(client, settings, password_login):
    # given two people behind the same connection (a drop-in centre's wifi), one account locked out
    UserFactory(username="locked")
    other = UserFactory(username="colleague")
    _fail(password_login, "locked", settings.AXES_FAILURE_LIMIT)
    assert password_login("locked", PASSWORD).status_code == 429

    # when the other signs in with their right password
    response = password_login("colleague", PASSWORD)

    # then they are signed in
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(other.pk)


def test_sign_in_records_keep_no_typed_address_password_or_login_history(client, password_login):
    # given failed attempts with a known account's email and with an unknown address
    user = UserFactory(email="sam@example.org")
    password_login("sam@example.org", "wrong-password")
    password_login("someone@example.org", "wrong-password")

    # then axes counts the known account by id, and stores no typed address or password anywhere
    attempts = list(AccessAttempt.objects.values_list("username", "post_data", "get_data"))
    assert f"user:{user.pk}" in {username for username, _, _ in attempts}
    stored = " ".join(" ".join(str(value) for value in row) for row in attempts)
    assert "@" not in stored and "wrong-password" not in stored and PASSWORD not in stored

    # and a successful sign-in is not kept as a history of addresses (usersessions lists the live sessions)
    assert password_login("sam@example.org", PASSWORD).status_code == 302
    assert not AccessLog.objects.exists()


def test_failures_below_the_limit_are_forgiven_by_a_successful_sign_in(client, settings, password_login):
    # given four failures, then a successful sign-in
    UserFactory(username="joy")
    _fail(password_login, "joy", settings.AXES_FAILURE_LIMIT - 1)
    assert password_login("joy", PASSWORD).status_code == 302
    client.post(reverse("account_logout"))

    # when they mistype once more, then sign in
    _fail(password_login, "joy", 1)

    # then they are not locked out
    assert password_login("joy", PASSWORD).status_code == 302
