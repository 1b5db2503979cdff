"""Fixtures that run docker-compose.yml's services as local processes against the test PostgreSQL and Redis."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from network.celery import app as celery_app
from tests.conftest import restore_migrated_state

from .smtp_sink import SmtpSink
from .stack import REPOSITORY, Process, compose_command, compose_environment, random_secret_key, start_process

# Variables of the developer's shell that would otherwise leak into the processes and override the test ones.
_NOT_INHERITED = (
    "DJANGO_",
    "CELERY_",
    "EMAIL_",
    "DATABASE_",
    "REDIS_",
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "STATIC_ROOT",
    "MEDIA_ROOT",
)
# How often beat relays the outbox in these tests (production: every 30 s).
RELAY_SECONDS = 1


def services_missing_reason() -> str | None:
    """Why the process tests cannot run here, or None: they need the configured PostgreSQL and Redis."""
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return "process tests need PostgreSQL: set DATABASE_URL=postgres://... (and REDIS_URL), as .ci/run does"
    if not os.environ.get("REDIS_URL"):
        return "process tests need Redis: set REDIS_URL=redis://... (and DATABASE_URL), as .ci/run does"
    return None


def database_url_of_this_test() -> str:
    """The URL of the database this test runs in (pytest-django's test_<name>, per xdist worker)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


def _restore_migrated_state() -> None:
    restore_migrated_state()


@pytest.fixture(scope="module", autouse=True)
def _migrated_state_around_processes_module(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Start and leave the module with exactly the migrated data (Wagtail's root and home pages, site, locales).

    The tests commit their data for the processes to see; serialized rollback flushes it after each test and
    reloads the migrated data before the next. A transactional test of another module may have flushed the
    database before us and let post_migrate recreate content types under new ids, on which that reload would
    collide: restore the migrated state first, and again at the end for the modules that follow.
    """
    with django_db_blocker.unblock():
        _restore_migrated_state()
    yield
    with django_db_blocker.unblock():
        _restore_migrated_state()


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.close()


def service_environment(service: str, *, directory: Path) -> dict[str, str]:
    """A compose service's environment for a process on this machine: the test database, broker and directories
    (mail goes to 127.0.0.1; the caller sets EMAIL_PORT when it listens)."""
    inherited = {key: value for key, value in os.environ.items() if not key.startswith(_NOT_INHERITED)}
    return {
        **inherited,
        **compose_environment(service),
        "SECRET_KEY": random_secret_key(),
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url_of_this_test(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "EMAIL_HOST": "127.0.0.1",
        "STATIC_ROOT": str(directory / "static"),
        "MEDIA_ROOT": str(directory / "media"),
        "OUTBOX_RELAY_SECONDS": str(RELAY_SECONDS),
        "ERASURE_LEDGER_PATH": str(directory / "erasures.jsonl"),
    }


@pytest.fixture(scope="session")
def production_static_root(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """Static files collected with the web service's production settings (the Dockerfile's step), shared.

    Collecting compresses every file (gzip and Brotli at its highest quality: about a minute of CPU). The gunicorn
    test, the scale-out test and the load test share one collection, across xdist workers (with a lock), and it is
    kept between runs outside the clone (like pip's and mypy's caches), under a key made of everything the
    collection is made from: the pinned requirements (the packages' static files), assets/ and the settings. Any
    change to one of them collects afresh; PASSERELLE_STATIC_CACHE=0 always does.
    """
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":  # xdist: each worker's base directory sits in the run's own one
        shared = shared.parent
    cache_dir = _static_cache_dir() if os.environ.get("PASSERELLE_STATIC_CACHE", "1") != "0" else None
    base = cache_dir.parent if cache_dir else shared
    base.mkdir(parents=True, exist_ok=True)
    root = cache_dir or shared / "production-static"
    with FileLock(str(base / "production-static.lock")):
        if not (root / "staticfiles.json").exists():
            collecting = root.with_name(root.name + ".collecting")
            shutil.rmtree(collecting, ignore_errors=True)
            environment = {**service_environment("web", directory=shared), "STATIC_ROOT": str(collecting)}
            collect = subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
                cwd=REPOSITORY,
                env=environment,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            assert collect.returncode == 0, collect.stderr
            if cache_dir:  # one collection kept: the older keys' go
                for older in cache_dir.parent.iterdir():
                    if older.is_dir() and older.name != collecting.name:
                        shutil.rmtree(older, ignore_errors=True)
            collecting.rename(root)
    return root


def _static_cache_dir() -> Path:
    """Where a collection of this checkout's static files is kept between runs: named after its inputs."""
    digest = hashlib.sha256()
    inputs = [
        REPOSITORY / "requirements.txt",
        *sorted((REPOSITORY / "network" / "settings").glob("*.py")),
        *sorted(path for path in (REPOSITORY / "assets").rglob("*") if path.is_file()),
    ]
    for path in inputs:
        digest.update(str(path.relative_to(REPOSITORY)).encode() + b"\0" + path.read_bytes() + b"\0")
    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache_home / "passerelle" / "production-static" / digest.hexdigest()[:24]


@pytest.fixture
def stack_environment(tmp_path: Path, smtp_sink: SmtpSink) -> Callable[[str], dict[str, str]]:
    """The environment of a compose service, pointed at the test database, broker, mail sink and directories."""

    def environment(service: str) -> dict[str, str]:
        return {**service_environment(service, directory=tmp_path), "EMAIL_PORT": str(smtp_sink.port)}

    return environment


@pytest.fixture
def start_service(tmp_path: Path, stack_environment) -> Iterator[Callable[..., Process]]:
    """Start a compose service's command (options replaced as keyword arguments); all stop after the test."""
    started: list[Process] = []

    def start(service: str, **options: str) -> Process:
        process = start_process(
            service,
            compose_command(service, **options),
            environment=stack_environment(service),
            log_dir=tmp_path,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        process.terminate()
    for process in started:
        process.stop()


@contextmanager
def _publishing_to_broker() -> Iterator[None]:
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = eager


@pytest.fixture
def publishing_to_broker() -> Callable[[], AbstractContextManager[None]]:
    """Within it, tasks go to the Redis broker as in production instead of running in the test process."""
    return _publishing_to_broker
