import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator

from tests.file_durations import start_order


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """The test database, migrated once per run and copied for each pytest-xdist worker.

    Migrating takes ~25 s of CPU (200+ migrations, most of them Wagtail's); each worker migrating its own database
    cost that once per worker, concurrently on the same cores. Under xdist on PostgreSQL the first worker migrates
    a template database (under a file lock, serializing its data for the transactional tests' reload), and every
    worker creates its own with `CREATE DATABASE ... TEMPLATE` (a file copy, ~1 s). In one process, with SQLite,
    or with --reuse-db, pytest-django's own set-up runs unchanged.
    """
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    worker = getattr(request.config, "workerinput", None)
    keepdb = django_db_keepdb and not django_db_createdb
    if not django_db_use_migrations:
        _disable_migrations()
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    if worker is None or keepdb or connection.vendor != "postgresql" or aliases - {"default"}:
        with django_db_blocker.unblock():
            config = setup_databases(
                verbosity=request.config.option.verbose,
                interactive=False,
                aliases=aliases,
                serialized_aliases=serialized_aliases,
                keepdb=keepdb,
            )
        yield
        if not django_db_keepdb:
            with django_db_blocker.unblock():
                _end_other_sessions(connection)
                teardown_databases(config, verbosity=request.config.option.verbose)
        return
    if not aliases:
        yield
        return
    with django_db_blocker.unblock():
        old_name = _database_from_template(connection, worker["workerid"], worker["testrunuid"])
    yield
    with django_db_blocker.unblock():
        _end_other_sessions(connection)
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _end_other_sessions(connection) -> None:
    """Before the test database is dropped: end the sessions a test's server thread may have left open on it (a
    live server or an in-thread WSGI server), which PostgreSQL would otherwise refuse to drop it for."""
    if connection.vendor != "postgresql":
        return
    connection.close()  # a fresh session: a test may have left this one broken or ended
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connection.close()


def _template_name(connection, workerid: str) -> str:
    """test_<db>_gw0 -> test_<db>_template (pytest-django has already added the worker's suffix)."""
    return connection.creation._get_test_db_name().removesuffix(f"_{workerid}") + "_template"


def _database_from_template(connection, workerid: str, run: str) -> str:
    """Migrate the run's template database if no worker has yet, then copy it as this worker's test database.

    Returns the database name to restore when the worker's database is destroyed."""
    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    name = creation._get_test_db_name()
    template = _template_name(connection, workerid)
    lock_path = Path(tempfile.gettempdir()) / f"passerelle-{template}.lock"
    serialized_path = lock_path.with_suffix(".json")
    with open(lock_path, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            lock.seek(0)
            if lock.read().strip() != run:  # the first worker of this run migrates the template
                connection.settings_dict["TEST"]["NAME"] = template
                creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=False)
                serialized_path.write_text(creation.serialize_db_to_string())
                connection.close()
                lock.seek(0)
                lock.truncate()
                lock.write(run)
                lock.flush()
            quote = connection.ops.quote_name
            with creation._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)")
                cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    from django.conf import settings

    connection.close()
    connection.settings_dict["TEST"]["NAME"] = name
    connection.settings_dict["NAME"] = name
    settings.DATABASES[connection.alias]["NAME"] = name
    connection._test_serialized_contents = serialized_path.read_text()
    return old_name


def pytest_sessionfinish(session):
    """The controller of an xdist run drops the run's template database once the workers are done."""
    config = session.config
    if getattr(config, "workerinput", None) is not None or config.getoption("dist", "no") == "no":
        return
    if config.getvalue("reuse_db") and not config.getvalue("create_db"):
        return
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    if connection.vendor != "postgresql":
        return
    from tests.demo_database import drop_demo_database

    template = connection.creation._get_test_db_name() + "_template"
    with config.stash[blocking_manager_key].unblock():
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(template)} WITH (FORCE)")
        drop_demo_database(connection)


