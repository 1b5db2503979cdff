"""Who sees which observatory page: visitors the network per year and quarter, members their region per month,
coordinators and staff their own organisation's exact figures beside the network's, nobody another's."""

from __future__ import annotations

import datetime
import re

import pytest
from bs4 import BeautifulSoup

from network.observatory.models import ObservatoryCount
from network.observatory.tables import Granularity
from network.orgs.models import Role
from tests import factories
from tests.observatory.view_releases import make_region, make_release

pytestmark = pytest.mark.django_db

TABLE = "referrals_sent_by_category"


@pytest.fixture
def world():
    """A in the "south" region, B in the "north" one; releases of 2026 for the network and both regions."""
    a = factories.organisation(name="Alpha Outreach")
    b = factories.organisation(name="Bravo Clinic")
    south = make_region("south", "South", a)
    north = make_region("north", "North", b)
    for granularity in (Granularity.YEAR, Granularity.QUARTER, Granularity.MONTH):
        make_release(granularity=granularity)
        make_release(granularity=granularity, scope="region", scope_key=south.code, value=20)
        make_release(granularity=granularity, scope="region", scope_key=north.code, value=25)
    return {"a": a, "b": b, "south": south, "north": north}


def main_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser").find("main")


def test_visitor_sees_the_network_per_year_and_quarter_on_a_cacheable_page(client, world, in_english):
    # When a visitor opens the observatory
    response = client.get("/en/observatory/")

    # Then the network's figures are there, on a page a shared cache may keep, with no form token in it
    assert response.status_code == 200
    main = main_of(response)
    assert "The whole network" in main.get_text()
    assert main.find("form")["method"] == "get" and not main.find("form").has_attr("action")
    assert "csrfmiddlewaretoken" not in str(main)
    assert "public" in response["Cache-Control"] and "max-age" in response["Cache-Control"]
    # And only years and quarters are offered; a month is refused, and no region or organisation is listed
    options = [option["value"] for option in main.find("select", attrs={"name": "granularity"}).find_all("option")]
    assert options == ["year", "quarter"]
    assert client.get(f"/en/observatory/?table={TABLE}&year=2026&granularity=month").status_code == 400
    assert main.find("nav", class_="observatory-scopes") is None


def test_visitor_is_sent_to_sign_in_for_a_region_or_an_organisation(client, world):
    for path in (
        "/en/observatory/regions/south/",
        "/en/observatory/regions/south/export/csv/",
        f"/en/observatory/organisations/{world['a'].pk}/",
        f"/en/observatory/organisations/{world['a'].pk}/export/xlsx/",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], path


def test_member_sees_their_region_per_month_and_not_another_region(signed_in, world, in_english):
    # Given a peer of A (in the south)
    client = signed_in(factories.member(world["a"], Role.PEER))

    # When they open their region per month
    response = client.get(f"/en/observatory/regions/south/?table={TABLE}&year=2026&granularity=month")

    # Then they see it, never stored by a cache; another region answers 404 like a missing one
    assert response.status_code == 200
    assert "South" in main_of(response).get_text()
    assert "no-store" in response["Cache-Control"]
    assert client.get("/en/observatory/regions/north/").status_code == 404
    assert client.get("/en/observatory/regions/nowhere/").status_code == 404
    # And the scopes offered are the network and the south, no organisation (a peer sees no own figures)
    scopes = [a.get_text() for a in main_of(response).select("nav.observatory-scopes a")]
    assert scopes == ["The whole network", "South"]


