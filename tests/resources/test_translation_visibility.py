"""Visibility belongs to the resource, in every language.

A resource and its translations are one thing: switching any copy's visibility (or organisation) applies to every
copy and their documents at once, and the editor is told. A translation is never visible before it is translated:
submitting a page for translation creates drafts, and syncing does not publish them.
"""

from __future__ import annotations

import pytest
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from network.orgs.models import Role
from network.resources.models import ResourcePage, Visibility
from network.translation import services
from tests import factories
from tests.resources import factories as library

pytestmark = pytest.mark.django_db


@pytest.fixture
def lotus():
    return factories.organisation(name="Lotus Outreach", slug="lotus-outreach")


@pytest.fixture
def guide(lotus):
    """A public French guide with its PDF, translated into Arabic and Russian (both published)."""
    page = library.make_resource(lotus, visibility=Visibility.PUBLIC, title="Guide de réduction des risques")
    document = library.attach_document(page)
    arabic = library.translate(page, "ar", title="دليل الحد من المخاطر")
    russian = library.translate(page, "ru", title="Руководство по снижению рисков")
    return {"fr": ResourcePage.objects.get(pk=page.pk), "ar": arabic, "ru": russian, "document": document}


def _publish_with(page: ResourcePage, **fields) -> None:
    page = ResourcePage.objects.get(pk=page.pk)
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()


def _visibility(page: ResourcePage) -> str:
    return ResourcePage.objects.get(pk=page.pk).visibility


def test_switching_the_french_resource_to_network_only_applies_to_its_arabic_and_russian_copies(client, guide):
    library.library_in("ar")
    arabic_library = "/ar/library/"
    assert "دليل الحد من المخاطر" in library.titles_in(client.get(arabic_library).content.decode())
    assert client.get(guide["document"].url).status_code == 200

    # When the French copy becomes network-only
    _publish_with(guide["fr"], visibility=Visibility.NETWORK)

    # Then every copy is, anonymous visitors no longer see them in any library, nor download the PDF
    assert {_visibility(guide[code]) for code in ("fr", "ar", "ru")} == {Visibility.NETWORK}
    assert "دليل الحد من المخاطر" not in library.titles_in(client.get(arabic_library).content.decode())
    assert client.get(guide["ar"].url).status_code == 404
    assert client.get(guide["ru"].url).status_code == 404
    assert client.get(guide["document"].url).status_code == 404


def test_changing_visibility_on_a_translation_applies_to_the_source_and_other_copies(client, guide):
    _publish_with(guide["ru"], visibility=Visibility.ORGANISATION)

    assert {_visibility(guide[code]) for code in ("fr", "ar", "ru")} == {Visibility.ORGANISATION}
    assert client.get(guide["fr"].url).status_code == 404
    assert client.get(guide["document"].url).status_code == 404


def test_an_older_draft_of_a_copy_does_not_bring_the_old_visibility_back(client, guide):
    # Given a draft of the Arabic copy, made while the resource was public
    arabic = ResourcePage.objects.get(pk=guide["ar"].pk)
    arabic.summary = "ملخص جديد"
    arabic.save_revision()

    # When the French copy becomes network-only, and later that Arabic draft is published
    _publish_with(guide["fr"], visibility=Visibility.NETWORK)
    ResourcePage.objects.get(pk=arabic.pk).get_latest_revision().publish()

    # Then the resource stays network-only everywhere
    assert {_visibility(guide[code]) for code in ("fr", "ar", "ru")} == {Visibility.NETWORK}
    assert client.get(guide["document"].url).status_code == 404


def test_a_translation_published_later_keeps_the_resources_current_visibility(client, lotus):
    # Given a public guide submitted for translation (wagtail-localize freezes its content then)
    page = library.make_resource(lotus, visibility=Visibility.PUBLIC, title="Guide des droits")
    document = library.attach_document(page)
    [arabic] = services.translation_submit(instance=page, locales=["ar"])

    # When the French guide becomes network-only, and only then the Arabic translation is filled and published
    _publish_with(page, visibility=Visibility.NETWORK)
    services.translation_fill(translation=arabic, strings={"Guide des droits": "دليل الحقوق"})

    # Then the Arabic page is live but network-only, and nothing became public again
    target = ResourcePage.objects.get(translation_key=page.translation_key, locale__language_code="ar")
    assert target.live
    assert {_visibility(page), target.visibility} == {Visibility.NETWORK}
    assert client.get(target.url).status_code == 404
    assert client.get(document.url).status_code == 404


