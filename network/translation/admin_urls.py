"""Every wagtail-localize admin URL, behind the access policy.

wagtail-localize checks only model-wide permissions (`submit_translation`, "may edit this snippet type"), which
every organisation's editors hold: on its own it lets an editor of one organisation list another's draft key
messages (its snippet API), read its page titles (submit forms, the translations report) and edit or stop its
translations. `network/translation/wagtail_hooks.py` hands each URL pattern that wagtail-localize registers (its
`register_admin_urls` hook and the locales viewset) to `guard_urlpatterns`, which puts the guard named for the URL
in `GUARDS` in front of the view: the guard answers 404 for what the user may not see, exactly like a missing
object. A URL name without a guard answers 404 to everyone (and `tests/translation/test_localize_urls.py` fails),
so a new wagtail-localize release that adds a URL stays closed until someone decides who may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, URLResolver
from wagtail.models import Page
from wagtail_localize.models import Translation, TranslationSource
from wagtail_localize.views.report import TranslationsReportView
from wagtail_localize.views.snippets_api import SnippetViewSet
from wagtail_localize.views.submit_translations import SubmitPageTranslationView, SubmitSnippetTranslationView
from wagtail_localize.views.update_translations import UpdateTranslationsView

from network.orgs import policy
from network.translation.rules import TranslationAction
from network.translation.services import translation_sync

View = Callable[..., HttpResponse]
Guard = Callable[[HttpRequest, dict[str, Any]], None]  # raises Http404 when the user may not go on

# ---------------------------------------------------------------------------------------------------------------
# What the guards ask


def _translatable(instance: Any) -> Any:
    return getattr(instance, "specific", instance)


def _require(request: HttpRequest, action: TranslationAction, obj: Any = None) -> None:
    if not policy.can(request.user, action, obj):
        raise Http404


def _source_instance(source: TranslationSource) -> Any:
    try:
        return _translatable(source.get_source_instance())
    except Exception as error:  # the source object is gone: nothing to show  # noqa: BLE001
        raise Http404 from error


def allow_admin_users(request: HttpRequest, kwargs: dict[str, Any]) -> None:
    """No data behind it (a JavaScript catalogue): Wagtail's admin-access check is enough."""


def translate_page(request: HttpRequest, kwargs: dict[str, Any]) -> None:
    """The page's translator (the rule for translating it)."""
    page = get_object_or_404(Page, pk=kwargs["page_id"])
    _require(request, TranslationAction.TRANSLATE, page.specific)


def translate_snippet(request: HttpRequest, kwargs: dict[str, Any]) -> None:
    """The snippet's translator (key messages: those who may edit them)."""
    try:
        model = apps.get_model(kwargs["app_label"], kwargs["model_name"])
        instance = get_object_or_404(model, pk=kwargs["pk"])
    except (LookupError, ValueError, ValidationError) as error:  # no such model, or not a key of it
        raise Http404 from error
    _require(request, TranslationAction.TRANSLATE, instance)


def translate_source(request: HttpRequest, kwargs: dict[str, Any]) -> None:
    """The translator of the content a translation source was taken from."""
    source = get_object_or_404(TranslationSource, pk=kwargs["translation_source_id"])
    _require(request, TranslationAction.TRANSLATE, _source_instance(source))


def translate_translation(request: HttpRequest, kwargs: dict[str, Any]) -> None:
    """The translator of the content being translated (its editor, preview, strings, PO file, stop)."""
    translation = get_object_or_404(Translation.objects.select_related("source"), pk=kwargs["translation_id"])
    _require(request, TranslationAction.TRANSLATE, _source_instance(translation.source))


def view_translations_report(request: HttpRequest, kwargs: dict[str, Any]) -> None:
    """Those who translate something; the report then lists only what they may translate."""
    _require(request, TranslationAction.VIEW_TRANSLATIONS_REPORT)


def list_translatable_snippets(request: HttpRequest, kwargs: dict[str, Any]) -> None:
    """Those who translate something; the listing then holds only the snippets they may translate."""
    _require(request, TranslationAction.LIST_TRANSLATABLE_SNIPPETS)


def manage_locales(request: HttpRequest, kwargs: dict[str, Any]) -> None:
    """The network's languages: its administrators."""
    _require(request, TranslationAction.MANAGE_LOCALES)


def refuse(request: HttpRequest, kwargs: dict[str, Any]) -> None:
    """Nobody: the screen lists content of every organisation, drafts included."""
    raise Http404


# URL name → who may use it. Every URL wagtail-localize registers needs an entry (a new one answers 404).
GUARDS: dict[str, Guard] = {
    "wagtail_localize:javascript_catalog": allow_admin_users,
    "wagtail_localize:submit_page_translation": translate_page,
    "wagtail_localize:submit_snippet_translation": translate_snippet,
    "wagtail_localize:update_translations": translate_source,
    "wagtail_localize:edit_string_translation": translate_translation,
    "wagtail_localize:edit_override": translate_translation,
    "wagtail_localize:download_pofile": translate_translation,
    "wagtail_localize:upload_pofile": translate_translation,
    "wagtail_localize:machine_translate": translate_translation,
    "wagtail_localize:preview_translation": translate_translation,
    "wagtail_localize:stop_translation": translate_translation,
    "wagtail_localize:convert_to_alias": translate_page,
    "wagtail_localize:translations_report": view_translations_report,
    "wagtail_localize:translations_report_results": view_translations_report,
    "wagtail_localize:snippets_api_listing": list_translatable_snippets,
    "wagtail_localize:snippets_api_detail": translate_snippet,
    "wagtaillocales:index": manage_locales,
    "wagtaillocales:index_results": manage_locales,
    "wagtaillocales:add": manage_locales,
    "wagtaillocales:edit": manage_locales,
    "wagtaillocales:delete": manage_locales,
    "wagtaillocales:history": manage_locales,
    "wagtaillocales:history_results": manage_locales,
    "wagtaillocales:copy": manage_locales,
    "wagtaillocales:usage": refuse,
}

