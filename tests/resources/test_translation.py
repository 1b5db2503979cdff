"""Translating library resources (and key messages) with wagtail-localize: submit, edit, sync, PO files, machine
pre-translation, synchronised fields, right-to-left rendering."""

from __future__ import annotations

import polib
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import Locale, Page
from wagtail_localize.models import StringTranslation

from network.advocacy.models import KeyMessage, MessageStatus
from network.orgs.models import Role
from network.orgs.policy import AccessDenied
from network.resources.models import ResourceKind, ResourcePage, Visibility
from network.themes.models import Theme
from network.translation import services
from network.translation.config import DUMMY_CLASS
from tests import factories
from tests.resources import factories as rf

pytestmark = pytest.mark.django_db


def _locale(code: str) -> Locale:
    return Locale.objects.get(language_code=code)


def _target(page: ResourcePage, code: str) -> ResourcePage:
    return ResourcePage.objects.get(translation_key=page.translation_key, locale__language_code=code)


@pytest.fixture
def org():
    return factories.organisation(name="Lotus Outreach", slug="lotus-outreach")


@pytest.fixture
def resource(org):
    return rf.make_resource(
        org,
        visibility=Visibility.PUBLIC,
        title="Guide de l'accès aux soins",
        summary="Les étapes pour accompagner une personne vers les soins.",
        slug="guide-acces-soins",
        body=[("heading", "Avant le rendez-vous"), ("paragraph", "<p>Préparer les documents utiles.</p>")],
    )


def test_submitting_a_resource_creates_draft_arabic_and_russian_pages_under_aliased_parents(org, resource):
    translations = services.translation_submit(instance=resource, locales=["ar", "ru"])

    assert sorted(t.target_locale.language_code for t in translations) == ["ar", "ru"]
    for code in ("ar", "ru"):
        target = _target(resource, code)
        # A draft: nothing carrying the source's text goes live before someone translates and publishes it.
        assert not target.live
        assert target.organisation_id == org.pk
        assert target.url == f"/{code}/spaces/lotus-outreach/guide-acces-soins/"
        # Untranslated strings show the source text until someone translates them.
        assert target.title == "Guide de l'accès aux soins"
        # Home, spaces index and the organisation's space exist in the target language as aliases of the French ones.
        parents = [page.specific for page in target.get_ancestors().filter(depth__gt=1)]
        assert [page.locale.language_code for page in parents] == [code, code, code]
        assert all(page.alias_of_id is not None and page.live for page in parents)
    # The French page is untouched.
    resource.refresh_from_db()
    assert resource.locale.language_code == "fr"


def test_only_editors_of_the_organisation_may_submit_a_resource_for_translation(org, resource):
    editor = factories.member(org, Role.STAFF)
    peer = factories.member(org, Role.PEER)
    outsider = factories.member(factories.organisation(), Role.COORDINATOR)

    for user in (peer, outsider):
        with pytest.raises(AccessDenied):
            services.translation_submit(instance=resource, locales=["es"], acting_user=user)
    assert not Page.objects.filter(translation_key=resource.translation_key, locale__language_code="es").exists()

    services.translation_submit(instance=resource, locales=["es"], acting_user=editor)
    assert not _target(resource, "es").live  # a draft until translated


def test_submitting_into_a_language_the_site_does_not_offer_is_refused(resource):
    with pytest.raises(services.TranslationInputError):
        services.translation_submit(instance=resource, locales=["de"])


def test_translation_editor_opens_for_an_editor_of_the_organisation_only(org, resource, signed_in, client):
    services.translation_submit(instance=resource, locales=["ar"])
    target = _target(resource, "ar")
    edit_url = reverse("wagtailadmin_pages:edit", args=[target.pk])

    signed_in(factories.member(org, Role.STAFF))
    response = client.get(edit_url)
    assert response.status_code == 200
    assert "wagtail_localize/admin/edit_translation.html" in [t.name for t in response.templates]

    client.logout()
    signed_in(factories.member(factories.organisation(), Role.STAFF))
    response = client.get(edit_url)
    assert response.status_code in (302, 403, 404)  # 404: the admin does not reveal another space's page exists
    assert "wagtail_localize/admin/edit_translation.html" not in [t.name for t in response.templates or []]


