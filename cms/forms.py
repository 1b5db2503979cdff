"""The admin form of pages that belong to an organisation's space.

The document chooser only offers the editor's own collections, but a form post can name any document id. The
page model refuses such ids when it is saved or published (`OrganisationOwnedPage.clean`); this form says so
before anything is saved, including for attachments (inline child forms the model does not see until saving),
and clears the refused choices so that the re-displayed form never shows another organisation's document title.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from wagtail.admin.forms import WagtailAdminPageForm

from cms.documents import (
    document_ids_in_instance,
    document_ids_in_value,
    documents_outside_organisation,
    foreign_documents_message,
)


class OrganisationPageForm(WagtailAdminPageForm):
    """Refuses documents from outside the page's organisation in any field or inline child form."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        organisation_id = self._organisation_id()
        refused = documents_outside_organisation(self._chosen_document_ids(), organisation_id)
        if not refused:
            return valid
        already_said = set()
        if self.instance.organisation_id is not None:  # the model's own clean() has reported its fields
            already_said = set(documents_outside_organisation(document_ids_in_instance(self.instance), organisation_id))
        if set(refused) - already_said:
            self.add_error(None, forms.ValidationError(foreign_documents_message(refused)))
        self._clear_refused_choices({str(pk) for pk in refused})
        return False

    def _organisation_id(self) -> UUID | None:
        if self.instance.organisation_id is not None:
            return self.instance.organisation_id
        from cms.models import OrganisationSpacePage

        if self.parent_page is None:
            return None
        space = OrganisationSpacePage.objects.ancestor_of(self.parent_page, inclusive=True).order_by("-depth").first()
        organisation = space.get_organisation() if space is not None else None
        return organisation.pk if organisation is not None else None

    def _chosen_document_ids(self) -> set[int]:
        found = set(self._document_ids_in(self, self.instance))
        for formset in self.formsets.values():
            for form in formset.forms:
                if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE"):
                    found.update(self._document_ids_in(form, form.instance))
        return found

    @staticmethod
    def _document_ids_in(form: forms.BaseForm, instance: Any) -> set[int]:
        found: set[int] = set()
        model_fields = {field.name: field for field in instance._meta.concrete_fields}
        for name, value in getattr(form, "cleaned_data", {}).items():
            if name in model_fields:
                found.update(document_ids_in_value(model_fields[name], value))
        return found

    def _clear_refused_choices(self, refused: set[str]) -> None:
        """Blank every submitted value that names a refused document (chooser inputs of fields, blocks and inline
        forms), so that re-displaying the form looks nothing up by those ids."""
        forms_to_clear: list[forms.BaseForm] = [self]
        for formset in self.formsets.values():
            forms_to_clear.extend(formset.forms)
        cleared = self.data.copy()
        for key, value in self.data.items():
            if value in refused and (key.endswith("document") or key.endswith("-value")):
                cleared[key] = ""
        for form in forms_to_clear:
            form.data = cleared
