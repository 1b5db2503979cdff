"""Fixtures for fault tests: a private PostgreSQL cluster and Redis, and the compose services started on them.

One cluster per session, with one migrated template database; each test gets a copy of it and a Redis of its
own, so it may stop, kill and restart them without touching the machine's shared services.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import requests
from cryptography.fernet import Fernet

from tests.processes.conftest import _NOT_INHERITED, database_url_of_this_test
from tests.processes.smtp_sink import SmtpSink
from tests.processes.stack import (
    REPOSITORY,
    Process,
    compose_command,
    compose_environment,
    copy_database,
    free_port,
    random_secret_key,
    start_process,
    wait_until,
)

from .private_services import PrivatePostgres, PrivateRedis, private_services_missing_reason

SETTINGS_MODULE = "tests.faults.settings_faults"
TEMPLATE_DATABASE = "passerelle_template"
RELAY_SECONDS = 1
# The secrets of the processes, the same for all of them in a session (one "deployment").
_SECRET_KEY = random_secret_key()
_FIELD_KEY = Fernet.generate_key().decode()


def base_environment(database_url: str, redis_url: str) -> dict[str, str]:
    """What every process of a fault test runs with: settings_faults, the private database and Redis."""
    inherited = {key: value for key, value in os.environ.items() if not key.startswith(_NOT_INHERITED)}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
        "SECRET_KEY": _SECRET_KEY,
        "FIELD_ENCRYPTION_KEYS": _FIELD_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "LOG_LEVEL": "INFO",
    }


@pytest.fixture(scope="session")
def private_postgres(django_db_setup) -> Iterator[PrivatePostgres]:
    """A PostgreSQL cluster of this session, with the project's migrations applied to a template database."""
    if reason := private_services_missing_reason():
        pytest.skip(reason)
    cluster = PrivatePostgres.create()
    try:
        cluster.start()
        cluster.create_database(TEMPLATE_DATABASE)
        migrated = migrated_template_url()
        if migrated is not None:
            copy_database(migrated, cluster.url(TEMPLATE_DATABASE))  # ~2 s; migrating again took ~25 s of CPU
        else:
            _migrate(cluster)
        yield cluster
    finally:
        cluster.destroy()


def migrated_template_url() -> str | None:
    """The URL of this run's migrated template database (tests/conftest.py), when the run has one: under xdist on
    PostgreSQL, once the worker's database was made from it. Nothing connects to it after that but pg_dump."""
    from django.db import connection

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    name = connection.settings_dict["NAME"] or ""
    if connection.vendor != "postgresql" or not worker or not name.endswith(f"_{worker}"):
        return None
    return database_url_of_this_test().rsplit("/", 1)[0] + "/" + name.removesuffix(f"_{worker}") + "_template"


def _migrate(cluster: PrivatePostgres) -> None:
    """Run on its own (no xdist template): migrate the private template database as the compose stack would."""
    redis = PrivateRedis(directory=cluster.directory).start()  # migrations' signals touch the cache
    try:
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
            cwd=REPOSITORY,
            env=base_environment(cluster.url(TEMPLATE_DATABASE), redis.url()),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    finally:
        redis.kill()
    assert migrate.returncode == 0, migrate.stderr[-3000:]


@dataclass
class FaultStack:
    """One test's world: its database (a copy of the migrated template), its Redis, its mail sink, its processes."""

    postgres: PrivatePostgres
    redis: PrivateRedis
    database: str
    smtp: SmtpSink
    directory: Path
    processes: list[Process]

    @property
    def database_url(self) -> str:
        return self.postgres.url(self.database)

    def environment(self, service: str, **extra: str) -> dict[str, str]:
        return {
            **compose_environment(service),
            **base_environment(self.database_url, self.redis.url()),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp.port),
            "STATIC_ROOT": str(self.directory / "static"),
            "MEDIA_ROOT": str(self.directory / "media"),
            "OUTBOX_RELAY_SECONDS": str(RELAY_SECONDS),
            "ERASURE_LEDGER_PATH": str(self.directory / "erasure-ledger.jsonl"),
            **extra,
        }

    def start(self, service: str, *, name: str | None = None, environment: dict[str, str] | None = None, **options):
        """Start a compose service's command (options replaced as in tests/processes) against this world."""
        process = start_process(
            name or service,
            compose_command(service, **options),
            environment=self.environment(service, **(environment or {})),
            log_dir=self.directory,
        )
        self.processes.append(process)
        return process

    def start_web(self, **environment: str) -> str:
        """gunicorn with the compose web command; returns its base URL once /healthz/ answers 200."""
        port = free_port()
        web = self.start("web", environment=environment, bind=f"127.0.0.1:{port}")
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: _status(f"{base}/healthz/") == 200, timeout=60, what="gunicorn", processes=[web])
        return base

    def scenario(self, *arguments: str) -> dict:
        """Run tests/faults/scenario.py against this world and return its JSON."""
        result = subprocess.run(
            [sys.executable, "-m", "tests.faults.scenario", *arguments],
            cwd=REPOSITORY,
            env=self.environment("worker"),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return json.loads(result.stdout.strip().splitlines()[-1])

    def query(self, sql: str, *parameters) -> list[tuple]:
        with psycopg.connect(self.database_url, connect_timeout=5) as connection:
            return connection.execute(sql, parameters).fetchall()

    def logs(self) -> str:
        return "\n".join(f"--- {process.name} ---\n{process.log(last=400)}" for process in self.processes)


def _kill(process: Process) -> None:
    try:
        os.killpg(process.popen.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.popen.wait(timeout=10)


def _status(url: str) -> int | None:
    try:
        return http().get(url, timeout=5).status_code
    except requests.RequestException:
        return None


def http() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # never through a proxy from the environment
    return session


@pytest.fixture
def fault_stack(private_postgres: PrivatePostgres) -> Iterator[FaultStack]:
    directory = Path(tempfile.mkdtemp(prefix="passerelle-fault-"))
    database = f"fault_{uuid.uuid4().hex[:10]}"
    private_postgres.create_database(database, template=TEMPLATE_DATABASE)
    redis = PrivateRedis(directory=directory).start()
    smtp = SmtpSink().start()
    stack = FaultStack(private_postgres, redis, database, smtp, directory, [])
    try:
        yield stack
    finally:
        for process in stack.processes:  # the test is over: no need for a graceful shutdown
            _kill(process)
        redis.kill()
        smtp.close()
        try:
            private_postgres.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        except psycopg.Error:
            pass
        subprocess.run(["rm", "-rf", str(directory)], check=False)
