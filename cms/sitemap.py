"""/sitemap.xml: an index of one sitemap per language, each listing what an anonymous visitor may open in it.

Wagtail's own sitemap lists `.live().public()` pages, which knows only Wagtail's view restrictions, not a page's
`visibility`: it would publish the addresses of network-only and own-organisation pages. Ours starts from the
access policy's selectors for a visitor who is not signed in, whoever asks: the site's pages
(`cms.rules.pages_visible_to`, never a page in the space of an inactive organisation), the organisations and
services of the public directory, the adopted key messages, and the public screens that exist in every language
(directory, calendar, observatory).

Each address carries `xhtml:link rel="alternate" hreflang` links to its other language copies a visitor may open
(a page's translations, a key message's translations, the same screen under another language prefix) and an
`x-default` (the copy in the site's default language, where French readers and everyone unmatched land). Addresses
are absolute, built from `PUBLIC_BASE_URL`, never from the request's Host header (which anyone can set).

The language sitemaps sit at the root (`/sitemap-fr.xml`), not under `/fr/`: the sitemaps protocol lets a sitemap
list only addresses below its own directory.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page, Site

from cms.rules import page_types, pages_visible_to

XML_CONTENT_TYPE = "application/xml; charset=utf-8"
#: The public screens that exist in every language under the same address (after the language prefix).
PUBLIC_SCREENS = (
    "orgs:directory",
    "directory:service_directory",
    "advocacy_calendar:list",
    "advocacy:message_list",
    "observatory:index",
)


@dataclass
class Entry:
    """One address in one language; `key` is shared by the language copies of the same page or screen."""

    key: str
    language: str
    path: str
    lastmod: datetime | None = None
    alternates: list[tuple[str, str]] = field(default_factory=list)  # (hreflang, absolute URL)

    @property
    def location(self) -> str:
        return absolute(self.path)


def absolute(path: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def sitemap_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def hreflang(language: str) -> str:
    """The BCP 47 spelling of a Django language code (zh-hans -> zh-Hans)."""
    base, _, rest = language.partition("-")
    if not rest:
        return base
    return f"{base}-{rest.title() if len(rest) == 4 else rest.upper()}"


def _site_pages(request: HttpRequest) -> list[Entry]:
    """Live public pages of the default site in every language, by the access policy, without the spaces of
    inactive organisations (their pages are unpublished with them; this holds even for one left live by hand)."""
    from network.orgs.models import Organisation

    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return []
    roots = Page.objects.filter(translation_key=site.root_page.translation_key).values_list("path", flat=True)
    inactive = Organisation.objects.filter(is_active=False)
    inactive_spaces = Page.objects.filter(
        translation_key__in=Page.objects.filter(pk__in=inactive.values("space_page_id")).values("translation_key")
    ).values_list("path", flat=True)
    within = Q(pk__in=[])
    for path in roots:
        within |= Q(path__startswith=path)
    outside = Q()
    for path in inactive_spaces:
        outside &= ~Q(path__startswith=path)
    pages = pages_visible_to(AnonymousUser(), Page.objects.filter(within).filter(outside))
    for model in page_types():  # pages that record their organisation: never one of an inactive organisation
        if any(f.name == "organisation" for f in model._meta.get_fields()):
            pages = pages.exclude(pk__in=model.objects.filter(organisation__is_active=False).values("pk"))
    entries = []
    for page in pages.select_related("locale").order_by("path").defer_streamfields().specific():
        parts = page.get_url_parts(request)
        if parts is None:
            continue
        entries.append(
            Entry(
                key=f"page:{page.translation_key}",
                language=page.locale.language_code,
                path=parts[2],
                lastmod=page.last_published_at,
            )
        )
    return entries


def _screens_in_every_language(languages: list[str]) -> list[Entry]:
    """The public screens, organisations and services: the same address under each language prefix."""
    from network.directory.selectors import public_services
    from network.orgs import policy
    from network.orgs.rules import OrganisationAction

    targets: list[tuple[str, dict[str, Any]]] = [(name, {}) for name in PUBLIC_SCREENS]
    organisations = policy.visible(AnonymousUser(), OrganisationAction.VIEW_ORGANISATION).filter(is_active=True)
    targets += [
        ("orgs:detail", {"slug": slug}) for slug in organisations.order_by("name").values_list("slug", flat=True)
    ]
    services = public_services().order_by("name").values_list("pk", flat=True)
    targets += [("directory:service_detail", {"pk": pk}) for pk in services]
    entries = []
    for language in languages:
        with translation.override(language):
            for name, kwargs in targets:
                key = f"{name}:{','.join(str(value) for value in kwargs.values())}"
                entries.append(Entry(key=key, language=language, path=reverse(name, kwargs=kwargs)))
    return entries


def _key_messages() -> list[Entry]:
    """Key messages an anonymous visitor may read (adopted ones), each in its own language."""
    from network.advocacy.rules import AdvocacyAction
    from network.orgs import policy

    messages = (
        policy.visible(AnonymousUser(), AdvocacyAction.VIEW_KEY_MESSAGE)
        .filter(drafting_organisation__is_active=True)
        .select_related("locale")
        .order_by("pk")
    )
    entries = []
    for message in messages:
        language = message.locale.language_code
        with translation.override(language):
            path = reverse("advocacy:message_detail", kwargs={"pk": message.pk})
        entries.append(Entry(key=f"message:{message.translation_key}", language=language, path=path))
    return entries


def sitemap_entries(request: HttpRequest) -> dict[str, list[Entry]]:
    """Every listed address, by language, each with its alternates (only copies that are listed themselves)."""
    languages = sitemap_languages()
    entries = [
        entry
        for entry in (*_site_pages(request), *_screens_in_every_language(languages), *_key_messages())
        if entry.language in languages
    ]
    copies: dict[str, dict[str, Entry]] = defaultdict(dict)
    for entry in entries:
        copies[entry.key].setdefault(entry.language, entry)
    by_language: dict[str, list[Entry]] = {language: [] for language in languages}
    for entry in entries:
        group = copies[entry.key]
        if group.get(entry.language) is not entry:
            continue  # two copies in one language (should not happen): the first is listed
        if len(group) > 1:
            entry.alternates = [(hreflang(lang), copy.location) for lang, copy in sorted(group.items())]
            default = group.get(settings.LANGUAGE_CODE)
            if default is not None:
                entry.alternates.append(("x-default", default.location))
        by_language[entry.language].append(entry)
    return by_language


def _xml(template: str, context: dict[str, Any]) -> HttpResponse:
    return HttpResponse(render_to_string(template, context), content_type=XML_CONTENT_TYPE)


def sitemap(request: HttpRequest) -> HttpResponse:
    """The index: one sitemap per language, the same for everyone."""
    sitemaps = [absolute(reverse("sitemap_language", kwargs={"language": code})) for code in sitemap_languages()]
    return _xml("cms/sitemap_index.xml", {"sitemaps": sitemaps})


def sitemap_language(request: HttpRequest, language: str) -> HttpResponse:
    """One language's addresses with their alternates: what an anonymous visitor may open, for everyone."""
    if language not in sitemap_languages():
        raise Http404
    return _xml("cms/sitemap_language.xml", {"entries": sitemap_entries(request)[language]})
