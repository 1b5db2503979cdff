"""Template helpers for the Wagtail site: which organisation spaces to list, and the organisation behind a space.

Visibility is the access policy's (`VIEW_ORGANISATION`): a deactivated organisation's space is not listed.
"""

from __future__ import annotations

from typing import Any

from django import template
from wagtail.models import Page

from network.orgs import policy
from network.orgs.models import Organisation
from network.orgs.rules import OrganisationAction

register = template.Library()


@register.simple_tag(takes_context=True)
def organisation_spaces(context: dict[str, Any], index_page: Page) -> list[dict[str, Any]]:
    """Active organisations whose space is a live, public child of `index_page`, by name, with that page.

    Matched on the translation key, so a translated index lists its own (translated) space pages.
    Three queries whatever the number of organisations.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    spaces = {page.translation_key: page for page in Page.objects.child_of(index_page).live().public()}
    organisations = (
        policy.visible(user, OrganisationAction.VIEW_ORGANISATION)
        .filter(is_active=True, space_page__translation_key__in=list(spaces))
        .select_related("space_page")
        .order_by("name")
    )
    return [
        {"organisation": organisation, "page": spaces[organisation.space_page.translation_key]}
        for organisation in organisations
    ]


@register.simple_tag(takes_context=True)
def space_organisation(context: dict[str, Any], space_page: Page) -> Organisation | None:
    """The organisation that owns this space, if the visitor may see it (None for a deactivated one)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return (
        policy.visible(user, OrganisationAction.VIEW_ORGANISATION)
        .filter(space_page__translation_key=space_page.translation_key, is_active=True)
        .first()
    )


@register.simple_tag
def library_url() -> str:
    """The library's address in the active language (its translation or alias), else the default language's.

    Cached for five minutes per language: the navigation shows it on every page.
    """
    from django.core.cache import cache
    from django.utils.translation import get_language
    from wagtail.models import Locale

    from network.resources.models import LibraryIndexPage

    language = get_language() or ""
    key = f"passerelle:library-url:{language}"
    url = cache.get(key)
    if url is None:
        libraries = LibraryIndexPage.objects.live()
        page = libraries.filter(locale=Locale.get_active()).first() or libraries.first()
        url = page.url if page is not None else ""
        cache.set(key, url, 300)
    return url
