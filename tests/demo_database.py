"""The demo network for the tests that read it whole (crawls, demo checks, the observatory's demo, the load test):
seeded once per run and copied, instead of once per module.

`seed_demo` takes ~30 s of CPU (most of it translating pages through wagtail-localize); five modules each seeding
their own cost minutes of a 2-core run. Under pytest-xdist on PostgreSQL, the first worker that asks seeds its own
database and copies it as the run's demo database (`CREATE DATABASE ... TEMPLATE`, under a file lock, as
tests/conftest.py does for the migrated template); each module then swaps its worker's test database for a copy of
it (~1 s), and back to a copy of the migrated template afterwards. In one process or on SQLite the demo is seeded in
place and the migrated data restored after, as before.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def seed_demo_here() -> None:
    """Load the demo network into the current test database, as `make run` does."""
    from django.core.management import call_command

    call_command("seed_demo", quiet_logins=True, verbosity=0)


@contextmanager
def demo_database(run_id: str | None) -> Iterator[None]:
    """Within it, the test database holds the migrated data and the demo network; after it, the migrated data only.

    `run_id` is xdist's id of this run (`config.workerinput["testrunuid"]`), None in one process. Call it with the
    database unblocked (`django_db_blocker.unblock()`), outside any test's transaction."""
    from django.db import connection
    from wagtail.models import Site

    from tests.conftest import restore_migrated_state

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    own = connection.settings_dict["NAME"] or ""
    if run_id is None or connection.vendor != "postgresql" or not worker or not own.endswith(f"_{worker}"):
        if not Site.objects.exists():  # a transactional test before left the database flushed
            restore_migrated_state()
        seed_demo_here()
        try:
            yield
        finally:
            restore_migrated_state()
        return
    base = own.removesuffix(f"_{worker}")
    migrated, demo = f"{base}_template", f"{base}_demo"
    _from_demo_template(connection, own=own, demo=demo, migrated=migrated, run_id=run_id)
    try:
        yield
    finally:
        _recreate(connection, own, template=migrated)


def drop_demo_database(connection) -> None:
    """The controller of an xdist run drops the run's demo database with its migrated template."""
    name = connection.creation._get_test_db_name() + "_demo"
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")


def demo_database_name() -> str | None:
    """The run's demo database, once a worker made it (for copies outside Django, such as the load test's)."""
    from django.db import connection

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    own = connection.settings_dict["NAME"] or ""
    if connection.vendor != "postgresql" or not worker or not own.endswith(f"_{worker}"):
        return None
    return own.removesuffix(f"_{worker}") + "_demo"


def _from_demo_template(connection, *, own: str, demo: str, migrated: str, run_id: str) -> None:
    lock_path = Path(tempfile.gettempdir()) / f"passerelle-{demo}.lock"
    with open(lock_path, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            lock.seek(0)
            if lock.read().strip() != run_id:  # the first module of this run to ask seeds the demo
                _recreate(connection, own, template=migrated)  # exactly the migrated data, whatever ran before
                seed_demo_here()
                _terminate_other_sessions(connection, own)
                connection.close()
                quote = connection.ops.quote_name
                with connection.creation._nodb_cursor() as cursor:
                    cursor.execute(f"DROP DATABASE IF EXISTS {quote(demo)} WITH (FORCE)")
                    cursor.execute(f"CREATE DATABASE {quote(demo)} TEMPLATE {quote(own)}")
                lock.seek(0)
                lock.truncate()
                lock.write(run_id)
                lock.flush()
            else:
                _recreate(connection, own, template=demo)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    _forget_cached_rows()


def _recreate(connection, name: str, *, template: str) -> None:
    """Replace the database `name` with a copy of `template` (the connection reopens on its next query)."""
    quote = connection.ops.quote_name
    connection.close()
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")
    _forget_cached_rows()


def _terminate_other_sessions(connection, name: str) -> None:
    """A database is copied only when no one else is connected to it (a live server thread of an earlier test)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )


def _forget_cached_rows() -> None:
    """The process keeps content types and the cache across tests: forget rows of the database that was replaced."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache

    ContentType.objects.clear_cache()
    cache.clear()
