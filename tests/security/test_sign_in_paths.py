"""No way around two-factor sign-in: every password form the URL resolver serves, and Wagtail's user admin.

allauth's sign-in asks for the second factor; any other view that takes a password and signs in (Django's
`LoginView`, which Wagtail mounts for its admin and for private pages) would skip it. The list comes from the
resolver, so a login view that a new dependency mounts is caught too.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.views import LoginView
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from network.orgs.models import Role
from tests import factories
from tests.security.conftest import enrol_totp_for

PASSWORD = "correct-horse-battery"  # UserFactory's password


def password_login_paths() -> list[str]:
    """Paths (without parameters) whose view, as the resolver finds it first, is a Django password LoginView."""
    found: list[str] = []

    def walk(resolver: URLResolver, prefix: str) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                view_class = getattr(pattern.callback, "view_class", None)
                route = prefix + str(pattern.pattern)
                if view_class and issubclass(view_class, LoginView) and not re.search(r"[<(\\^$]", route):
                    found.append("/" + route.replace("fr/", "en/", 1))

    walk(get_resolver(), "")
    return sorted(set(found))


def test_the_resolver_walk_finds_the_password_login_views_wagtail_mounts():
    paths = password_login_paths()

    assert "/admin/login/" in paths  # Wagtail admin's (answered by our redirect: it comes first)
    assert "/en/_util/login/" in paths  # Wagtail's login for private pages


@pytest.mark.django_db
@pytest.mark.parametrize("path", password_login_paths())
def test_no_password_form_signs_a_two_factor_member_in_without_the_second_factor(path):
    # Given a coordinator (who reads referral personal data) enrolled in two-factor authentication
    coordinator = factories.member(factories.organisation(), Role.COORDINATOR)
    enrol_totp_for(coordinator)
    client = Client()

    # When their password alone is posted to a password login form
    client.post(path, {"username": coordinator.username, "password": PASSWORD, "login": coordinator.username})

    # Then they are not signed in, and the referral inbox still asks them to sign in
    assert SESSION_KEY not in client.session, f"{path} signs in with a password alone, skipping two-factor"
    assert client.get("/en/referrals/").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.STAFF, Role.PEER, "network admin"])
def test_nobody_with_admin_access_reaches_wagtails_user_and_group_admin(role, signed_in):
    # Managing users in Wagtail's admin makes anyone a superuser (groups, permissions): members are managed on our
    # own screens, through the services and the policy, by coordinators and network administrators alike
    if role == "network admin":
        user = factories.network_admin()
    else:
        user = factories.member(factories.organisation(), role)
    client = signed_in(user)

    for path in ("/admin/users/", "/admin/users/add/", "/admin/groups/", "/admin/groups/new/"):
        response = client.get(path)
        assert response.status_code in (302, 403, 404), path
        assert response.status_code != 302 or not response["Location"].startswith(path), path
