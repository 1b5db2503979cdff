"""Form widgets for the long lists of the member screens (filters offering every organisation, country, service)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


class ListSelect(forms.Select):
    """A `<select>` written in Python: Django's own template includes two templates per option (the option and
    its attributes), which makes a filter listing a hundred organisations cost more than the page around it.

    The markup is Django's: the same attributes (`required`, `aria-*`, `id`), option groups, the first matching
    option `selected`, labels and values escaped.
    """

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        wanted = set(self.format_value(value))
        has_selected = False
        parts = [f'<select name="{escape(name)}"{flatatt(self.build_attrs(self.attrs, attrs))}>']
        for group_value, group_label in self.choices:
            if isinstance(group_label, (list, tuple)):
                parts.append(f'\n  <optgroup label="{escape(group_value)}">')
                choices, closing = group_label, "\n  </optgroup>"
            else:
                choices, closing = [(group_value, group_label)], ""
            for option_value, label in choices:
                text = "" if option_value is None else str(option_value)
                selected = not has_selected and text in wanted
                has_selected |= selected
                parts.append(
                    f'\n  <option value="{escape(text)}"{" selected" if selected else ""}>{escape(label)}</option>'
                )
            parts.append(closing)
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308  (every value and label above is escaped)  # nosec B308 B703