def test_republished_source_is_out_of_date_until_synced_and_then_brings_its_new_strings(resource, in_english):
    [translation] = services.translation_submit(instance=resource, locales=["ru"])
    services.translation_fill(
        translation=translation,
        strings={
            "Guide de l'accès aux soins": "Путеводитель по доступу к медицинской помощи",
            "guide-acces-soins": "guide-acces-soins",
            "Les étapes pour accompagner une personne vers les soins.": "Как сопровождать человека к врачу.",
            "Avant le rendez-vous": "Перед приёмом",
            "Préparer les documents utiles.": "Подготовить нужные документы.",
        },
    )
    assert services.translation_state(translation).up_to_date

    # Given an editor changes the summary and republishes the French page
    source = ResourcePage.objects.get(pk=resource.pk)
    source.summary = "Les étapes, pas à pas, pour accompagner une personne vers les soins."
    source.save_revision().publish()

    # Then the translation is out of date, and the Russian page still shows the old text
    state = services.translation_state(translation)
    assert state.source_changed and not state.up_to_date
    assert _target(resource, "ru").summary == "Как сопровождать человека к врачу."

    # When the translations are synced
    services.translation_sync(instance=source)

    # Then the new string waits for its translation and the page shows it in French meanwhile
    state = services.translation_state(translation)
    assert not state.source_changed
    assert (state.total_strings - state.translated_strings, str(state.label)) == (1, "Waiting for translations")
    target = _target(resource, "ru")
    assert target.summary == "Les étapes, pas à pas, pour accompagner une personne vers les soins."
    assert target.title == "Путеводитель по доступу к медицинской помощи"

    services.translation_fill(
        translation=translation,
        strings={"Les étapes, pas à pas, pour accompagner une personne vers les soins.": "Шаг за шагом: к врачу."},
    )
    assert services.translation_state(translation).up_to_date
    assert _target(resource, "ru").summary == "Шаг за шагом: к врачу."


def test_synchronised_fields_follow_the_source_on_sync(org, resource):
    outreach, legal = Theme.objects.get(slug="harm-reduction"), Theme.objects.get(slug="legal")
    source = ResourcePage.objects.get(pk=resource.pk)
    source.kind, source.country, source.visibility = ResourceKind.GUIDE, "FR", Visibility.NETWORK
    source.themes = [outreach]
    source.save_revision().publish()
    services.translation_submit(instance=source, locales=["ar"])

    source = ResourcePage.objects.get(pk=resource.pk)
    source.kind, source.country, source.visibility = ResourceKind.TOOL, "SN", Visibility.ORGANISATION
    source.themes = [outreach, legal]
    source.save_revision().publish()
    services.translation_sync(instance=source)

    target = _target(resource, "ar")
    assert (target.kind, target.country.code, target.visibility) == (ResourceKind.TOOL, "SN", Visibility.ORGANISATION)
    assert set(target.themes.values_list("slug", flat=True)) == {"harm-reduction", "legal"}


def test_po_file_exported_then_imported_gives_the_translated_strings_on_the_published_page(
    org, resource, signed_in, client, django_capture_on_commit_callbacks
):
    [translation] = services.translation_submit(instance=resource, locales=["ru"])
    target = _target(resource, "ru")
    signed_in(factories.member(org, Role.STAFF))
    russian = {
        "Guide de l'accès aux soins": "Путеводитель по доступу к медицинской помощи",
        "Les étapes pour accompagner une personne vers les soins.": "Как сопровождать человека к врачу.",
        "Avant le rendez-vous": "Перед приёмом",
        "Préparer les documents utiles.": "Подготовить нужные документы.",
    }

    # Given the editor downloads the PO file and a translator fills it in
    response = client.get(reverse("wagtail_localize:download_pofile", args=[translation.pk]))
    assert response.status_code == 200
    po = polib.pofile(response.content.decode())
    assert {entry.msgid for entry in po} >= set(russian)
    for entry in po:
        entry.msgstr = russian.get(entry.msgid, entry.msgid)

    # When it is uploaded and the translation published from the translation editor
    upload = SimpleUploadedFile("guide-ru.po", str(po).encode(), content_type="text/x-gettext-translation")
    edit_url = reverse("wagtailadmin_pages:edit", args=[target.pk])
    response = client.post(
        reverse("wagtail_localize:upload_pofile", args=[translation.pk]), {"file": upload, "next": edit_url}
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url, {"action": "publish"})
    assert response.status_code == 302

    # Then the published Russian page carries the translated strings
    target = _target(resource, "ru")
    assert target.live and not target.has_unpublished_changes
    assert target.title == "Путеводитель по доступу к медицинской помощи"
    assert target.summary == "Как сопровождать человека к врачу."
    assert [block.value for block in target.body][0] == "Перед приёмом"
    assert services.translation_state(translation).up_to_date


