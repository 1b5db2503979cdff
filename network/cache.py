"""A Redis cache that answers as an empty cache while Redis is unreachable, instead of failing the request.

The cache only speeds things up or counts (DRF's throttles, allauth's rate limits, Wagtail's site root paths):
with Redis down, every API call and page would answer 500 because one of them reads the cache first. Here a
failed call behaves as a miss, and Redis is not asked again for RETRY_AFTER seconds (an OPTIONS entry, 5 by
default), so a dead or hung Redis costs one timeout per process and window, not one per call.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

_UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _key_not_found(*args: Any, **kwargs: Any) -> Any:
    raise ValueError("Key not found (the cache is unavailable).")


# What an empty cache answers, per method.
_FALLBACKS: dict[str, Callable[..., Any]] = {
    "get": lambda key, default=None, version=None: default,
    "set": lambda *args, **kwargs: None,
    "add": lambda *args, **kwargs: False,
    "touch": lambda *args, **kwargs: False,
    "delete": lambda *args, **kwargs: False,
    "get_many": lambda *args, **kwargs: {},
    "has_key": lambda *args, **kwargs: False,
    "incr": _key_not_found,
    "set_many": lambda *args, **kwargs: [],
    "delete_many": lambda *args, **kwargs: None,
    "clear": lambda *args, **kwargs: False,
}


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self._retry_after = float(options.pop("RETRY_AFTER", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._down_until = 0.0

    def hash_increment(self, key: str, field: str, amount: int = 1) -> int | None:
        """HINCRBY on a Redis hash (counters); None while Redis is unreachable, so the caller counts elsewhere."""
        client = self._cache.get_client(key, write=True)
        return client.hincrby(self.make_and_validate_key(key), field, amount)

    def raw_client(self) -> Any:
        """The redis-py client, for the few callers that need more than the cache API (moving counters)."""
        return self._cache.get_client(None, write=True)


def _degrading(name: str, fallback: Callable[..., Any]) -> Callable[..., Any]:
    original = getattr(RedisCache, name, None) or getattr(ResilientRedisCache, name)

    @wraps(original)
    def method(self: ResilientRedisCache, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() < self._down_until:
            return fallback(*args, **kwargs)
        try:
            return original(self, *args, **kwargs)
        except _UNAVAILABLE as error:
            self._down_until = time.monotonic() + self._retry_after
            logger.warning(
                "cache: Redis unavailable (%s); answering without it for %.0f s",
                type(error).__name__,
                self._retry_after,
            )
            return fallback(*args, **kwargs)

    return method


for _name, _fallback in _FALLBACKS.items():
    setattr(ResilientRedisCache, _name, _degrading(_name, _fallback))
ResilientRedisCache.hash_increment = _degrading("hash_increment", lambda *args, **kwargs: None)  # type: ignore[method-assign]
