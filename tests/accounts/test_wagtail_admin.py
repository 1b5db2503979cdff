"""The Wagtail admin signs people in through allauth (and so through two-factor and the lock-out)."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_of_the_admin_ends_at_the_allauth_login(client):
    # when an anonymous visitor opens the admin, or its own login page
    admin = client.get("/admin/", follow=True)
    admin_login = client.get("/admin/login/", follow=True)

    # then both end at allauth's sign-in page
    login = reverse("account_login")
    assert admin.redirect_chain[-1][0].split("?")[0] == login
    assert admin_login.redirect_chain[-1][0].split("?")[0] == login
    assert "account/login.html" in [template.name for template in admin.templates]


def test_network_admin_with_two_factor_reaches_the_admin(signed_in):
    # given a network administrator enrolled in two-factor
    client = signed_in(factories.network_admin())

    # when they open the admin, then it opens
    assert client.get("/admin/").status_code == 200


def test_wagtail_login_form_cannot_sign_in_with_a_password_alone(client, enrol_totp):
    # given a network administrator with two-factor
    from django.contrib.auth import SESSION_KEY

    from .conftest import PASSWORD

    admin = enrol_totp(factories.network_admin())

    # when they post their password to the Wagtail login URL
    response = client.post("/admin/login/", {"username": admin.username, "password": PASSWORD})

    # then they are not signed in, but sent to allauth's sign-in (which asks for the second factor)
    assert SESSION_KEY not in client.session
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_admin_login_redirect_keeps_only_a_local_next(client):
    local = client.get("/admin/login/?next=/admin/pages/")
    foreign = client.get("/admin/login/?next=https://evil.example/")

    assert local.url == reverse("account_login") + "?next=%2Fadmin%2Fpages%2F"
    assert foreign.url == reverse("account_login")
