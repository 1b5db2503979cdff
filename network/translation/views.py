"""wagtail-localize's submit and sync views, behind the access policy.

wagtail-localize only checks the model-wide `submit_translation` permission, which every organisation's editors
hold; on its own it would let an editor of one organisation read another's page titles and create translations
in its tree. These wrappers answer 404 unless the user may publish for the organisation that owns the content
(key messages: may edit the message), then hand over to wagtail-localize's own view.
"""

from __future__ import annotations

from django.apps import apps
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from wagtail.models import Page
from wagtail_localize.models import TranslationSource
from wagtail_localize.views.submit_translations import SubmitPageTranslationView, SubmitSnippetTranslationView
from wagtail_localize.views.update_translations import UpdateTranslationsView

from network.orgs import policy
from network.translation.rules import TranslationAction


def submit_page_translation(request: HttpRequest, page_id: int) -> HttpResponse:
    page = get_object_or_404(Page, pk=page_id).specific
    if not policy.can(request.user, TranslationAction.TRANSLATE, page):
        raise Http404
    return SubmitPageTranslationView.as_view()(request, page_id=page_id)


def submit_snippet_translation(request: HttpRequest, app_label: str, model_name: str, pk: str) -> HttpResponse:
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as error:
        raise Http404 from error
    instance = get_object_or_404(model, pk=pk)
    if not policy.can(request.user, TranslationAction.TRANSLATE, instance):
        raise Http404
    return SubmitSnippetTranslationView.as_view()(request, app_label=app_label, model_name=model_name, pk=pk)


def update_translations(request: HttpRequest, translation_source_id: int) -> HttpResponse:
    source = get_object_or_404(TranslationSource, pk=translation_source_id)
    instance = source.get_source_instance()
    instance = getattr(instance, "specific", instance)
    if not policy.can(request.user, TranslationAction.TRANSLATE, instance):
        raise Http404
    return UpdateTranslationsView.as_view()(request, translation_source_id=translation_source_id)
