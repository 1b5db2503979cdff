"""Fragments rendered once per distinct content and kept in the cache (library cards, inbox rows, the header).

A fragment's key is everything it shows (with the language and the time zone it is shown in), so a change to any
shown value is a new fragment and a stale one is never served; the fragment holds nothing its key does not. Only a
request whose own rows (already filtered by the access policy) hold exactly that content ever finds it: the cache
is shared between people, what it holds is not anyone's beyond what they see.
"""

from __future__ import annotations

import hashlib
import re
import uuid
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


_SLOT_PREFIX = "passerelle-slot-"


def cached_with_slots(
    template_name: str,
    context: dict[str, Any],
    *,
    shown: tuple[Any, ...],
    slots: dict[str, Callable[[], str]],
    seconds: int,
    request: Any = None,
) -> SafeString:
    """`template_name` rendered once per `shown` (every value it shows, but the slots') and kept in the cache, with
    the per-request values put in afterwards: `slots` maps a context variable to a function giving its HTML
    (already escaped). With `request`, the context processors add their variables (`context` and the slots win).
    The template is rendered with a random marker in each slot variable and kept cut at the
    markers, so the cache holds neither the slots' values nor anything a visitor's input could turn into a slot.
    """
    setting = (get_language() or "", timezone.get_current_timezone_name())
    key = "passerelle:slotted:" + hashlib.sha256(repr((template_name, setting, shown)).encode()).hexdigest()
    parts: list[str | int] | None = cache.get(key)
    if parts is None:
        names = list(slots)
        markers = {name: f"{_SLOT_PREFIX}{uuid.uuid4().hex}" for name in names}
        html = render_to_string(template_name, {**context, **markers}, request)
        by_marker = {marker: index for index, marker in enumerate(markers.values())}
        pattern = re.compile("|".join(re.escape(marker) for marker in by_marker))
        parts, start = [], 0
        for found in pattern.finditer(html):
            parts += [html[start : found.start()], by_marker[found.group()]]
            start = found.end()
        parts.append(html[start:])
        cache.set(key, parts, seconds)
    values = [value() for value in slots.values()]
    return mark_safe(  # noqa: S308  (the engine escaped the template; each slot's value is escaped HTML)  # nosec B308 B703
        "".join(part if isinstance(part, str) else values[part] for part in parts)
    )
