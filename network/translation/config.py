"""Settings helpers for content translation, read from the environment (imported by network/settings/base.py).

Only the standard library and Django's exceptions here: settings modules import this before apps are loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

LIBRETRANSLATE_CLASS = "network.translation.machine_translators.LibreTranslator"
DUMMY_CLASS = "wagtail_localize.machine_translators.dummy.DummyTranslator"
MACHINE_TRANSLATOR_CHOICES = ("none", "libretranslate", "dummy")


def machine_translator_setting(env: Mapping[str, str]) -> dict[str, Any] | None:
    """WAGTAILLOCALIZE_MACHINE_TRANSLATOR from MACHINE_TRANSLATOR (none | libretranslate | dummy) and its options.

    `none` (the default) hides the "Translate with …" button; `dummy` reverses word order (tests, offline demos);
    `libretranslate` needs LIBRETRANSLATE_URL (the self-hosted service of docker compose's "translation" profile
    answers at http://translate:5000) and, for a public instance, LIBRETRANSLATE_API_KEY. A typo fails at start-up
    rather than silently leaving editors without machine translation.
    """
    choice = env.get("MACHINE_TRANSLATOR", "none").strip().lower() or "none"
    if choice not in MACHINE_TRANSLATOR_CHOICES:
        raise ImproperlyConfigured(
            f"MACHINE_TRANSLATOR={choice!r} is not one of {', '.join(MACHINE_TRANSLATOR_CHOICES)}."
        )
    if choice == "none":
        return None
    if choice == "dummy":
        return {"CLASS": DUMMY_CLASS, "OPTIONS": {}}
    url = env.get("LIBRETRANSLATE_URL", "").strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ImproperlyConfigured("MACHINE_TRANSLATOR=libretranslate needs LIBRETRANSLATE_URL (http:// or https://).")
    try:
        connect_timeout = float(env.get("LIBRETRANSLATE_CONNECT_TIMEOUT", "3"))
        read_timeout = float(env.get("LIBRETRANSLATE_READ_TIMEOUT", "30"))
    except ValueError as error:
        raise ImproperlyConfigured(
            "LIBRETRANSLATE_CONNECT_TIMEOUT and _READ_TIMEOUT are numbers of seconds."
        ) from error
    return {
        "CLASS": LIBRETRANSLATE_CLASS,
        "OPTIONS": {
            "LIBRETRANSLATE_URL": url,
            "API_KEY": env.get("LIBRETRANSLATE_API_KEY", ""),
            "TIMEOUT": (connect_timeout, read_timeout),
        },
    }
