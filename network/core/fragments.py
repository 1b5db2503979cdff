"""Fragments of a list rendered once per distinct content and kept in the cache (library cards, inbox rows).

A fragment's key is everything it shows (with the language and the time zone it is shown in), so a change to any
shown value is a new fragment and a stale one is never served; the fragment holds nothing its key does not. Only a
request whose own rows (already filtered by the access policy) hold exactly that content ever finds it: the cache
is shared between people, what it holds is not anyone's beyond what they see.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

Item = TypeVar("Item")


def cached_fragments(
    template_name: str,
    items: Iterable[Item],
    *,
    shown: Callable[[Item], tuple[Any, ...]],
    context: Callable[[Item], dict[str, Any]],
    seconds: int,
) -> list[SafeString]:
    """`template_name` rendered for each item (with `context(item)`), in order; `shown(item)` must return every
    value the fragment shows. One cache round trip for the whole list; the misses are rendered and stored."""
    setting = (get_language() or "", timezone.get_current_timezone_name())
    keyed: list[tuple[str, Item]] = []
    for item in items:
        digest = hashlib.sha256(repr((template_name, setting, shown(item))).encode()).hexdigest()
        keyed.append((f"passerelle:fragment:{digest}", item))
    if not keyed:
        return []
    found: dict[str, SafeString] = cache.get_many([key for key, _item in keyed])
    missing: dict[str, SafeString] = {}
    for key, item in keyed:
        if key not in found:
            html = render_to_string(template_name, context(item))
            found[key] = missing[key] = mark_safe(html)  # noqa: S308  (the template engine escaped it)  # nosec B308 B703
    if missing:
        cache.set_many(missing, seconds)
    return [found[key] for key, _item in keyed]
