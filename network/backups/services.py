"""Back up the database encrypted, restore it into a fresh database, and replay the erasures made since.

pg_dump's output goes straight into the encryption (never a plaintext dump on disk); a restore authenticates
the whole file before touching the target, restores in one transaction (all or nothing), then replays the
erasure ledger and the retention purge in the restored database so no erased personal data comes back.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.db import transaction

from .crypto import decrypt_stream, encrypt_stream, parse_keys, verify_stream
from .erasure import eraser_for, registered_purges, replay_outcomes
from .ledger import LedgerEntry, erasure_ledger_suspended

logger = logging.getLogger(__name__)


class BackupError(Exception):
    """A backup or restore step failed; the message says which and why (never a data value)."""


# ---------------------------------------------------------------------------------------------------------------
# Connections to PostgreSQL for its client programs


def database_from_url(url: str) -> dict[str, Any]:
    """Django's connection settings for a DATABASE_URL (PostgreSQL only)."""
    database = dj_database_url.parse(url)
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("Backups and restores need PostgreSQL (a postgres:// database URL).")
    return dict(database)


def _client_environment(database: dict[str, Any]) -> dict[str, str]:
    """libpq's variables for pg_dump / pg_restore: the password never appears on a command line."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    values = {
        "PGHOST": database.get("HOST") or "",
        "PGPORT": str(database.get("PORT") or ""),
        "PGUSER": database.get("USER") or "",
        "PGPASSWORD": database.get("PASSWORD") or "",
        "PGDATABASE": database.get("NAME") or "",
        "PGSSLMODE": (database.get("OPTIONS") or {}).get("sslmode", ""),
        "PGCONNECT_TIMEOUT": "10",
    }
    environment.update({key: value for key, value in values.items() if value})
    return environment


def _program(name: str) -> str:
    directory = getattr(settings, "BACKUP_PG_BIN_DIR", "")
    path = str(Path(directory) / name) if directory else shutil.which(name)
    if not path or not Path(path).exists():
        raise BackupError(f"{name} is not installed (PostgreSQL client programs are needed; see BACKUP_PG_BIN_DIR).")
    return path


def _keys() -> list[bytes]:
    return parse_keys(getattr(settings, "BACKUP_ENCRYPTION_KEYS", []))


# ---------------------------------------------------------------------------------------------------------------
# Backup


def database_backup(*, output: Path, database: dict[str, Any]) -> int:
    """Dump `database` (custom format) encrypted into `output`; returns the size of the dump before encryption.

    The file appears under its name only once complete (written beside it, then renamed), readable by its owner
    only. Nothing is left behind when pg_dump fails.
    """
    keys = _keys()
    output = Path(output)
    partial = output.with_name(output.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with tempfile.TemporaryFile() as errors:
        dump = subprocess.Popen(  # noqa: S603 (fixed program, no shell)
            [_program("pg_dump"), "--format=custom", "--no-password"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
            env=_client_environment(database),
        )
        try:
            if dump.stdout is None:  # pragma: no cover (stdout=PIPE always gives one)
                raise BackupError("pg_dump gave no output stream.")
            with os.fdopen(descriptor, "wb") as target:
                size = encrypt_stream(dump.stdout, target, keys=keys)
                target.flush()
                os.fsync(target.fileno())
        except BaseException:
            dump.kill()
            dump.wait()
            partial.unlink(missing_ok=True)
            raise
        if dump.wait() != 0:
            partial.unlink(missing_ok=True)
            errors.seek(0)
            raise BackupError(f"pg_dump failed: {errors.read().decode(errors='replace').strip()[:2000]}")
    os.replace(partial, output)
    return size


# ---------------------------------------------------------------------------------------------------------------
# Restore


def database_is_empty(database: dict[str, Any]) -> bool:
    """True when the target has no table of its own yet (a fresh database)."""
    import psycopg

    with psycopg.connect(**_libpq_arguments(database)) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        ).fetchone()
    return row is not None and row[0] == 0


def _libpq_arguments(database: dict[str, Any]) -> dict[str, Any]:
    arguments = {
        "dbname": database["NAME"],
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
        "connect_timeout": 10,
    }
    return {key: value for key, value in arguments.items() if value is not None}


def database_restore(*, backup: Path, database_url: str, ledger: Path | None) -> dict[str, int]:
    """Restore an encrypted backup into the fresh database at `database_url`, then replay the erasure ledger.

    Nothing is written to the target unless the whole file authenticates with one of BACKUP_ENCRYPTION_KEYS;
    pg_restore runs in a single transaction, so a failure leaves the target empty. Returns the replay's counts.
    """
    database = database_from_url(database_url)
    keys = _keys()
    with Path(backup).open("rb") as source:
        verify_stream(source, keys=keys)  # wrong key or altered file: stop before touching the database
    if ledger is not None and not Path(ledger).is_file():
        raise BackupError(f"No erasure ledger at {ledger}: without it, erased personal data would come back.")
    try:
        empty = database_is_empty(database)
    except Exception as error:
        raise BackupError(f"Cannot connect to the target database ({type(error).__name__}).") from None
    if not empty:
        raise BackupError("The target database is not empty: restore into a freshly created database.")
    _pg_restore(backup, database, keys)
    return _replay_in(database_url, ledger)


def _pg_restore(backup: Path, database: dict[str, Any], keys: list[bytes]) -> None:
    with tempfile.TemporaryFile() as errors, Path(backup).open("rb") as source:
        restore = subprocess.Popen(  # noqa: S603 (fixed program, no shell)
            [
                _program("pg_restore"),
                "--dbname",
                database["NAME"],
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--no-password",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env=_client_environment(database),
        )
        if restore.stdin is None:  # pragma: no cover (stdin=PIPE always gives one)
            raise BackupError("pg_restore gave no input stream.")
        try:
            for chunk in decrypt_stream(source, keys=keys):
                restore.stdin.write(chunk)
            restore.stdin.close()
        except BrokenPipeError:
            pass  # pg_restore stopped early: its exit status and messages say why
        except BaseException:
            restore.kill()  # one transaction: killed before the end, nothing is kept
            restore.wait()
            raise
        if restore.wait() != 0:
            errors.seek(0)
            raise BackupError(f"pg_restore failed: {errors.read().decode(errors='replace').strip()[:2000]}")


def _replay_in(database_url: str, ledger: Path | None) -> dict[str, int]:
    """Run `replay_erasures` against the restored database, in a process whose settings point at it."""
    import json

    settings_module = os.environ.get("DJANGO_SETTINGS_MODULE") or settings.SETTINGS_MODULE
    environment = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": settings_module}
    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "replay_erasures", "--json"]
    if ledger is not None:
        environment["ERASURE_LEDGER_PATH"] = str(ledger)  # erasures made by the purge are recorded there too
        command += ["--ledger", str(ledger)]
    else:
        command += ["--no-ledger"]
    result = subprocess.run(  # noqa: S603 (this project's manage.py)
        command, env=environment, capture_output=True, text=True, timeout=3600, check=False
    )
    if result.returncode != 0:
        raise BackupError(
            "The backup was restored but replaying the erasures failed: do not use the restored database before "
            f"`replay_erasures` succeeds on it.\n{result.stderr.strip()[-2000:]}"
        )
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------------------------
# Replaying erasures


def erasures_replay(*, entries: list[LedgerEntry]) -> dict[str, int]:
    """Make the current database forget again what the ledger says was erased or withdrawn, then purge.

    Each entry is replayed, in a transaction of its own, by the eraser its app registered for its kind
    (erasure.py); entries already in effect change nothing, so replaying twice is harmless. Then the registered
    retention purges erase whatever has passed its retention since the backup was taken. Returns the counts of
    what changed, every registered outcome included (at 0 when nothing happened).
    """
    purges = registered_purges()
    counts = dict.fromkeys([*replay_outcomes(), *(purge.name for purge in purges)], 0)
    with erasure_ledger_suspended():
        for entry in entries:
            eraser = eraser_for(entry.kind)
            if eraser is None:  # erasure_ledger_read keeps registered kinds only
                continue
            with transaction.atomic():
                outcome = eraser.replay(entry)
            if outcome is not None:
                counts[outcome] += 1
    for purge in purges:
        counts[purge.name] = purge.run()
    return counts
