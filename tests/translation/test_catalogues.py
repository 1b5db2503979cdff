"""The interface is whole in each of its six languages: no catalogue misses a string of the code, none has a fuzzy or
untranslated entry, and each compiled .mo says what its .po says.

The strings of the code are extracted the way the catalogues are made: Django's `makemessages`, run on a copy of
the sources in a temporary directory (the working tree is never touched). English is written in English in the
code: `locale/en` keeps empty translations, which mean "the msgid as it is" (gettext's own convention), so only
its completeness, fuzzy entries and compilation are checked.

Each language is its own test case: a failure names the language and lists what is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale"
# Django language codes and gettext locale names: zh-hans is written zh_Hans under locale/.
CATALOGUES = ("fr", "en", "es", "ru", "zh_Hans", "ar")
MSGID_IS_THE_TRANSLATION = {"en"}
# What the catalogues are extracted from (the code, its templates, the project's site).
SOURCES = ("network", "cms", "templates", "manage.py")
SHOWN = 25  # entries listed in a failure message


def _key(entry: polib.POEntry) -> tuple[str | None, str, str]:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


def _describe(entry: polib.POEntry) -> str:
    where = f" ({entry.occurrences[0][0]}:{entry.occurrences[0][1]})" if entry.occurrences else ""
    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    return f"  {context}{entry.msgid[:100]!r}{where}"


def _listing(entries: list[polib.POEntry]) -> str:
    more = f"\n  … and {len(entries) - SHOWN} more" if len(entries) > SHOWN else ""
    return "\n".join(_describe(entry) for entry in entries[:SHOWN]) + more


@pytest.fixture(scope="module")
def source_strings(tmp_path_factory: pytest.TempPathFactory) -> list[polib.POEntry]:
    """Every translatable string of the code, as `makemessages` extracts it into the template catalogue."""
    copy = tmp_path_factory.mktemp("makemessages")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, copy / name)
    (copy / "locale").mkdir()
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "")}
    completed = subprocess.run(  # noqa: S603  (our own manage.py, with this interpreter)
        [sys.executable, "manage.py", "makemessages", "--locale", "fr", "--keep-pot", "--verbosity", "0"],
        cwd=copy,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, f"makemessages failed:\n{completed.stderr[-2000:]}"
    template = polib.pofile(str(copy / "locale" / "django.pot"))
    return [entry for entry in template if not entry.obsolete]


def catalogue_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


@pytest.fixture
def catalogue(language: str) -> polib.POFile | None:
    path = catalogue_path(language)
    return polib.pofile(str(path)) if path.exists() else None


def _require(language: str, catalogue: polib.POFile | None) -> polib.POFile:
    """A missing catalogue fails the test of its language (the others still run)."""
    if catalogue is None:
        pytest.fail(f"{language}: no catalogue at {catalogue_path(language).relative_to(ROOT)}", pytrace=False)
    return catalogue


def _live(catalogue: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in catalogue if not entry.obsolete]


@pytest.mark.parametrize("language", CATALOGUES)
def test_the_catalogue_has_every_string_of_the_code(language, catalogue, source_strings):
    # Given the strings the code asks to translate, extracted as makemessages does
    catalogue = _require(language, catalogue)
    have = {_key(entry) for entry in _live(catalogue)}

    # Then the catalogue has each of them (a catalogue made before a string was added misses it)
    missing = [entry for entry in source_strings if _key(entry) not in have]
    assert not missing, (
        f"{language}: {len(missing)} of {len(source_strings)} strings of the code are missing from "
        f"{catalogue_path(language).relative_to(ROOT)} (run makemessages, then translate):\n{_listing(missing)}"
    )


@pytest.mark.parametrize("language", CATALOGUES)
def test_no_entry_is_fuzzy_or_untranslated(language, catalogue):
    # Given the catalogue's live entries
    catalogue = _require(language, catalogue)
    entries = _live(catalogue)
    header = catalogue.metadata

    # Then it says its language and its plural rule, and no entry is fuzzy (a guess gettext will not use)
    assert header.get("Plural-Forms", "").startswith("nplurals="), f"{language}: the header has no Plural-Forms"
    fuzzy = [entry for entry in entries if entry.fuzzy]
    assert not fuzzy, f"{language}: {len(fuzzy)} fuzzy entries (review them, then drop the flag):\n{_listing(fuzzy)}"

    # And every entry is translated, each plural form of it included (English: empty means the msgid itself)
    if language in MSGID_IS_THE_TRANSLATION:
        return
    assert header.get("Language", "").replace("-", "_").lower() == language.lower(), (
        f"{language}: the header's Language is {header.get('Language')!r}"
    )
    plurals = int(header["Plural-Forms"].split("nplurals=")[1].split(";")[0])
    untranslated = [
        entry
        for entry in entries
        if (not entry.msgid_plural and not entry.msgstr)
        or (entry.msgid_plural and (len(entry.msgstr_plural) != plurals or not all(entry.msgstr_plural.values())))
    ]
    assert not untranslated, f"{language}: {len(untranslated)} untranslated entries:\n{_listing(untranslated)}"


@pytest.mark.parametrize("language", CATALOGUES)
def test_the_compiled_catalogue_says_what_its_source_says(language, catalogue):
    # Given the compiled catalogue Django reads at run time
    catalogue = _require(language, catalogue)
    compiled_path = catalogue_path(language).with_suffix(".mo")
    assert compiled_path.exists(), f"{language}: {compiled_path.relative_to(ROOT)} was never compiled"

    # Then it holds exactly the translated, non-fuzzy entries of the .po (a .mo compiled before the last edit of
    # its .po differs from it)
    def translations(entries) -> dict:
        return {
            (entry.msgctxt, entry.msgid): (entry.msgstr, tuple(sorted(entry.msgstr_plural.items())))
            for entry in entries
            if entry.msgid and (entry.msgstr or any(entry.msgstr_plural.values()))
        }

    expected = translations(entry for entry in _live(catalogue) if not entry.fuzzy and entry.translated())
    compiled = translations(polib.mofile(str(compiled_path)))
    stale = sorted({key for key, _value in set(expected.items()) ^ set(compiled.items())}, key=str)
    assert not stale, (
        f"{language}: {compiled_path.relative_to(ROOT)} differs from its .po in {len(stale)} entries "
        f"(run compilemessages), e.g. {stale[:5]}"
    )

    # And gettext accepts its placeholders (python-format strings keep the msgid's %(name)s)
    if shutil.which("msgfmt"):
        checked = subprocess.run(  # noqa: S603  (gettext's msgfmt on our own file)
            ["msgfmt", "--check-format", "--output-file=/dev/null", str(catalogue_path(language))],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert checked.returncode == 0, f"{language}: msgfmt --check-format:\n{checked.stderr[-2000:]}"
