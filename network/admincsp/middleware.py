"""The admin's scoped policy: under /admin/ (the Wagtail admin and wagtail-localize's editor), scripts that carry
the request's nonce may run besides those from our own origin, and the admin may frame its own pages (the preview
panel); the previews themselves may be framed by the admin. Everything else keeps the site's policy."""

from __future__ import annotations

from collections.abc import Callable

from csp.constants import HEADER, NONCE, SELF
from django.http import HttpRequest, HttpResponseBase

from .nonce import _admin_request

# network/urls.py mounts Wagtail's admin (and wagtail-localize's views inside it) here.
ADMIN_PREFIX = "/admin/"

# What the admin's policy adds to the site's (CONTENT_SECURITY_POLICY in settings): the nonce for scripts, and
# its own origin for frames (the preview panel shows the page being edited in an iframe). Styles keep the site's
# `'self' 'unsafe-inline'` (Draftail and wagtail-localize's editor insert <style> elements, and a nonce in style-src
# would switch 'unsafe-inline' off). docs/csp.md explains each.
ADMIN_POLICY_UPDATE = {"script-src": [NONCE], "frame-src": [SELF]}
# Wagtail marks the responses meant for its preview panel with `X-Frame-Options: SAMEORIGIN`
# (`xframe_options_sameorigin_override` on its preview views); the site's `frame-ancestors 'none'` would still
# forbid the admin to show them, so those, and only those, may be framed by our own origin.
PREVIEW_FRAME_ANCESTORS = {"frame-ancestors": [SELF]}


class AdminScriptNonceMiddleware:
    """Placed after django-csp's CSPMiddleware, so that its additions are in place when the header is built."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path_info.startswith(ADMIN_PREFIX):
            # Also for a page that Wagtail's preview renders through the whole stack inside an admin request: its
            # templates are the public site's, whose scripts get no nonce.
            token = _admin_request.set(None)
            try:
                return self.get_response(request)
            finally:
                _admin_request.reset(token)
        token = _admin_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _admin_request.reset(token)
        update = dict(getattr(response, "_csp_update", None) or {})
        for directive, sources in ADMIN_POLICY_UPDATE.items():
            update[directive] = [*update.get(directive, []), *sources]
        response._csp_update = update  # type: ignore[attr-defined]  # django-csp's per-response additions
        if response.get("X-Frame-Options") == "SAMEORIGIN":
            replace = dict(getattr(response, "_csp_replace", None) or {})
            response._csp_replace = {**replace, **PREVIEW_FRAME_ANCESTORS}  # type: ignore[attr-defined]
            # A page preview is rendered by a second, fake request for the page's public address
            # (`Page.make_preview_request`), which went through CSPMiddleware and got the public site's header;
            # django-csp keeps a header already set, so that one goes and the admin's is built in its place.
            if HEADER in response:
                del response[HEADER]
        return response
