"""What the page cache refuses to keep, whatever the address: answers with a CSRF token, a cookie, an error, or
made for a signed-in user, or by a view that is not on the list."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory

from network.pagecache.middleware import AnonymousPageCacheMiddleware, groups_of


def answered(*, view_name: str = "wagtail_serve", csrf: bool = False, cookie: bool = False, status: int = 200):
    request = RequestFactory().get("/fr/library/")
    request.user = AnonymousUser()
    request.resolver_match = SimpleNamespace(view_name=view_name, namespaces=[])
    if csrf:
        get_token(request)
    response = HttpResponse("<p>page</p>", status=status)
    if cookie:
        response.set_cookie("something", "value")
    return request, response


def test_a_plain_public_answer_is_kept():
    assert AnonymousPageCacheMiddleware._may_keep(*answered())


@pytest.mark.parametrize(
    "refused",
    [
        {"csrf": True},
        {"cookie": True},
        {"status": 404},
        {"status": 302},
        {"view_name": "referrals:inbox"},
        {"view_name": "account_login"},
    ],
)
def test_answers_with_a_csrf_token_a_cookie_an_error_or_from_another_view_are_not_kept(refused):
    assert not AnonymousPageCacheMiddleware._may_keep(*answered(**refused))


def test_private_answers_and_signed_in_users_are_not_kept(django_user_model):
    request, response = answered()
    response["Cache-Control"] = "private"
    assert not AnonymousPageCacheMiddleware._may_keep(request, response)

    request, response = answered()
    request.user = django_user_model(username="someone")
    assert not AnonymousPageCacheMiddleware._may_keep(request, response)


def test_members_areas_have_no_place_in_the_cache():
    for path in ("/fr/referrals/", "/fr/me/", "/fr/accounts/login/", "/fr/manage/x/services/", "/admin/", "/api/v1/"):
        assert groups_of(path) is None, path
    assert groups_of("/fr/library/") == ("content",)
    assert groups_of("/hsds/services") == ("directory",)
    assert groups_of("/fr/advocacy/calendar/") == ("advocacy",)
