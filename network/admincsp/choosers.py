"""Wagtail's chooser widgets (page, document, image, snippet, task) write their initialiser as an inline script
from Python, without the request: `BaseChooser.render` in wagtail/admin/widgets/chooser.py (Wagtail 8.0.1). Its
render is replaced by the same code whose script tag carries the admin request's nonce. Only Wagtail's own
initialiser gets it: the widget's HTML (titles of chosen objects) is rendered apart and stays autoescaped."""

from __future__ import annotations

from typing import Any

from django.utils.safestring import SafeString, mark_safe
from wagtail.admin.widgets.chooser import BaseChooser

from .nonce import nonce_attribute

_patched = False


def _render_with_nonce(
    self: BaseChooser, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
) -> SafeString:
    # Wagtail 8.0.1's BaseChooser.render, with the nonce on its <script> tag.
    try:
        id_ = attrs["id"]  # type: ignore[index]
    except (KeyError, TypeError) as error:
        raise TypeError("BaseChooser cannot be rendered without an 'id' attribute") from error
    value_data = self.get_value_data(value)
    widget_html = self.render_html(name, value_data, attrs)
    js = self.render_js_init(id_, name, value_data)
    # Wagtail's own chooser markup and script, with the nonce: as Wagtail's BaseChooser.render marks it safe.
    return mark_safe(f"{widget_html}<script{nonce_attribute()}>{js}</script>")  # noqa: S308  # nosec B308 B703


def nonce_chooser_scripts() -> None:
    """Install the nonced render on BaseChooser (once; every chooser widget inherits it)."""
    global _patched  # noqa: PLW0603
    if _patched:
        return
    BaseChooser.render = _render_with_nonce
    _patched = True
