"""Names the network keeps as data in several languages (themes, service categories, observatory regions).

Each keeps a name in the site's default language and a JSON object language code → name; a reader gets the name in
their language, else in its base language (zh-hans → zh), else the default name.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language


def name_in(translations: object, language: str, default: str) -> str:
    """The name in `language` from `translations` (language code → name), else `default`."""
    if not isinstance(translations, dict):
        return default
    return translations.get(language) or translations.get(language.split("-")[0]) or default


def reader_language() -> str:
    """The language being read: the active one, else the site's default."""
    return get_language() or settings.LANGUAGE_CODE
