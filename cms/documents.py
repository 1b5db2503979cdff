"""Which organisation a Wagtail document belongs to, and which documents a page refers to.

A document belongs to the organisation whose collection (or a collection under it) holds it. A page of an
organisation's space may only refer to its own organisation's documents: otherwise publishing it would hand another
organisation's document to the page's readers. The access rule (`cms/rules.py`, DOWNLOAD_DOCUMENT) and the page
validation (`OrganisationOwnedPage.clean`, `cms.forms.OrganisationPageForm`) both decide from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from uuid import UUID

from django.db import models
from django.utils.translation import ngettext
from modelcluster.models import get_all_child_relations
from wagtail.documents import get_document_model
from wagtail.models import Collection, Page, ReferenceIndex

from network.orgs.models import Organisation


def organisation_collection_ids(organisation_id: UUID | None) -> set[int]:
    """The organisation's collection and every collection under it (empty for no organisation)."""
    if organisation_id is None:
        return set()
    collection_id = Organisation.objects.filter(pk=organisation_id).values_list("collection_id", flat=True).first()
    collection = Collection.objects.filter(pk=collection_id).first() if collection_id is not None else None
    if collection is None:
        return set()
    return set(Collection.objects.descendant_of(collection, inclusive=True).values_list("pk", flat=True))


def document_owner_ids(document: Any) -> set[UUID]:
    """The organisations whose collection holds `document` (directly or in a collection under theirs)."""
    collection = Collection.objects.filter(pk=document.collection_id).first()
    if collection is None:
        return set()
    holders = Collection.objects.ancestor_of(collection, inclusive=True).values("pk")
    return set(Organisation.objects.filter(collection_id__in=holders).values_list("pk", flat=True))


def owner_pages_using(document: Any) -> list[Page]:
    """Live pages of the document's own organisation(s) that refer to it (from Wagtail's reference index).

    A page of another organisation that names the document never counts: only the owner publishes its documents.
    """
    owners = document_owner_ids(document)
    if not owners:
        return []
    page_ids = (
        ReferenceIndex.get_references_to(document)
        .filter(base_content_type=ReferenceIndex._get_base_content_type(Page))  # noqa: SLF001
        .values_list("object_id", flat=True)
    )
    ids = [int(pk) for pk in page_ids if str(pk).isdigit()]
    pages = Page.objects.filter(pk__in=ids, live=True).specific()
    return [page for page in pages if getattr(page, "organisation_id", None) in owners]


def _is_document_model(model: Any) -> bool:
    return isinstance(model, type) and issubclass(model, get_document_model())


def document_ids_in_value(field: Any, value: Any) -> Iterator[int]:
    """Document ids in one field's value: a foreign key to a document, or documents found by the field's own
    reference extraction (StreamField blocks, rich text `<a linktype="document" id="…">`)."""
    if value is None or value == "":
        return
    if isinstance(field, models.ForeignKey) and _is_document_model(field.related_model):
        yield int(value.pk if hasattr(value, "pk") else value)
        return
    if hasattr(field, "extract_references"):
        for model, object_id, _model_path, _content_path in field.extract_references(value):
            if _is_document_model(model) and str(object_id).isdigit():
                yield int(object_id)


def document_ids_in_instance(instance: models.Model) -> set[int]:
    """Every document an instance (a page with its in-memory child objects, such as attachments) refers to."""
    found: set[int] = set()
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.ForeignKey):
            found.update(document_ids_in_value(field, getattr(instance, field.attname)))
        elif hasattr(field, "extract_references"):
            found.update(document_ids_in_value(field, field.value_from_object(instance)))
    for relation in get_all_child_relations(instance):
        for child in getattr(instance, relation.get_accessor_name()).all():
            found.update(document_ids_in_instance(child))
    return found


def documents_outside_organisation(document_ids: Iterable[int], organisation_id: UUID | None) -> list[int]:
    """The ids among `document_ids` that are not documents of the organisation (unknown ids included), sorted.

    Whether such a document exists elsewhere is never said: the answer is the same for a missing one.
    """
    wanted = set(document_ids)
    if not wanted:
        return []
    allowed = set(
        get_document_model()
        .objects.filter(pk__in=wanted, collection_id__in=organisation_collection_ids(organisation_id))
        .values_list("pk", flat=True)
    )
    return sorted(wanted - allowed)


def foreign_documents_message(document_ids: list[int]) -> str:
    """The refusal, naming the ids the editor gave and never a document's title."""
    ids = ", ".join(str(pk) for pk in document_ids)
    return ngettext(
        "Document %(ids)s is not in your organisation's collection: a page can only use its own organisation's "
        "documents. Choose another document or upload it to your organisation's collection.",
        "Documents %(ids)s are not in your organisation's collection: a page can only use its own organisation's "
        "documents. Choose other documents or upload them to your organisation's collection.",
        len(document_ids),
    ) % {"ids": ids}
