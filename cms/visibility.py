"""Visibility belongs to the resource, not to one language's copy of it.

A page of an organisation's space and its translations (one `translation_key`) are one resource: who may see it,
and which organisation it belongs to, is one decision. When any copy is published, its visibility and organisation
are written to every other copy (their live row and their latest draft, so that publishing an older draft later
does not bring the old visibility back) in the same transaction; documents follow, as the access policy serves a
document by the visibility of the pages that use it (`cms/rules.py`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Page, Revision
from wagtail.search import index

from cms.models import OrganisationOwnedPage
from network.pagecache.generations import CONTENT, public_pages_changed


@dataclass(frozen=True)
class VisibilitySync:
    """What a sync did: the visibility the group now has and how many other copies changed."""

    visibility: str
    changed: int
    copies: int  # the other copies in the group, changed or not


def has_group_visibility(page: Any) -> bool:
    """Whether `page` is a page type whose visibility is decided for the whole translation group."""
    return isinstance(page, OrganisationOwnedPage) and hasattr(page, "visibility")


@transaction.atomic
def visibility_sync_translations(*, page: Page) -> VisibilitySync:
    """Give every translation of `page` the visibility and organisation of `page`, in one transaction.

    Writes the other copies' rows and patches their latest revision, then reindexes them for search. Idempotent:
    a group already in agreement is left as it is (changed = 0).
    """
    page = page.specific
    model = type(page)
    others = list(
        model.objects.select_for_update()
        .filter(translation_key=page.translation_key)
        .exclude(pk=page.pk)
        .order_by("pk")
    )
    changed = [
        other
        for other in others
        if other.visibility != page.visibility or other.organisation_id != page.organisation_id
    ]
    ids = [other.pk for other in changed]
    if changed:
        model.objects.filter(pk__in=ids).update(visibility=page.visibility, organisation_id=page.organisation_id)
        _patch_latest_revisions(ids, visibility=page.visibility, organisation_id=page.organisation_id)
    _patch_translation_sources(page)
    if changed:
        for updated in model.objects.filter(pk__in=ids):
            index.insert_or_update_object(updated)
        public_pages_changed(CONTENT)  # copies became public or stopped being so
    return VisibilitySync(visibility=page.visibility, changed=len(changed), copies=len(others))


def _patch_latest_revisions(page_ids: list[int], *, visibility: str, organisation_id: Any) -> None:
    """A draft made before the change carries the old visibility: make it carry the group's."""
    revision_ids = Page.objects.filter(pk__in=page_ids).exclude(latest_revision=None).values("latest_revision_id")
    for revision in Revision.objects.filter(pk__in=revision_ids):
        content = dict(revision.content)
        content["visibility"] = visibility
        content["organisation"] = str(organisation_id) if organisation_id is not None else None
        revision.content = content
        revision.save(update_fields=["content"])


def _patch_translation_sources(page: Page) -> None:
    """wagtail-localize builds a translation from the source content it froze when the source was submitted or last
    synced, synchronised fields included: a translation published later must not bring the old visibility back."""
    from wagtail_localize.models import TranslationSource

    organisation = str(page.organisation_id) if page.organisation_id is not None else None
    for source in TranslationSource.objects.filter(object_id=page.translation_key):
        content = json.loads(source.content_json)
        if content.get("visibility") == page.visibility and content.get("organisation") == organisation:
            continue
        content["visibility"] = page.visibility
        content["organisation"] = organisation
        source.content_json = json.dumps(content, cls=DjangoJSONEncoder)
        source.save(update_fields=["content_json"])


def visibility_copies_changing(*, page: Page) -> int:
    """How many other copies of `page` do not have its visibility or organisation yet (what a sync would change)."""
    page = page.specific
    return (
        type(page)
        .objects.filter(translation_key=page.translation_key)
        .exclude(pk=page.pk)
        .exclude(visibility=page.visibility, organisation_id=page.organisation_id)
        .count()
    )


def visibility_sync_message(*, changed: int, visibility_label: str) -> str:
    """What the editor is told after publishing a page that has translations."""
    if changed:
        return ngettext(
            "Visibility “%(visibility)s” now applies to the %(count)d other language version of this page and to "
            "its documents.",
            "Visibility “%(visibility)s” now applies to the %(count)d other language versions of this page and to "
            "their documents.",
            changed,
        ) % {"visibility": visibility_label, "count": changed}
    return _("Every language version of this page has the same visibility: “%(visibility)s”.") % {
        "visibility": visibility_label
    }


def on_page_published(sender: Any, instance: Page, **kwargs: Any) -> None:
    """Wagtail's page_published signal (admin, workflows, scheduled publishing, our services): the group follows."""
    if has_group_visibility(instance):
        visibility_sync_translations(page=instance)
