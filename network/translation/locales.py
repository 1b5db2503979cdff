"""A Wagtail Locale for every content language of the deployment (CONTENT_LANGUAGES → WAGTAIL_CONTENT_LANGUAGES).

Wagtail's own migration creates only the default locale; without the others the "Translate" action offers no
target and /ar/… has nothing to serve. Locales are only ever added here: removing a language from the settings
keeps its pages (deleting a Locale would delete them).
"""

from __future__ import annotations

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from wagtail.models import Locale


def content_language_codes() -> list[str]:
    """The configured content languages, default first."""
    return [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]


def content_locales_ensure(*, using: str = DEFAULT_DB_ALIAS) -> list[Locale]:
    """Create the missing Locale rows (idempotent) and return every configured locale, default first."""
    existing = {locale.language_code: locale for locale in Locale.objects.using(using).all()}
    locales = []
    for code in content_language_codes():
        locale = existing.get(code)
        if locale is None:
            locale = Locale.objects.using(using).create(language_code=code)
        locales.append(locale)
    return locales


def create_content_locales(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate receiver (connected once, for this app): the locales exist after every `migrate`."""
    content_locales_ensure(using=using)
