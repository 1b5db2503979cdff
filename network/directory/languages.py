"""The languages of the directory as people look for them: by name in any interface language, common ones first.

A worker types "espagnol", "español", "Spanish" or "árabe" and finds the services speaking `es` or `ar`: every
language Django knows is named in each interface language (Django's own translations of language names), in English
and in its own language, and names are compared without case or accents. The pickers offer the languages the
network meets most (`settings.NETWORK_COMMON_LANGUAGES`) before all the others.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

from django.conf import global_settings, settings
from django.utils.translation import get_language_info, gettext, override

from network.orgs.languages import KNOWN_LANGUAGE_CODES, language_name

# A typed word must be this long before it is compared with the start of a language name ("es" is no language).
MINIMUM_PREFIX = 3
_WORD = re.compile(r"\w+")


def normalised(text: str) -> str:
    """Lower case, without accents or other combining marks ("Árabe" → "arabe", "العربيّة" → "العربية")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _names_of(code: str) -> set[str]:
    """Every name of a language Django knows: in English, in itself, and in each interface language."""
    try:
        info = get_language_info(code)
    except KeyError:
        return set()
    names = {info["name"], info["name_local"]}
    for interface_code, _name in settings.LANGUAGES:
        with override(interface_code):
            names.add(gettext(info["name"]))
    return {normalised(name) for name in names if name}


@cache
def _language_names() -> dict[str, frozenset[str]]:
    """Known language code → its normalised names. A base code Django has no entry for ("zh") takes the names of
    its variants ("zh-hans", "zh-hant")."""
    names: dict[str, set[str]] = {code: _names_of(code) for code in KNOWN_LANGUAGE_CODES}
    for code in KNOWN_LANGUAGE_CODES:
        if not names[code]:
            for variant in KNOWN_LANGUAGE_CODES:
                if variant.startswith(code + "-"):
                    names[code] |= names[variant]
    return {code: frozenset(found) for code, found in names.items() if found}


def _matches(typed: str, name: str) -> bool:
    if typed == name:
        return True
    if not typed.isascii():
        # Scripts without spaces between words (中文, 西班牙语): any part of the name.
        return len(typed) >= 2 and typed in name
    return len(typed) >= MINIMUM_PREFIX and any(word.startswith(typed) for word in _WORD.findall(name))


def language_codes_named(text: str) -> set[str]:
    """The codes of the languages whose name, in any interface language, English or itself, is `text` or starts
    with it (a word of it, for several-word names): "arab", "Árabe" and "العربية" all give {"ar", "ar-dz"…}."""
    typed = normalised(text.strip())
    if not typed:
        return set()
    return {code for code, names in _language_names().items() if any(_matches(typed, name) for name in names)}


def common_language_codes() -> list[str]:
    """The languages the network meets most, in the configured order (unknown codes left out)."""
    return [code for code in getattr(settings, "NETWORK_COMMON_LANGUAGES", ()) if code in KNOWN_LANGUAGE_CODES]


def all_language_codes() -> list[str]:
    """Every language a service may declare that has a name (Django's list)."""
    return [code for code, _name in global_settings.LANGUAGES]


def language_choices(codes: Iterable[str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """`codes` as grouped choices named in the interface language: the common languages first (in their configured
    order), then the others in alphabetical order. A group without languages is left out."""
    wanted = list(dict.fromkeys(codes))
    common = [code for code in common_language_codes() if code in wanted]
    others = sorted((code for code in wanted if code not in common), key=lambda code: normalised(language_name(code)))
    groups = [
        (gettext("Languages most spoken in the network"), [(code, language_name(code)) for code in common]),
        (gettext("Other languages"), [(code, language_name(code)) for code in others]),
    ]
    return [(label, choices) for label, choices in groups if choices]
