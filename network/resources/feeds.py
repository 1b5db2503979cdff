"""RSS and Atom feeds of the newest public resources, one feed per language.

Served by the library index page (RoutablePageMixin): /<lang>/<library slug>/feed/rss/ and .../feed/atom/.
Only PUBLIC live resources ever appear, whoever asks (feeds are fetched by readers without a session and may
be cached and shared), and never an alias (an untranslated copy is not a resource in that language).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _
from wagtail.models import Locale

from network.resources import rules as resource_rules
from network.resources.models import ResourcePage, Visibility
from network.themes.models import Theme

FEED_SIZE = 20


def active_locale() -> Locale | None:
    """The locale of the language in the URL prefix, or None when that language has no content locale."""
    try:
        return Locale.objects.get_for_language(translation.get_language() or "")
    except (Locale.DoesNotExist, LookupError):
        return None


def newest_public_resources(locale: Locale | None, *, limit: int = FEED_SIZE) -> QuerySet[ResourcePage]:
    """The `limit` newest public, live, original (non-alias) resources of `locale`, newest first."""
    if locale is None:
        return ResourcePage.objects.none()
    # The selector for an anonymous visitor, and explicitly public: a feed is never personalised.
    return (
        resource_rules.visible_resources(AnonymousUser())
        .filter(visibility=Visibility.PUBLIC, locale=locale, alias_of__isnull=True)
        .select_related("organisation")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("sort_order", "slug")))
        .order_by("-first_published_at", "-pk")[:limit]
    )


class LatestResourcesFeed(Feed):
    """RSS 2.0 feed; `library` is the library index page that serves it."""

    feed_type = Rss201rev2Feed

    def __init__(self, library: Any) -> None:
        super().__init__()
        self.library = library
        self.request: HttpRequest | None = None

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Locale | None:
        self.request = request
        return active_locale()

    def title(self, obj: Locale | None) -> str:
        return _("Passerelle library: new resources")

    def description(self, obj: Locale | None) -> str:
        return _("Tools, guides and capitalisation material newly published by the network's organisations.")

    def link(self, obj: Locale | None) -> str:
        return self.library.get_url(self.request) or "/"

    def feed_url(self, obj: Locale | None) -> str | None:
        return self.request.path if self.request is not None else None

    def items(self, obj: Locale | None) -> QuerySet[ResourcePage]:
        return newest_public_resources(obj)

    def item_title(self, item: ResourcePage) -> str:
        return item.title

    def item_description(self, item: ResourcePage) -> str:
        return item.summary

    def item_link(self, item: ResourcePage) -> str:
        return item.get_url(self.request) or "/"

    def item_guid(self, item: ResourcePage) -> str:
        return f"urn:passerelle:resource:{item.translation_key}:{item.locale_id}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: ResourcePage):
        return item.first_published_at

    def item_updateddate(self, item: ResourcePage):
        return item.last_published_at

    def item_author_name(self, item: ResourcePage) -> str | None:
        # Organisations author resources; a person's name never appears.
        return item.organisation.name if item.organisation else None

    def item_categories(self, item: ResourcePage) -> list[str]:
        return [theme.label for theme in item.themes.all()]


class LatestResourcesAtomFeed(LatestResourcesFeed):
    feed_type = Atom1Feed
    subtitle = LatestResourcesFeed.description
