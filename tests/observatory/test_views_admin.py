"""The observatory in the Wagtail admin: the release log and the settings, for network administrators only."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from network.observatory.models import ObservatorySettings
from network.orgs.models import Role
from tests import factories
from tests.observatory.view_releases import make_release

pytestmark = pytest.mark.django_db


def test_network_admin_reads_which_cells_each_release_suppressed_and_why(signed_in, in_english):
    # Given a release with a suppressed cell (and its secondary suppressions)
    release = make_release()
    client = signed_in(factories.network_admin())

    # When a network administrator opens the release log
    response = client.get("/admin/observatory/releases/")

    # Then the release is listed with its parameters and each suppressed cell with its reason, never a value
    # (the admin speaks the site's default language, French, whatever the test's active language)
    assert response.status_code == 200
    row = BeautifulSoup(response.content, "html.parser").find("table", class_="listing").tbody.tr
    text = row.get_text(" ", strip=True)
    assert "Orientations envoyées, par catégorie de service" in text and f"#{release.pk}" in text
    assert "threshold=10" in text
    assert "sexual-health-testing:2026 : sous le seuil" in text
    assert "total:2026 : masquage secondaire" in text


def test_coordinator_is_turned_away_from_the_release_log_and_the_settings(signed_in):
    client = signed_in(factories.member(factories.organisation(), Role.COORDINATOR))

    for path in ("/admin/observatory/releases/", "/admin/observatory/settings/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].rstrip("/") == "/admin", path
    before = ObservatorySettings.load().threshold
    client.post("/admin/observatory/settings/", {"threshold": 20, "rounding_base": 5, "dominance_share": 85})
    assert ObservatorySettings.load().threshold == before


def test_network_admin_changes_the_settings_but_never_below_the_floor(signed_in, in_english):
    client = signed_in(factories.network_admin())

    refused = client.post("/admin/observatory/settings/", {"threshold": 3, "rounding_base": 5, "dominance_share": 85})
    assert refused.status_code == 200
    assert "Le seuil ne peut pas être inférieur à 5" in refused.content.decode()  # the admin speaks French
    assert ObservatorySettings.load().threshold == 10

    saved = client.post("/admin/observatory/settings/", {"threshold": 15, "rounding_base": 10, "dominance_share": 80})
    assert saved.status_code == 302
    settings = ObservatorySettings.load()
    assert (settings.threshold, settings.rounding_base, settings.dominance_share) == (15, 10, 80)


def test_the_observatory_menu_is_shown_to_network_admins_only(signed_in):
    admin = signed_in(factories.network_admin()).get("/admin/")
    assert "/admin/observatory/releases/" in admin.content.decode()

    coordinator = signed_in(factories.member(factories.organisation(), Role.COORDINATOR)).get("/admin/")
    assert "/admin/observatory/" not in coordinator.content.decode()
