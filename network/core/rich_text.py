"""The admin's rich text editor (Draftail), refusing a malformed submission with a form error instead of a 500.

Draftail posts its content as JSON (a Draft.js content state) and Wagtail's widget decodes it while the form reads
its data, outside any validation: `"{not json"` raised a JSONDecodeError, a server error. This widget turns any
content it cannot read into a value the form field refuses (a null character, which Django's `CharField` rejects
with a field error, worded by `register_unreadable_message`), so the form comes back with the error and nothing is
saved.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail.admin.rich_text.editors.draftail import DraftailRichTextArea

# Django's CharField refuses null characters (ProhibitNullCharactersValidator): the form fails validation there.
UNREADABLE = "\x00"
UNREADABLE_MESSAGE = _("This content could not be read. Reload the page and try again.")


def register_unreadable_message() -> None:
    """Word the refusal for the editor: Wagtail's admin forms build rich text fields with these error messages, so
    "Null characters are not allowed" becomes a message an editor can act on. Called from `CmsConfig.ready()`."""
    from wagtail.admin.forms.models import register_form_field_override
    from wagtail.fields import RichTextField

    register_form_field_override(
        RichTextField, override={"error_messages": {"null_characters_not_allowed": UNREADABLE_MESSAGE}}
    )


class CheckedDraftailRichTextArea(DraftailRichTextArea):
    """Draftail whose submitted content is decoded defensively: unreadable content is a form error."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        try:
            return super().value_from_datadict(data, files, name)
        except (ValueError, TypeError, KeyError, AttributeError, IndexError):
            return UNREADABLE

    def format_value(self, value: Any) -> Any:
        # Shown again with the form's error: an empty editor rather than the unreadable submission.
        if isinstance(value, str) and UNREADABLE in value:
            value = ""
        return super().format_value(value)
