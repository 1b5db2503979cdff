"""The observatory's API: the same rules as its pages, suppressed cells null, refusals like missing objects."""

from __future__ import annotations

import datetime

import pytest

from network.observatory.models import ObservatoryCount
from network.observatory.tables import Granularity
from network.orgs.models import Role
from tests import factories
from tests.observatory.view_releases import make_region, make_release

pytestmark = pytest.mark.django_db

TABLE = "referrals_sent_by_category"


@pytest.fixture
def world():
    a = factories.organisation(name="Alpha Outreach")
    b = factories.organisation(name="Bravo Clinic")
    south = make_region("south", "South", a)
    make_region("north", "North", b)
    for granularity in (Granularity.YEAR, Granularity.QUARTER, Granularity.MONTH):
        make_release(granularity=granularity)
        make_release(granularity=granularity, scope="region", scope_key=south.code, value=20)
    ObservatoryCount.objects.create(
        measure=TABLE, month=datetime.date(2026, 3, 1), organisation_id=a.pk, dimension="legal-advice", value=3
    )
    return {"a": a, "b": b}


def test_visitor_lists_tables_with_years_and_quarters_and_no_region(api_in_english, world):
    response = api_in_english.get("/api/v1/observatory/tables/")

    assert response.status_code == 200
    entry = next(entry for entry in response.json() if entry["key"] == TABLE)
    assert entry["granularities"] == ["year", "quarter"]
    assert entry["regions"] == [] and entry["own_organisations"] == []
    assert entry["years"] == [2026]


def test_released_table_carries_suppressed_cells_as_null_never_their_value(api_in_english, world):
    response = api_in_english.get(f"/api/v1/observatory/tables/{TABLE}/?year=2026&granularity=quarter")

    assert response.status_code == 200
    body = response.json()
    hidden = next(row for row in body["rows"] if row["code"] == "sexual-health-testing")
    assert hidden["cells"][0] == {"value": None, "flag": "suppressed"}
    assert hidden["total"] == {"value": None, "flag": "suppressed"}
    assert body["column_totals"][0]["value"] is None
    assert body["release_id"] is not None
    assert "public" in response["Cache-Control"]


def test_visitor_is_refused_months_and_regions_with_401(api_in_english, world):
    month = api_in_english.get(f"/api/v1/observatory/tables/{TABLE}/?year=2026&granularity=month")
    region = api_in_english.get(f"/api/v1/observatory/tables/{TABLE}/?region=south")

    assert month.status_code == region.status_code == 401


def test_member_reads_their_region_and_gets_404_for_another_like_a_missing_one(signed_in, world):
    member = factories.member(world["b"], Role.STAFF)  # B is in the north: it has no release
    client = signed_in(member)
    other_member = factories.member(world["a"], Role.VOLUNTEER)

    refused = client.get(f"/api/v1/observatory/tables/{TABLE}/?region=south", HTTP_ACCEPT_LANGUAGE="en")
    missing = client.get(f"/api/v1/observatory/tables/{TABLE}/?region=nowhere", HTTP_ACCEPT_LANGUAGE="en")
    signed_in(other_member)
    allowed = client.get(f"/api/v1/observatory/tables/{TABLE}/?region=south&granularity=month")

    assert refused.status_code == missing.status_code == 404
    assert refused.json() == missing.json()
    assert allowed.status_code == 200 and allowed.json()["scope_key"] == "south"
    assert "no-store" in allowed["Cache-Control"]


def test_coordinator_reads_own_exact_figures_and_another_organisations_answer_like_a_missing_one(signed_in, world):
    coordinator = factories.member(world["a"], Role.COORDINATOR)
    outsider = factories.member(world["b"], Role.COORDINATOR)
    path = f"/api/v1/observatory/organisations/{world['a'].pk}/tables/{TABLE}/?year=2026"

    client = signed_in(coordinator)
    own = client.get(path)
    signed_in(outsider)
    refused = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    missing = client.get(
        f"/api/v1/observatory/organisations/{factories.organisation().pk}/tables/{TABLE}/",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert own.status_code == 200
    row = next(row for row in own.json()["rows"] if row["code"] == "legal-advice")
    assert row["cells"] == [{"value": 3, "flag": "exact"}]
    assert own.json()["release_id"] is None
    assert refused.status_code == missing.status_code == 404
    assert refused.json() == missing.json()


def test_schema_documents_the_observatory_endpoints():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)

    detail = schema["paths"]["/api/v1/observatory/tables/{table}/"]["get"]
    own = schema["paths"]["/api/v1/observatory/organisations/{id}/tables/{table}/"]["get"]
    assert {"200", "400", "401", "404"} <= set(detail["responses"]) <= set(own["responses"])
    assert "/api/v1/observatory/tables/" in schema["paths"]
