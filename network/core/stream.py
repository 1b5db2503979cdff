"""StreamField whose admin form refuses unreadable submitted data with a form error instead of a 500.

Wagtail reads a StreamField's posted data (`body-count`, `body-0-type`, ...) with `int()` and dictionary lookups
while the form reads its data, outside any validation: `body-count=abc` raised a ValueError, a server error. The
field below reads it defensively; what it cannot read is a field error, and nothing is saved. Its migrations name
Wagtail's own field (it changes the admin form only, not the column).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.blocks.base import BlockField, BlockWidget
from wagtail.fields import StreamField


class _Unreadable:
    """What the form read when the submitted stream could not be read at all."""

    def __repr__(self) -> str:
        return "<unreadable stream data>"


UNREADABLE_STREAM = _Unreadable()


class CheckedBlockWidget(BlockWidget):
    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        try:
            return super().value_from_datadict(data, files, name)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            return UNREADABLE_STREAM

    def render_with_errors(
        self, name: str, value: Any, attrs: Any = None, errors: Any = None, renderer: Any = None
    ) -> Any:
        # Shown again with the form's error: the empty stream rather than what could not be read.
        if value is UNREADABLE_STREAM:
            value = self.block_def.get_default()
        return super().render_with_errors(name, value, attrs=attrs, errors=errors, renderer=renderer)


class CheckedBlockField(BlockField):
    def __init__(self, block: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("widget", CheckedBlockWidget(block))
        super().__init__(block=block, **kwargs)

    def clean(self, value: Any) -> Any:
        if value is UNREADABLE_STREAM:
            raise ValidationError(_("This content could not be read. Reload the page and try again."))
        return super().clean(value)

    def has_changed(self, initial_value: Any, data_value: Any) -> bool:
        return data_value is UNREADABLE_STREAM or super().has_changed(initial_value, data_value)


class CheckedStreamField(StreamField):
    """Wagtail's StreamField, with the admin form field above."""

    def formfield(self, **kwargs: Any) -> forms.Field:
        kwargs.setdefault("form_class", CheckedBlockField)
        return super().formfield(**kwargs)

    def deconstruct(self) -> tuple[Any, ...]:
        name, _path, args, kwargs = super().deconstruct()
        return name, "wagtail.fields.StreamField", args, kwargs
