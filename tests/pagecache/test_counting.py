"""A resource page served from the page cache still counts its view; views counted in Redis move into the daily
counters exactly once, and with Redis down they are counted in the database directly."""

from __future__ import annotations

import os
import uuid

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import timezone

from network.pagecache.middleware import HIT_HEADER
from network.resources import services
from network.resources.models import ResourceDailyCount, ResourceViewBatch
from network.resources.tasks import resource_views_flush
from tests import factories
from tests.resources import factories as library

pytestmark = pytest.mark.django_db


def views_today(page) -> int:
    row = ResourceDailyCount.objects.filter(page=page, day=timezone.localdate()).first()
    return row.views if row else 0


@pytest.fixture
def page():
    return library.make_resource(factories.organisation(name="Lotus Outreach"), title="Boîte à outils")


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


def test_a_view_served_from_the_cache_is_counted(client, page):
    assert client.get(page.url)[HIT_HEADER] == "miss"
    assert client.get(page.url)[HIT_HEADER] == "hit"

    assert views_today(page) == 2


def test_views_counted_in_redis_move_into_the_daily_counters_exactly_once(client, page, redis_cache):
    assert client.get(page.url)[HIT_HEADER] == "miss"
    assert client.get(page.url)[HIT_HEADER] == "hit"
    assert views_today(page) == 0  # counted in Redis, not yet in the database

    assert resource_views_flush.apply().get() == 2  # the beat task
    assert views_today(page) == 2
    assert resource_views_flush.apply().get() == 0
    assert views_today(page) == 2

    client.get(page.url)
    services.resource_views_flush()
    assert views_today(page) == 3


def test_a_batch_left_by_an_interrupted_flush_is_added_once(client, page, redis_cache):
    client.get(page.url)
    client.get(page.url)
    redis = redis_cache.raw_client()
    [counter] = redis.keys(redis_cache.make_key("resources:views:*"))
    day = timezone.localdate().isoformat()
    # Given a batch claimed and added to the database, whose deletion from Redis was lost...
    added = uuid.uuid4()
    redis.rename(counter, redis_cache.make_key(f"resources:views-claimed:{day}:{added}"))
    ResourceDailyCount.objects.create(page=page, day=timezone.localdate(), views=2)
    ResourceViewBatch.objects.create(id=added)
    # ...and a batch claimed by a run that stopped before its transaction
    client.get(page.url)
    [counter] = redis.keys(redis_cache.make_key("resources:views:*"))
    redis.rename(counter, redis_cache.make_key(f"resources:views-claimed:{day}:{uuid.uuid4()}"))

    services.resource_views_flush()

    assert views_today(page) == 3  # the first batch not again, the second once
    assert redis.keys(redis_cache.make_key("resources:*")) == []


def test_with_redis_down_pages_are_served_and_views_counted_in_the_database(client, page, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "network.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }

    for _visit in range(2):
        response = client.get(page.url)
        assert response.status_code == 200
        assert response[HIT_HEADER] == "miss"

    assert views_today(page) == 2


def test_beat_moves_the_counters_every_minute():
    schedule = {entry["task"]: entry["schedule"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["network.resources.tasks.resource_views_flush"] == 60.0
    assert resource_views_flush.name == "network.resources.tasks.resource_views_flush"
