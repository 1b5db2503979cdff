"""`manage.py replay_erasures`: erase again what the erasure ledger lists, then run the retention purge."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from network.backups.ledger import erasure_ledger_read, ledger_path
from network.backups.services import erasures_replay


class Command(BaseCommand):
    help = "Re-apply the consent withdrawals and erasures of the erasure ledger to this database (after a restore)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--ledger", type=Path, help="The erasure ledger (default: ERASURE_LEDGER_PATH).")
        parser.add_argument("--no-ledger", action="store_true", help="Only run the retention purge.")
        parser.add_argument("--json", action="store_true", help="Print the counts as one JSON line.")

    def handle(self, *args: Any, **options: Any) -> None:
        entries = []
        if not options["no_ledger"]:
            path = options["ledger"] or ledger_path()
            if path is None or not Path(path).is_file():
                raise CommandError(f"No erasure ledger at {path}: pass --ledger, or --no-ledger to purge only.")
            entries = erasure_ledger_read(Path(path))
        counts = erasures_replay(entries=entries)
        if options["json"]:
            self.stdout.write(json.dumps(counts))
        else:
            self.stdout.write(", ".join(f"{key}: {value}" for key, value in counts.items()))
