"""Every link the site shows opens for the one who saw it.

The demo network is loaded once (`seed_demo`); then an anonymous visitor and a demo account of each role start at
the home page in each of the six languages and follow every internal link, breadth first, a few clicks deep. A
link to a page its reader may not open (a network-only resource listed to a visitor, a member screen offered to
someone without the role) answers 404, 403 or the sign-in page: the failures name the reader, the page that
showed the link and the link.

PostgreSQL only (as CI runs it): the demo network leans on PostgreSQL search, and on SQLite the crawl is slow.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit

import pytest
from django.conf import settings
from django.test import Client

LANGUAGES = ("fr", "en", "es", "ru", "zh-hans", "ar")
# Demo accounts (network/demo/management/commands/seed_demo.py): the network administrator and one per role.
READERS = (None, "network-admin", "lotus-coord", "lotus-staff", "lotus-peer", "lotus-volunteer")
MAX_DEPTH = 3  # clicks from the home page
MAX_PAGES_PER_READER = 400  # a bound, so the crawl stays well under a minute and a half
SKIPPED_PREFIXES = ("/admin/", "/documents/", "/static/", "/media/", "/api/", "/i18n/", "/hsds/")
SKIPPED_PARTS = ("/accounts/logout/", "/feed/")
SITE_HOSTS = {"", "testserver", "localhost", "127.0.0.1"}
# Parameters that only say where to come back to ("Sign in" on every page): one link, whatever the page.
IGNORED_PARAMETERS = {"next"}

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="the crawl runs on PostgreSQL (as CI does)",
    ),
]


class _Links(HTMLParser):
    """The `href` of every `<a>` of a page, and whether the page offers it as a file rather than a page to read."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            values = dict(attrs)
            href = values.get("href")
            if href:
                media_type = (values.get("type") or "text/html").split(";")[0].strip()
                self.hrefs.append((href, "download" in values or media_type != "text/html"))


def internal_links(page_url: str, html: str, *, pages_only: bool = False) -> Iterator[str]:
    """The site's own links on a page (path and query), without anchors, files, the admin or sign-out; with
    `pages_only`, also without the links offered as files (`download`, or a `type` such as application/pdf)."""
    parser = _Links()
    parser.feed(html)
    for href, is_file in parser.hrefs:
        if pages_only and is_file:
            continue
        absolute, _fragment = urldefrag(urljoin(page_url, href.strip()))
        parts = urlsplit(absolute)
        if parts.scheme not in ("", "http", "https") or parts.hostname not in SITE_HOSTS and parts.netloc:
            continue  # mailto:, tel:, other sites
        path = parts.path or "/"
        if path.startswith(SKIPPED_PREFIXES) or any(part in path for part in SKIPPED_PARTS):
            continue
        query = urlencode(
            [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in IGNORED_PARAMETERS]
        )
        yield path + (f"?{query}" if query else "")


@dataclass
class Crawl:
    reader: str
    visited: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)


def open_page(client: Client, url: str) -> tuple[int, str, str]:
    """GET `url`, following redirects within the site; the final status, address and HTML."""
    response = client.get(url, follow=True)
    final = response.redirect_chain[-1][0] if response.redirect_chain else url
    content_type = response.get("Content-Type", "")
    html = response.content.decode(errors="replace") if content_type.startswith("text/html") else ""
    return response.status_code, final, html


def without_language(url: str) -> str:
    """The address without its language prefix: who may open a page does not depend on the language it is read
    in, so one language's copy of a screen stands for the others (each language still adds what only it links)."""
    for language in LANGUAGES:
        if url.startswith(f"/{language}/"):
            return url.removeprefix(f"/{language}")
    return url


def crawl(client: Client, reader: str) -> Crawl:
    """Breadth first from each language's home page; a link is followed once per reader (and language-free
    address)."""
    result = Crawl(reader=reader)
    queue: deque[tuple[str, str, int]] = deque((f"/{language}/", "(start)", 0) for language in LANGUAGES)
    seen: set[str] = set()
    while queue and len(result.visited) < MAX_PAGES_PER_READER:
        url, source, depth = queue.popleft()
        result.visited.add(url)
        status, final, html = open_page(client, url)
        if status != 200:
            where = f" (at {final})" if final != url else ""
            result.failures.append(f"{reader}: {source} links to {url} → {status}{where}")
            continue
        if depth >= MAX_DEPTH:
            continue
        for link in internal_links(url, html):
            if without_language(link) not in seen:
                seen.add(without_language(link))
                queue.append((link, url, depth + 1))
    return result


def signed_in_client(username: str | None) -> Client:
    """A client for an anonymous visitor, or signed in as a demo account (with TOTP enrolled, as members are)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from network.accounts.models import User

    client = Client()
    if username is not None:
        user = User.objects.get(username=username)
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, generate_totp_secret())
        client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("username", READERS, ids=[reader or "anonymous" for reader in READERS])
def test_every_link_a_reader_sees_opens_for_that_reader(demo_network, username):
    # Given a reader (anonymous, or a demo account of one role)
    client = signed_in_client(username)

    # When they follow every internal link from the home page in each language, a few clicks deep
    result = crawl(client, username or "anonymous")

    # Then every page they were shown a link to opens for them
    assert len(result.visited) > len(LANGUAGES) * 5, "the crawl found almost nothing to follow"
    assert not result.failures, f"{len(result.failures)} broken links:\n" + "\n".join(result.failures)
