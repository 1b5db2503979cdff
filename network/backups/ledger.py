"""The erasure ledger: which referrals lost their personal data, kept outside the database and its backups.

A backup holds the personal data of the day it was taken. If a person withdraws consent, or retention erases
their data, after that day, restoring the backup would bring it back. So each erasure is also appended here, as
one JSON line with the referral's id, the kind of erasure and when (never a personal value), and a restore
replays the ledger (services.erasures_replay) before anyone uses the restored database. The kinds, and what
replaying each means, are registered by the app that erases (erasure.py).

The line is written and flushed to disk before the erasing transaction commits: a committed erasure is always in
the ledger (a transaction that fails after the line was written leaves an entry whose replay erases a little
more than the live system did, never less). The file lives on storage of its own (ERASURE_LEDGER_PATH), is only
ever appended to, and must be copied off-site alongside the backups.
"""

from __future__ import annotations

import contextlib
import contextvars
import fcntl
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from uuid import UUID

from django.conf import settings
from django.utils import timezone

from .erasure import registered_kinds

logger = logging.getLogger(__name__)

_suspended: contextvars.ContextVar[bool] = contextvars.ContextVar("erasure_ledger_suspended", default=False)


@dataclass(frozen=True)
class LedgerEntry:
    kind: str
    referral_id: UUID
    at: datetime


def ledger_path() -> Path | None:
    """The ledger file, or None where none is kept (the embedded demo and most tests)."""
    path = getattr(settings, "ERASURE_LEDGER_PATH", "")
    return Path(path) if path else None


def erasure_ledger_record(*, kind: str, referral_id: UUID | str, at: datetime | None = None) -> None:
    """Append one erasure to the ledger and flush it to disk.

    A ledger that cannot be written never blocks the erasure itself (withdrawal takes effect at once, whatever
    happens to a file): the failure is logged, with the referral's id only, for the operators to act on.
    """
    path = ledger_path()
    if path is None or _suspended.get():
        return
    if kind not in registered_kinds():
        raise ValueError(f"Unknown erasure kind {kind!r}.")
    line = json.dumps(
        {"kind": kind, "referral": str(referral_id), "at": (at or timezone.now()).isoformat()}, sort_keys=True
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)  # one writer at a time across web and worker processes
            os.write(descriptor, (line + "\n").encode("ascii"))
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except OSError as error:
        logger.error("erasure ledger: could not record %s of referral %s (%s)", kind, referral_id, type(error).__name__)


def erasure_ledger_read(path: Path) -> list[LedgerEntry]:
    """Every entry of a ledger file, oldest first. A torn last line (a crash mid-write) is skipped."""
    entries = []
    with path.open(encoding="ascii") as file:
        for number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                entry = LedgerEntry(
                    kind=record["kind"],
                    referral_id=UUID(record["referral"]),
                    at=datetime.fromisoformat(record["at"]),
                )
            except (ValueError, KeyError, TypeError):
                logger.warning("erasure ledger: line %d of %s is unreadable, skipped", number, path)
                continue
            if entry.kind in registered_kinds():
                entries.append(entry)
    return entries


@contextlib.contextmanager
def erasure_ledger_suspended() -> Iterator[None]:
    """Replaying the ledger erases again what it lists: don't append those erasures a second time."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)