def test_a_po_file_made_for_another_translation_is_refused(org, resource, signed_in, client):
    ar, ru = services.translation_submit(instance=resource, locales=["ar", "ru"])
    signed_in(factories.member(org, Role.STAFF))
    po = polib.pofile(client.get(reverse("wagtail_localize:download_pofile", args=[ar.pk])).content.decode())
    for entry in po:
        entry.msgstr = "نص"
    upload = SimpleUploadedFile("ar.po", str(po).encode())

    client.post(reverse("wagtail_localize:upload_pofile", args=[ru.pk]), {"file": upload, "next": "/admin/"})

    assert not StringTranslation.objects.filter(locale__language_code__in=["ar", "ru"]).exists()


def test_dummy_machine_translation_fills_the_untranslated_strings(org, resource, settings, signed_in, client):
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {"CLASS": DUMMY_CLASS, "OPTIONS": {}}
    es, en = services.translation_submit(instance=resource, locales=["es", "en"])
    editor = factories.member(org, Role.STAFF)

    # Through the service
    assert services.translation_machine_translate(translation=es, acting_user=editor, publish=True)
    assert _target(resource, "es").title == "soins aux l'accès de Guide"  # the dummy reverses word order
    assert StringTranslation.objects.filter(
        locale__language_code="es", translation_type=StringTranslation.TRANSLATION_TYPE_MACHINE
    ).count() == len(es.source.stringsegment_set.all())
    # Nothing left to translate the second time
    assert not services.translation_machine_translate(translation=es, acting_user=editor)

    # And through the editor's "Translate with …" button
    signed_in(editor)
    response = client.post(reverse("wagtail_localize:machine_translate", args=[en.pk]), {"next": "/admin/"})
    assert response.status_code == 302
    assert services.translation_state(en).up_to_date


def test_machine_translation_needs_a_configured_translator(org, resource, settings):
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = None
    [es] = services.translation_submit(instance=resource, locales=["es"])
    with pytest.raises(LookupError):
        services.translation_machine_translate(translation=es, acting_user=factories.member(org, Role.STAFF))


def test_key_message_snippet_is_translated_like_a_page(org):
    author = factories.member(org, Role.STAFF)
    message = KeyMessage.objects.create(
        statement="Le travail du sexe n'est pas un délit.",
        argument="<p>La pénalisation éloigne les personnes des soins.</p>",
        status=MessageStatus.PROPOSED,
        drafting_organisation=org,
        created_by=author,
    )
    message.save_revision(user=author)

    [translation] = services.translation_submit(instance=message, locales=["en"], acting_user=author)
    services.translation_fill(
        translation=translation,
        strings={
            "Le travail du sexe n'est pas un délit.": "Sex work is not a crime.",
            "La pénalisation éloigne les personnes des soins.": "Criminalisation keeps people away from care.",
        },
        acting_user=author,
    )

    english = KeyMessage.objects.get(translation_key=message.translation_key, locale__language_code="en")
    assert english.statement == "Sex work is not a crime."
    assert "Criminalisation keeps people away from care." in english.argument
    # Synchronised fields: the drafting organisation and the status are the source's.
    assert (english.drafting_organisation_id, english.status) == (org.pk, MessageStatus.PROPOSED)

    # A volunteer of the organisation may not translate it.
    with pytest.raises(AccessDenied):
        services.translation_submit(instance=message, locales=["es"], acting_user=factories.member(org, Role.VOLUNTEER))


def test_published_arabic_translation_renders_right_to_left(org, resource, signed_in, client):
    [translation] = services.translation_submit(instance=resource, locales=["ar"])
    services.translation_fill(
        translation=translation,
        strings={"Guide de l'accès aux soins": "دليل الوصول إلى الرعاية الصحية"},
    )

    signed_in(factories.member(org, Role.STAFF))
    response = client.get(_target(resource, "ar").url)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "دليل الوصول إلى الرعاية الصحية" in html
    french = client.get(resource.url).content.decode()
    assert '<html lang="fr" dir="ltr">' in french
