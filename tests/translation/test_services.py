"""Translation services: the organisation's editors keep their rights in every language; strings are filled
only from the source's own texts."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from wagtail.models import GroupPagePermission, Locale, Page
from wagtail_localize.models import StringTranslation

from cms import spaces
from network.orgs.models import Role
from network.resources.models import ResourcePage
from network.translation import services
from tests import factories
from tests.resources import factories as rf

pytestmark = pytest.mark.django_db


def _permissions(page: Page) -> set[tuple[int, str]]:
    return set(GroupPagePermission.objects.filter(page=page).values_list("group_id", "permission__codename"))


def test_the_space_in_another_language_carries_the_organisation_groups_permissions():
    org = factories.organisation()
    editor, peer = factories.member(org, Role.STAFF), factories.member(org, Role.PEER)
    page = rf.make_resource(org)

    services.translation_submit(instance=page, locales=["ar"])

    arabic_space = org.space_page.get_translation(Locale.objects.get(language_code="ar"))
    assert arabic_space.alias_of_id == org.space_page_id
    assert _permissions(arabic_space) == _permissions(org.space_page)
    arabic_page = ResourcePage.objects.get(translation_key=page.translation_key, locale__language_code="ar")
    assert arabic_page.permissions_for_user(editor).can_publish()
    assert arabic_page.permissions_for_user(peer).can_edit()
    assert not arabic_page.permissions_for_user(peer).can_publish()
    outsider = factories.member(factories.organisation(), Role.COORDINATOR)
    assert not arabic_page.permissions_for_user(outsider).can_edit()


def test_translating_from_the_admin_translate_action_also_shares_the_space_permissions(signed_in, client):
    org = factories.organisation()
    editor = factories.member(org, Role.STAFF)
    org.editors_group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtail_localize", codename="submit_translation")
    )
    page = rf.make_resource(org)
    russian = Locale.objects.get(language_code="ru")
    signed_in(editor)

    response = client.post(
        reverse("wagtail_localize:submit_page_translation", args=[page.pk]), {"locales": [russian.pk]}
    )

    assert response.status_code == 302
    russian_space = org.space_page.get_translation(russian)
    assert _permissions(russian_space) == _permissions(org.space_page)


def test_sharing_the_space_permissions_again_adds_nothing():
    org = factories.organisation()
    services.translation_submit(instance=rf.make_resource(org), locales=["es", "en"])

    assert spaces.translated_space_share_permissions(space=org.space_page) == 0


def test_filling_with_a_text_that_is_not_in_the_source_writes_nothing(in_english):
    org = factories.organisation()
    page = rf.make_resource(org, title="Fiche pratique", summary="Un résumé.")
    [translation] = services.translation_submit(instance=page, locales=["en"])

    with pytest.raises(services.TranslationInputError, match="1 text"):
        services.translation_fill(
            translation=translation, strings={"Fiche pratique": "Fact sheet", "Fiche pratiqe": "typo"}
        )

    assert not StringTranslation.objects.filter(locale__language_code="en").exists()


def test_filling_accepts_plain_text_and_escapes_it_like_the_editor():
    org = factories.organisation()
    page = rf.make_resource(org, title="Santé & droits", summary="Un résumé.")
    [translation] = services.translation_submit(instance=page, locales=["en"])

    services.translation_fill(translation=translation, strings={"Santé & droits": "Health & rights"})

    assert ResourcePage.objects.get(translation_key=page.translation_key, locale=translation.target_locale).title == (
        "Health & rights"
    )


def test_translations_of_lists_the_enabled_translations_with_their_state(in_english):
    org = factories.organisation()
    page = rf.make_resource(org)
    services.translation_submit(instance=page, locales=["es", "ru"])

    translations = services.translations_of(page)

    assert sorted(t.target_locale.language_code for t in translations) == ["es", "ru"]
    assert services.translation_for(page, "ru").target_locale.language_code == "ru"
    state = services.translation_state(services.translation_for(page, "es"))
    assert (state.source_changed, state.translated_strings, str(state.label)) == (False, 0, "Waiting for translations")


def test_a_space_translated_for_real_rather_than_aliased_also_carries_the_permissions():
    org = factories.organisation()
    services.translation_submit(instance=org.space_page, locales=["es"])
    spanish_space = org.space_page.get_translation(Locale.objects.get(language_code="es"))
    assert spanish_space.alias_of_id is None

    services.translation_submit(instance=rf.make_resource(org), locales=["es"])

    assert _permissions(spanish_space) == _permissions(org.space_page) != set()
