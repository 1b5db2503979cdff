"""`manage.py restore_database --input FILE --database-url URL`: decrypt, restore, replay the erasure ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from network.backups.crypto import BackupIntegrityError, BackupKeyError
from network.backups.ledger import ledger_path
from network.backups.services import BackupError, database_restore


class Command(BaseCommand):
    help = (
        "Restore an encrypted backup into a fresh, empty PostgreSQL database, then erase again what the erasure "
        "ledger lists and run the retention purge, so erased personal data does not come back."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--input", required=True, type=Path, help="The encrypted backup file.")
        parser.add_argument("--database-url", required=True, help="The fresh database to restore into.")
        ledger = parser.add_mutually_exclusive_group()
        ledger.add_argument("--ledger", type=Path, help="The erasure ledger (default: ERASURE_LEDGER_PATH).")
        ledger.add_argument(
            "--no-ledger",
            action="store_true",
            help="Restore without a ledger (only the retention purge runs): erasures made since the backup return.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ledger = None if options["no_ledger"] else (options["ledger"] or ledger_path())
        if ledger is None and not options["no_ledger"]:
            raise CommandError(
                "No erasure ledger: set ERASURE_LEDGER_PATH or pass --ledger (or --no-ledger, knowing that personal "
                "data erased after the backup was taken would come back)."
            )
        try:
            counts = database_restore(backup=options["input"], database_url=options["database_url"], ledger=ledger)
        except (BackupKeyError, BackupIntegrityError) as error:
            raise CommandError(f"{error} Nothing was restored.") from None
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            "Restored. Erasures replayed: {withdrawn} withdrawal(s), {erased} erasure(s) "
            "({unknown_referrals} referral(s) not in this backup); retention purge: {retention_erased}.".format(
                **counts
            )
        )
