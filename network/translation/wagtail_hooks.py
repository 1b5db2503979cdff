"""wagtail-localize's admin URLs, each behind the access policy (see `admin_urls.py`).

Wagtail builds its admin URLconf from the `register_admin_urls` and `register_admin_viewset` hooks. Rather than
add shadowing copies in front of them, the hooks wagtail-localize registers are replaced here by the same hooks
with every URL pattern guarded: the resolver holds each wagtail-localize URL once, with its guard.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import wagtail_localize.locales.wagtail_hooks as localize_locales_hooks
import wagtail_localize.wagtail_hooks as localize_hooks
from wagtail import hooks

from network.translation.admin_urls import guard_urlpatterns


def _guarded_urls(original: Callable[[], list[Any]]) -> Callable[[], list[Any]]:
    def register_admin_urls() -> list[Any]:
        return guard_urlpatterns(original() or [])

    return register_admin_urls


def _guarded_viewset(original: Callable[[], Any]) -> Callable[[], Any]:
    def register_viewset() -> Any:
        viewset = original()
        get_urlpatterns = viewset.get_urlpatterns
        viewset.get_urlpatterns = lambda: guard_urlpatterns(get_urlpatterns(), viewset.url_namespace)
        return viewset

    return register_viewset


def _replace(hook_name: str, original: Callable[..., Any], wrap: Callable[[Any], Callable[..., Any]]) -> None:
    registered = hooks._hooks.get(hook_name, [])  # noqa: SLF001 (Wagtail offers no public way to replace a hook)
    for index, (fn, order) in enumerate(registered):
        if fn is original:
            registered[index] = (wrap(original), order)
            return
    raise RuntimeError(f"wagtail-localize's {hook_name} hook {original.__qualname__} is not registered")


_replace("register_admin_urls", localize_hooks.register_admin_urls, _guarded_urls)
_replace("register_admin_viewset", localize_locales_hooks.register_viewset, _guarded_viewset)
