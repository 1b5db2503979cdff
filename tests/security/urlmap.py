"""Every endpoint the permission matrix must decide, read from the URL resolver (nothing listed by hand).

Every URL pattern in the resolver is in scope, each of one kind:
- "api": every URL under /api/ (our REST API, its schema and docs);
- "view": every view whose code lives in our packages (`network.*`, `cms.*`): member and staff pages, HSDS, health;
- "admin": every Wagtail admin viewset our code registers (its class is ours, or it is a snippet viewset of our
  model);
- "inherited": everything else, the views the platform inherits (Wagtail's admin and front end, wagtail-localize,
  allauth, Django's i18n), decided by the compact rules of `tests/security/inherited.py` unless
  `decisions.DECISIONS` gives one a full decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

OUR_PACKAGES = ("network.", "cms.")


@dataclass(frozen=True)
class Endpoint:
    name: str  # the qualified URL name ("orgs:members"), or the route where a pattern has no name
    route: str  # the route, for messages
    kind: str  # "api", "view", "admin" or "inherited"
    parameters: tuple[str, ...]  # the URL kwargs the route takes (format suffixes left out)
    named: bool = True  # False: keyed by its route, requested through the decision's `path`
    positional: int = 0  # unnamed regex groups (such a route is requested through a `path`)


def _view_module(callback: Any) -> str:
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    return (view_class or callback).__module__ or ""


def our_admin_namespaces() -> set[str]:
    """URL namespaces of the Wagtail admin viewsets our code registers (read after the URLconf is loaded)."""
    from wagtail.admin.viewsets import viewsets
    from wagtail.snippets.views.snippets import SnippetViewSet

    namespaces = set()
    for viewset in viewsets.viewsets:
        if not getattr(viewset, "name", None):
            continue
        model = getattr(viewset, "model", None)
        model_is_ours = isinstance(model, type) and model.__module__.startswith(OUR_PACKAGES)
        if type(viewset).__module__.startswith(OUR_PACKAGES) or (model_is_ours and isinstance(viewset, SnippetViewSet)):
            namespaces.add(viewset.url_namespace)
            for child in getattr(viewset, "viewsets", []) or []:  # a snippet's chooser viewset
                if getattr(child, "name", None):
                    namespaces.add(child.url_namespace)
            chooser = getattr(viewset, "chooser_viewset", None) if model_is_ours else None
            if chooser is not None and getattr(chooser, "name", None):
                namespaces.add(chooser.url_namespace)
    return namespaces


INHERITED_PACKAGES = ("wagtail", "allauth")  # wagtail_localize included


def _guarded_inherited(callback: Any) -> bool:
    """An inherited view our code only guards or scopes: wagtail-localize's (network/translation/admin_urls.py), or
    a subclass of an inherited view mounted in its place (cms/admin_api.py)."""
    if hasattr(callback, "passerelle_guard"):
        return True
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    parents = view_class.__mro__[1:2] if isinstance(view_class, type) else ()
    return any(parent.__module__.startswith(INHERITED_PACKAGES) for parent in parents)


def _walk(resolver: URLResolver, prefix: str, namespaces: tuple[str, ...]) -> list[tuple[str, str, Any, tuple]]:
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            found.extend(_walk(pattern, prefix + str(pattern.pattern), inner))
        elif isinstance(pattern, URLPattern):
            found.append((prefix + str(pattern.pattern), pattern.name, pattern.callback, namespaces))
    return found


def _parameters(route: str) -> tuple[str, ...]:
    import re

    names = re.findall(r"<(?:\w+:)?(\w+)>", route) + re.findall(r"\(\?P<(\w+)>", route)
    return tuple(name for name in dict.fromkeys(names) if name != "format")


def _positional(route: str) -> int:
    import re

    return len(re.findall(r"\((?!\?)", route))


def endpoints() -> list[Endpoint]:
    """The endpoints in scope, one per URL name (DRF's format-suffix variants fold into their name)."""
    resolver = get_resolver()
    entries = _walk(resolver, "/", ())
    admin_namespaces = our_admin_namespaces()
    chosen: dict[str, Endpoint] = {}
    for route, name, callback, namespaces in entries:
        qualified = ":".join((*namespaces, name)) if name else route
        if route.startswith("/api/"):
            kind = "api"
        elif route.startswith("/admin/") and namespaces and namespaces[-1] in admin_namespaces:
            kind = "admin"
        elif _view_module(callback).startswith(OUR_PACKAGES) and not _guarded_inherited(callback):
            kind = "view"
        else:
            kind = "inherited"
        if qualified in chosen or "(?P<format>" in route or "<drf_format_suffix:" in route:
            continue
        chosen[qualified] = Endpoint(
            name=qualified,
            route=route,
            kind=kind,
            parameters=_parameters(route),
            named=bool(name),
            positional=_positional(route),
        )
    return sorted(chosen.values(), key=lambda endpoint: endpoint.name)
