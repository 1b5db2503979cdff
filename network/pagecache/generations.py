"""Generations: one token per group of public pages, in the shared cache; a page's key includes its groups' tokens.

A write that changes what a group shows calls `public_pages_changed(group, ...)` in its transaction. A new token
is written at once and again after commit: a request that read a token before the commit stores its page under
that token's key, which nobody asks for after the commit, so a page rendered from data older than the commit is
never served. (The first write is what tests see, whose transactions never commit.)
A token that is missing (evicted, Redis flushed or restarted) is replaced by a new one: everything of the group
is a miss, never stale.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import transaction

#: Wagtail pages (home, standard pages, the library and its searches, resources, advocacy pages), the library's
#: feeds and the sitemap.
CONTENT = "content"
#: The organisation and service directory pages and the HSDS read API.
DIRECTORY = "directory"
#: Key messages and the advocacy calendar (and its .ics feed).
ADVOCACY = "advocacy"
GROUPS = (CONTENT, DIRECTORY, ADVOCACY)

_PREFIX = "pagecache:generation:"


def page_cache() -> BaseCache:
    return caches[settings.PAGE_CACHE_ALIAS]


def current(groups: Iterable[str]) -> dict[str, str]:
    """The groups' tokens (one round trip to the cache; a missing token is created)."""
    cache = page_cache()
    keys = {group: _PREFIX + group for group in groups}
    found = cache.get_many(list(keys.values()))
    tokens = {}
    for group, key in keys.items():
        token = found.get(key)
        if token is None:
            cache.add(key, uuid.uuid4().hex, None)
            token = cache.get(key) or "unavailable"
        tokens[group] = token
    return tokens


def public_pages_changed(*groups: str) -> None:
    """What anonymous visitors see in `groups` changed: their cached pages are not served again, in any process.

    Called by the services (and the Wagtail signal receivers) that write public content, inside their transaction;
    the change takes effect when it commits (at once outside a transaction).
    """
    unknown = set(groups) - set(GROUPS)
    if unknown:
        raise ValueError(f"Unknown page cache groups: {sorted(unknown)}")

    def bump() -> None:
        page_cache().set_many({_PREFIX + group: uuid.uuid4().hex for group in groups}, None)

    bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(bump)


def everything_changed() -> None:
    """An organisation's name, logo or state shows on every kind of public page."""
    public_pages_changed(*GROUPS)
