"""Calls released at the same moment from their own threads (each on its own database connection), for the tests
that two people answering the same thing at once leave exactly one answer."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence


def at_once(calls: Sequence[Callable[[], object]], *, refused: tuple[type[BaseException], ...]) -> list[str]:
    """Run every call in its own thread, all let go together; "won" for each call that returned, "refused" for each
    that raised one of `refused` (sorted). Another exception fails the test with the others' outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def run(call: Callable[[], object]) -> None:
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            call()
            outcomes.append("won")
        except refused:
            outcomes.append("refused")
        except BaseException as error:  # noqa: BLE001  (reported below, in the test's thread)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, (errors, outcomes)
    return sorted(outcomes)
