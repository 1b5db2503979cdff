"""The admin's scoped policy: under /admin/ (the Wagtail admin and wagtail-localize's editor), scripts that carry
the request's nonce may run besides those from our own origin. Everything else keeps the site's policy."""

from __future__ import annotations

from collections.abc import Callable

from csp.constants import NONCE
from django.http import HttpRequest, HttpResponseBase

from .nonce import _admin_request

# network/urls.py mounts Wagtail's admin (and wagtail-localize's views inside it) here.
ADMIN_PREFIX = "/admin/"

# What the admin's policy adds to the site's (CONTENT_SECURITY_POLICY in settings): the nonce for scripts only.
# Styles keep the site's `'self' 'unsafe-inline'` (a nonce in style-src would switch 'unsafe-inline' off, and the
# admin's markup and scripts set style attributes). docs/csp.md explains both.
ADMIN_POLICY_UPDATE = {"script-src": [NONCE]}


class AdminScriptNonceMiddleware:
    """Placed after django-csp's CSPMiddleware, so that its additions are in place when the header is built."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path_info.startswith(ADMIN_PREFIX):
            return self.get_response(request)
        token = _admin_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _admin_request.reset(token)
        update = dict(getattr(response, "_csp_update", None) or {})
        update["script-src"] = [*update.get("script-src", []), *ADMIN_POLICY_UPDATE["script-src"]]
        response._csp_update = update  # type: ignore[attr-defined]  # django-csp's per-response additions
        return response
