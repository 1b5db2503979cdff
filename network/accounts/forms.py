"""A member's own preferences."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from network.accounts.models import NotificationEmail, User

from .languages import interface_languages


class LanguageSelect(forms.Select):
    """Each option says which language it is written in (`lang`), so screen readers pronounce it right."""

    def create_option(
        self,
        name: str,
        value: Any,
        label: Any,
        selected: bool,
        index: int,
        subindex: int | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        if value:
            option["attrs"]["lang"] = value
        return option


class PreferencesForm(forms.Form):
    """Language and how notifications reach the member's email. Each language is named in itself, so a reader
    finds theirs whatever the page's."""

    language = forms.ChoiceField(
        label=User._meta.get_field("language").verbose_name,
        help_text=_("The language of the site, of your emails and of your notifications."),
        choices=interface_languages,  # read when the form is built: the configured languages
        widget=LanguageSelect,
    )
    notification_email = forms.ChoiceField(
        label=User._meta.get_field("notification_email").verbose_name,
        help_text=User._meta.get_field("notification_email").help_text,
        choices=NotificationEmail.choices,
        widget=forms.RadioSelect,
        required=False,  # left out (an older form, a client that posts the language only): the choice stays
    )


class NamesForm(forms.ModelForm):
    """How the member appears and signs: the public name (a pseudonym is fine), the real name, and whether the
    real name is shown. Others see the real name only when it is ticked (DESIGN.md, privacy rule 11)."""

    class Meta:
        model = User
        fields = ["public_name", "first_name", "last_name", "show_real_name"]
        help_texts = {
            "public_name": _("Shown to others and used to sign what you write, instead of your real name."),
            "first_name": _("Seen only by you, the coordinators of your organisations and the network administrators."),
        }
