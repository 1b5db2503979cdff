"""What a backup or restore refuses to do, and says why: none of it writes anything it should not.

pg_dump reads the (migrated) test database as it is; these tests commit nothing, so they need no flush.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from .conftest import backups_missing_reason, table_count

if reason := backups_missing_reason():
    pytest.skip(reason, allow_module_level=True)


@pytest.fixture(scope="module", autouse=True)
def _test_database(django_db_setup) -> None:
    """pg_dump reads the test database: make sure it exists (the connection then names it)."""


@pytest.fixture
def backup(backup_keys, tmp_path: Path) -> Path:
    path = tmp_path / "passerelle.backup"
    call_command("backup_database", output=path)
    return path


@pytest.fixture
def empty_ledger(erasure_ledger: Path) -> Path:
    erasure_ledger.parent.mkdir(parents=True, exist_ok=True)
    erasure_ledger.touch()
    return erasure_ledger


def test_a_restore_with_the_wrong_key_says_so_and_restores_nothing(
    backup, backup_keys, empty_ledger, fresh_database, settings
):
    # Given settings holding another key only
    settings.BACKUP_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    target = fresh_database()

    # When the backup is restored, Then a clear error names the cause, and the target stays empty
    with pytest.raises(CommandError, match="key that is not in BACKUP_ENCRYPTION_KEYS.*Nothing was restored"):
        call_command("restore_database", input=backup, database_url=target, ledger=empty_ledger)
    assert table_count(target) == 0

    # And with the old key kept behind the new one (a rotation), it restores
    settings.BACKUP_ENCRYPTION_KEYS = [*settings.BACKUP_ENCRYPTION_KEYS, *backup_keys]
    call_command("restore_database", input=backup, database_url=target, ledger=empty_ledger)
    assert table_count(target) > 100


def test_an_altered_backup_is_refused_and_nothing_is_restored(backup, empty_ledger, fresh_database):
    content = bytearray(backup.read_bytes())
    content[len(content) // 2] ^= 0x01
    backup.write_bytes(bytes(content))
    target = fresh_database()

    with pytest.raises(CommandError, match="damaged or was altered.*Nothing was restored"):
        call_command("restore_database", input=backup, database_url=target, ledger=empty_ledger)
    assert table_count(target) == 0


def test_a_backup_cut_short_is_refused(backup, empty_ledger, fresh_database):
    backup.write_bytes(backup.read_bytes()[:-100])
    target = fresh_database()

    with pytest.raises(CommandError, match="cut short.*Nothing was restored"):
        call_command("restore_database", input=backup, database_url=target, ledger=empty_ledger)
    assert table_count(target) == 0


def test_a_restore_into_a_database_that_is_not_empty_is_refused(backup, empty_ledger, fresh_database):
    target = fresh_database()
    call_command("restore_database", input=backup, database_url=target, ledger=empty_ledger)
    tables = table_count(target)

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore_database", input=backup, database_url=target, ledger=empty_ledger)
    assert table_count(target) == tables


def test_a_restore_without_an_erasure_ledger_is_refused_unless_asked_for(backup_keys, settings, tmp_path):
    settings.ERASURE_LEDGER_PATH = ""
    with pytest.raises(CommandError, match="No erasure ledger"):
        call_command("restore_database", input=tmp_path / "any.backup", database_url="postgres://h/x")


def test_a_backup_is_never_written_over_an_existing_file(backup_keys, tmp_path):
    existing = tmp_path / "passerelle.backup"
    existing.write_bytes(b"previous backup")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup_database", output=existing)
    assert existing.read_bytes() == b"previous backup"


def test_a_backup_without_a_key_is_refused_and_leaves_no_file(settings, tmp_path):
    settings.BACKUP_ENCRYPTION_KEYS = []
    output = tmp_path / "passerelle.backup"
    with pytest.raises(CommandError, match="BACKUP_ENCRYPTION_KEYS"):
        call_command("backup_database", output=output)
    assert list(tmp_path.iterdir()) == []