def test_coordinator_sees_own_exact_figures_beside_the_network_and_never_another_organisations(
    signed_in, world, in_english
):
    # Given A sent 3 referrals of one category in March 2026 (its own count), and B sent 4
    month = datetime.date(2026, 3, 1)
    for organisation, value in ((world["a"], 3), (world["b"], 4)):
        ObservatoryCount.objects.create(
            measure=TABLE, month=month, organisation_id=organisation.pk, dimension="legal-advice", value=value
        )
    coordinator = factories.member(world["a"], Role.COORDINATOR)
    client = signed_in(coordinator)

    # When A's coordinator opens A's own figures
    response = client.get(f"/en/observatory/organisations/{world['a'].pk}/?table={TABLE}&year=2026&granularity=year")

    # Then A's exact 3 is there, beside the network's controlled table
    assert response.status_code == 200
    figures = main_of(response).select("section.observatory-figure")
    assert len(figures) == 2
    own, network = (BeautifulSoup(str(figure), "html.parser") for figure in figures)
    assert "exact" in own.find("caption").get_text()
    assert "Alpha Outreach (own figures)" in own.find("h2").get_text()
    legal = [tr for tr in own.find("tbody").find_all("tr") if "Legal" in tr.th.get_text()][0]
    assert [td.get_text(strip=True) for td in legal.find_all("td")] == ["3", "3"]
    assert "The whole network" in network.find("h2").get_text()
    # And B's own figures answer 404, to A's coordinator and to a network administrator alike
    assert client.get(f"/en/observatory/organisations/{world['b'].pk}/").status_code == 404
    assert client.get(f"/en/observatory/organisations/{world['b'].pk}/export/csv/").status_code == 404
    admin = signed_in(factories.network_admin())
    assert admin.get(f"/en/observatory/organisations/{world['a'].pk}/").status_code == 404


def test_network_admin_sees_every_region_but_no_organisations_own_figures(signed_in, world, in_english):
    client = signed_in(factories.network_admin())

    response = client.get("/en/observatory/")

    scopes = [a.get_text() for a in main_of(response).select("nav.observatory-scopes a")]
    assert scopes == ["The whole network", "North", "South"] or scopes == ["The whole network", "South", "North"]
    assert client.get("/en/observatory/regions/north/").status_code == 200


def test_arabic_page_is_right_to_left_with_the_chart_first_and_its_periods_from_the_right(client, world):
    # When a visitor opens the quarterly figures in Arabic
    response = client.get(f"/ar/observatory/?table={TABLE}&year=2026&granularity=quarter")

    # Then the page is right to left, the chart comes first in reading order (so it stands on the right)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.html["dir"] == "rtl" and soup.html["lang"] == "ar"
    body = soup.select_one(".observatory-figure__body")
    assert [child.name for child in body.find_all(recursive=False)] == ["figure", "div"]
    # And in the chart the first quarter's bars stand right of the last quarter's
    xs = {}
    for path in body.find_all("path", attrs={"aria-roledescription": "bar"}):
        # The quarter as the Arabic catalogue writes it: "الربع 2 من 2026"
        quarter = "Q" + re.search(r"الربع ([1-4]) من", path["aria-label"]).group(1)
        x = float(re.match(r"M([\d.]+)", path["d"]).group(1))
        xs.setdefault(quarter, []).append(x)
    assert min(xs["Q2"]) > max(xs["Q4"])  # Q1 of the hidden row is not drawn; Q2 right of Q4


def test_exports_carry_the_page_cells_with_suppressed_ones_marked(client, world, in_english):
    query = f"?table={TABLE}&year=2026&granularity=quarter"

    page = main_of(client.get(f"/en/observatory/{query}"))
    csv = client.get(f"/en/observatory/export/csv/{query}")

    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").strip().splitlines()
    printed = [
        [cell.get_text(" ", strip=True).replace(" not shown", "") for cell in tr.find_all(["th", "td"])]
        for tr in page.find("table").find_all("tr")
    ]
    assert [line.split(",") for line in lines] == printed
    assert "[c]" in lines[2]


def test_the_network_page_costs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    client.get("/en/observatory/")  # charts drawn and cached once
    with django_assert_max_num_queries(12):
        response = client.get(f"/en/observatory/?table={TABLE}&year=2026&granularity=quarter")
    assert response.status_code == 200
