"""Error pages that answer in the caller's language: JSON under /api/ and /hsds/, the site's HTML pages elsewhere.

DRF answers JSON for what reaches a view; a path no API route matches (a malformed id that the route's pattern
refuses, an unknown collection) was answered by Django's HTML 404 page. API clients get `{"detail": ...}` instead.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found

API_PREFIXES = ("/api/", "/hsds/")  # machine-readable APIs: the project's own and the HSDS directory


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: JSON with `detail` under the APIs (as DRF's own 404s), the site's page elsewhere."""
    if request.path.startswith(API_PREFIXES):
        response = JsonResponse({"detail": "Not found."}, status=404)
        response["Cache-Control"] = "no-store"
        return response
    return page_not_found(request, exception)
