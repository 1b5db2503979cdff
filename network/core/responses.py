"""Responses every app's screens share."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_vary_headers


def forbidden(
    request: HttpRequest,
    reason: str,
    *,
    back_url: str,
    back_label: str,
    layout: str = "base.html",
    reason_class: str = "errorlist",
) -> HttpResponse:
    """The 403 page (templates/forbidden.html): the reason and a way back, nothing about what was refused.

    `layout` is the template it extends (an app's layout keeps its navigation around the page). The answer depends
    on who asks: it is never cached.
    """
    context = {
        "reason": reason,
        "back_url": back_url,
        "back_label": back_label,
        "layout": layout,
        "reason_class": reason_class,
    }
    response = render(request, "forbidden.html", context, status=403)
    add_never_cache_headers(response)
    patch_vary_headers(response, ["Cookie"])
    return response
