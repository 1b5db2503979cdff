"""Serve public pages to anonymous visitors from the shared cache, before sessions, authentication and 2FA run.

Sits right after WhiteNoise: a hit costs two cache round trips (the groups' generations, then the page) and no
database query. What is kept, and when:

- only GET (HEAD is answered from the GET copy), only a request without a session cookie, a messages cookie or an
  Authorization header. A session cookie is never looked into: whether it belongs to a signed-in member or to an
  anonymous session (a sign-in in progress, a flash message), the visitor gets a rendered page. The CSRF and
  language cookies are ignored: the language is in the address (or, for the few unprefixed addresses, in the key).
- only the addresses listed below, and only when the view that answered is one of `CACHEABLE_VIEWS`;
- only a 200 that sets no cookie, used no CSRF token, is not marked private / no-store / no-cache, and was made
  for a visitor who is not signed in. The page is stored under its groups' generations read before the view ran
  (see generations.py), with `Cache-Control: public, max-age, s-maxage` and `Vary: Cookie`.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from network.pagecache import generations, hits
from network.pagecache.generations import ADVOCACY, CONTENT, DIRECTORY, GROUPS, OBSERVATORY

logger = logging.getLogger(__name__)

# Under a language prefix: the first match (of the path after /<lang>/) decides the groups; None: never cached.
PREFIXED_PATHS: tuple[tuple[str, tuple[str, ...] | None], ...] = (
    ("organisations/", (DIRECTORY,)),
    ("services/", (DIRECTORY,)),
    ("advocacy/calendar", (ADVOCACY,)),
    ("advocacy/messages/", (ADVOCACY, CONTENT)),
    ("observatory/", (OBSERVATORY,)),
    # Members' areas, sign-in and language switching: never.
    ("accounts/", None),
    ("me/", None),
    ("referrals/", None),
    ("notifications/", None),
    ("advocacy/", None),
    ("_util/", None),
    ("dashboard/", None),
    ("manage/", None),
    ("invitations/", None),
    ("partnerships/", None),
    ("", (CONTENT,)),  # Wagtail's pages: home, library (and its searches and feeds), resources, advocacy pages
)
UNPREFIXED_PATHS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("/hsds/", (DIRECTORY,)),
    # The sitemap index and the language sitemaps (/sitemap-fr.xml): whatever is public may change them.
    ("/sitemap.xml", GROUPS),
    ("/sitemap-", GROUPS),
    ("/robots.txt", ()),  # made from settings alone: no group to follow
)
# The views whose anonymous answers may be kept (checked after the view ran, whatever the address said).
CACHEABLE_VIEWS = frozenset(
    {
        "wagtail_serve",
        "sitemap",
        "sitemap_language",
        "robots_txt",
        "orgs:directory",
        "orgs:detail",
        "directory:service_directory",
        "directory:service_detail",
        "advocacy_calendar:list",
        "advocacy_calendar:ics",
        "advocacy:message_list",
        "advocacy:message_detail",
        "observatory:index",
        "observatory:export",
        "observatory:report",
    }
)
CACHEABLE_NAMESPACES = frozenset({"hsds"})
_KEY_PREFIX = "pagecache:page:"
HIT_HEADER = "X-Page-Cache"


def groups_of(path: str) -> tuple[str, ...] | None:
    """The groups the page at `path` belongs to, or None when it is never cached."""
    language = translation.get_language_from_path(path)
    if language is None:
        return next((groups for prefix, groups in UNPREFIXED_PATHS if path.startswith(prefix)), None)
    rest = path.removeprefix(f"/{language}/")
    if rest == path:  # "/fr" without its slash: a redirect
        return None
    return next(groups for prefix, groups in PREFIXED_PATHS if rest.startswith(prefix))


def is_anonymous_request(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and "HTTP_AUTHORIZATION" not in request.META
    )


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = self._key(request)
        if key is None:
            return self.get_response(request)
        cache = generations.page_cache()
        entry = cache.get(key)
        if entry is not None:
            return self._hit(entry)
        response = self.get_response(request)
        if request.method == "GET" and self._may_keep(request, response):
            self._make_public(response)
            cache.set(key, self._entry(request, response), settings.PAGE_CACHE_SECONDS)
            response[HIT_HEADER] = "miss"
        return response

    @staticmethod
    def _key(request: HttpRequest) -> str | None:
        if not settings.PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
            return None
        if not is_anonymous_request(request):
            return None
        query = request.META.get("QUERY_STRING", "")
        if len(query) > settings.PAGE_CACHE_MAX_QUERY_LENGTH:
            return None  # each query is a page of its own: keep the number of keys bounded
        groups = groups_of(request.path_info)
        if groups is None:
            return None
        try:
            host = request.get_host()
        except Exception:  # noqa: BLE001 — a host not allowed: Django answers 400 further in, nothing to keep
            return None
        # The language the view will answer in (LocaleMiddleware negotiates it the same way): under /hsds/ it comes
        # from Accept-Language or the cookie, so two languages must never share a key.
        language = translation.get_language_from_request(request, check_path=True)
        tokens = generations.current(groups)
        parts = [request.scheme, host, request.path_info, query, language, *(tokens[group] for group in groups)]
        return _KEY_PREFIX + hashlib.sha256("|".join(parts).encode()).hexdigest()

    @staticmethod
    def _may_keep(request: HttpRequest, response: HttpResponse) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
            return False  # the page carries a CSRF token
        cache_control = response.get("Cache-Control", "").lower()
        if any(word in cache_control for word in ("private", "no-store", "no-cache")):
            return False
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return False
        match = request.resolver_match
        if match is None:
            return False
        return match.view_name in CACHEABLE_VIEWS or bool(set(match.namespaces) & CACHEABLE_NAMESPACES)

    @staticmethod
    def _make_public(response: HttpResponse) -> None:
        seconds = settings.PAGE_CACHE_MAX_AGE
        patch_cache_control(response, public=True, max_age=seconds, s_maxage=seconds)
        patch_vary_headers(response, ("Cookie",))

    @staticmethod
    def _entry(request: HttpRequest, response: HttpResponse) -> dict[str, Any]:
        return {
            "content": response.content,
            "headers": list(response.headers.items()),
            "counts": list(getattr(request, "pagecache_counts", [])),
        }

    @staticmethod
    def _hit(entry: dict[str, Any]) -> HttpResponse:
        response = HttpResponse(entry["content"])
        for name, value in entry["headers"]:
            response[name] = value
        response[HIT_HEADER] = "hit"
        if entry["counts"]:
            hits.count_hit(entry["counts"])
        return response
