"""`manage.py backup_database --output FILE`: an encrypted pg_dump of the database (BACKUP_ENCRYPTION_KEYS)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from network.backups.crypto import BackupKeyError
from network.backups.services import BackupError, database_backup, database_from_url


class Command(BaseCommand):
    help = "Dump the database with pg_dump and write it encrypted (AES-256-GCM) to --output; no plaintext on disk."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", required=True, type=Path, help="The encrypted backup file to write.")
        parser.add_argument(
            "--database-url", help="The database to back up (default: the one the settings use, DATABASE_URL)."
        )

    def handle(self, *args: Any, output: Path, database_url: str | None, **options: Any) -> None:
        try:
            database = database_from_url(database_url) if database_url else connections["default"].settings_dict
            if database["ENGINE"] != "django.db.backends.postgresql":
                raise BackupError("Backups need PostgreSQL (a postgres:// DATABASE_URL).")
            if output.exists():
                raise BackupError(f"{output} exists already: backups are never overwritten.")
            size = database_backup(output=output, database=database)
        except (BackupError, BackupKeyError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backup written to {output} ({size} bytes of dump, encrypted).")