@pytest.fixture(scope="session")
def xdist_run_id(request) -> str | None:
    """The id pytest-xdist gives this run (the same in every worker), None in one process."""
    worker = getattr(request.config, "workerinput", None)
    return worker["testrunuid"] if worker else None


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(scope="session", autouse=True)
def _serialized_migrated_state(request, django_db_blocker):
    """Keep what the migrations wrote, serialized, for the transactional tests to start from.

    pytest-django serializes the test database only when the first test to use it asks for it; a run that starts
    with an ordinary test leaves nothing for serialized rollback to reload, and every transactional test after the
    first would find an empty database (no site, no home page). Only when the run has database tests at all.
    """
    from pytest_django.fixtures import _get_databases_for_setup

    aliases, _serialized = _get_databases_for_setup(request.session.items)
    if aliases:
        from django.db import connection

        request.getfixturevalue("django_db_setup")
        with django_db_blocker.unblock():
            _MIGRATED_STATE.append(
                getattr(connection, "_test_serialized_contents", None) or connection.creation.serialize_db_to_string()
            )
    yield


_MIGRATED_STATE: list[str] = []  # the migrated data, serialized once per session


@pytest.fixture(scope="session", autouse=True)
def _flush_by_delete():
    """On PostgreSQL, the test database is flushed with DELETE instead of TRUNCATE.

    A transactional test ends with a flush of every table (and the migrated data's reload flushes once more).
    TRUNCATE of 120 tables makes new files for each table and index: 1-4 s each time, most of it waiting on the
    disk; DELETE of the few rows a test leaves takes 0.1-0.3 s. Django's foreign keys are DEFERRABLE INITIALLY
    DEFERRED and the flush runs in one transaction, so the order of the tables does not matter. Sequences are
    reset as before (TRUNCATE is kept when a test asks for reset_sequences); the application's code is unchanged.
    """
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade or not tables:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        delete = style.SQL_KEYWORD("DELETE FROM")
        return [f"{delete} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]

    patch = pytest.MonkeyPatch()
    patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
    yield
    patch.undo()


@pytest.fixture(autouse=True)
def _migrated_state_for_transactional_tests(request):
    """A transactional test starts from the migrated data (Wagtail's root and home pages, site, locales).

    Serialized rollback reloads that data before each such test, but only as it was serialized at the database's
    creation: when an earlier test flushed the database in another way, the reload can find nothing to stand on.
    Restore it then, so each transactional test is independent of the order the suite runs in.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        from django.db import connection

        if connection.connection is not None and connection.autocommit is False:
            pytest.fail(
                "a module-scoped scene is open in a transaction (rolled_back_after_module): "
                "move this transactional test to another module"
            )
        request.getfixturevalue("_django_db_helper")
        from wagtail.models import Site

        if not Site.objects.exists():
            restore_migrated_state()
    yield


def restore_migrated_state() -> None:
    """Empty the test database and reload what the migrations wrote (serialized when the database was created)."""
    import json

    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection

    serialized = getattr(connection, "_test_serialized_contents", None) or (
        _MIGRATED_STATE[0] if _MIGRATED_STATE else None
    )
    if serialized is None:  # nothing was serialized: leave the database as it is
        return
    ContentType.objects.clear_cache()
    call_command("flush", verbosity=0, interactive=False, reset_sequences=False, inhibit_post_migrate=True)
    # Content types first: loading pages and workflow tasks looks theirs up, and would create them otherwise.
    content_types = [row for row in json.loads(serialized) if row["model"] == "contenttypes.contenttype"]
    connection.creation.deserialize_db_from_string(json.dumps(content_types))
    connection.creation.deserialize_db_from_string(serialized)


@contextmanager
def rolled_back_after_module(django_db_blocker) -> Iterator[None]:
    """Within it, what a module-scoped fixture builds stays in one transaction, rolled back when the module ends.

    For a module whose tests read one shared scene: it is built once instead of before each test. Each test still
    runs in its own transaction (pytest-django's `db` makes a savepoint inside this one) rolled back after it, so
    what a test writes is gone for the next. The Python objects are shared, though: the per-test fixture hands each
    test fresh copies read from the database (`fresh`), so a test that changes one in memory changes nothing for the
    others (the access policy caches a user's roles on the user object, Wagtail a page's specific instance).

    Once built, the scene is there for every later test of the module, including those that do not ask for it: use it
    where they all can live with it (tests/resources/test_api.py cannot: some tests make organisations of the same
    names and count what is listed). A transactional test cannot run inside it and fails saying so: keep those in
    another module.
    """
    from django.db import transaction
    from wagtail.models import Site

    with django_db_blocker.unblock():
        if not Site.objects.exists():  # a transactional test before this module left the database flushed
            restore_migrated_state()
        transaction.set_autocommit(False)
        try:
            yield
        finally:
            transaction.rollback()
            transaction.set_autocommit(True)


def fresh(value):
    """The same rows, read again: new objects, with nothing cached on them by an earlier test.

    A model instance is read again by its primary key; a dataclass, a SimpleNamespace, a dict, a list or a tuple is
    copied with its members made fresh; anything else (an AnonymousUser, a string) is kept as it is.
    """
    import dataclasses
    from types import SimpleNamespace

    from django.db.models import Model

    if isinstance(value, Model):
        return type(value)._default_manager.get(pk=value.pk)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(
            value, **{item.name: fresh(getattr(value, item.name)) for item in dataclasses.fields(value) if item.init}
        )
    if isinstance(value, SimpleNamespace):
        return SimpleNamespace(**{name: fresh(member) for name, member in vars(value).items()})
    if isinstance(value, dict):
        return {key: fresh(member) for key, member in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(fresh(member) for member in value)
    return value


@pytest.fixture(autouse=True)
def _default_interface_language():
    """Each test starts in the site's default language: a test or request that activated another one (Arabic, say)
    would otherwise leave it active for the next test of the same worker, which then fails by the order it ran in."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (library filter choices, navigation links, throttles)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def api_in_english(client):
    """The API follows Accept-Language (the site's default is French); tests asserting messages ask for English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def in_english():
    """Messages of services called directly by a test, in English (the site's default language is French)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def enrol_totp():
    """Give a user a TOTP authenticator, as if they had completed allauth's enrolment."""

    def enrol(user):
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        TOTP.activate(user, generate_totp_secret())
        return user

    return enrol


@pytest.fixture
def signed_in(client, enrol_totp):
    """Sign a user in through Django's session (with TOTP enrolled so the two-factor rule lets them through)."""

    def sign_in(user, *, with_totp: bool = True):
        if with_totp and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            enrol_totp(user)
        client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
        return client

    return sign_in


def pytest_collection_modifyitems(items):
    """Transactional tests flush the database; reload what the migrations wrote (Wagtail's root and home pages,
    locales, site, service categories) after each of them, so the tests that follow start from the same state.

    Then the longest files go first (tests/file_durations.py): `--dist loadfile` hands files to the workers in
    collection order, so a long file collected last would leave one worker running it alone at the end."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and "serialized_rollback" not in marker.kwargs:
            item.add_marker(
                pytest.mark.django_db(*marker.args, **marker.kwargs, serialized_rollback=True), append=False
            )
    if os.environ.get("PYTEST_XDIST_WORKER"):  # the workers collect; the scheduler follows their order
        items.sort(key=lambda item: start_order(item.nodeid))  # stable: the order within a file stays


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test has flushed the database, reload the migrated data before an ordinary test.

    In one process pytest-django runs the transactional tests last; under pytest-xdist (`--dist loadfile`) a
    worker runs whole files in turn, so an ordinary test can follow a flush and would find no site, no home page
    and no locales. The next transactional test reloads the data itself, so only an ordinary one needs this.
    """
    yield
    if nextitem is None or not _is_transactional(item) or _is_transactional(nextitem):
        return
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        restore_migrated_state()


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or "transactional_db" in getattr(item, "fixturenames", ())
