"""The HSDS tests share one small network (a public service, a members-only one, a confidential drop-in centre)."""

from tests.directory.test_hsds import network  # noqa: F401  (the fixture, for test_hsds_*.py)
