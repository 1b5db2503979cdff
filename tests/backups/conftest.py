"""Backups against the configured PostgreSQL: the test database is backed up, and restored into fresh databases
created (and dropped) on the same server for each test."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from cryptography.fernet import Fernet
from django.db import connection

REPOSITORY = Path(__file__).resolve().parents[2]


def backups_missing_reason() -> str | None:
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return "backup tests need PostgreSQL: set DATABASE_URL=postgres://... (as .ci/run does)"
    for program in ("pg_dump", "pg_restore"):
        if shutil.which(program) is None:
            return f"backup tests need the PostgreSQL client programs ({program} is missing)"
    return None


@pytest.fixture
def backup_keys(settings) -> list[str]:
    settings.BACKUP_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    return settings.BACKUP_ENCRYPTION_KEYS


@pytest.fixture
def erasure_ledger(settings, tmp_path: Path) -> Path:
    path = tmp_path / "ledger" / "erasures.jsonl"
    settings.ERASURE_LEDGER_PATH = str(path)
    return path


def _server_arguments() -> dict:
    db = connection.settings_dict
    arguments = {
        "user": db["USER"] or None,
        "password": db["PASSWORD"] or None,
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
    }
    return {key: value for key, value in arguments.items() if value}


def _url_of(name: str) -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}{port}/{name}"


@pytest.fixture
def fresh_database() -> Iterator[Callable[[], str]]:
    """Create empty databases on the test server (unique names); each is dropped after the test."""
    created: list[str] = []

    def create() -> str:
        name = f"restore_check_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(dbname="postgres", autocommit=True, **_server_arguments()) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        return _url_of(name)

    yield create
    with psycopg.connect(dbname="postgres", autocommit=True, **_server_arguments()) as admin:
        for name in created:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def table_count(database_url: str) -> int:
    with psycopg.connect(database_url) as target:
        row = target.execute(
            "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        ).fetchone()
    return row[0]


def state_of(database_url: str) -> dict:
    """What the database at `database_url` holds, read by Django in a process of its own (restored_state.py)."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.backups.restored_state"],
        cwd=REPOSITORY,
        env={**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "network.settings.test"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
