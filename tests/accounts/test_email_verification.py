"""An email address counts only once its owner verified it: not primary, not a sign-in, not a mail recipient."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from network.notifications.services import notify
from tests import factories
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls"), pytest.mark.usefixtures("api_in_english")]


def test_an_added_address_stays_unverified_and_cannot_be_made_primary(signed_in):
    # given a member with a verified address
    user = UserFactory(email="mine@example.org")
    client = signed_in(user, with_totp=False)  # (with an authenticator, allauth refuses to add any address)

    # when they add someone else's address and ask to make it primary
    client.post(reverse("account_email"), {"email": "someone.else@example.org", "action_add": ""})
    client.post(reverse("account_email"), {"email": "someone.else@example.org", "action_primary": ""})

    # then it is there, unverified and not primary; their own address stays the account's
    added = EmailAddress.objects.get(user=user, email="someone.else@example.org")
    assert not added.verified and not added.primary
    user.refresh_from_db()
    assert user.email == "mine@example.org"
    assert EmailAddress.objects.get(user=user, primary=True).email == "mine@example.org"


def test_an_unverified_address_cannot_be_used_to_sign_in(client, password_login):
    # given a member whose account also holds an address they never verified
    user = UserFactory(email="verified@example.org")
    EmailAddress.objects.create(user=user, email="unverified@example.org", verified=False, primary=False)

    # when they sign in with the unverified address and the right password
    response = password_login("unverified@example.org")

    # then they are not signed in: they are asked to verify the address first
    assert SESSION_KEY not in client.session
    assert response.status_code == 302 and reverse("account_email_verification_sent") in response.url

    # while the verified address signs them in
    password_login("verified@example.org")
    assert client.session[SESSION_KEY] == str(user.pk)


def test_an_account_without_a_verified_address_cannot_sign_in(client, password_login):
    # given an account whose only address was never verified
    user = UserFactory(email="never@example.org", verified_email=False)

    # when its owner signs in by username
    password_login(user.username)

    # then the sign-in stops until the address is verified
    assert SESSION_KEY not in client.session


def test_wagtails_account_page_does_not_change_the_email_address(signed_in):
    # given a network administrator (who reaches Wagtail's account page)
    admin = factories.network_admin(email="admin@example.org")
    client = signed_in(admin)

    # when they post a new address to Wagtail's account page
    page = client.get(reverse("wagtailadmin_account"))
    client.post(
        reverse("wagtailadmin_account"),
        {"name_email-email": "taken.over@example.org", "name_email-first_name": "A", "name_email-last_name": "B"},
    )

    # then the page offers no email field and the address is unchanged
    assert page.status_code == 200
    assert 'name="name_email-email"' not in page.content.decode()
    admin.refresh_from_db()
    assert admin.email == "admin@example.org"


def test_no_mail_goes_to_an_address_its_owner_never_verified(mailoutbox):
    # given two members: one with a verified address, one without
    verified = UserFactory(email="verified@example.org")
    unverified = UserFactory(email="typed@example.org", verified_email=False)

    # when both are notified
    notify(users=[verified, unverified], topic="referral.accepted", object_id="1", reference="R-1", link="/")

    # then only the verified address receives a mail
    assert [mail.to for mail in mailoutbox] == [["verified@example.org"]]