def test_the_editor_is_told_the_visibility_applies_to_every_language(client, signed_in, lotus, guide):
    signed_in(factories.member(lotus, Role.STAFF))
    page = guide["fr"]
    form = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "summary": page.summary,
            "body": streamfield([("paragraph", rich_text("<p>Texte.</p>"))]),
            "attachments": inline_formset([{"document": guide["document"].pk, "title": ""}]),
            "visibility": Visibility.NETWORK,
            "kind": page.kind,
            "audience": page.audience,
            "licence": page.licence,
            "country": "",
            "programme_context": "",
            "comments": inline_formset([]),
            "action-publish": "1",
        }
    )

    response = client.post(f"/admin/pages/{page.pk}/edit/", form, follow=True)

    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    # (the admin speaks the site's language, French)
    assert any("s'applique désormais aux 2 autres versions linguistiques" in message for message in shown), shown
    assert {_visibility(guide[code]) for code in ("fr", "ar", "ru")} == {Visibility.NETWORK}


def test_submitting_for_translation_creates_drafts_not_live_pages_carrying_the_source_text(client, lotus):
    page = library.make_resource(lotus, visibility=Visibility.PUBLIC, title="Guide des droits")

    services.translation_submit(instance=page, locales=["ar", "ru"])

    for code in ("ar", "ru"):
        target = ResourcePage.objects.get(translation_key=page.translation_key, locale__language_code=code)
        assert not target.live
        assert client.get(f"/{code}/spaces/lotus-outreach/{target.slug}/").status_code == 404
    library.library_in("ar")
    assert "Guide des droits" not in library.titles_in(client.get("/ar/library/").content.decode())


def test_submitting_from_the_admin_creates_drafts(client, signed_in, lotus, django_capture_on_commit_callbacks):
    page = library.make_resource(lotus, visibility=Visibility.PUBLIC, title="Guide des droits")
    signed_in(factories.member(lotus, Role.STAFF))
    ar = library.locale("ar")

    # wagtail-localize publishes its targets after commit: run what it scheduled
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/localize/submit/page/{page.pk}/", {"locales": [ar.pk]})

    assert response.status_code == 302, response.content.decode()[:2000]
    target = Page.objects.get(translation_key=page.translation_key, locale=ar)
    assert not target.live


def test_sync_does_not_publish_a_translation_nobody_published(lotus):
    page = library.make_resource(lotus, visibility=Visibility.PUBLIC, title="Guide des droits")
    [russian] = services.translation_submit(instance=page, locales=["ru"])
    [arabic] = services.translation_submit(instance=page, locales=["ar"])
    services.translation_fill(translation=russian, strings={"Guide des droits": "Руководство по правам"})

    services.translation_sync(instance=page)

    targets = {
        code: ResourcePage.objects.get(translation_key=page.translation_key, locale__language_code=code)
        for code in ("ru", "ar")
    }
    assert targets["ru"].live  # translated and published: kept up to date
    assert not targets["ar"].live  # never translated: still a draft
    assert services.translation_state(arabic).translated_strings == 0


def test_the_admin_sync_screen_publishes_only_translations_already_live(
    client, signed_in, lotus, django_capture_on_commit_callbacks
):
    # Given a resource with a Russian translation, translated and published, and an Arabic one never translated
    from django.urls import reverse
    from wagtail_localize.models import TranslationSource

    page = library.make_resource(lotus, visibility=Visibility.PUBLIC, title="Guide des droits")
    [russian] = services.translation_submit(instance=page, locales=["ru"])
    services.translation_submit(instance=page, locales=["ar"])
    services.translation_fill(translation=russian, strings={"Guide des droits": "Руководство по правам"})
    source = TranslationSource.objects.get_for_instance(page)
    signed_in(factories.member(lotus, Role.STAFF))

    # When an editor syncs the translations from wagtail-localize's screen with "publish" ticked
    with django_capture_on_commit_callbacks(execute=True):  # wagtail-localize publishes after commit
        response = client.post(
            reverse("wagtail_localize:update_translations", args=[source.pk]), {"publish_translations": "on"}
        )

    # Then the Russian copy stays live, and the Arabic one stays a draft (it would carry the French text)
    assert response.status_code == 302, response.content.decode()[:2000]
    targets = {
        code: ResourcePage.objects.get(translation_key=page.translation_key, locale__language_code=code)
        for code in ("ru", "ar")
    }
    assert targets["ru"].live
    assert not targets["ar"].live
