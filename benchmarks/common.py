"""What every benchmark script shares: its own PostgreSQL database, and timing a call the same way."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from urllib.parse import urlsplit


def ensure_database(url: str) -> None:
    """Create the benchmark database when it does not exist (connecting to the server's `postgres` database)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')  # a name from our own argument, not user input


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
