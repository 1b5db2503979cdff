"""Wagtail admin URLs that name a page by its numeric id answer 404 for a page the policy hides from the user.

Wagtail lets anyone with admin access open any page's history, revisions, preview or usage by id; another
organisation's page must answer exactly as a missing one does (DESIGN.md, privacy rule 4).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from wagtail.models import Page

from cms.rules import PageAction
from network.orgs import policy

# URL name -> the action the page named in the URL must allow. Listings of a page's children need the page to be
# seen; anything that shows its drafts, revisions, history or lets it be changed needs its drafts to be readable.
_SEE = PageAction.SEE_PAGE_IN_ADMIN
_READ = PageAction.READ_PAGE_DRAFT
ADMIN_PAGE_URLS: dict[str, PageAction] = {
    "wagtailadmin_explore": _SEE,
    "wagtailadmin_explore_results": _SEE,
    "wagtailadmin_choose_page_child": _SEE,
    "wagtailadmin_api:pages:detail": _SEE,
    "wagtailadmin_api:pages:action": _READ,
    **{
        f"wagtailadmin_pages:{name}": _READ
        for name in (
            "add",
            "preview_on_add",
            "usage",
            "edit",
            "preview_on_edit",
            "view_draft",
            "add_subpage",
            "delete",
            "unpublish",
            "convert_alias",
            "move",
            "move_confirm",
            "set_page_position",
            "copy",
            "workflow_action",
            "collect_workflow_action_data",
            "confirm_workflow_cancellation",
            "workflow_preview",
            "set_privacy",
            "lock",
            "unlock",
            "revisions_index",
            "revisions_view",
            "revisions_revert",
            "revisions_unschedule",
            "revisions_compare",
            "workflow_history",
            "workflow_history_detail",
            "history",
            "history_results",
        )
    },
    "wagtailadmin_workflows:remove": _READ,
    "wagtail_localize:submit_page_translation": _READ,
    "wagtail_localize:convert_to_alias": _READ,
    "wagtailforms:list_submissions": _READ,
    "wagtailforms:list_submissions_results": _READ,
    "wagtailforms:delete_submissions": _READ,
}
# The URL keyword arguments that carry page ids (a move names two pages: both must be allowed).
PAGE_ID_KWARGS = ("page_id", "parent_page_id", "page_to_move_id", "destination_id", "page_pk", "pk")


def page_ids_in(kwargs: dict[str, Any]) -> list[int]:
    ids = []
    for name in PAGE_ID_KWARGS:
        value = kwargs.get(name)
        if value is not None and str(value).isdigit():
            ids.append(int(value))
    return ids


class AdminPageScopeMiddleware:
    """Answer 404 for an admin URL naming a page the user may not see (or whose drafts they may not read)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: dict[str, Any]
    ) -> None:
        match = request.resolver_match
        action = ADMIN_PAGE_URLS.get(match.view_name) if match is not None else None
        if action is None or not request.user.has_perm("wagtailadmin.access_admin"):
            return  # Wagtail itself sends whoever has no admin access to sign in
        for page_id in page_ids_in(view_kwargs):
            page = Page.objects.filter(pk=page_id).first()
            if page is not None and not policy.can(request.user, action, page):
                raise Http404
