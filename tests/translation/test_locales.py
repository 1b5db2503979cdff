"""Every content language configured for the deployment has its Wagtail locale."""

from __future__ import annotations

import pytest
from wagtail.models import Locale

from network.translation.locales import content_language_codes, content_locales_ensure

pytestmark = pytest.mark.django_db


def test_every_configured_content_language_has_a_locale_after_migrate(settings):
    codes = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
    assert codes[0] == settings.LANGUAGE_CODE
    assert set(Locale.objects.values_list("language_code", flat=True)) == set(codes)


def test_ensuring_the_locales_again_only_adds_a_newly_configured_language(settings):
    before = Locale.objects.count()
    assert [locale.language_code for locale in content_locales_ensure()] == content_language_codes()
    assert Locale.objects.count() == before

    settings.WAGTAIL_CONTENT_LANGUAGES = [*settings.WAGTAIL_CONTENT_LANGUAGES, ("pt", "Portuguese")]
    content_locales_ensure()
    content_locales_ensure()

    assert Locale.objects.count() == before + 1
    assert Locale.objects.filter(language_code="pt").exists()


def test_a_language_dropped_from_the_settings_keeps_its_locale_and_pages(settings):
    settings.WAGTAIL_CONTENT_LANGUAGES = [("fr", "French"), ("en", "English")]
    content_locales_ensure()
    assert Locale.objects.filter(language_code="ar").exists()
