"""MACHINE_TRANSLATOR and LIBRETRANSLATE_* environment variables → WAGTAILLOCALIZE_MACHINE_TRANSLATOR."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from network.translation.config import DUMMY_CLASS, LIBRETRANSLATE_CLASS, machine_translator_setting


def test_no_machine_translator_unless_one_is_chosen():
    assert machine_translator_setting({}) is None
    assert machine_translator_setting({"MACHINE_TRANSLATOR": "none"}) is None
    assert machine_translator_setting({"MACHINE_TRANSLATOR": "  "}) is None


def test_dummy_translator_for_tests_and_offline_demos():
    assert machine_translator_setting({"MACHINE_TRANSLATOR": "Dummy"}) == {"CLASS": DUMMY_CLASS, "OPTIONS": {}}


def test_libretranslate_takes_its_address_key_and_timeouts_from_the_environment():
    setting = machine_translator_setting(
        {"MACHINE_TRANSLATOR": "libretranslate", "LIBRETRANSLATE_URL": "http://translate:5000/"}
    )
    assert setting == {
        "CLASS": LIBRETRANSLATE_CLASS,
        "OPTIONS": {"LIBRETRANSLATE_URL": "http://translate:5000", "API_KEY": "", "TIMEOUT": (3.0, 30.0)},
    }
    setting = machine_translator_setting(
        {
            "MACHINE_TRANSLATOR": "libretranslate",
            "LIBRETRANSLATE_URL": "https://lt.example.org",
            "LIBRETRANSLATE_API_KEY": "k",
            "LIBRETRANSLATE_READ_TIMEOUT": "60",
        }
    )
    assert setting["OPTIONS"]["API_KEY"] == "k"
    assert setting["OPTIONS"]["TIMEOUT"] == (3.0, 60.0)


@pytest.mark.parametrize(
    "env",
    [
        {"MACHINE_TRANSLATOR": "deepl"},
        {"MACHINE_TRANSLATOR": "libretranslate"},
        {"MACHINE_TRANSLATOR": "libretranslate", "LIBRETRANSLATE_URL": "translate:5000"},
        {"MACHINE_TRANSLATOR": "libretranslate", "LIBRETRANSLATE_URL": "http://t", "LIBRETRANSLATE_READ_TIMEOUT": "x"},
    ],
)
def test_a_wrong_machine_translator_configuration_stops_the_start(env):
    with pytest.raises(ImproperlyConfigured):
        machine_translator_setting(env)
