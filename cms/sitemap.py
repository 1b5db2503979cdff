"""/sitemap.xml: every page an anonymous visitor may open, in every language, and nothing else.

Wagtail's own sitemap lists `.live().public()` pages, which knows only Wagtail's view restrictions, not a page's
`visibility`: it would publish the addresses of network-only and own-organisation pages. Ours starts from the
access policy's selector for a visitor who is not signed in (`cms.rules.pages_visible_to`), whoever asks.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from wagtail.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.models import Page

from cms.rules import pages_visible_to


class PublicPagesSitemap(Sitemap):
    """The site's pages in every language (the root page and its translations, with their descendants)."""

    def items(self) -> QuerySet[Any]:
        root = self.get_wagtail_site().root_page
        trees = Q()
        for home in Page.objects.filter(translation_key=root.translation_key).only("path"):
            trees |= Q(path__startswith=home.path)
        pages = Page.objects.filter(trees) if trees else Page.objects.none()
        return pages_visible_to(AnonymousUser(), pages).order_by("path").defer_streamfields().specific()


def sitemap(request: HttpRequest) -> HttpResponse:
    """The sitemap, the same for everyone: what an anonymous visitor may open."""
    return wagtail_sitemap(request, sitemaps={"pages": PublicPagesSitemap})
