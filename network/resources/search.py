"""Reading the library: which resources a visitor finds, with the filters and the full-text search.

Everything starts from the access policy's selector (`resource_rules.visible_resources`), so a search can never return a
resource the visitor may not see; the filters narrow that set in SQL, then Wagtail's search (database backend,
SQLite or PostgreSQL) ranks what is left. The number of queries does not depend on the number of resources.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from wagtail.models import Locale

from network.core.fragments import cached_fragments
from network.core.widgets import ListSelect
from network.orgs.languages import language_name
from network.pagecache.generations import CONTENT, current
from network.resources import rules as resource_rules
from network.resources.models import ResourceKind, ResourcePage, confirmed_coauthor_links
from network.themes.models import Theme

LIBRARY_PAGE_SIZE = 25
FILTER_NAMES = ("q", "kind", "theme", "language", "organisation", "country")


class LibraryFilterForm(forms.Form):
    """The library's search box and filters (GET). Choices come from what exists, so a stale value is ignored."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    kind = forms.ChoiceField(label=_("Kind of resource"), required=False, widget=ListSelect)
    theme = forms.ChoiceField(label=_("Theme"), required=False, widget=ListSelect)
    language = forms.ChoiceField(label=_("Language"), required=False, widget=ListSelect)
    organisation = forms.ChoiceField(label=_("Organisation"), required=False, widget=ListSelect)
    country = forms.ChoiceField(label=_("Country"), required=False, widget=ListSelect)

    def __init__(
        self,
        *args: Any,
        themes: list[Theme],
        organisations: list[tuple[str, str]],
        country_codes: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        self.fields["kind"].choices = every + list(ResourceKind.choices)
        self.fields["theme"].choices = every + [(theme.slug, theme.label) for theme in themes]
        self.fields["language"].choices = [("", _("This site's language"))] + [
            (code, language_name(code)) for code, _name in settings.LANGUAGES
        ]
        self.fields["organisation"].choices = every + organisations
        self.fields["country"].choices = every + sorted(
            ((code, str(countries.name(code) or code)) for code in country_codes), key=lambda c: c[1].casefold()
        )

    def filters(self) -> dict[str, str]:
        """The valid, non-empty values (an invalid one, e.g. from an old link, is dropped rather than failing)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: str(cleaned[name]).strip() for name in FILTER_NAMES if cleaned.get(name)}


@dataclass
class LibraryResults:
    form: LibraryFilterForm
    page_obj: PaginatorPage
    result_count: int
    is_filtered: bool
    locale: Locale | None
    query: str


def _filter_choices(visible: QuerySet[ResourcePage]) -> tuple[list[Theme], list[tuple[str, str]], list[str]]:
    """Themes, organisations and countries to offer: two queries, whatever the number of resources."""
    themes = list(Theme.objects.filter(is_active=True))
    rows = visible.order_by().values_list("organisation__slug", "organisation__name", "country").distinct()
    organisations: dict[str, str] = {}
    country_codes: set[str] = set()
    for slug, name, country in rows:
        if slug:
            organisations[slug] = name
        if country:
            country_codes.add(str(country))
    ordered = sorted(organisations.items(), key=lambda item: item[1].casefold())
    return themes, ordered, sorted(country_codes)


FILTER_CHOICES_SECONDS = 300


def _cached_filter_choices(
    user: Any, visible: QuerySet[ResourcePage]
) -> tuple[list[Theme], list[tuple[str, str]], list[str]]:
    """The choices depend only on what the visitor may see (the resources' visibility scope), and reading them
    scans every visible resource: keep them a few minutes per such scope, not per person, and drop them with the
    content generation (a publish, an unpublish, a visibility or organisation change)."""
    from django.core.cache import cache

    scope = resource_rules.resource_visibility_scope(user).key() + ":" + current([CONTENT])[CONTENT]
    key = "passerelle:library-choices:" + hashlib.sha256(scope.encode()).hexdigest()
    cached = cache.get(key)
    if cached is None:
        _themes, organisations, country_codes = _filter_choices(visible)
        cached = (organisations, country_codes)
        cache.set(key, cached, FILTER_CHOICES_SECONDS)
    return list(Theme.objects.filter(is_active=True)), *cached


def filter_resources(
    resources: QuerySet[ResourcePage], filters: dict[str, str], *, locale: Locale | None
) -> QuerySet[ResourcePage]:
    """Narrow `resources` by locale, kind, theme slug, organisation slug (author or co-author) and country.

    Without a language filter the listing shows everything in `locale`, including untranslated copies (aliases)
    that a synchronised page tree holds; choosing a language shows only resources written in it.
    """
    language = filters.get("language")
    if language:
        locale = Locale.objects.filter(language_code=language).first()
        # Written in that language: not an untranslated copy (alias) of a resource in another one
        resources = resources.filter(alias_of__isnull=True)
    if locale is None:
        return resources.none()
    resources = resources.filter(locale=locale)
    if filters.get("kind"):
        resources = resources.filter(kind=filters["kind"])
    if filters.get("theme"):
        tagged = ResourcePage.themes.through.objects.filter(theme__slug=filters["theme"]).values("resourcepage_id")
        resources = resources.filter(pk__in=tagged)
    if filters.get("organisation"):
        slug = filters["organisation"]
        co_authored = confirmed_coauthor_links().filter(organisation__slug=slug).values("resourcepage_id")
        resources = resources.filter(Q(organisation__slug=slug) | Q(pk__in=co_authored))
    if filters.get("country"):
        resources = resources.filter(country=filters["country"])
    return resources


def with_listing_data(resources: QuerySet[ResourcePage]) -> QuerySet[ResourcePage]:
    """What a library card shows, fetched in bulk: organisation, locale (an alias's source's language), themes;
    not the body, which a card does not show (its blocks are the widest column and the dearest to load)."""
    return (
        resources.select_related("organisation", "locale")
        .annotate(source_language=F("alias_of__locale__language_code"))
        .defer("body", "programme_context")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("sort_order", "slug")))
    )


def library_search(user: Any, data: Any, *, locale: Locale | None) -> LibraryResults:
    """The resources `user` may see matching the GET `data`, paginated, in `locale` unless a language is chosen.

    Filters are applied in SQL first (a pk subquery, which works with Wagtail's database search backend on
    SQLite and PostgreSQL alike, including for the many-to-many theme filter); the text search ranks what remains.
    """
    visible = resource_rules.visible_resources(user)
    themes, organisations, country_codes = _cached_filter_choices(user, visible)
    form = LibraryFilterForm(data or None, themes=themes, organisations=organisations, country_codes=country_codes)
    filters = form.filters()
    matching = filter_resources(visible, filters, locale=locale)
    query = filters.get("q", "")
    if query:
        candidates = with_listing_data(ResourcePage.objects.filter(pk__in=matching.values("pk")))
        results: Any = candidates.search(query, order_by_relevance=True)
    else:
        results = with_listing_data(matching).order_by("-first_published_at", "-pk")
    paginator = Paginator(results, LIBRARY_PAGE_SIZE)
    page_obj = paginator.get_page(data.get("page") if data else None)
    return LibraryResults(
        form=form,
        page_obj=page_obj,
        result_count=paginator.count,
        is_filtered=bool(filters),
        locale=locale,
        query=query,
    )


CARD_TEMPLATE = "resources/includes/resource_card.html"
CARD_SECONDS = 24 * 3600


def resource_cards(resources: list[ResourcePage], request: Any) -> list[SafeString]:
    """The library cards of `resources` (fetched with `with_listing_data`), each rendered once and then kept in
    the cache, keyed by everything it shows: address, title, kind, visibility, country, summary, organisation,
    themes, languages. A card shows nothing about who looks at it."""
    from django.utils.translation import get_language

    language = get_language() or ""
    urls = {resource.pk: resource.get_url(request) or "" for resource in resources}

    def shown(resource: ResourcePage) -> tuple[Any, ...]:
        return (
            urls[resource.pk],
            resource.title,
            resource.kind,
            resource.visibility,
            str(resource.country),
            resource.summary,
            resource.organisation.name if resource.organisation is not None else "",
            [(theme.slug, str(theme.label)) for theme in resource.themes.all()],
            resource.source_language or "",
            resource.locale.language_code,
        )

    return cached_fragments(
        CARD_TEMPLATE,
        resources,
        shown=shown,
        context=lambda resource: {"resource": resource, "url": urls[resource.pk], "LANGUAGE_CODE": language},
        seconds=CARD_SECONDS,
    )


LISTING_TEMPLATE = "resources/includes/library_listing.html"
LISTING_SECONDS = 600


def library_listing(request: Any, *, locale: Callable[[], Locale | None]) -> SafeString:
    """The library's form, count, cards and pagination for this request, kept in the cache and shared by everyone
    who would get the same HTML.

    The key holds everything the listing depends on: the language and time zone it is shown in, the address and
    its whole query string (the form echoes it, the pagination links keep it), what decides which resources the
    visitor may see (`resource_visibility_scope`: whether they see network-only resources and which
    organisations' organisation-only ones, read from the access policy on each request, so a membership, role or
    organisation change is a new key at once), and the page cache's content generation, which every publish,
    unpublish, move, deletion, visibility or translation sync, organisation or theme change moves on. Nothing in it
    is about who looks beyond that scope. A long query string (a search nobody repeats) is rendered, not stored.
    """
    from django.core.cache import cache
    from django.template.loader import render_to_string
    from django.utils import timezone
    from django.utils.safestring import mark_safe
    from django.utils.translation import get_language

    def render() -> SafeString:
        results = library_search(request.user, request.GET, locale=locale())
        resources = list(results.page_obj.object_list)
        context = {
            "form": results.form,
            "page_obj": results.page_obj,
            "cards": resource_cards(resources, request),
            "result_count": results.result_count,
            "is_filtered": results.is_filtered,
        }
        return mark_safe(render_to_string(LISTING_TEMPLATE, context, request=request))  # noqa: S308  (the template engine escaped it)  # nosec B308 B703

    query = request.META.get("QUERY_STRING", "")
    if len(query) > settings.PAGE_CACHE_MAX_QUERY_LENGTH or getattr(request, "is_preview", False):
        return render()
    scope = resource_rules.resource_visibility_scope(request.user)
    shown = (
        get_language() or "",
        timezone.get_current_timezone_name(),
        request.path,
        sorted(request.GET.lists()),
        scope.key(),
        current([CONTENT])[CONTENT],
    )
    key = "passerelle:library-listing:" + hashlib.sha256(repr(shown).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, str(html), LISTING_SECONDS)
    return mark_safe(html)  # noqa: S308  (rendered by the template engine, which escaped it)  # nosec B308 B703
