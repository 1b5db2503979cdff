"""System check: documents are served only through Wagtail's view, where the access policy decides.

With `WAGTAILDOCS_SERVE_METHOD` "direct" or "redirect", document links point at the storage's own address
(MEDIA_URL or a bucket), and the `before_serve_document` hook, so the policy, is never asked.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security)
def documents_served_through_the_view(app_configs: Any, **kwargs: Any) -> list[Error]:
    if getattr(settings, "WAGTAILDOCS_SERVE_METHOD", None) == "serve_view":
        return []
    return [
        Error(
            "WAGTAILDOCS_SERVE_METHOD must be 'serve_view': any other method serves documents without asking the "
            "access policy.",
            hint="Set WAGTAILDOCS_SERVE_METHOD = 'serve_view' and never serve MEDIA_ROOT/documents/ directly.",
            id="cms.E001",
        )
    ]
