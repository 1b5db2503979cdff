"""Sign-in pages: by username or email, sign-out, password reset without account enumeration, closed sign-up."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _without_csrf_token(content: bytes) -> str:
    """Pages compared byte for byte, except the CSRF token that Django masks anew on every response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())


def test_member_signs_in_with_username_or_email_and_not_with_a_wrong_password(client, password_login):
    # given a volunteer (no two-factor required) with an account
    user = UserFactory(username="amina", email="amina@example.org")

    # when they sign in with their username, then with their email in any case
    by_username = password_login("amina")
    signed_in_by_username = client.session.get(SESSION_KEY)
    client.logout()
    by_email = password_login("Amina@Example.org")
    signed_in_by_email = client.session.get(SESSION_KEY)
    client.logout()
    wrong = password_login("amina", "not-the-password")

    # then both sign them in, and a wrong password does not
    assert by_username.status_code == 302 and signed_in_by_username == str(user.pk)
    assert by_email.status_code == 302 and signed_in_by_email == str(user.pk)
    assert wrong.status_code == 200 and SESSION_KEY not in client.session


def test_failed_sign_in_is_announced_and_every_field_has_a_label(client, password_login):
    # given the sign-in page
    page = client.get(reverse("account_login"))
    html = page.content.decode()

    # then it uses the site layout, and each input has a visible label tied to it
    assert page.status_code == 200
    assert '<main id="main"' in html and "<title>" in html
    for input_id in re.findall(r'<input[^>]+type="(?:text|email|password)"[^>]*id="([^"]+)"', html):
        assert f'<label for="{input_id}"' in html
    assert "signup" not in html  # no invitation to an open sign-up that does not exist

    # when a sign-in fails
    failed = password_login("nobody", "wrong-password-1").content.decode()

    # then the error is in a region screen readers announce at once
    assert re.search(r'role="alert"[^>]*>.*?<li>', failed, re.S)


def test_sign_out_ends_the_session(client, signed_in):
    # given a signed-in volunteer
    client = signed_in(UserFactory())
    assert SESSION_KEY in client.session

    # when they sign out (POST, as allauth requires)
    response = client.post(reverse("account_logout"))

    # then they are signed out
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_open_sign_up_is_closed(client):
    # when someone tries to sign up
    page = client.get(reverse("account_signup"))
    posted = client.post(
        reverse("account_signup"),
        {"username": "intruder", "email": "i@example.org", "password1": "x" * 12, "password2": "x" * 12},
    )

    # then they are told sign-up is closed and no account is created
    assert page.status_code == 200 and "account/signup_closed.html" in [t.name for t in page.templates]
    assert posted.status_code == 200
    from network.accounts.models import User

    assert not User.objects.filter(username="intruder").exists()


def test_password_reset_answers_the_same_for_known_and_unknown_addresses_and_mails_only_the_known(client):
    # given one account
    UserFactory(username="nadia", email="nadia@example.org", first_name="Nadia", last_name="Realname")
    url = reverse("account_reset_password")

    # when a reset is asked for the known address and for an unknown one
    known = client.post(url, {"email": "nadia@example.org"}, follow=True)
    unknown = client.post(url, {"email": "nobody@example.org"}, follow=True)

    # then both answers are identical (same redirects, same status, same page)
    assert known.redirect_chain == unknown.redirect_chain
    assert known.status_code == unknown.status_code == 200
    assert _without_csrf_token(known.content) == _without_csrf_token(unknown.content)

    # and one mail was sent, to the known address only, carrying the link and no personal data
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nadia@example.org"]
    body = message.subject + message.body
    assert re.search(r"http://testserver/[a-z-]+/accounts/password/reset/key/\S+/", body)
    for personal in ("nadia", "Nadia", "Realname", "nadia@example.org"):
        assert personal not in body


def test_password_reset_link_lets_the_member_choose_a_new_password(client):
    # given a reset mail
    user = UserFactory(email="lea@example.org")
    client.post(reverse("account_reset_password"), {"email": "lea@example.org"})
    link = re.search(r"http://testserver(\S+/)", mail.outbox[0].body).group(1)

    # when they follow the link and choose a new password
    form = client.get(link, follow=True)
    new_password = "a-new-long-passphrase-42"
    done = client.post(form.redirect_chain[-1][0], {"password1": new_password, "password2": new_password})

    # then the new password works and the old one no longer does
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert not user.check_password(PASSWORD)
