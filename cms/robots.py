"""/robots.txt: crawlers stay out of the members' and administrators' areas and are shown the sitemap.

This is crawler hygiene, not protection: every address below already answers the sign-in page, 401 or 404 to a
visitor who is not signed in (the access policy decides). It spares crawlers (and our logs) the sign-in redirects,
and keeps sign-in and language-switch addresses out of search results. The public site, the documents its public
pages offer, the HSDS API (`/hsds/`) and the sitemaps stay crawlable. tests/cms/test_robots.py checks the list
against the permission matrix: every screen a visitor is refused is disallowed here, every public one is not.

Member areas are listed under each language prefix rather than with a `*` pattern: a pattern would also keep out
a public page whose slug happens to be `accounts`. No network-only page is ever named here (that would publish
its address); they answer the sign-in page to crawlers and never appear in the sitemap.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

#: Outside the language prefix: the admin, the members' API (its documentation page excepted), language switching.
CLOSED_UNPREFIXED = ("/admin/", "/api/", "/i18n/")
OPEN_UNPREFIXED = ("/api/docs/",)
#: Under each language prefix (/fr/…): sign-in and account screens, members' screens.
CLOSED_PREFIXED = (
    "accounts/",
    "me/",
    "_util/",
    "dashboard/",
    "manage/",
    "invitations/",
    "partnerships/",
    "referrals/",
    "notifications/",
    "advocacy/invitations/",
    "advocacy/messages/new/",
    "advocacy/contribute/",
    "publish/",
    "observatory/organisations/",
    "observatory/regions/",
)


def disallowed_paths() -> list[str]:
    """Every path prefix crawlers are asked to leave alone."""
    languages = [code for code, _name in settings.LANGUAGES]
    prefixed = [f"/{language}/{prefix}" for language in languages for prefix in CLOSED_PREFIXED]
    return [*CLOSED_UNPREFIXED, *prefixed]


def robots_txt(request: HttpRequest) -> HttpResponse:
    """The same for everyone; the sitemap's address is absolute, from `PUBLIC_BASE_URL` (never the Host header)."""
    lines = ["User-agent: *"]
    lines += [f"Allow: {path}" for path in OPEN_UNPREFIXED]
    lines += [f"Disallow: {path}" for path in disallowed_paths()]
    lines += ["", f"Sitemap: {settings.PUBLIC_BASE_URL.rstrip('/')}{reverse('sitemap')}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
