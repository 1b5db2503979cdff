"""On a phone (390 × 844), nothing runs past the edge of the screen and the navigation folds behind a menu button.

A member browses the home page, the library and one of its resources, the directories of organisations and of
services, a service, their dashboard and every "My account" page, with the long words real data holds (an email
address, a web address, an organisation's long name). On each: the page is no wider than the screen, and no card
(any element with "card" in its class) ends past its right edge. The menu button opens the navigation
(aria-expanded follows), also without JavaScript (the <details> disclosure). axe-core runs on the account pages
and on the open menu: no serious or critical violation.
Screenshots: test-artifacts/screenshots/member-pages-fit-a-phone-screen/ and
menu-button-folds-the-navigation-on-a-phone/.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from network.orgs.models import OrganisationKind, Role
from tests import factories
from tests.referrals.factories import make_service

from .conftest import PHONE, SCREENSHOTS, enrol_authenticator, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = PHONE["width"]

# How wide the page is, and which cards (any class with "card" in it) end past the right edge of the screen.
CARDS_PAST_THE_EDGE = """(width) => {
  const past = [...document.querySelectorAll('[class*="card"]')]
    .map((el) => [el, el.getBoundingClientRect()])
    .filter(([el, box]) => box.width > 0 && box.right > width)
    .map(([el, box]) => `${el.tagName}.${el.className} right=${Math.round(box.right)}`);
  return {scrollWidth: document.documentElement.scrollWidth, past};
}"""

LONG_EMAIL = "permanence-accueil-de-nuit@association-sante-communautaire-travailleuses.example.org"
LONG_URL = "https://www.association-sante-communautaire-travailleuses.example.org/services/permanence-juridique"


@pytest.fixture
def phone_world():
    """A member (staff, with an authenticator) of an organisation with a long name and long addresses, a service,
    and a library with one public resource."""
    from tests.resources import factories as rf

    organisation = factories.organisation(
        name="Association de santé communautaire des travailleuses et travailleurs du sexe",
        kind=OrganisationKind.NGO_PROGRAMME,
        city="Marseille",
        public_email=LONG_EMAIL,
        website=LONG_URL,
    )
    member = enrol_authenticator(factories.member(organisation, Role.STAFF, username="phone-member"))
    service = make_service(
        organisation,
        "legal-advice",
        name="Permanence juridique et accompagnement administratif (titres de séjour)",
        description=f"Sans rendez-vous le mardi. Écrire à {LONG_EMAIL} ou voir {LONG_URL}.",
        email=LONG_EMAIL,
        url=LONG_URL,
        is_public=True,
    )
    library = rf.library_index(title="Bibliothèque")
    resource = rf.make_resource(
        organisation,
        title="Guide d'autodéfense numérique pour les travailleuses du sexe",
        summary=f"Téléchargeable sur {LONG_URL} — questions à {LONG_EMAIL}.",
    )
    return member, service, library, resource


def overflow(page: Page, screen: str) -> list[str]:
    """What runs past the edge of the phone's screen on this page (nothing, if it fits)."""
    layout = page.evaluate(CARDS_PAST_THE_EDGE, WIDTH)
    problems = []
    if layout["scrollWidth"] > WIDTH:
        problems.append(f"{screen}: the page is {layout['scrollWidth']} px wide")
    problems.extend(f"{screen}: {card}" for card in layout["past"][:10])
    return problems


def assert_fits(page: Page, screen: str) -> None:
    problems = overflow(page, screen)
    assert not problems, "\n".join(problems)


def screenshot(page: Page, folder: str, step: str, number: int) -> None:
    path = SCREENSHOTS / folder
    path.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
    page.screenshot(path=str(path / f"{number:02d}-{slug}.png"), full_page=True)


