"""Admin-wide additions: contrast fixes for Wagtail's and wagtail-localize's screens, and the page listings and
choosers scoped by the access policy (`PageAction.SEE_PAGE_IN_ADMIN`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks

from cms.rules import PageAction
from network.orgs import policy


@hooks.register("insert_global_admin_css")
def admin_contrast_fixes() -> str:
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


def _seen_in_admin(pages: Any, request: HttpRequest) -> Any:
    from wagtail.models import Page

    return pages.filter(pk__in=policy.visible(request.user, PageAction.SEE_PAGE_IN_ADMIN, Page).values("pk"))


@hooks.register("construct_explorer_page_queryset")
def explorer_pages_seen_in_admin(parent_page: Any, pages: Any, request: HttpRequest) -> Any:
    """The explorer (and the admin API behind its menu) lists only pages the policy lets the user see."""
    return _seen_in_admin(pages, request)


@hooks.register("construct_page_chooser_queryset")
def chooser_pages_seen_in_admin(pages: Any, request: HttpRequest) -> Any:
    """The page chooser (browse and search) offers only pages the policy lets the user see: another
    organisation's draft or members-only page is never offered, not even its title."""
    return _seen_in_admin(pages, request)
