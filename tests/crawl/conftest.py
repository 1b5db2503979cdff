import pytest


@pytest.fixture(scope="package")
def demo_network(django_db_setup, django_db_blocker):
    """The demo network, loaded once for the crawls of this package and emptied after them (the next modules start
    clean)."""
    from django.core.management import call_command

    from tests.conftest import restore_migrated_state

    with django_db_blocker.unblock():
        from wagtail.models import Site

        if not Site.objects.exists():  # a transactional test before these left the database flushed
            restore_migrated_state()
        call_command("seed_demo", quiet_logins=True, verbosity=0)
        yield
        restore_migrated_state()
