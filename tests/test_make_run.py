"""`make run` serves the demo as a visitor should see it: no debug pages, the site's own 404 page, and the static
files and uploaded images still served (DEBUG off, as it is by default).

The server is started with the very command `make serve` runs (read from `make -n`), on the test database. PostgreSQL
only: an in-memory SQLite database cannot be shared with another process.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from tests.processes.stack import REPOSITORY, Process, free_port, start_process, wait_until

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="the server process needs the test PostgreSQL database",
    ),
    pytest.mark.django_db,  # so that the test database exists when this module runs alone
]


def serve_command(port: int) -> list[str]:
    """The runserver line of `make serve` (dry run: nothing is installed), without the reloader."""
    dry_run = subprocess.run(  # noqa: S603
        ["make", "-n", "serve", "HOST=127.0.0.1", f"PORT={port}"],  # noqa: S607
        cwd=REPOSITORY,
        # Not the flags of a `make test` this runs under (its jobserver, its own options).
        env={key: value for key, value in os.environ.items() if key not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")},
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    line = next(line for line in dry_run.splitlines() if "runserver" in line)
    return [*shlex.split(line), "--noreload", "--skip-checks"]


def database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="") + (":" + quote(db["PASSWORD"], safe="") if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


@pytest.fixture(scope="module")
def demo_server(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[tuple[str, Path]]:
    from tests.conftest import restore_migrated_state

    with django_db_blocker.unblock():
        from wagtail.models import Site

        if not Site.objects.exists():  # a transactional test before this module left the database flushed
            restore_migrated_state()
        url = database_url()
    directory = tmp_path_factory.mktemp("make-run")
    media = directory / "media"
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "EMAIL_", "DEBUG", "MEDIA_", "STATIC_"))
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "network.settings.dev",
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(media),
    }
    port = free_port()
    server: Process = start_process("runserver", serve_command(port), environment=environment, log_dir=directory)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: fetch(base + "/healthz/")[0] == 200, timeout=60, what="runserver", processes=[server])
        yield base, media
    finally:
        server.stop()


def fetch(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310  (our own local server)
            return response.status, response.headers.get("Content-Type", ""), response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode(errors="replace")
    except OSError:
        return 0, "", ""


def test_make_run_serves_static_files_images_and_the_sites_own_404_page_without_debug(demo_server):
    base, media = demo_server
    (media / "images").mkdir(parents=True)
    (media / "images" / "pixel.txt").write_text("an image stands here")

    stylesheet = fetch(base + "/static/css/passerelle.css")
    image = fetch(base + "/media/images/pixel.txt")
    missing = fetch(base + "/ar/no-such-page/")

    assert stylesheet[0] == 200 and stylesheet[1].startswith("text/css")
    assert image[0] == 200 and image[2] == "an image stands here"
    assert missing[0] == 404
    assert '<html lang="ar" dir="rtl">' in missing[2] and '<header class="site-header">' in missing[2]
    assert "Traceback" not in missing[2] and "DEBUG = True" not in missing[2] and "URLconf" not in missing[2]
