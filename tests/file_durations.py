"""The order the suite's files start in under pytest-xdist: longest first, by each file's measured duration.

`--dist loadfile` hands whole files to the workers in the order they were collected (with xdist's own reordering,
by number of tests, turned off in pyproject.toml). A long file handed out last leaves one worker running it alone
while the other idles, so files start from the longest: the short ones at the end fill in around the long ones.

The durations are kept in tests/file_durations.json (seconds per file, from a whole run on 2 workers). A file not
in it yet starts after the measured ones of more than a few seconds. Refresh the figures after adding or changing
slow tests:

    make test PYTEST_ARGS="--junitxml=/tmp/junit.xml" && .venv/bin/python -m tests.file_durations /tmp/junit.xml
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET  # noqa: S405 (pytest's own report, read by hand)
from collections import defaultdict
from functools import cache
from pathlib import Path

DURATIONS = Path(__file__).with_name("file_durations.json")
UNMEASURED = 5.0  # seconds assumed for a file not measured yet


@cache
def file_durations() -> dict[str, float]:
    try:
        return json.loads(DURATIONS.read_text())
    except (OSError, ValueError):
        return {}


def start_order(nodeid: str) -> float:
    """Sort key of a test: its file's duration, negated (longest first; the order within a file stays)."""
    path = nodeid.split("::", 1)[0]
    return -file_durations().get(path, UNMEASURED)


def durations_from_junit(report: Path) -> dict[str, float]:
    """Seconds per test file (setup, call and teardown of its tests) from a pytest --junitxml report."""
    totals: dict[str, float] = defaultdict(float)
    for case in ET.parse(report).getroot().iter("testcase"):  # noqa: S314 (our own run's report)
        module = case.get("classname", "")
        path = module.replace(".", "/") + ".py"
        if not Path(path).exists():  # a class in the module: tests/x/test_y.py::Class
            path = "/".join(module.split(".")[:-1]) + ".py"
        totals[path] += float(case.get("time") or 0)
    return {path: round(seconds, 1) for path, seconds in sorted(totals.items(), key=lambda item: -item[1])}


def main(argv: list[str]) -> None:
    DURATIONS.write_text(json.dumps(durations_from_junit(Path(argv[0])), indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
