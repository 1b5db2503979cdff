"""Arabic reads right to left on a phone: three member screens (dashboard, new referral, a referral's page with its
timeline) are drawn right to left, their arrows point the Arabic way, and nothing runs off the side of a 390 px
screen. Screenshots are saved under test-artifacts/screenshots/arabic-member-screens-right-to-left-on-a-phone/.

The labels may still be French until the Arabic catalogue lands: direction and layout do not depend on them.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from network.accounts.services import user_preferences_update
from network.orgs.models import OrganisationKind, Role
from network.referrals.models import ReferralStatus
from tests import factories
from tests.referrals.factories import make_referral, make_service

from .conftest import PHONE, enrol_authenticator, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MIRRORED = "matrix(-1, 0, 0, 1, 0, 0)"

# The page's direction, what overflows the viewport sideways, and the transform of each arrow drawn by CSS.
LAYOUT = """() => {
  const width = document.documentElement.clientWidth;
  const hidden = (el) => el.closest('.visually-hidden, .skip-link') !== null;
  const overflowing = [...document.querySelectorAll('body *')]
    .filter((el) => !hidden(el))
    .map((el) => [el, el.getBoundingClientRect()])
    .filter(([el, box]) => box.width > 0 && (box.left < -1 || box.right > width + 1))
    .map(([el, box]) => `${el.tagName}.${el.className} [${Math.round(box.left)}, ${Math.round(box.right)}]`);
  const arrows = [
    ...[...document.querySelectorAll('.link-forward, .pagination [rel=next]')].map((el) => [el, '::after']),
    ...[...document.querySelectorAll('.link-back, .pagination [rel=prev]')].map((el) => [el, '::before']),
  ].map(([el, pseudo]) => getComputedStyle(el, pseudo).transform);
  const icons = [...document.querySelectorAll('.icon-dir')].map((el) => getComputedStyle(el).transform);
  return {
    htmlDir: document.documentElement.getAttribute('dir'),
    direction: getComputedStyle(document.querySelector('main')).direction,
    scrollWidth: document.documentElement.scrollWidth,
    width,
    overflowing,
    arrows: arrows.concat(icons),
  };
}"""


@pytest.fixture
def arabic_worker():
    """An outreach worker who chose Arabic, with a referral to a partner clinic that was accepted (a timeline)."""
    outreach = factories.organisation(name="Lotus Outreach", kind=OrganisationKind.NGO_PROGRAMME, city="Paris")
    clinic = factories.organisation(name="Droits Devant", kind=OrganisationKind.LEGAL_SERVICE, city="Paris")
    factories.active_partnership(outreach, clinic)
    worker = enrol_authenticator(factories.member(outreach, Role.STAFF, username="lotus-worker"))
    user_preferences_update(user=worker, language="ar", notification_digest=False)
    clinic_staff = factories.member(clinic, Role.STAFF)
    service = make_service(clinic, "legal-advice", name="Free consultation with a lawyer", languages=["fr", "ar"])
    referral = make_referral(worker, clinic_staff, service=service, status=ReferralStatus.APPOINTMENT_SET)
    return worker, referral


def assert_right_to_left(page: Page, screen: str, *, arrows_expected: bool) -> None:
    layout = page.evaluate(LAYOUT)
    assert layout["htmlDir"] == "rtl" and layout["direction"] == "rtl", f"{screen}: {layout}"
    assert layout["scrollWidth"] <= layout["width"], f"{screen}: the page is wider than the phone: {layout}"
    assert not layout["overflowing"], f"{screen}: elements run off the screen: {layout['overflowing'][:10]}"
    if arrows_expected:
        assert layout["arrows"], f"{screen}: no direction arrow found"
    assert all(transform == MIRRORED for transform in layout["arrows"]), f"{screen}: unmirrored: {layout['arrows']}"


def test_arabic_member_screens_right_to_left_on_a_phone(live_server, new_context, journey, arabic_worker):
    worker, referral = arabic_worker

    # Given the worker signed in on a phone (through the English sign-in page), then reading in Arabic
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="ar").new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server, worker, language="en")

    # When they open their dashboard, then it is drawn right to left, its onward arrows pointing left
    page.goto(f"{live_server.url}/ar/dashboard/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    journey.check(page, "dashboard")
    assert_right_to_left(page, "dashboard", arrows_expected=False)

    # When they open the form of a new referral, then its fields and labels run right to left within the screen
    page.goto(f"{live_server.url}/ar/referrals/new/")
    journey.check(page, "new referral")
    assert_right_to_left(page, "new referral", arrows_expected=False)
    field = page.locator("main input[type=text], main textarea").first
    assert field.evaluate("(el) => getComputedStyle(el).direction") == "rtl"
    label_box, main_box = page.locator("main label").first.bounding_box(), page.locator("main").bounding_box()
    assert label_box and main_box
    assert main_box["x"] + main_box["width"] - (label_box["x"] + label_box["width"]) < 40, "labels start on the right"

    # When they open the referral's page, then its timeline hangs from the right and the arrows point left
    page.goto(f"{live_server.url}/ar/referrals/{referral.pk}/")
    expect(page.locator(".timeline__event").first).to_be_visible()
    journey.check(page, "referral and timeline")
    assert_right_to_left(page, "referral", arrows_expected=True)
    event = page.locator(".timeline__event").first
    borders = event.evaluate(
        "(el) => { const s = getComputedStyle(el); return [s.borderRightWidth, s.borderLeftWidth, s.paddingRight]; }"
    )
    assert borders[0] == "3px" and borders[1] == "0px" and borders[2] != "0px", f"timeline not on the right: {borders}"

    # And the list of sent referrals, whose numbers lead onward to each referral
    page.goto(f"{live_server.url}/ar/referrals/sent/")
    journey.check(page, "sent referrals")
    assert_right_to_left(page, "sent referrals", arrows_expected=True)

    journey.assert_accessible()
