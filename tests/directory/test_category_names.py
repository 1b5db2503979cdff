"""Service categories are named in the six interface languages: kept by network administrators in the Wagtail
admin, shown in the reader's language wherever a category appears."""

from __future__ import annotations

import pytest
from django.urls import reverse

from network.directory.models import ServiceCategory
from tests import factories
from tests.directory.test_hsds import category

pytestmark = pytest.mark.django_db

LANGUAGES = ("fr", "en", "es", "ru", "zh-hans", "ar")


def test_every_seeded_category_has_a_name_of_its_own_in_each_language():
    for term in ServiceCategory.objects.all():
        names = [term.label_in(code) for code in LANGUAGES]
        assert all(names), term.code
        assert term.name == term.label_in("fr")  # the site's default language
    harm = category("harm-reduction")
    assert [harm.label_in(code) for code in LANGUAGES] == [
        "Réduction des risques",
        "Harm reduction",
        "Reducción de daños",
        "Снижение вреда",
        "减少伤害",
        "الحد من الضرر",
    ]


def test_the_service_page_and_its_filter_show_the_category_in_the_page_language(client, network):
    service = network["public"]
    for language, name in (("fr", "Dépistage en santé sexuelle"), ("ru", "Тестирование на ВИЧ и ИППП")):
        detail = client.get(f"/{language}/services/{service.pk}/").content.decode()
        listing = client.get(f"/{language}/services/").content.decode()
        assert name in detail, language
        assert name in listing, language  # the badge and the category filter
    assert "Sexual-health testing" not in client.get(f"/ar/services/{service.pk}/").content.decode()


def test_project_api_gives_the_category_name_in_the_answer_language(client, network):
    response = client.get(f"/api/v1/services/{network['public'].pk}/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.json()["category"]["name"] == "Pruebas de salud sexual"


def test_network_admin_edits_a_name_per_language_in_the_wagtail_admin(client, signed_in):
    # Given a network administrator in the Wagtail admin
    signed_in(factories.network_admin())
    term = category("interpreting")
    url = reverse("service-categories:edit", args=[term.pk])
    form = client.get(url).content.decode()
    assert 'name="name_zh_hans"' in form and 'name="name_ar"' in form and "Устный перевод" in form

    # When they write the Russian name anew and clear the Spanish one
    response = client.post(
        url,
        {
            "name": "Interprétariat",
            "code": "interpreting",
            "description": "",
            "sort_order": term.sort_order,
            "name_en": "Interpreting",
            "name_es": "",
            "name_ru": "Переводчики",
            "name_zh_hans": "口译服务",
            "name_ar": "الترجمة الشفوية",
        },
    )

    # Then each language reads its own name, and a cleared one falls back to the default name
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.label_in("ru") == "Переводчики"
    assert term.label_in("es") == "Interprétariat"
    assert term.label_in("zh-hans") == "口译服务"
