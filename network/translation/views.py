"""wagtail-localize's submit and sync views, behind the access policy.

wagtail-localize only checks the model-wide `submit_translation` permission, which every organisation's editors
hold; on its own it would let an editor of one organisation read another's page titles and create translations
in its tree. These wrappers answer 404 unless the user may publish for the organisation that owns the content
(key messages: may edit the message), then hand over to wagtail-localize's own view.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from wagtail.models import Page
from wagtail_localize.models import TranslationSource
from wagtail_localize.views.submit_translations import SubmitPageTranslationView, SubmitSnippetTranslationView
from wagtail_localize.views.update_translations import UpdateTranslationsView

from network.orgs import policy
from network.orgs.policy import Action


def may_translate(user: Any, instance: Any) -> bool:
    """Whether `user` may submit `instance` (a page or a snippet) for translation, or sync its translations."""
    if isinstance(instance, Page):
        organisation = _page_organisation(instance.specific)
        if organisation is None:  # the network's own pages (home, library index): its administrators
            return policy.is_network_admin(user)
        return policy.can(user, Action.PUBLISH_RESOURCES, organisation)
    if instance._meta.label == "advocacy.KeyMessage":
        return policy.can(user, Action.EDIT_KEY_MESSAGE, instance)
    return policy.is_network_admin(user)


def _page_organisation(page: Page) -> Any:
    organisation = getattr(page, "organisation", None)
    if organisation is None and hasattr(page, "get_organisation"):  # an organisation's space page
        organisation = page.get_organisation()
    return organisation


def submit_page_translation(request: HttpRequest, page_id: int) -> HttpResponse:
    page = get_object_or_404(Page, pk=page_id)
    if not may_translate(request.user, page):
        raise Http404
    return SubmitPageTranslationView.as_view()(request, page_id=page_id)


def submit_snippet_translation(request: HttpRequest, app_label: str, model_name: str, pk: str) -> HttpResponse:
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as error:
        raise Http404 from error
    instance = get_object_or_404(model, pk=pk)
    if not may_translate(request.user, instance):
        raise Http404
    return SubmitSnippetTranslationView.as_view()(request, app_label=app_label, model_name=model_name, pk=pk)


def update_translations(request: HttpRequest, translation_source_id: int) -> HttpResponse:
    source = get_object_or_404(TranslationSource, pk=translation_source_id)
    instance = source.get_source_instance()
    if not may_translate(request.user, instance):
        raise Http404
    return UpdateTranslationsView.as_view()(request, translation_source_id=translation_source_id)
