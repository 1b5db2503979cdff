"""The CSP nonce of the admin request being answered, for code that renders without the request at hand (form
widgets, Wagtail's chooser widgets, panels)."""

from __future__ import annotations

from contextvars import ContextVar

from django.http import HttpRequest
from django.utils.html import escape

_admin_request: ContextVar[HttpRequest | None] = ContextVar("admin_csp_request", default=None)


def script_nonce() -> str:
    """The nonce Wagtail's own inline scripts carry on this admin page; "" outside an admin request (the script
    is then blocked, as every inline script of the public site is).

    Reading it is what puts the nonce into the response's policy (django-csp adds it only once it was used)."""
    request = _admin_request.get()
    if request is None or not hasattr(request, "csp_nonce"):
        return ""
    return str(request.csp_nonce)


def nonce_attribute() -> str:
    """` nonce="…"` for a <script> tag, or "" outside an admin request (the nonce is base64: no quoting needed)."""
    nonce = script_nonce()
    return f' nonce="{escape(nonce)}"' if nonce else ""
