"""Forms of the key message screens: they parse and check input; the services decide and write.

The argument is typed as plain text here (paragraphs separated by a blank line) and stored as escaped paragraphs:
no HTML typed in a members' screen reaches a page. Formatting (bold, links, lists) is for the Wagtail editor.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from network.orgs.models import Organisation
from network.themes.models import Theme

from .models import KeyMessage, SignatureKind
from .services import plain_text


def paragraphs_to_html(text: str) -> str:
    """Plain text → escaped <p> paragraphs (a blank line separates paragraphs; a single newline is a line break)."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n")) if block.strip()]
    return "".join("<p>" + escape(block).replace("\n", "<br/>") + "</p>" for block in blocks)


def html_to_paragraphs(html: str) -> str:
    """Stored rich text → the plain text the form shows (paragraphs separated by a blank line)."""
    text = re.sub(r"</p>\s*", "\n\n", html or "")
    return plain_text(text).strip()


class ResourceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.title


class KeyMessageForm(forms.Form):
    """Statement, argument, themes and evidence of a key message; the drafting organisation when creating one."""

    organisation = forms.ModelChoiceField(
        label=_("Drafting organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    statement = forms.CharField(
        label=_("Statement"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences the network can repeat everywhere."),
    )
    argument = forms.CharField(
        label=_("Argument"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Why the network says this. Separate paragraphs with a blank line."),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    evidence = ResourceChoiceField(
        label=_("Supporting evidence"),
        queryset=KeyMessage.evidence.field.related_model.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Library resources that support this message."),
    )

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation] | None = None,
        resources: QuerySet[Any],
        message: KeyMessage | None = None,
        **kwargs: Any,
    ) -> None:
        if message is not None and "initial" not in kwargs:
            source = message.shared_source()
            kwargs["initial"] = {
                "statement": message.statement,
                "argument": html_to_paragraphs(message.argument),
                "themes": list(source.themes.all()),
                "evidence": list(source.evidence.all()),
            }
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations
        self.fields["evidence"].queryset = resources.order_by("title")
        self.fields["themes"].label_from_instance = lambda theme: theme.label

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "statement": data["statement"].strip(),
            "argument": paragraphs_to_html(data.get("argument", "")),
            "themes": list(data.get("themes") or []),
            "evidence": list(data.get("evidence") or []),
        }


class OrganisationChoiceForm(forms.Form):
    """Which of my organisations signs (or withdraws its signature)."""

    # Translators: the organisation a person signs on behalf of (not "in favour of").
    organisation = forms.ModelChoiceField(label=_("For"), queryset=Organisation.objects.none(), empty_label=None)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class MessageFilterForm(forms.Form):
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.filter(is_active=True),
        to_field_name="slug",
        required=False,
        empty_label=_("All themes"),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args: Any, statuses: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses")), *statuses]
        self.fields["theme"].label_from_instance = lambda theme: theme.label


class CompareForm(forms.Form):
    """Two versions of a message to compare (any two, in either order)."""

    a = forms.TypedChoiceField(label=_("From version"), coerce=int)
    b = forms.TypedChoiceField(label=_("To version"), coerce=int)

    def __init__(self, *args: Any, versions: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["a"].choices = versions
        self.fields["b"].choices = versions


class ContributionForm(forms.Form):
    """ "Write a contribution": where (for members of several organisations), a working title, and the signature
    the page will carry. The page itself is then written in the page editor."""

    organisation = forms.ModelChoiceField(
        label=_("For which organisation?"), queryset=Organisation.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Working title"), max_length=255)
    signature_kind = forms.ChoiceField(
        label=_("Sign as"),
        choices=SignatureKind.choices,
        initial=SignatureKind.COLLECTIVE,
        widget=forms.RadioSelect,
        help_text=_("What readers see as the author. Your real name is never shown unless you chose to show it."),
    )
    signature_pseudonym = forms.CharField(
        label=_("Pseudonym"), max_length=80, required=False, help_text=_("Only if you sign with a pseudonym.")
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], public_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0]
            self.fields["organisation"].widget = forms.HiddenInput()
        self.fields["signature_kind"].choices = [
            (
                value,
                _("My public name (%(name)s)") % {"name": public_name} if value == SignatureKind.REAL_NAME else label,
            )
            for value, label in SignatureKind.choices
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        pseudonym = (cleaned.get("signature_pseudonym") or "").strip()
        cleaned["signature_pseudonym"] = pseudonym
        if cleaned.get("signature_kind") == SignatureKind.PSEUDONYM and not pseudonym:
            self.add_error("signature_pseudonym", _("Write the pseudonym this page is signed with."))
        return cleaned
