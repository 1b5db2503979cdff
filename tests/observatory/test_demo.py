"""The demo's observatory shows figures, some of them suppressed, and loading the demo again adds nothing."""

import pytest
from django.core.management import call_command

from network.observatory import selectors
from network.observatory.models import Release
from network.observatory.tables import Granularity, Scope
from network.referrals.models import Referral
from tests.demo_database import demo_database

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_network(django_db_setup, django_db_blocker, xdist_run_id):
    """The run's demo network, loaded by `seed_demo` (its observatory built after the command's transaction)."""
    with django_db_blocker.unblock(), demo_database(xdist_run_id):
        yield


def test_the_demo_observatory_shows_figures_with_some_cells_suppressed(
    demo_network, settings, django_capture_on_commit_callbacks
):
    # given the demo network, loaded once more (the build runs after the command's transaction)
    settings.SETTINGS_MODULE = "network.settings.test"  # seed_demo refuses production settings
    referrals = Referral.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", quiet_logins=True)
    assert Referral.objects.count() == referrals
    # then the network's figures are released, with shown and suppressed cells
    year = selectors.available_years()[0]
    regions = [region.code for region in selectors.regions()]
    assert "ile-de-france" in regions
    table = selectors.released_table("referrals_received_by_category", Scope.NETWORK, "", Granularity.QUARTER, year)
    assert table is not None and table.total.value
    shown = suppressed = 0
    for release in Release.objects.all():
        cells = [v for row in release.cells["cells"] for v in row]
        shown += sum(v is not None and v > 0 for v in cells)
        suppressed += sum(v is None for v in cells)
    assert shown > 50 and suppressed > 50
