"""The load test keeps running in CI: a short, bounded run of benchmarks/load/run.py (its real figures come from
`make load`, see the closing notes), against gunicorn with PostgreSQL and Redis, must serve every kind of request
without one failure and write its report and plot."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]


def _load_database_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")) or not os.environ.get("REDIS_URL"):
        return None
    return url.rsplit("/", 1)[0] + "/passerelle_load_ci"


@pytest.fixture(scope="module")
def demo_network(django_db_setup, django_db_blocker, xdist_run_id):
    """The run's demo network (tests/demo_database.py), for the load database to copy; set up before the test's
    transaction opens, since it swaps the test database."""
    from tests.demo_database import demo_database

    if _load_database_url() is None:
        pytest.skip("the load test needs PostgreSQL and Redis: set DATABASE_URL and REDIS_URL, as .ci/run does")

    with django_db_blocker.unblock(), demo_database(xdist_run_id):
        yield


@pytest.mark.processes
@pytest.mark.django_db  # the test database must exist (run alone too)
def test_a_short_load_run_serves_every_kind_of_request_without_failure_and_writes_its_report(
    demo_network, request, tmp_path, django_db_setup
):
    database_url = _load_database_url()
    if database_url is None:
        pytest.skip("the load test needs PostgreSQL and Redis: set DATABASE_URL and REDIS_URL, as .ci/run does")
    import psycopg
    from django.conf import settings

    from tests.demo_database import demo_database_name
    from tests.processes.conftest import database_url_of_this_test
    from tests.processes.stack import copy_database

    static_root = request.getfixturevalue("production_static_root")  # only once PostgreSQL and Redis are there

    # Given the load database copied from the run's demo database (the migrated data and the demo network, seeded
    # once per run): the run's own `migrate` then finds nothing to do and it skips `seed_demo` (--seeded). In one
    # process, the copy is a pg_dump of this test's database, which holds the demo for the module.
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    demo = demo_database_name()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute('DROP DATABASE IF EXISTS "passerelle_load_ci" WITH (FORCE)')
        admin.execute('CREATE DATABASE "passerelle_load_ci"' + (f' TEMPLATE "{demo}"' if demo else ""))
    if demo is None:
        copy_database(database_url_of_this_test(), database_url)

    # When the load test runs for a few seconds per phase
    result = subprocess.run(
        [
            sys.executable,
            "benchmarks/load/run.py",
            "--seconds",
            "6",
            "--kind-seconds",
            "3",
            "--users",
            "4",
            # Two kinds alone (one anonymous, one member) keep the ratio report honest; the mix serves every kind.
            "--kinds",
            "home page,referral inbox",
            "--out",
            str(tmp_path),
            "--static-root",
            str(static_root),
            "--seeded",
        ],
        cwd=REPOSITORY,
        env={
            **os.environ,
            "LOAD_DATABASE_URL": database_url,
            "LOAD_REDIS_URL": os.environ["REDIS_URL"],
            "LOAD_FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),  # the demo's referrals' key
        },
        capture_output=True,
        text=True,
        timeout=400,
        check=False,
    )

    # Then it finished, every request kind was served, and nothing failed
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    rows = json.loads((tmp_path / "results.json").read_text())["rows"]
    kinds = {row["name"] for row in rows if row["name"] != "Aggregated"}
    assert {"bare Django view", "library page", "library search", "resource page", "referral inbox",
            "referral page", "API referrals list", "API resources list", "home page", "organisation directory",
            "advocacy calendar", "member library page"} <= kinds  # fmt: skip
    summary = json.loads((tmp_path / "results.json").read_text())
    assert {kind["kind"] for kind in summary["kinds"]} == {"home page", "referral inbox"}
    assert all(row["failures"] == 0 for row in rows), [row for row in rows if row["failures"]]
    assert (tmp_path / "results.png").stat().st_size > 10_000
    assert "ratio" in (tmp_path / "results.md").read_text()
