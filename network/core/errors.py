"""Error pages that answer in the caller's language: JSON under /api/ and /hsds/, the site's HTML pages elsewhere.

DRF answers JSON for what reaches a view; a path no API route matches (a malformed id that the route's pattern
refuses, an unknown collection) was answered by Django's HTML 404 page. API clients get `{"detail": ...}` instead.
The 404 page is the site's, in the language of the address (LocaleMiddleware has read its prefix). The 500 page
may be needed when the database, a middleware or the template context is what failed: it reads its language from
the address itself and renders a standalone template with no context processor, no query and no session.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext
from django.views.defaults import page_not_found

API_PREFIXES = ("/api/", "/hsds/")  # machine-readable APIs: the project's own and the HSDS directory
logger = logging.getLogger(__name__)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: JSON with `detail` under the APIs (as DRF's own 404s), the site's page elsewhere."""
    if request.path.startswith(API_PREFIXES):
        response = JsonResponse({"detail": gettext("Not found.")}, status=404)
        response["Cache-Control"] = "no-store"
        return response
    return page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: JSON under the APIs, the site's standalone error page elsewhere, in the language of the address."""
    path = getattr(request, "path_info", "") or ""
    if path.startswith(API_PREFIXES):
        response: HttpResponse = JsonResponse({"detail": gettext("A server error occurred.")}, status=500)
    else:
        language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
        with translation.override(language):
            try:
                body = loader.get_template("500.html").render({"home_url": f"/{language}/"})
            except Exception:  # the page of last resort must answer, whatever broke
                logger.exception("The 500 page could not be rendered")
                body = "<!doctype html><title>Server error</title><h1>Server error</h1>"
        response = HttpResponseServerError(body)
    response["Cache-Control"] = "no-store"
    return response
