"""What every benchmark script shares: its own PostgreSQL database, and timing a call the same way."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from urllib.parse import urlsplit


def ensure_database(url: str, *, fresh: bool = False) -> None:
    """Create the benchmark database when it does not exist (connecting to the server's `postgres` database); with
    `fresh`, drop it first, so a run that seeds starts from nothing (the rows an earlier run wrote were encrypted with
    that run's key, which this one does not have)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        if fresh:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # our own argument, not user input
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')  # a name from our own argument, not user input


def setup_client_environment() -> None:
    """What the test client needs (its host allowed), without the test runner's template instrumentation.

    `setup_test_environment()` makes every template render send a signal to which the test client answers by
    copying the whole context: a cost per include that production never pays, and that would hide what the
    templates themselves cost.
    """
    from django.template import Template
    from django.test.utils import setup_test_environment

    render = Template._render
    setup_test_environment()
    Template._render = render


def timed(call: Callable[[], object], count: int) -> dict[str, float]:
    """p50/p95 wall time, median CPU time (ms) and queries per call, after five warm-up calls."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):
        call()
    walls, cpus, queries = [], [], []
    for _ in range(count):
        with CaptureQueriesContext(connection) as captured:
            wall, cpu = time.perf_counter(), time.process_time()
            call()
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        queries.append(len(captured.captured_queries))
    walls.sort()
    return {
        "p50": statistics.median(walls),
        "p95": walls[max(int(len(walls) * 0.95) - 1, 0)],
        "cpu": statistics.median(cpus),
        "queries": max(queries),
        "queries_min": min(queries),
    }
