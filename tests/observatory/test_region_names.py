"""Region names are a taxonomy the network keeps: each is shown in the reader's language, else in French."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from network.observatory import selectors
from network.observatory.models import ObservatoryRegion

pytestmark = pytest.mark.django_db


def _region() -> ObservatoryRegion:
    return ObservatoryRegion.objects.create(
        code="ile-de-france",
        label="Île-de-France",
        label_translations={"ar": "إيل دو فرانس", "zh-hans": "法兰西岛大区", "es": "Isla de Francia"},
    )


def test_the_region_list_names_each_region_in_the_active_language():
    _region()

    with translation.override("ar"):
        arabic = [region.label for region in selectors.regions()]
    with translation.override("zh-hans"):
        chinese = [region.label for region in selectors.regions()]
    with translation.override("fr"):
        french = [region.label for region in selectors.regions()]

    assert arabic == ["إيل دو فرانس"]
    assert chinese == ["法兰西岛大区"]
    assert french == ["Île-de-France"]


def test_a_language_without_a_name_falls_back_to_the_default_name():
    region = _region()

    assert region.label_in("ru") == "Île-de-France"


def test_names_must_be_given_per_language_code():
    region = ObservatoryRegion(code="occitanie", label="Occitanie", label_translations=["Occitania"])

    with pytest.raises(ValidationError) as refused:
        region.full_clean()

    assert "label_translations" in refused.value.message_dict
