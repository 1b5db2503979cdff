import pytest


@pytest.fixture(scope="package")
def demo_network(django_db_setup, django_db_blocker, xdist_run_id):
    """The demo network for the crawls of this package (a copy of the run's seeded demo), gone after them: the next
    modules start from the migrated data."""
    from tests.demo_database import demo_database

    with django_db_blocker.unblock(), demo_database(xdist_run_id):
        yield
