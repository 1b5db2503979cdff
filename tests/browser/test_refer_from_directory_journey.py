"""Journey, on a 390 px phone: an outreach worker goes from the dashboard to the referral form with a service
chosen, counting the taps. Through the referral form's own list (the only way before issue 14), and from the
service directory's "Refer someone here" (after)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from network.directory.models import ReferralsFrom
from network.orgs.models import OrganisationKind, Role
from tests import factories
from tests.referrals.factories import make_service

from .conftest import PHONE, enrol_authenticator, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAWYER = "Free consultation with a lawyer"


@pytest.fixture
def network():
    """An outreach programme, a partner legal clinic with a Spanish-speaking lawyer, and a few other services."""
    outreach = factories.organisation(name="Lotus Outreach", kind=OrganisationKind.NGO_PROGRAMME, city="Paris")
    clinic = factories.organisation(name="Droits Devant", kind=OrganisationKind.LEGAL_SERVICE, city="Paris")
    health = factories.organisation(name="Centre Soleil", city="Paris")
    factories.active_partnership(outreach, clinic)
    make_service(clinic, "legal-advice", name=LAWYER, languages=["fr", "es"], address="3 place de la Loi")
    make_service(clinic, "social-rights", name="Social rights desk", languages=["fr"])
    make_service(health, "sexual-health-testing", name="Rapid testing", referrals_from=ReferralsFrom.NETWORK)
    make_service(health, "housing", name="Housing advice", referrals_from=ReferralsFrom.NETWORK)
    return {"worker": enrol_authenticator(factories.member(outreach, Role.STAFF, username="lotus-worker"))}


class Taps:
    """Counts what the worker taps (links, buttons, radios); typing and scrolling are not taps."""

    def __init__(self) -> None:
        self.count = 0

    def tap(self, locator) -> None:
        locator.click()
        self.count += 1


def phone_on_dashboard(new_context, live_server, journey, worker):
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-GB").new_page()
    sign_in(page, live_server, worker, journey=journey)
    page.goto(f"{live_server.url}/en/dashboard/")
    return page


def test_taps_through_the_referral_forms_own_list_of_services(live_server, new_context, journey, network):
    page = phone_on_dashboard(new_context, live_server, journey, network["worker"])
    taps = Taps()

    nav = page.get_by_role("navigation", name="Main navigation")
    taps.tap(page.get_by_role("button", name="Menu"))  # on a phone the navigation is folded
    taps.tap(nav.get_by_role("link", name="Referrals"))
    taps.tap(page.get_by_role("main").get_by_role("link", name=re.compile("Send a referral|New referral")).first)
    service = page.get_by_role("radio", name=re.compile(re.escape(LAWYER)))
    taps.tap(service)

    expect(service).to_be_checked()
    journey.check(page, "referral form, service picked in its list")
    # Four taps: Menu, Referrals, Send a referral, the service (after scrolling past the consent and the person)
    assert taps.count == 4, f"{taps.count} taps"


def test_taps_from_the_directory_refer_someone_here(live_server, new_context, journey, network):
    page = phone_on_dashboard(new_context, live_server, journey, network["worker"])
    taps = Taps()

    # From the directory's card
    nav = page.get_by_role("navigation", name="Main navigation")
    taps.tap(page.get_by_role("button", name="Menu"))
    taps.tap(nav.get_by_role("link", name="Services"))
    journey.check(page, "directory with refer links")
    card = page.locator("article.card").filter(has=page.get_by_role("link", name=LAWYER))
    taps.tap(card.get_by_role("link", name="Refer someone here"))
    expect(page.get_by_role("radio", name=re.compile(re.escape(LAWYER)))).to_be_checked()
    from_card = taps.count

    # From the service page
    page.goto(f"{live_server.url}/en/dashboard/")
    taps = Taps()
    taps.tap(page.get_by_role("button", name="Menu"))
    taps.tap(page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Services"))
    taps.tap(page.get_by_role("link", name=LAWYER))
    journey.check(page, "service page with refer link")
    taps.tap(page.get_by_role("main").get_by_role("link", name="Refer someone here"))
    expect(page.get_by_role("radio", name=re.compile(re.escape(LAWYER)))).to_be_checked()
    journey.check(page, "referral form, service chosen from the directory")

    # Three taps from a card (Menu, Services, Refer someone here), four from the service page
    assert (from_card, taps.count) == (3, 4), f"{from_card} taps from the card, {taps.count} from the page"
    journey.assert_accessible()
