"""Translating library and advocacy content with wagtail-localize's own machinery.

A translation here is exactly what wagtail-localize's "Translate" action makes: a TranslationSource (the frozen
source content and its strings), one Translation per target locale, and the target page or snippet, with the
missing parent pages created as aliases (home, spaces index, organisation space) so it is served at /<lang>/….
Strings come from people (the editor, a PO file, `translation_fill`) or from the machine translator; syncing
re-reads the source and rebuilds the targets, so synchronised fields (visibility, kind, themes, country…) follow it.

A page submitted for translation gets a *draft* in each target language (WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE
is False): nothing carrying the source's text goes live in another language. A target is published when its strings
are filled (`translation_fill`) or from the translation editor; syncing republishes only the targets already live.
Unlike the admin views (which publish after commit), these services publish before returning: seed_demo, tests and
scripts see the live target at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from wagtail.models import DraftStateMixin, Locale, Page
from wagtail_localize.machine_translators import get_machine_translator
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource
from wagtail_localize.strings import StringValue
from wagtail_localize.views.edit_translation import apply_machine_translation

from network.orgs import policy
from network.pagecache.generations import GROUPS, public_pages_changed
from network.translation import signals
from network.translation.locales import content_language_codes
from network.translation.rules import TranslationAction

if TYPE_CHECKING:
    from network.accounts.models import User


class TranslationInputError(ValueError):
    """The request cannot be carried out as asked (unknown locale, strings not in the source…); nothing changed."""


# ---------------------------------------------------------------------------------------------------------------
# Submitting and syncing


@transaction.atomic
def translation_submit(
    *, instance: Any, locales: Iterable[Locale | str], acting_user: User | None = None
) -> list[Translation]:
    """Submit a page or translatable snippet for translation into `locales` and create the targets.

    What wagtail-localize's submit view does (TranslationCreator): the source is extracted once, each target
    locale gets a Translation and a draft target built from the strings known so far (the source text where none
    is), parents are aliased. The target is not published: a draft page stays a draft until someone translates
    and publishes it (`translation_fill`). Submitting again into a locale that
    already has a translation updates that translation. `acting_user` None is the system (seed_demo).
    """
    instance = _specific(instance)
    if acting_user is not None:
        _require_may_translate(acting_user, instance)
    targets = [locale for locale in _locales(locales) if locale.pk != instance.locale_id]
    source, _created = TranslationSource.get_or_create_from_instance(instance)
    publish = _publish_with_source(instance)
    translations = []
    for locale in targets:
        translation, _new = Translation.objects.update_or_create(
            source=source, target_locale=locale, defaults={"enabled": _translation_mode_synced(instance)}
        )
        _save_target(translation, user=acting_user, publish=publish)
        translations.append(translation)
    return translations


@transaction.atomic
def translation_sync(*, instance: Any, acting_user: User | None = None, publish: bool = True) -> list[Translation]:
    """Bring every translation of `instance` up to date with its current (published) content.

    Wagtail-localize's "Sync translated pages": the source is re-extracted (new strings appear untranslated,
    shown in the source language until translated), synchronised fields are copied, and the targets are saved,
    the live ones republished when `publish` (otherwise only their view restrictions follow). A target that was
    never published stays a draft: syncing never publishes a translation nobody has published.
    """
    instance = _specific(instance)
    if acting_user is not None:
        _require_may_translate(acting_user, instance)
    source = TranslationSource.objects.get_for_instance(instance)
    source.update_from_db()
    translations = list(source.translations.filter(enabled=True).select_related("target_locale"))
    for translation in translations:
        if publish:
            _save_target(translation, user=acting_user, publish=_target_is_live(translation))
        else:
            source.update_target_view_restrictions(translation.target_locale)
    return translations


# ---------------------------------------------------------------------------------------------------------------
# Filling strings


@transaction.atomic
def translation_fill(
    *, translation: Translation, strings: Mapping[str, str], acting_user: User | None = None, publish: bool = True
) -> int:
    """Record human translations of the source's strings, then save (and publish) the target.

    `strings` maps source text to its translation, as shown in the translation editor (inline tags such as
    <b> kept in rich text). A source text that is not in the source is an error (the demo's texts must follow
    the French ones): nothing is written. Returns how many string translations were written.
    """
    if acting_user is not None:
        _require_may_translate(acting_user, translation.source.get_source_instance())
    segments = list(StringSegment.objects.filter(source=translation.source).select_related("string", "context"))
    rows: list[tuple[StringSegment, str]] = []
    unknown = []
    for text, translated in strings.items():
        matched = [segment for segment in segments if segment.string.data == text]
        value = translated
        if not matched:
            matched = [segment for segment in segments if StringValue(segment.string.data).render_text() == text]
            value = StringValue.from_plaintext(translated).data
        if not matched:
            unknown.append(text)
        rows.extend((segment, value) for segment in matched)
    if unknown:
        raise TranslationInputError(
            _("%(count)d text(s) are not in the source of “%(object)s”: %(texts)s")
            % {"count": len(unknown), "object": translation.source.object_repr, "texts": "; ".join(unknown)[:300]}
        )
    for segment, value in rows:
        StringTranslation.objects.update_or_create(
            translation_of=segment.string,
            locale=translation.target_locale,
            context=segment.context,
            defaults={
                "data": value,
                "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL,
                "tool_name": "",
                "last_translated_by": acting_user,
                "has_error": False,
                "field_error": "",
            },
        )
    _save_target(translation, user=acting_user, publish=publish)
    return len(rows)


@transaction.atomic
def translation_machine_translate(*, translation: Translation, acting_user: User, publish: bool = False) -> bool:
    """Pre-translate the strings nobody translated yet with the configured machine translator (editors review
    them in the translation editor). False when there was nothing left to translate.

    Raises LookupError when no machine translator is configured, MachineTranslationError when it fails (then
    nothing is written).
    """
    machine_translator = get_machine_translator()
    if machine_translator is None:
        raise LookupError("No machine translator is configured (MACHINE_TRANSLATOR).")
    _require_may_translate(acting_user, translation.source.get_source_instance())
    translated = apply_machine_translation(translation.pk, acting_user, machine_translator)
    if translated:
        _save_target(translation, user=acting_user, publish=publish)
    return translated


# ---------------------------------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class TranslationState:
    """Where a translation stands: is the source newer than the last sync, how many strings are translated."""

    source_changed: bool
    total_strings: int
    translated_strings: int

    @property
    def up_to_date(self) -> bool:
        return not self.source_changed and self.translated_strings == self.total_strings

    @property
    def label(self) -> str:
        if self.source_changed:
            return _("Source changed since the last sync")
        if self.translated_strings < self.total_strings:
            return _("Waiting for translations")
        return _("Up to date")


def translation_state(translation: Translation) -> TranslationState:
    """wagtail-localize's progress (strings translated out of the source's) plus whether the source was
    published or revised after the source content was last extracted (then "Sync translated pages" is due)."""
    source = TranslationSource.objects.get(pk=translation.source_id)  # never a stale copy cached on `translation`
    total, translated = translation.get_progress()
    changed_at = _source_changed_at(source.get_source_instance())
    source_changed = changed_at is not None and changed_at > source.last_updated_at
    return TranslationState(source_changed=source_changed, total_strings=total, translated_strings=translated)


def translations_of(instance: Any) -> QuerySet[Translation]:
    """The enabled translations of a page or snippet (empty if it was never submitted), with their locale."""
    instance = _specific(instance)
    return Translation.objects.filter(
        source__object_id=instance.translation_key, source__locale_id=instance.locale_id, enabled=True
    ).select_related("target_locale", "source")


def translation_for(instance: Any, locale: Locale | str) -> Translation:
    """The translation of `instance` into `locale` (Translation.DoesNotExist if it was never submitted there)."""
    return translations_of(instance).get(target_locale=_locales([locale])[0])


# ---------------------------------------------------------------------------------------------------------------
# Internals


def _specific(instance: Any) -> Any:
    return instance.specific if isinstance(instance, Page) else instance


def _locales(locales: Iterable[Locale | str]) -> list[Locale]:
    """Content locales of this deployment, by object or language code; anything else is refused."""
    configured = set(content_language_codes())
    result = []
    for item in locales:
        code = item.language_code if isinstance(item, Locale) else str(item)
        if code not in configured:
            raise TranslationInputError(_("“%(code)s” is not a content language of this site.") % {"code": code})
        result.append(item if isinstance(item, Locale) else Locale.objects.get(language_code=code))
    return result


def _publish_with_source(instance: Any) -> bool:
    """Whether a new target is published on submit: wagtail-localize's WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE
    (False here: drafts; only objects that cannot be drafts are saved as they are)."""
    if getattr(settings, "WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE", True):
        return getattr(instance, "live", True)
    return not isinstance(instance, DraftStateMixin)


def _target_is_live(translation: Translation) -> bool:
    """Whether the translation's target exists and is published (objects without drafts always are)."""
    model = translation.source.specific_content_type.model_class()
    if not issubclass(model, DraftStateMixin):
        return True
    try:
        target = translation.get_target_instance()
    except ObjectDoesNotExist:
        return False
    return bool(target.live)