def test_member_pages_fit_a_phone_screen(live_server, new_context, journey, phone_world):
    member, service, library, resource = phone_world
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR").new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server, member, language="en")

    # The public and member pages (in French, the site's default language): screenshots, and nothing too wide
    too_wide: list[str] = []
    pages = {
        "home": "/fr/",
        "library": library.url,
        "resource": resource.url,
        "organisations": reverse("orgs:directory"),
        "services": reverse("directory:service_directory"),
        "service": reverse("directory:service_detail", kwargs={"pk": service.pk}),
        "dashboard": reverse("orgs:dashboard"),
    }
    for number, (screen, path) in enumerate(pages.items(), start=50):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, (
            f"{screen}: {path} answered {response and response.status}"
        )
        page.wait_for_load_state("load")
        screenshot(page, journey.name, screen, number)
        too_wide.extend(overflow(page, screen))

    # The account pages, reached through the "My account" menu: axe-core too
    for url_name in (
        "accounts:profile",
        "account_email",
        "account_change_password",
        "mfa_index",
        "usersessions_list",
        "accounts:api_token",
    ):
        page.goto(f"{live_server.url}{reverse(url_name)}")
        expect(page.locator("nav.account-nav")).to_be_visible()
        journey.check(page, url_name)
        too_wide.extend(overflow(page, url_name))

    assert not too_wide, "Past the edge of a 390 px screen:\n" + "\n".join(too_wide)
    journey.assert_accessible()


def test_menu_button_folds_the_navigation_on_a_phone(live_server, new_context, journey, phone_world):
    member = phone_world[0]
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR").new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server, member, language="en")
    page.goto(f"{live_server.url}{reverse('orgs:dashboard')}")

    # Given the dashboard on a phone: a menu button controls the navigation, which is folded away
    button = page.locator("button.nav-toggle")
    nav = page.locator("#site-nav")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-controls", "site-nav")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    journey.check(page, "menu folded")

    # When the member taps it, the navigation opens and the button says so
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(
        nav.get_by_role("link", name="Dashboard").or_(nav.get_by_role("link", name="Tableau de bord"))
    ).to_be_visible()
    assert_fits(page, "menu open")
    journey.check(page, "menu open")

    # And "My account" opens its list of account pages, among them the sessions
    page.locator(".account-menu__summary").click()
    sessions = nav.locator(f'.account-menu a[href="{reverse("usersessions_list")}"]')
    expect(sessions).to_be_visible()
    assert_fits(page, "account menu open")
    journey.check(page, "account menu open")
    sessions.click()
    page.wait_for_url(re.compile(r"/accounts/sessions/"))
    expect(page.locator("main h1")).to_be_visible()

    # Escape folds the menu again and gives focus back to the button
    button.click()
    nav.get_by_role("link").first.focus()
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()

    # On a wide screen there is no menu button: the navigation shows
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(button).to_be_hidden()
    expect(nav).to_be_visible()
    page.locator(".account-menu__summary").click()
    expect(nav.locator(f'.account-menu a[href="{reverse("usersessions_list")}"]')).to_be_visible()
    journey.check(page, "wide screen, account menu open", full_page=False)

    journey.assert_accessible()


def test_navigation_folds_without_javascript_too(live_server, new_context, phone_world):
    # Given a phone whose browser runs no script (the member signed in first, with the script, on the same phone)
    member = phone_world[0]
    with_script = new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR")
    signing_in = with_script.new_page()
    signing_in.set_default_timeout(10_000)
    sign_in(signing_in, live_server, member, language="en")
    context = new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="fr-FR",
        java_script_enabled=False,
        storage_state=with_script.storage_state(),
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}{reverse('orgs:dashboard')}")

    # Then the navigation is a disclosure: folded, with its own summary as the button (the scripted one stays hidden)
    expect(page.locator("button.nav-toggle")).to_be_hidden()
    summary = page.locator(".site-menu__summary")
    expect(summary).to_be_visible()
    expect(page.locator("#site-nav")).to_be_hidden()

    # When tapped, it opens
    summary.click()
    expect(page.locator("#site-nav")).to_be_visible()
    assert_fits(page, "menu open without JavaScript")
