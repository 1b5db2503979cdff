"""What a signed-in request no longer builds afresh (issue 16) never outlives a change: the policy's facts query is
compiled once per process but run on every request, the session row is read with one plain statement, and the
member's header is kept in the shared cache without their CSRF token, name or address. With the real cache (Redis,
as in production): a member removed, deactivated, or whose organisation is deactivated loses access at once, and
two-factor enforcement still holds."""

from __future__ import annotations

import os
import re
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from network.accounts.models import User
from network.orgs import services as org_services
from network.orgs.models import Membership, Role
from tests import factories

pytestmark = pytest.mark.django_db

INBOX = "/en/referrals/"
NAV_LINK = f'href="{INBOX}"'


@pytest.fixture
def redis_cache(settings):
    """The shared cache on the test Redis (CI sets REDIS_URL), as in production."""
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("needs REDIS_URL (CI sets it)")
    settings.CACHES = {"default": {"BACKEND": "network.cache.ResilientRedisCache", "LOCATION": url}}
    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def lotus():
    return factories.organisation(name="Lotus Outreach")


def _header(html: str) -> str:
    return html.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]


def _token_in(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_member_removed_from_their_organisation_loses_the_inbox_and_its_link_at_once(
    client, signed_in, enrol_totp, redis_cache, lotus
):
    # given two staff members of Lotus; one signed in, who opened the inbox (its header now kept in the cache)
    staff = factories.member(lotus, Role.STAFF)
    colleague = factories.member(lotus, Role.STAFF)
    coordinator = factories.member(lotus, Role.COORDINATOR)
    signed_in(staff)
    page = client.get(INBOX)
    assert page.status_code == 200 and NAV_LINK in _header(page.content.decode())
    assert '<p class="lead">Lotus Outreach</p>' in page.content.decode()  # the receiving organisation, named

    # when a coordinator removes them from Lotus
    org_services.membership_remove(
        membership=Membership.objects.get(user=staff, organisation=lotus), acting_user=coordinator
    )

    # then their next request is refused and their header no longer offers the inbox; the colleague keeps both
    assert client.get(INBOX).status_code == 403
    assert NAV_LINK not in _header(client.get("/en/organisations/").content.decode())
    other = Client()
    enrol_totp(colleague)
    other.force_login(colleague, backend="allauth.account.auth_backends.AuthenticationBackend")
    page = other.get(INBOX)
    assert page.status_code == 200 and NAV_LINK in _header(page.content.decode())


def test_members_of_a_deactivated_organisation_lose_the_inbox_at_once(client, signed_in, redis_cache, lotus):
    staff = factories.member(lotus, Role.STAFF)
    signed_in(staff)
    assert client.get(INBOX).status_code == 200

    org_services.organisation_set_active(organisation=lotus, active=False, acting_user=factories.network_admin())

    assert client.get(INBOX).status_code == 403


def test_a_member_deactivated_even_by_a_bulk_update_is_signed_out_at_once(client, signed_in, redis_cache, lotus):
    # given a signed-in staff member whose inbox answers
    staff = factories.member(lotus, Role.STAFF)
    signed_in(staff)
    assert client.get(INBOX).status_code == 200

    # when they are deactivated the way Wagtail's bulk action does it (an UPDATE: no model signal)
    User.objects.filter(pk=staff.pk).update(is_active=False)

    # then the very next request is that of someone signed out: nothing of the user was kept between requests
    response = client.get(INBOX)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_removing_the_second_factor_holds_a_staff_member_back_at_once(client, signed_in, redis_cache, lotus):
    staff = factories.member(lotus, Role.STAFF)
    peer = factories.member(lotus, Role.PEER)  # a role that reads no personal data: no second factor required
    signed_in(staff)
    assert client.get(INBOX).status_code == 200

    Authenticator.objects.filter(user=staff).delete()

    response = client.get(INBOX)
    assert response.status_code == 302 and "/2fa/totp/activate" in response["Location"]
    signed_in(peer, with_totp=False)
    assert client.get("/en/organisations/").status_code == 200


def test_an_expired_session_row_is_not_read(client, signed_in, lotus):
    staff = factories.member(lotus, Role.STAFF)
    signed_in(staff)
    assert client.get(INBOX).status_code == 200

    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    response = client.get(INBOX)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_kept_header_holds_no_token_name_or_address_and_each_member_gets_their_own(enrol_totp, redis_cache, lotus):
    # given two members of Lotus with the same role and names of their own, on the same page (one kept header)
    first = factories.member(lotus, Role.STAFF, public_name="Ana Lys")
    second = factories.member(lotus, Role.STAFF, public_name="Bea Roc")
    pages = {}
    for user in (first, second):
        client = Client(enforce_csrf_checks=True)
        enrol_totp(user)
        client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
        pages[user.public_name] = (client, client.get("/en/organisations/?from=<mail>").content.decode())

    # then each page names its own member, carries its own valid CSRF token and its own address, escaped
    for name, (client, html) in pages.items():
        header = _header(html)
        assert f"({name})" in header
        assert 'value="/en/organisations/?from=%3Cmail%3E"' in header or "&lt;mail&gt;" in header
        assert "<mail>" not in header
        response = client.post(
            "/i18n/setlang/", {"language": "fr", "next": "/", "csrfmiddlewaretoken": _token_in(html)}
        )
        assert response.status_code == 302  # accepted: the token in the page is the member's
    assert _token_in(pages["Ana Lys"][1]) != _token_in(pages["Bea Roc"][1])

    # and what the cache holds names nobody and carries no token
    redis = redis_cache.raw_client()
    kept = b"".join(redis.get(key) or b"" for key in redis.keys("*slotted*"))
    assert kept  # the header was kept
    for name, (_client, html) in pages.items():
        assert name.encode() not in kept
        assert _token_in(html).encode() not in kept