def _translation_mode_synced(instance: Any) -> bool:
    mode = getattr(
        instance,
        "localize_default_translation_mode",
        getattr(settings, "WAGTAIL_LOCALIZE_DEFAULT_TRANSLATION_MODE", "synced"),
    )
    return mode == "synced"


def _save_target(translation: Translation, *, user: User | None, publish: bool) -> Any:
    """Translation.save_target (fallback to source text, parents copied as aliases), publishing before returning
    rather than on commit. A page or draftable snippet not to be published is saved as a draft revision."""
    # Never a copy cached on `translation`: the frozen content may have changed since (see cms/visibility.py).
    source = TranslationSource.objects.get(pk=translation.source_id)
    draftable = issubclass(source.specific_content_type.model_class(), DraftStateMixin)
    target, _created = source.create_or_update_translation(
        translation.target_locale,
        user=user,
        publish=publish and not draftable,
        fallback=True,
        copy_parent_pages=True,
    )
    if publish and draftable:
        target.refresh_from_db()
        revision = target.get_latest_revision()
        revision.publish(user=user, skip_permission_checks=user is None)
    if isinstance(target, Page):
        signals.translated_page_saved.send(sender=type(target), page=target)
    if publish:  # a published page or snippet (key messages) in another language: anonymous pages change
        public_pages_changed(*GROUPS)
    return target


def _source_changed_at(instance: Any) -> datetime | None:
    """When the source content the translations follow last changed: a page's last publication (its row holds
    the live content), a snippet's latest revision."""
    if isinstance(instance, Page):
        return instance.last_published_at
    revision = getattr(instance, "latest_revision", None)
    if revision is not None:
        return revision.created_at
    return getattr(instance, "updated_at", None)


def _require_may_translate(user: User, instance: Any) -> None:
    if not policy.can(user, TranslationAction.TRANSLATE, instance):
        raise policy.AccessDenied(f"Not allowed: translate {instance._meta.label}.")