# ---------------------------------------------------------------------------------------------------------------
# Views whose listings wagtail-localize does not scope: the same screens, listing only what the user may translate


def translatable_translations(user: Any, queryset: QuerySet[Translation]) -> QuerySet[Translation]:
    """The translations (of `queryset`) whose content `user` may translate."""
    allowed = []
    for source in TranslationSource.objects.filter(translations__in=queryset).distinct():
        try:
            instance = _translatable(source.get_source_instance())
        except Exception:  # noqa: BLE001, S112 (a source whose object is gone lists nothing)
            continue
        if policy.can(user, TranslationAction.TRANSLATE, instance):
            allowed.append(source.pk)
    return queryset.filter(source_id__in=allowed)


class ScopedTranslationsReportView(TranslationsReportView):
    """wagtail-localize's translations report, listing only the translations of what the user may translate."""

    def get_queryset(self) -> QuerySet[Translation]:
        return translatable_translations(self.request.user, super().get_queryset())


class ScopedSnippetViewSet(SnippetViewSet):
    """wagtail-localize's snippet API, holding only the snippets the user may translate."""

    def get_queryset(self) -> Any:
        instances = super().get_queryset()
        if "pk" in self.kwargs:  # one snippet (its guard already asked): judge that one only
            instances = instances.filter(pk=self.kwargs["pk"])
        allowed = [
            instance.pk
            for instance in instances
            if policy.can(self.request.user, TranslationAction.TRANSLATE, instance)
        ]
        return instances.filter(pk__in=allowed)


class DraftKeepingUpdateTranslationsView(UpdateTranslationsView):
    """wagtail-localize's "Sync translated pages", whose "publish" box would publish every enabled translation,
    untranslated drafts included (the source text under another language's address). Here "publish" republishes
    only the translations already live, through `translation_sync`; the others stay drafts until translated."""

    def form_valid(self, form: Any) -> HttpResponse:
        if not form.cleaned_data.get("publish_translations"):
            return super().form_valid(form)
        form.cleaned_data["publish_translations"] = False  # wagtail-localize's own loop publishes nothing
        with transaction.atomic():
            response = super().form_valid(form)
            translation_sync(instance=self.object.get_source_instance(), acting_user=self.request.user, publish=True)
        return response


class LandOnTranslationMixin:
    """After "Translate this page" (or this snippet), the editor lands in the translation editor of the new
    translation, not back where they came from (wagtail-localize follows the `next` address of its menu link): the
    chosen language's translation, or the first one (by language) when they chose several."""

    request: HttpRequest
    object: Any
    _chosen_locales: list[Any] | None = None

    def form_valid(self, form: Any) -> HttpResponse:
        self._chosen_locales = sorted(form.cleaned_data["locales"], key=lambda locale: locale.language_code)
        return super().form_valid(form)  # type: ignore[misc]

    def get_success_url(self) -> str | None:
        if self._chosen_locales:
            return None  # wagtail-localize then uses `get_default_success_url`: the new translation's editor
        return super().get_success_url()  # type: ignore[misc]

    def get_default_success_url(self, translated_object: Any = None) -> Any:
        if translated_object is None and self._chosen_locales:
            translated_object = self.object.get_translation_or_none(self._chosen_locales[0])
        return super().get_default_success_url(translated_object)  # type: ignore[misc]


class LandOnPageTranslationView(LandOnTranslationMixin, SubmitPageTranslationView):
    pass


class LandOnSnippetTranslationView(LandOnTranslationMixin, SubmitSnippetTranslationView):
    pass


REPLACEMENTS: dict[str, View] = {
    "wagtail_localize:submit_page_translation": LandOnPageTranslationView.as_view(),
    "wagtail_localize:submit_snippet_translation": LandOnSnippetTranslationView.as_view(),
    "wagtail_localize:update_translations": DraftKeepingUpdateTranslationsView.as_view(),
    "wagtail_localize:translations_report": ScopedTranslationsReportView.as_view(),
    "wagtail_localize:translations_report_results": ScopedTranslationsReportView.as_view(results_only=True),
    "wagtail_localize:snippets_api_listing": ScopedSnippetViewSet.as_view({"get": "list"}),
    "wagtail_localize:snippets_api_detail": ScopedSnippetViewSet.as_view({"get": "retrieve"}),
}

# ---------------------------------------------------------------------------------------------------------------
# Wrapping the URL patterns

# Every URL name `guard_urlpatterns` met, and those it found no guard for (closed: 404 to everyone).
SEEN: set[str] = set()
UNGUARDED: set[str] = set()


def guarded(name: str, view: View) -> View:
    """`view` behind the guard for `name` (404 to everyone where there is none)."""
    guard = GUARDS.get(name)
    view = REPLACEMENTS.get(name, view)

    def guarded_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if guard is None:
            raise Http404
        guard(request, kwargs)
        return view(request, *args, **kwargs)

    update_wrapper(guarded_view, view)
    guarded_view.passerelle_guard = guard  # type: ignore[attr-defined]  # what tests read
    return guarded_view


def guard_urlpatterns(patterns: list[Any], namespace: str = "") -> list[Any]:
    """Put the guard named for each URL in front of its view (in place, through includes), and return them."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, (namespace, pattern.namespace)))
            guard_urlpatterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = ":".join(filter(None, (namespace, pattern.name or str(pattern.pattern))))
            SEEN.add(name)
            if name not in GUARDS:
                UNGUARDED.add(name)
            pattern.callback = guarded(name, pattern.callback)
    return patterns
