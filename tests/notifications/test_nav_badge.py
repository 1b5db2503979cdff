"""The unread badge in the navigation: the count of the member's unread notifications, read by screen readers as
"3 unread notifications", put into the cached signed-in header on each request: a new notification shows on the
next page at once, and one member's count never reaches another through the cache."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from network.notifications.models import Notification
from network.notifications.navigation import BADGE_LIMIT
from network.notifications.services import notify
from tests import factories

pytestmark = pytest.mark.django_db

BADGE = re.compile(r'<span class="badge badge--danger" aria-hidden="true">([^<]*)</span>')


def _notify(user, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        notify(users=[user], topic="referrals.received", object_id=f"event-{n}", link="/", email=False)


def _badge(client) -> str | None:
    page = client.get(reverse("orgs:dashboard")).content.decode()
    nav = page[page.index('<nav class="site-nav"') : page.index("</nav>")]
    found = BADGE.search(nav)
    return found.group(1) if found else None


def test_the_badge_counts_unread_notifications_and_says_so_to_screen_readers(client, signed_in, in_english):
    # Given a member with three unread notifications
    member = factories.member(factories.organisation(), language="en")
    _notify(member, 3)
    signed_in(member)

    # Then the navigation's Notifications link shows 3, and says "3 unread notifications" to screen readers
    page = client.get(reverse("orgs:dashboard")).content.decode()
    assert _badge(client) == "3"
    assert '<span class="visually-hidden"> 3 unread notifications</span>' in page


def test_a_new_notification_shows_at_once_despite_the_cached_header(client, signed_in):
    # Given a member who saw their header (now cached) with nothing unread
    cache.clear()
    member = factories.member(factories.organisation())
    signed_in(member)
    assert _badge(client) is None

    # When a notification arrives, then the next page shows it, through the same cached header
    _notify(member, 1)
    assert _badge(client) == "1"

    # And when they open it, the badge goes
    notification = Notification.objects.get(user=member)
    client.post(reverse("notifications:open", args=[notification.pk]))
    assert _badge(client) is None


def test_the_cached_header_never_carries_one_members_count_to_another(client, signed_in):
    # Given a member with unread notifications who rendered the header on a page
    cache.clear()
    busy, quiet = factories.member(factories.organisation()), factories.member(factories.organisation())
    _notify(busy, 2)
    signed_in(busy)
    assert _badge(client) == "2"

    # When another member opens the same page, then they see no badge (nothing unread of theirs)
    signed_in(quiet)
    assert _badge(client) is None


def test_beyond_the_limit_the_badge_says_more_than(client, signed_in, in_english):
    member = factories.member(factories.organisation(), language="en")
    Notification.objects.bulk_create(
        Notification(user=member, topic="referrals.received", object_id=f"e{n}", link="/")
        for n in range(BADGE_LIMIT + 3)
    )
    signed_in(member)

    page = client.get(reverse("orgs:dashboard")).content.decode()
    assert _badge(client) == f"{BADGE_LIMIT}+"
    assert f"more than {BADGE_LIMIT} unread notifications" in page


def test_the_badge_costs_one_query_whatever_the_number_unread(client, signed_in, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    member = factories.member(factories.organisation())
    signed_in(member)
    _notify(member, 1)
    client.get(reverse("notifications:list"))  # warm the caches
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notifications:list"))
    Notification.objects.bulk_create(
        Notification(user=member, topic="referrals.received", object_id=f"e{n}", link="/") for n in range(40)
    )
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("notifications:list"))


def test_anonymous_visitors_have_no_badge(client):
    page = client.get(reverse("orgs:directory")).content.decode()
    assert "unread notification" not in page
    assert not BADGE.search(page)
