"""Wagtail hooks of the library: documents are served only to those the access policy allows, and counted; a
resource added from the site's "Publish a resource" starts with the kind chosen there."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from cms.rules import PageAction
from network.orgs import policy
from network.resources.publishing import remember_requested_kind
from network.resources.services import download_page_for, resource_count_download

# Wagtail's add-page view: the kind chosen on the site (?kind=...) reaches the new page (see publishing.py).
hooks.register("before_create_page", remember_requested_kind)


@hooks.register("before_serve_document")
def serve_document_only_to_allowed_visitors(document: Any, request: HttpRequest) -> None:
    """404, exactly as for a missing document, unless the visitor may download it; then count the download for
    the resource page the visitor may see (no one's identity is recorded)."""
    if not policy.can(request.user, PageAction.DOWNLOAD_DOCUMENT, document):
        raise Http404
    if request.method != "GET":
        return
    page = download_page_for(request.user, document)
    if page is not None:
        resource_count_download(page)


@hooks.register("register_log_actions")
def register_coauthorship_log_actions(actions: Any) -> None:
    for action, label in (
        ("resources.coauthorship_confirm", _("Confirm co-authoring a resource")),
        ("resources.coauthorship_decline", _("Decline co-authoring a resource")),
    ):
        actions.register_action(action, label, label)
