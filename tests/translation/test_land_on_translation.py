"""After "Translate this page", the editor lands in the translation editor of the new translation (not back on the
page they came from, which wagtail-localize's `next` address would give)."""

import pytest
from django.urls import reverse
from django.utils import translation

from network.orgs.models import Role
from tests.factories import member, organisation
from tests.resources.factories import locale, make_resource

pytestmark = pytest.mark.django_db


def test_translating_a_resource_lands_on_the_new_translation_editor(signed_in):
    arabic = locale("ar")
    org = organisation()
    page = make_resource(org, visibility="public")
    client = signed_in(member(org, Role.STAFF))
    came_from = reverse("wagtailadmin_pages:edit", args=[page.pk])

    response = client.post(f"/admin/localize/submit/page/{page.pk}/?next={came_from}", {"locales": [arabic.pk]})

    translated = page.get_translation(arabic)
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_pages:edit", args=[translated.pk])
    editor = client.get(response.url)
    assert editor.status_code == 200
    assert b"wagtail-localize" in editor.content or b"w-translation" in editor.content or b"localize" in editor.content


def test_translating_into_several_languages_lands_on_the_first_one(signed_in):
    arabic, spanish = locale("ar"), locale("es")
    org = organisation()
    page = make_resource(org, visibility="public")
    client = signed_in(member(org, Role.STAFF))

    response = client.post(f"/admin/localize/submit/page/{page.pk}/?next=/admin/", {"locales": [spanish.pk, arabic.pk]})

    assert response.url == reverse("wagtailadmin_pages:edit", args=[page.get_translation(arabic).pk])


def test_the_translation_form_keeps_its_way_back(signed_in):
    org = organisation()
    locale("ar")
    page = make_resource(org, visibility="public")
    client = signed_in(member(org, Role.STAFF))

    with translation.override("fr"):
        response = client.get(f"/admin/localize/submit/page/{page.pk}/?next=/admin/pages/{page.pk}/edit/")

    assert response.status_code == 200
    assert f"/admin/pages/{page.pk}/edit/" in response.content.decode()
