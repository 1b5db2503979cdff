"""Admin-wide additions: contrast fixes for Wagtail's and wagtail-localize's screens; the admin API's images and
documents scoped; the page listings and choosers scoped by the access policy (`PageAction.SEE_PAGE_IN_ADMIN`);
the visibility notice."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks
from wagtail.models import Page

from cms.rules import PageAction
from cms.visibility import has_group_visibility, visibility_copies_changing, visibility_sync_message
from network.orgs import policy


@hooks.register("insert_global_admin_css")
def admin_contrast_fixes() -> str:
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


@hooks.register("construct_admin_api", order=1)  # after wagtail.images and wagtail.documents register theirs
def scope_admin_api_images_and_documents(router) -> None:  # noqa: ANN001 (Wagtail's router)
    from cms.admin_api import ScopedDocumentsAdminAPIViewSet, ScopedImagesAdminAPIViewSet

    router.register_endpoint("images", ScopedImagesAdminAPIViewSet)
    router.register_endpoint("documents", ScopedDocumentsAdminAPIViewSet)


# ---------------------------------------------------------------------------------------------------------------
# Visibility is one decision for every language version of a page (cms/visibility.py): the editor is told.


@hooks.register("before_publish_page")
def remember_visibility_of_translations(request: HttpRequest, page: Page) -> None:
    """Note how many other language versions will change visibility, to tell the editor after publishing."""
    specific = page.specific
    if has_group_visibility(specific):
        request._visibility_copies_changing = visibility_copies_changing(page=specific)  # noqa: SLF001


@hooks.register("after_publish_page")
def tell_editor_visibility_applies_to_translations(request: HttpRequest, page: Page) -> None:
    changing = getattr(request, "_visibility_copies_changing", None)
    specific = page.specific
    if changing is None or not has_group_visibility(specific):
        return
    copies = type(specific).objects.filter(translation_key=specific.translation_key).exclude(pk=specific.pk).count()
    if copies:
        label = str(specific.get_visibility_display())
        messages.info(request, visibility_sync_message(changed=changing, visibility_label=label))


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
