"""The interface speaks the page's language: no French interface string on a page in another language.

The French catalogue says which texts are French interface strings: every French translation that differs from its
msgid, longer than a short word, and not also a correct text in the page's language (the target catalogue's own
translation of some string: "Documents" is French and English). A member (who sees the public site and the member
screens) follows links from each language's home page and a few member entry points, and each page's visible
interface text is checked: text nodes outside <script>/<style> (and <title>), and the `title`, `aria-label`,
`placeholder` and `alt` attributes.

What people wrote is not the interface. Text inside an element that declares another language (`lang="fr"` on a
French resource shown in the Arabic library, the language switcher's names) is left out, and a French interface
string is found only as a whole text node or attribute (placeholders standing for any text) or, for sentences,
inside one: an organisation called "Droits Devant" is content, a button "Enregistrer" is not.

Until the es, ru, zh_Hans and ar catalogues land, their pages fall back to French and those cases fail, naming the
strings; English passes.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation import to_locale

from tests.crawl.test_crawl import internal_links, open_page, signed_in_client

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="the crawl runs on PostgreSQL (as CI does)",
    ),
]

LANGUAGES = ("en", "es", "ru", "zh-hans", "ar")
# An anonymous visitor (the public site, the sign-in pages) and a coordinator (the public site as members see it,
# the member screens and the management screens).
READERS = (None, "lotus-coord")
MEMBER_ENTRY_POINTS = (
    "dashboard/",
    "referrals/",
    "referrals/new/",
    "notifications/",
    "partnerships/",
    "me/profile/",
    "me/api-token/",
    "accounts/email/",
)
MAX_DEPTH = 2
MAX_PAGES = 40  # per reader and language: the chrome and forms repeat, a sample of each kind of page is enough
PER_KIND = 2  # pages of one kind (one referral's page stands for the others)
ID_SEGMENT = re.compile(r"^([0-9a-f]{8}-[0-9a-f-]{27}|\d+|[A-Za-z0-9_-]{20,}|[A-Z]{2,4}-[\w-]+)$")
MIN_LENGTH = 5  # shorter French strings ("Oui", "Lieu") are too often words of content or of other languages
SENTENCE_LENGTH = 25  # longer strings are also looked for inside a text node (they may be joined to others)
VISIBLE_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
SKIPPED_TAGS = {"script", "style", "template", "noscript"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
LOCALE = Path(settings.BASE_DIR) / "locale"


def _normal(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class FrenchString:
    msgid: str
    text: str
    pattern: re.Pattern[str]
    anchor: str  # its longest fixed part: a node without it cannot match (a quick test before the pattern)

    def found_in(self, node: str) -> bool:
        if self.anchor not in node:
            return False
        if self.pattern.fullmatch(node):
            return True
        return len(self.text) >= SENTENCE_LENGTH and self.pattern.search(node) is not None


def _texts(entry: polib.POEntry) -> list[str]:
    return [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())


def correct_texts(language: str) -> set[str]:
    """Every text that is right in `language`: its catalogue's translations (English: the msgids themselves)."""
    path = LOCALE / to_locale(language) / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(path)) if path.exists() else []
    texts = {_normal(text) for entry in catalogue if not entry.obsolete for text in _texts(entry) if text}
    if language == "en":
        french = polib.pofile(str(LOCALE / "fr" / "LC_MESSAGES" / "django.po"))
        texts |= {_normal(text) for entry in french for text in (entry.msgid, entry.msgid_plural) if text}
    return texts


def french_strings(language: str) -> list[FrenchString]:
    """The French interface strings that must not appear on a page in `language`."""
    correct = correct_texts(language)
    found: dict[str, FrenchString] = {}
    for entry in polib.pofile(str(LOCALE / "fr" / "LC_MESSAGES" / "django.po")):
        if entry.obsolete or entry.fuzzy:
            continue
        for text in _texts(entry):
            text = _normal(text)
            if not text or text == _normal(entry.msgid) or text in correct:
                continue
            parts = PLACEHOLDER.split(text)
            anchor = max(parts, key=len)
            if len(anchor.strip(" .,:;·—-")) < MIN_LENGTH:
                continue  # nothing French enough left once the placeholders are out ("%(n)s sur %(t)s")
            pattern = re.compile(".+?".join(re.escape(part) for part in parts), re.DOTALL)
            found.setdefault(text, FrenchString(entry.msgid, text, pattern, anchor))
    return list(found.values())


class InterfaceText(HTMLParser):
    """The visible text nodes and attributes of a page, but those inside an element in another language."""

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, shown): shown is False inside script/style/another language
        self.page_language = language
        self.nodes: list[str] = []

    @property
    def shown(self) -> bool:
        return self.stack[-1][1] if self.stack else True

    def _other_language(self, lang: str | None) -> bool:
        return (
            lang is not None
            and lang.lower() != self.page_language
            and not (self.page_language.startswith(lang.lower()) or lang.lower().startswith(self.page_language))
        )

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        other_language = tag != "html" and self._other_language(values.get("lang"))
        shown = self.shown and tag not in SKIPPED_TAGS and not other_language
        if shown:
            self.nodes.extend(_normal(values[name] or "") for name in VISIBLE_ATTRIBUTES if values.get(name))
        if tag not in VOID_TAGS:
            self.stack.append((tag, shown))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):  # tolerate unclosed elements (<p>, <li>)
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        text = _normal(data)
        if text and self.shown:
            self.nodes.append(text)


