import pytest

# The observatory's yearly reports drawn during this package's crawls of one copy of the demo network (cache key →
# PDF), put back in the cache before each crawl: see `_empty_cache` below.
_DRAWN_REPORTS: dict[str, bytes] = {}
REPORT_KEY_PREFIX = "observatory:report:"


@pytest.fixture(scope="package")
def demo_network(django_db_setup, django_db_blocker, xdist_run_id):
    """The demo network for the crawls of this package (a copy of the run's seeded demo), gone after them: the next
    modules start from the migrated data."""
    from tests.demo_database import demo_database

    _DRAWN_REPORTS.clear()
    with django_db_blocker.unblock(), demo_database(xdist_run_id):
        yield
    _DRAWN_REPORTS.clear()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each crawl starts with an empty cache (as every test does: tests/conftest.py), but for the yearly reports an
    earlier crawl of the same demo network drew: the product keeps them too (`observatory_prepare_reports` draws
    them once per set of releases, and the key names the releases), and WeasyPrint's ~5 s per report and language
    was half of each reader's crawl. The crawl still opens every report link, and checks its answer."""
    from django.core.cache import cache

    cache.clear()
    cache.set_many(_DRAWN_REPORTS, timeout=None)
    yield
    _DRAWN_REPORTS.update(cache.get_many(_report_keys(cache)))


def _report_keys(cache) -> list[str]:
    """The yearly reports' keys in the test settings' local-memory cache (its keys are `:<version>:<key>`)."""
    made_keys = getattr(cache, "_cache", {})
    return [key.split(":", 2)[2] for key in made_keys if key.split(":", 2)[-1].startswith(REPORT_KEY_PREFIX)]
