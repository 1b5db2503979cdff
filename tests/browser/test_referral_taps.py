"""Journey: on a 390 px phone, an outreach worker fills and sends a referral for a Spanish-speaking person who
needs an interpreter, and the journey counts the taps it took.

How taps are counted (a convention, the same before and after a change of the form):
- a tap on a checkbox, a radio button, a button, a link or a <summary>: 1;
- focusing a text field or a text area to type in it: 1 (the keyboard's keystrokes are not taps);
- a native <select>: 2 (open the picker, choose the option; scrolling the picker is not counted);
- a native date field: 3 (open the calendar, pick the day, confirm);
- scrolling is not counted.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Locator, Page, expect

from network.orgs.models import OrganisationKind, Role
from network.referrals.models import Referral
from tests import factories
from tests.referrals.factories import make_service

from .conftest import PHONE, enrol_authenticator, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass
class Taps:
    """Counts taps as the journey makes them (see the module's docstring)."""

    log: list[tuple[str, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(n for _what, n in self.log)

    def tap(self, locator: Locator, what: str) -> None:
        locator.click()
        self.log.append((what, 1))

    def check(self, locator: Locator, what: str) -> None:
        locator.check()
        self.log.append((what, 1))

    def type(self, locator: Locator, text: str, what: str) -> None:
        locator.click()
        locator.fill(text)
        self.log.append((what, 1))

    def select(self, locator: Locator, label: str, what: str) -> None:
        locator.select_option(label=label)
        self.log.append((what, 2))

    def date(self, locator: Locator, value: datetime.date, what: str) -> None:
        locator.fill(value.isoformat())
        self.log.append((what, 3))


@pytest.fixture
def network():
    outreach = factories.organisation(name="Lotus Outreach", kind=OrganisationKind.NGO_PROGRAMME, city="Paris")
    clinic = factories.organisation(name="Droits Devant", kind=OrganisationKind.LEGAL_SERVICE, city="Paris")
    factories.active_partnership(outreach, clinic)
    lawyer = make_service(clinic, "legal-advice", name="Free consultation with a lawyer", languages=["fr", "es"])
    make_service(clinic, "social-rights", name="Social rights desk")
    worker = enrol_authenticator(factories.member(outreach, Role.STAFF, username="lotus-worker"))
    receiver = enrol_authenticator(factories.member(clinic, Role.STAFF, username="devant-lawyer"))
    return {"worker": worker, "lawyer": lawyer, "receiver": receiver}


def fill_and_send(page: Page, taps: Taps, lawyer, *, service_chosen: bool = False) -> None:
    """The referral form as it is now: consent boxes next to the fields they cover, ticked when they are filled;
    consent asked verbally (ticked first); the service already chosen when the form was opened from its page."""
    person = page.get_by_role("group", name=re.compile("The person"))
    consent = page.get_by_role("group", name=re.compile("Consent"))
    taps.type(consent.get_by_label("Purpose the person agreed to"), "Legal advice about a permit", "purpose")
    expect(consent.get_by_role("radio", name="Verbal")).to_be_checked()
    taps.select(consent.get_by_label("Language consent was explained in"), "Spanish", "consent language")
    taps.check(consent.get_by_label("An interpreter was used"), "interpreter used")
    taps.type(person.get_by_role("textbox", name="First name or pseudonym"), "Mariela", "name")
    taps.check(person.get_by_role("checkbox", name=re.compile("Share the name")), "share the name")
    expect(person.get_by_label("Preferred language")).to_have_value("es")  # from the consent's language
    expect(person.get_by_label("Needs an interpreter")).to_be_checked()  # from "an interpreter was used"
    taps.check(person.get_by_role("radio", name="Phone"), "channel: phone")
    taps.type(person.get_by_label("Number or handle for this channel"), "+33 6 12 34 56 78", "number")
    taps.type(person.get_by_label("Needs, in their words"), "Renewing a residence permit", "needs")
    expect(person.get_by_role("checkbox", name=re.compile("Share the contact"))).to_be_checked()
    expect(person.get_by_role("checkbox", name=re.compile("Share the needs"))).to_be_checked()
    service = page.get_by_role("radio", name=re.compile(re.escape(lawyer.name)))
    if service_chosen:
        expect(service).to_be_checked()
    else:
        taps.check(service, "service")
    taps.tap(page.get_by_role("button", name="Send the referral"), "send")


def test_phone_referral_for_a_spanish_speaker_needing_an_interpreter_takes_few_taps(
    live_server, new_context, journey, network
):
    # given an outreach worker signed in on a 390 px phone, on the referral form
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-GB").new_page()
    sign_in(page, live_server, network["worker"])
    page.goto(f"{live_server.url}/en/referrals/new/")
    journey.check(page, "new referral, empty")
    form_height = page.locator("form.referral-form").bounding_box()["height"]

    # when they fill it for a Spanish-speaking person who needs an interpreter, and send it
    taps = Taps()
    fill_and_send(page, taps, network["lawyer"])

    # then the referral is sent with what was typed and the consent shares name, contact and needs
    expect(page.get_by_role("heading", level=1, name=re.compile(r"^Referral "))).to_be_visible()
    referral = Referral.objects.select_related("consent").get(service=network["lawyer"])
    assert referral.preferred_language == "es" and referral.interpreter_needed
    assert referral.consent.explained_in_language == "es" and referral.consent.interpreter_used
    assert sorted(referral.consent.shared_fields) == ["contact", "name", "needs"]
    print(f"\nTAPS {taps.total}: {taps.log}\nFORM HEIGHT {form_height:.0f} px (phone screen 844 px)")  # noqa: T201
    assert taps.total <= 13, taps.log
    assert form_height <= 2.5 * PHONE["height"], form_height
    journey.assert_accessible()


def test_referring_from_a_service_page_for_a_spanish_speaker_with_an_interpreter_takes_under_twelve_taps(
    live_server, new_context, journey, network
):
    # given an outreach worker on a 390 px phone, on the page of a partner's Spanish-speaking legal service
    lawyer = network["lawyer"]
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-GB").new_page()
    sign_in(page, live_server, network["worker"])
    page.goto(f"{live_server.url}/en/services/{lawyer.pk}/")
    journey.check(page, "service page with its refer link")

    # when they tap "Refer someone here" and fill the form for a Spanish-speaking person who needs an interpreter
    taps = Taps()
    taps.tap(page.get_by_role("main").get_by_role("link", name="Refer someone here"), "refer someone here")
    fill_and_send(page, taps, lawyer, service_chosen=True)

    # then the referral went to that service, with the language and the interpreter, in under twelve taps
    expect(page.get_by_role("heading", level=1, name=re.compile(r"^Referral "))).to_be_visible()
    journey.check(page, "referral sent from the service page")
    referral = Referral.objects.select_related("consent").get(service=lawyer)
    assert referral.preferred_language == "es" and referral.interpreter_needed
    assert referral.consent.method == "verbal"
    print(f"\nTAPS FROM THE SERVICE PAGE {taps.total}: {taps.log}")  # noqa: T201
    assert taps.total < 12, taps.log
    journey.assert_accessible()

    # and the receiving lawyer's dashboard shows it pending, with its count, on their phone
    receiving = new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-GB").new_page()
    sign_in(receiving, live_server, network["receiver"])
    receiving.goto(f"{live_server.url}/en/dashboard/")
    pending = receiving.get_by_role("region", name="Referrals received by my organisations")
    expect(pending.get_by_role("link", name=re.compile(r"^1 Received, awaiting a decision"))).to_be_visible()
    expect(pending).not_to_contain_text("Mariela")  # counts only, never the person
    journey.check(receiving, "receiver's dashboard with the referral pending")
