"""The demo library loaded by seed_demo: resources of every visibility and kind, documents, hand-made translations."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings
from wagtail.models import Locale, Site

from network.demo.resources import RESOURCES, seed_demo_resources
from network.resources.models import LibraryIndexPage, ResourceCoAuthorship, ResourceKind, ResourcePage, Visibility
from network.translation import services as translation_services
from tests import factories

pytestmark = pytest.mark.django_db

DEMO_ORGANISATIONS = {
    "lotus-outreach": "Lotus Outreach",
    "collectif-etoile": "Collectif Étoile",
    "amaranthe": "Amaranthe",
    "pairs-en-route": "Pairs en Route",
    "centre-sante-belleville": "Centre de santé Belleville",
    "droits-devant": "Clinique juridique Droits Devant",
}


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    return str(tmp_path_factory.mktemp("demo-media"))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, demo_media):
    """Seed once for the module (~20 pages, documents, 17 translations: too slow to repeat per test), inside a
    transaction rolled back at the end so nothing stays in the (reusable) test database."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=demo_media):
        transaction.set_autocommit(False)
        try:
            for slug, name in DEMO_ORGANISATIONS.items():
                factories.coordinator_of(factories.organisation(slug=slug, name=name))  # who confirms co-authoring
            added = seed_demo_resources()
            again = seed_demo_resources()
            yield added, again
        finally:
            transaction.rollback()
            transaction.set_autocommit(True)


def test_demo_adds_about_twenty_resources_once(demo):
    added, again = demo
    assert added == len(RESOURCES) >= 20
    assert again == 0
    assert ResourcePage.objects.filter(locale__language_code="fr").count() == len(RESOURCES)


def test_demo_library_index_is_live_under_the_home_page(demo):
    home = Site.objects.get(is_default_site=True).root_page
    library = LibraryIndexPage.objects.get(locale=home.locale)
    assert (library.title, library.slug, library.live) == ("Bibliothèque", "library", True)
    assert library.get_parent().pk == home.pk
    english = LibraryIndexPage.objects.get(translation_key=library.translation_key, locale__language_code="en")
    assert (english.title, english.url, english.live) == ("Library", "/en/library/", True)


def test_demo_covers_every_visibility_and_kind_from_several_organisations(demo):
    french = ResourcePage.objects.filter(locale__language_code="fr")
    assert set(french.values_list("visibility", flat=True)) == set(Visibility.values)
    assert set(french.values_list("kind", flat=True)) == set(ResourceKind.values)
    assert french.values("organisation").distinct().count() == len(DEMO_ORGANISATIONS)
    assert all(page.themes.count() >= 1 for page in french)
    assert french.filter(attachments__isnull=False).distinct().count() >= 5
    assert all(page.live and page.summary and page.body for page in french)


def test_demo_co_authors_show_both_a_confirmed_and_an_invited_one(demo):
    listed = {
        (page.translation_key, organisation.pk)
        for page in ResourcePage.objects.filter(locale__language_code="fr", authoring_organisations__isnull=False)
        for organisation in page.authoring_organisations.all()
    }
    confirmed = set(
        ResourceCoAuthorship.objects.filter(status="confirmed").values_list("translation_key", "organisation_id")
    )
    assert confirmed and confirmed < listed  # the others are only invited: named nowhere yet


def test_demo_documents_are_small_pdfs_in_the_owner_s_collection(demo, demo_media, settings):
    settings.MEDIA_ROOT = demo_media
    for page in ResourcePage.objects.filter(locale__language_code="fr", attachments__isnull=False).distinct():
        for attachment in page.attachments.all():
            document = attachment.document
            assert document.collection_id == page.organisation.collection_id
            with document.file.open("rb") as handle:
                content = handle.read()
            assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")
            assert document.file_size == len(content) < 4000


@pytest.mark.parametrize("code", ["en", "es", "ar", "ru"])
def test_demo_translations_are_live_complete_and_written_by_hand(demo, code):
    locale = Locale.objects.get(language_code=code)
    translated = [spec for spec in RESOURCES if code in spec.get("translations", {})]
    assert len(translated) >= 4
    for spec in translated:
        source = ResourcePage.objects.get(locale__language_code="fr", slug=spec["slug"])
        page = source.get_translation(locale)
        assert page.live and page.alias_of_id is None
        assert page.title == spec["translations"][code]["title"] != source.title
        assert page.url.startswith(f"/{code}/")
        assert (page.visibility, page.kind, page.organisation_id) == (
            source.visibility,
            source.kind,
            source.organisation_id,
        )
        assert translation_services.translation_state(translation_services.translation_for(source, locale)).up_to_date
