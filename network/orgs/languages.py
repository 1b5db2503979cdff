"""Language codes, as organisations and services declare the languages they speak.

They speak many more languages than the interface ships in: every language Django knows, and the base language
of each (people say "zh" or "pt" for a service, not "zh-hans" or "pt-br").
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import global_settings, settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

KNOWN_LANGUAGE_CODES: frozenset[str] = frozenset(code for code, _name in global_settings.LANGUAGES) | frozenset(
    code.split("-")[0] for code, _name in global_settings.LANGUAGES
)


def language_name(code: str, *, translated: bool = True) -> str:
    """The name of a language: in the current interface language, or in English with `translated=False` (for
    exports read by other systems). The site's content languages keep the names settings give them; a code Django
    does not know is shown as it is.
    """
    if translated:
        content_languages = dict(settings.LANGUAGES)
        if code in content_languages:
            return str(content_languages[code])
    try:
        info = get_language_info(code)
    except KeyError:
        return code
    return str(info["name_translated"] if translated else info["name"])


def normalise_language_codes(values: Any) -> list[str]:
    """Lower-case, de-duplicated codes in the order given ("FR, en_GB" → ["fr", "en-gb"])."""
    codes: list[str] = []
    for raw in values:
        code = str(raw).strip().lower().replace("_", "-")
        if code and code not in codes:
            codes.append(code)
    return codes


def unknown_language_codes(codes: list[str]) -> list[str]:
    return [code for code in codes if code not in KNOWN_LANGUAGE_CODES]


def validate_language_codes(value: Any) -> None:
    """Model-field validator: a list of known language codes."""
    if not isinstance(value, list | tuple):
        raise ValidationError(_("Give the languages as a list of codes, e.g. fr, en, ro."))
    unknown = unknown_language_codes([str(code) for code in value])
    if unknown:
        raise ValidationError(
            _("Unknown language code: %(codes)s. Use codes such as fr, en, ro."), params={"codes": ", ".join(unknown)}
        )


class LanguageCodesField(forms.CharField):
    """Language codes typed as "fr, en, ro" (or posted as a list), checked against the languages Django knows."""

    default_error_messages = {
        "unknown": _("Unknown language code: %(codes)s. Use codes such as fr, en, ro."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault("help_text", _("Language codes separated by commas, e.g. fr, en, ro."))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list | tuple):
            value = ",".join(value)
        text = super().to_python(value)
        return normalise_language_codes(text.replace(";", ",").replace(" ", ",").split(","))

    def validate(self, value: list[str]) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        unknown = unknown_language_codes(value)
        if unknown:
            raise ValidationError(self.error_messages["unknown"], code="unknown", params={"codes": ", ".join(unknown)})

    def run_validators(self, value: list[str]) -> None:
        # The CharField validators (max length) apply to the typed text, checked on the joined codes.
        super().run_validators(", ".join(value))
