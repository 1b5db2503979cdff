"""Counting what a cached page would have counted when it rendered (a resource's views).

A view that counts calls `count_on_cache_hits(request, name, object_id)` beside its own count; the middleware keeps
the (name, id) pairs with the page and, on each hit, calls the counter the owning app registered under `name`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

logger = logging.getLogger(__name__)

_COUNTERS: dict[str, Callable[[Any], None]] = {}


def register_counter(name: str, counter: Callable[[Any], None]) -> None:
    """`counter(object_id)` counts one more view when a page that counted under `name` is served from the cache."""
    _COUNTERS[name] = counter


def count_on_cache_hits(request: HttpRequest, name: str, object_id: Any) -> None:
    if name not in _COUNTERS:
        raise LookupError(f"No page cache counter registered under {name!r}.")
    counted = getattr(request, "pagecache_counts", None)
    if counted is None:
        counted = request.pagecache_counts = []  # type: ignore[attr-defined]
    counted.append((name, object_id))


def count_hit(counts: list[tuple[str, Any]]) -> None:
    for name, object_id in counts:
        counter = _COUNTERS.get(name)
        if counter is None:
            logger.warning("pagecache: no counter %s any more; a cached view was not counted", name)
            continue
        counter(object_id)