def interface_nodes(html: str, language: str) -> list[str]:
    parser = InterfaceText(language)
    parser.feed(html)
    parser.close()
    return parser.nodes


@dataclass
class Findings:
    pages: int = 0
    french: dict[str, set[str]] = field(default_factory=dict)  # French text -> pages it was seen on

    def report(self, language: str, strings: dict[str, FrenchString]) -> str:
        lines = [
            f"  {text!r} (msgid {strings[text].msgid[:60]!r}) on {len(urls)} pages, e.g. {sorted(urls)[0]}"
            for text, urls in sorted(self.french.items(), key=lambda item: -len(item[1]))
        ]
        return (
            f"{language}: {len(self.french)} French interface strings on {self.pages} pages read in {language}:\n"
            + "\n".join(lines[:40])
            + (f"\n  … and {len(lines) - 40} more" if len(lines) > 40 else "")
        )


def _kind(url: str) -> str:
    """The screen a URL shows, without its ids and its query: /es/referrals/<id>/ for each referral."""
    path = url.split("?", 1)[0]
    return "/".join("*" if ID_SEGMENT.match(segment) else segment for segment in path.split("/"))


def crawl_language(client, language: str, strings: list[FrenchString], *, member: bool) -> Findings:
    """Breadth first from the home page (and a member's entry points), staying in `language`."""
    prefix = f"/{language}/"
    findings = Findings()
    entry_points = MEMBER_ENTRY_POINTS if member else ("accounts/login/",)
    queue = deque([(prefix, 0)] + [(prefix + path, 1) for path in entry_points])
    seen = {url for url, _depth in queue}
    kinds: dict[str, int] = {}
    while queue and findings.pages < MAX_PAGES:
        url, depth = queue.popleft()
        status, _final, html = open_page(client, url)
        if status != 200 or not html:
            continue
        findings.pages += 1
        for node in set(interface_nodes(html, language)):
            for french in strings:
                if french.found_in(node):
                    findings.french.setdefault(french.text, set()).add(url)
        if depth < MAX_DEPTH:
            for link in internal_links(url, html, pages_only=True):  # a PDF or a CSV has no HTML to read
                if link.startswith(prefix) and link not in seen and kinds.get(_kind(link), 0) < PER_KIND:
                    seen.add(link)
                    kinds[_kind(link)] = kinds.get(_kind(link), 0) + 1
                    queue.append((link, depth + 1))
    return findings


def test_the_french_strings_exclude_what_is_also_right_in_the_target_language():
    # Given the French catalogue and the English one (the msgids)
    strings = {french.text: french for french in french_strings("en")}

    # Then interface French is looked for, with its placeholders standing for any text
    assert "Enregistrer" in strings
    assert strings["Enregistrer"].found_in("Enregistrer")
    # and a word that is right in English too, or a short one, is not
    assert "Notifications" not in strings and "Oui" not in strings
    # and a text in another language or in a script is not the interface
    html = '<title>Passerelle</title><p lang="fr">Enregistrer</p><script>var a = "Enregistrer";</script><p>Save</p>'
    assert interface_nodes(html, "en") == ["Passerelle", "Save"]
    assert interface_nodes('<input placeholder="Rechercher"><img alt="Logo">', "en") == ["Rechercher", "Logo"]


@pytest.mark.django_db
@pytest.mark.parametrize("reader", READERS, ids=[reader or "anonymous" for reader in READERS])
@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_in_each_language_show_no_french_interface_string(demo_network, language, reader):
    # Given a visitor or a member reading the site in `language`, and the French strings that would be wrong there
    client = signed_in_client(reader)
    strings = french_strings(language)
    assert len(strings) > 300, "the French catalogue looks empty"

    # When they follow links from the home page (and a member's own screens)
    findings = crawl_language(client, language, strings, member=reader is not None)

    # Then the pages they read carry none of them
    assert findings.pages > 15, f"{language}: the crawl found almost nothing to read"
    assert not findings.french, findings.report(language, {s.text: s for s in strings})


def test_the_language_crawl_reads_pages_not_the_files_they_offer():
    # Given a page linking to another page, to a PDF report and to a CSV download
    html = (
        '<a href="/en/library/">Library</a><a href="/en/observatory/report/2025/" type="application/pdf">Report</a>'
        '<a href="/en/observatory/figures.csv" download>CSV</a>'
    )

    # Then the language crawl follows the page only (the PDF has no HTML to read), and the link crawl all three
    assert list(internal_links("/en/", html, pages_only=True)) == ["/en/library/"]
    assert len(list(internal_links("/en/", html))) == 3
