"""What the erasure ledger's entries mean: the apps that erase personal data register it here.

The ledger (ledger.py) only stores a kind, an id and a date. The app that records a kind registers, in its
`AppConfig.ready()`, how to make that erasure hold again in a restored database (`register_eraser`) and the
retention purge to run after the replay (`register_purge`); `services.erasures_replay` calls what was registered.
So backups knows no feature app, as the outbox knows no topic until an app registers its handler.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .ledger import LedgerEntry

#: Replays one ledger entry, inside the transaction the caller opened; returns the name of the count the entry
#: adds one to (one of the eraser's `outcomes`), or None when the erasure already held and nothing changed.
Replay = Callable[["LedgerEntry"], str | None]


@dataclass(frozen=True)
class Eraser:
    kind: str
    replay: Replay
    outcomes: tuple[str, ...]  # every count `replay` may return: each is reported, at 0 when nothing happened


@dataclass(frozen=True)
class Purge:
    name: str  # the name of its count in the replay's report
    run: Callable[[], int]  # erases what has passed its retention; returns how many it erased


_erasers: dict[str, Eraser] = {}
_purges: dict[str, Purge] = {}


def register_eraser(*, kind: str, replay: Replay, outcomes: tuple[str, ...]) -> None:
    """Declare a kind of ledger entry and how to replay it. Registering a kind twice is a programming error."""
    if kind in _erasers and _erasers[kind].replay is not replay:
        raise ValueError(f"The erasure kind {kind!r} is already registered.")
    _erasers[kind] = Eraser(kind=kind, replay=replay, outcomes=outcomes)


def register_purge(*, name: str, run: Callable[[], int]) -> None:
    """Declare a retention purge that runs after the ledger was replayed (it must be idempotent)."""
    if name in _purges and _purges[name].run is not run:
        raise ValueError(f"The purge {name!r} is already registered.")
    _purges[name] = Purge(name=name, run=run)


def eraser_for(kind: str) -> Eraser | None:
    return _erasers.get(kind)


def registered_kinds() -> frozenset[str]:
    return frozenset(_erasers)


def registered_purges() -> list[Purge]:
    return list(_purges.values())


def replay_outcomes() -> list[str]:
    """Every count an erasure replay reports, in registration order (the purges' counts come last)."""
    names = dict.fromkeys(outcome for eraser in _erasers.values() for outcome in eraser.outcomes)
    return list(names)
