"""Library factories: the library index, resource pages in an organisation's space, documents attached to them.

Pages are created the way an editor would (a child of the organisation's space, a revision published when live),
so the reference index, search index and `organisation` field are filled in by Wagtail and our models.
"""

from __future__ import annotations

import html
import itertools
import re

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Collection, Locale, Page, Site

from network.orgs.models import Organisation
from network.resources.models import LibraryIndexPage, ResourceAttachment, ResourceKind, ResourcePage

_counter = itertools.count(1)

# A tiny but well-formed PDF (a single empty page), enough for Wagtail to store and serve.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def home_page() -> Page:
    """The default site's root (the default-locale HomePage created by the cms migration)."""
    return Site.objects.get(is_default_site=True).root_page.specific


def locale(language_code: str) -> Locale:
    """The Locale row for a language (only the default one exists after migrate)."""
    return Locale.objects.get_or_create(language_code=language_code)[0]


def library_index(**fields) -> LibraryIndexPage:
    """The (single) live library index under the default-locale home page."""
    home = home_page()
    existing = LibraryIndexPage.objects.filter(locale=home.locale).first()
    if existing is not None:
        return existing
    page = LibraryIndexPage(title=fields.pop("title", "Bibliothèque"), slug=fields.pop("slug", "library"), **fields)
    home.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def library_in(language_code: str) -> LibraryIndexPage:
    """The library reachable under /<language_code>/: an alias of the default library (as a synced tree has)."""
    source = library_index()
    target = locale(language_code)
    if target.pk == source.locale_id:
        return source
    existing = source.get_translation_or_none(target)
    if existing is None:
        existing = source.copy_for_translation(target, copy_parents=True, alias=True)
    return LibraryIndexPage.objects.get(pk=existing.pk)


def translate(page: ResourcePage, language_code: str, *, live: bool = True, **fields) -> ResourcePage:
    """A real translation of `page` (its own text) in another locale, published unless live=False."""
    translated = page.copy_for_translation(locale(language_code), copy_parents=True)
    for name, value in fields.items():
        setattr(translated, name, value)
    translated.save()
    revision = translated.save_revision()
    if live:
        revision.publish()
    return ResourcePage.objects.get(pk=translated.pk)


def alias_in(page: ResourcePage, language_code: str) -> ResourcePage:
    """An untranslated copy (alias) of `page` in another locale, as wagtail-localize's tree sync creates."""
    alias = page.copy_for_translation(locale(language_code), copy_parents=True, alias=True)
    return ResourcePage.objects.get(pk=alias.pk)


def _space_in(org: Organisation, target: Locale | None) -> Page:
    space = org.space_page.specific
    if target is None or target.pk == space.locale_id:
        return space
    translated = space.get_translation_or_none(target)
    if translated is None:
        translated = space.copy_for_translation(target, copy_parents=True)
        translated.save_revision().publish()
    return translated


def make_resource(
    org: Organisation,
    *,
    visibility: str = "public",
    title: str | None = None,
    summary: str | None = None,
    kind: str = ResourceKind.TOOL,
    themes=(),
    country: str = "",
    live: bool = True,
    locale: Locale | str | None = None,
    **fields,
) -> ResourcePage:
    """A resource page in `org`'s space (in `locale`'s translation of the space), published unless live=False."""
    n = next(_counter)
    if isinstance(locale, str):
        locale = Locale.objects.get_or_create(language_code=locale)[0]
    parent = _space_in(org, locale)
    authoring = fields.pop("authoring_organisations", ())
    page = ResourcePage(
        title=title or f"Resource {n}",
        slug=fields.pop("slug", f"resource-{n}"),
        summary=summary or f"Summary of resource {n}.",
        kind=kind,
        country=country,
        visibility=visibility,
        live=False,
        **fields,
    )
    parent.add_child(instance=page)
    if themes:
        page.themes.set(themes)
    if authoring:
        page.authoring_organisations.set(authoring)
    revision = page.save_revision()
    if live:
        revision.publish()
    page.refresh_from_db()
    return page


def make_document(
    org: Organisation,
    *,
    collection: Collection | None = None,
    title: str | None = None,
    filename: str | None = None,
    content: bytes = PDF_BYTES,
):
    """A Wagtail document in the organisation's collection (small PDF bytes unless told otherwise)."""
    n = next(_counter)
    document_model = get_document_model()
    document = document_model(title=title or f"Document {n}", collection=collection or org.collection)
    document.file.save(filename or f"document-{n}.pdf", ContentFile(content), save=False)
    document.save()
    return document


def attach_document(
    page: ResourcePage, *, collection: Collection | None = None, title: str | None = None, document=None, **file
):
    """Attach a document (by default a new one in the page organisation's collection) to a resource, and
    republish the resource if it is live (so the reference index records the attachment)."""
    page = ResourcePage.objects.get(pk=page.pk)
    document = document or make_document(page.organisation, collection=collection, title=title, **file)
    ResourceAttachment.objects.create(page=page, document=document, title="")
    page = ResourcePage.objects.get(pk=page.pk)
    revision = page.save_revision()
    if page.live:
        revision.publish()
    return document


def titles_in(page_html: str) -> set[str]:
    """Titles of the resource cards in a library page."""
    found = re.findall(r'<h3 class="card__title"><a href="[^"]*">([^<]+)</a></h3>', page_html)
    return {html.unescape(title) for title in found}


_CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def page_without(response, *texts: str) -> str:
    """A response's HTML without its CSRF token and the given texts (e.g. its own address), to compare pages."""
    content = _CSRF_TOKEN.sub("", response.content.decode())
    for text in texts:
        content = content.replace(text, "")
    return content


def confirm_co_authors(page: ResourcePage) -> None:
    """Each co-author listed on `page` confirms, through the service, by a coordinator of its own (co-authors are
    named only once they confirm)."""
    from network.resources import services as resource_services
    from tests import factories

    for organisation in page.authoring_organisations.all():
        resource_services.coauthorship_answer(
            translation_key=page.translation_key,
            organisation=organisation,
            confirm=True,
            acting_user=factories.coordinator_of(organisation),
        )
