"""Template helpers for the Wagtail site: which pages and organisation spaces to list, the organisation behind a
space, the library's address.

Every list of pages goes through the access policy (`cms.rules.pages_visible_to`), never Wagtail's `.public()`
alone, which knows nothing of a page's visibility; organisations through `VIEW_ORGANISATION` (a deactivated
organisation's space is not listed).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from wagtail.models import Page

from cms.rules import pages_visible_to
from network.orgs import policy
from network.orgs.models import Organisation
from network.orgs.rules import OrganisationAction

register = template.Library()


def _user(context: dict[str, Any]) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


@register.simple_tag(takes_context=True)
def visible_children(context: dict[str, Any], parent: Page) -> QuerySet[Page]:
    """The children of `parent` the visitor may see (the access policy), in the tree's order. Two queries."""
    return pages_visible_to(_user(context), parent.get_children())


@register.simple_tag(takes_context=True)
def organisation_spaces(context: dict[str, Any], index_page: Page) -> list[dict[str, Any]]:
    """Active organisations whose space is a child of `index_page` the visitor may see, by name, with that page.

    Matched on the translation key, so a translated index lists its own (translated) space pages.
    Three queries whatever the number of organisations.
    """
    user = _user(context)
    spaces = {page.translation_key: page for page in pages_visible_to(user, Page.objects.child_of(index_page))}
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
    user = _user(context)
    return (
        policy.visible(user, OrganisationAction.VIEW_ORGANISATION)
        .filter(space_page__translation_key=space_page.translation_key, is_active=True)
        .first()
    )


@register.simple_tag
def library_url() -> str:
    """The library's address in the active language (its translation or alias), else the default language's.

    Cached for five minutes per language, the same for everyone: the navigation shows it on every page, so
    only a library an anonymous visitor may open is offered.
    """
    from django.core.cache import cache
    from django.utils.translation import get_language
    from wagtail.models import Locale

    from network.resources.models import LibraryIndexPage

    language = get_language() or ""
    key = f"passerelle:library-url:{language}"
    url = cache.get(key)
    if url is None:
        libraries = pages_visible_to(AnonymousUser(), LibraryIndexPage.objects.all())
        page = libraries.filter(locale=Locale.get_active()).first() or libraries.first()
        url = page.url if page is not None else ""
        cache.set(key, url, 300)
    return url


@register.simple_tag(takes_context=True)
def path_in_language(context: dict[str, Any], language_code: str) -> str:
    """The address being read, in another language (what the language form's redirect would lead to)."""
    from django.urls import translate_url

    request = context.get("request")
    return translate_url(request.get_full_path(), language_code) if request is not None else "/"


HEADER_TEMPLATE = "includes/site_header.html"
HEADER_SECONDS = 10 * 60


@register.simple_tag(takes_context=True)
def member_site_header(context: dict[str, Any]) -> str:
    """The site header of a signed-in member, rendered once per address, language and navigation and kept in the
    cache; the CSRF token, the member's name and the address to come back to are put in on each request (the
    cache holds none of them), and so is the unread notifications badge (counted on each request: a new notification
    shows at once). What it is keyed by is all the rest it shows: the address (for `aria-current`),
    whether the referral workspace is offered (the access policy, read fresh on each request) and the library's
    address, and whether the "My account" menu offers the API token (the access policy, read fresh)."""
    from django.middleware.csrf import get_token
    from django.utils.html import conditional_escape

    from network.accounts.menu import uses_api
    from network.core.fragments import cached_with_slots
    from network.notifications.navigation import unread_badge_html

    request = context.get("request")
    if request is None:  # a template rendered without a request: nothing to key the header by, render it
        from django.template.loader import render_to_string

        return render_to_string(HEADER_TEMPLATE, context.flatten())
    user = request.user
    offers_referrals = bool(context.get("nav_has_referrals"))
    return cached_with_slots(
        HEADER_TEMPLATE,
        {"nav_has_referrals": offers_referrals},
        shown=(request.path, offers_referrals, library_url(), uses_api(user)),
        slots={
            "csrf_token": lambda: get_token(request),
            "viewer_name": lambda: str(conditional_escape(user.display_name)),
            "current_full_path": lambda: str(conditional_escape(request.get_full_path())),
            "notification_badge": lambda: str(unread_badge_html(user)),
        },
        seconds=HEADER_SECONDS,
        request=request,
    )
