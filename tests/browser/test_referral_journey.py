"""Journey: an outreach worker refers a person to a partner's lawyer from a phone; the legal clinic accepts and
sets an appointment; the worker sees it, then records that consent was withdrawn, and the clinic's page stops
showing the person."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from network.orgs.models import OrganisationKind, Role
from network.referrals.models import Referral, ReferralStatus
from tests import factories
from tests.referrals.factories import make_service

from .conftest import DESKTOP, PHONE, enrol_authenticator, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSON = "Mariela"
CONTACT = "+33 6 12 34 56 78"
NEEDS = "Questions about renewing a residence permit"


@pytest.fixture
def network():
    """An outreach programme and a legal clinic in partnership; the clinic's lawyer takes referrals from partners."""
    outreach = factories.organisation(name="Lotus Outreach", kind=OrganisationKind.NGO_PROGRAMME, city="Paris")
    clinic = factories.organisation(name="Droits Devant", kind=OrganisationKind.LEGAL_SERVICE, city="Paris")
    factories.active_partnership(outreach, clinic)
    lawyer = make_service(
        clinic,
        "legal-advice",
        name="Free consultation with a lawyer",
        description="Residence permits, police custody, housing disputes.",
        languages=["fr", "es"],
    )
    make_service(clinic, "social-rights", name="Social rights desk")
    return {
        "worker": enrol_authenticator(factories.member(outreach, Role.STAFF, username="lotus-worker")),
        "clinic_staff": enrol_authenticator(factories.member(clinic, Role.STAFF, username="droits-staff")),
        "lawyer": lawyer,
    }


def person_section(page: Page):
    return page.get_by_role("region", name="The person")


def test_outreach_worker_refers_a_person_to_a_partner_lawyer_and_withdrawal_hides_the_person(
    live_server, new_context, journey, network
):
    worker, clinic_staff, lawyer = network["worker"], network["clinic_staff"], network["lawyer"]

    # given the outreach worker on a phone, signed in with their password and their authenticator's code
    sender = new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-GB").new_page()
    sign_in(sender, live_server, worker, journey=journey)

    # when they look for a lawyer in the service directory (on a phone the navigation opens from the menu button)
    nav = sender.get_by_role("navigation", name="Main navigation")
    menu = sender.get_by_role("button", name="Menu")
    menu.click()
    nav.get_by_role("link", name="Services").click()
    sender.get_by_label("Category").select_option(label="Legal advice and lawyers")
    sender.get_by_role("main").get_by_role("button", name="Search").click()
    expect(sender.get_by_role("link", name=lawyer.name)).to_be_visible()
    expect(sender.get_by_role("link", name="Social rights desk")).to_have_count(0)
    journey.check(sender, "directory, legal advice")
    sender.get_by_role("link", name=lawyer.name).click()
    expect(sender.get_by_role("heading", level=1, name=lawyer.name)).to_be_visible()
    journey.check(sender, "the lawyer's service")

    # and record the person's consent (name, contact and needs only), then the person
    menu.click()
    nav.get_by_role("link", name="Referrals").click()
    sender.get_by_role("link", name="New referral").click()
    journey.check(sender, "new referral")
    consent = sender.get_by_role("group", name=re.compile("Consent"))
    consent.get_by_label("Purpose the person agreed to").fill("Legal advice about her residence permit")
    consent.get_by_role("radio", name="Verbal").check()
    consent.get_by_label("Language consent was explained in").select_option(label="French")
    consent.get_by_text("Consent valid until").first.click()  # opens the <details>
    valid_until = timezone.localdate() + datetime.timedelta(days=30)
    consent.get_by_label("Consent valid until").fill(valid_until.isoformat())
    person = sender.get_by_role("group", name=re.compile("The person"))
    person.get_by_role("textbox", name="First name or pseudonym").fill(PERSON)
    person.get_by_role("checkbox", name=re.compile("Share the name")).check()
    person.get_by_label("Preferred language").select_option(label="Spanish")
    person.get_by_role("radio", name="Phone").check()
    person.get_by_label("Number or handle for this channel").fill(CONTACT)
    person.get_by_label("Needs, in their words").fill(NEEDS)
    # the boxes of the contact and the needs ticked themselves as they were filled; unticking one warns
    share_needs = person.get_by_role("checkbox", name=re.compile("Share the needs"))
    expect(share_needs).to_be_checked()
    share_needs.uncheck()
    expect(person.get_by_text("the receiving service will not see the person's needs")).to_be_visible()
    share_needs.check()
    expect(person.get_by_text("the receiving service will not see the person's needs")).to_be_hidden()
    expect(person.get_by_role("checkbox", name=re.compile("Share the contact"))).to_be_checked()

    # and narrow the services to legal advice (what they typed stays), pick the lawyer and send
    service = sender.get_by_role("group", name=re.compile("The service"))
    service.get_by_text("Narrow the list by category, language or city").click()  # opens the <details>
    service.get_by_label("Category").select_option(label="Legal advice and lawyers")
    service.get_by_role("button", name="Update the list of services").click()
    expect(sender.get_by_text("1 service matches.")).to_be_visible()
    expect(person.get_by_role("textbox", name="First name or pseudonym")).to_have_value(PERSON)
    expect(person.get_by_label("Number or handle for this channel")).to_have_value(CONTACT)
    sender.get_by_role("radio", name=re.compile(re.escape(lawyer.name))).check()
    journey.check(sender, "new referral, filled in")
    sender.get_by_role("button", name="Send the referral").click()

    # then the referral is sent, and the worker lands on its page
    expect(sender.get_by_role("heading", level=1, name=re.compile(r"^Referral "))).to_be_visible()
    expect(sender.get_by_text(re.compile(r"was sent to Droits Devant"))).to_be_visible()
    expect(sender.locator(".referral-status")).to_have_text("Sent")
    journey.check(sender, "referral sent (sender)")
    referral = Referral.objects.get(service=lawyer)
    assert referral.status == ReferralStatus.SENT
    assert PERSON not in referral.number and str(referral.pk) in sender.url  # only ids in URLs

    # when the clinic's staff member, on a desktop, opens it from their inbox
    receiver = new_context(viewport=DESKTOP, locale="en-GB").new_page()
    sign_in(receiver, live_server, clinic_staff, journey=journey)
    receiver.goto(f"{live_server.url}/en/referrals/")
    journey.check(receiver, "clinic inbox")
    receiver.get_by_role("link", name=referral.number).click()
    # before accepting, the personal fields are held back
    expect(person_section(receiver)).to_contain_text("Shared after acceptance")
    expect(person_section(receiver)).not_to_contain_text(PERSON)
    journey.check(receiver, "referral received, before acceptance")

    # and accepts it, then sets the appointment
    receiver.get_by_role("main").locator("form[action$='/accept/']").get_by_role("button", name="Accept").click()
    expect(receiver.get_by_text(f"You accepted referral {referral.number}.")).to_be_visible()
    expect(person_section(receiver)).to_contain_text(PERSON)
    expect(person_section(receiver)).to_contain_text(CONTACT)
    expect(person_section(receiver)).to_contain_text("Not shared (outside the consent)")  # safe times, age
    receiver.get_by_text("Set the appointment", exact=True).first.click()  # opens the <details>
    appointment = (timezone.localtime() + datetime.timedelta(days=2)).replace(hour=14, minute=30)
    receiver.get_by_label("Date and time of the appointment").fill(appointment.strftime("%Y-%m-%dT%H:%M"))
    receiver.locator("form[action$='/set-appointment/']").get_by_role("button", name="Set the appointment").click()
    expect(receiver.locator(".referral-status")).to_have_text("Appointment set")
    journey.check(receiver, "appointment set (receiver)")

    # then the sender sees the status change on their phone
    sender.goto(f"{live_server.url}/en/referrals/sent/")
    expect(sender.get_by_role("link", name=referral.number)).to_be_visible()
    expect(sender.locator(".referral-item", has_text=referral.number).locator(".referral-status")).to_have_text(
        "Appointment set"
    )
    journey.check(sender, "sent list, appointment set")
    sender.get_by_role("link", name=referral.number).click()
    expect(sender.locator(".referral-status")).to_have_text("Appointment set")
    expect(sender.get_by_role("region", name="Summary")).to_contain_text("Appointment")

    # when the person withdraws their consent and the worker records it
    sender.get_by_text("Record that consent was withdrawn", exact=True).first.click()
    withdraw = sender.locator("form[action$='/withdraw-consent/']")
    withdraw.get_by_role("checkbox").check()
    journey.check(sender, "withdrawing consent")
    withdraw.get_by_role("button", name="Record that consent was withdrawn").click()
    expect(sender.locator(".referral-status")).to_have_text("Consent withdrawn")
    journey.check(sender, "consent withdrawn (sender)")

    # then the clinic's page no longer shows the person
    receiver.reload()
    expect(receiver.locator(".referral-status")).to_have_text("Consent withdrawn")
    expect(person_section(receiver)).to_contain_text("Consent withdrawn")
    body = receiver.get_by_role("main").inner_text()
    for personal in (PERSON, CONTACT, NEEDS):
        assert personal not in body
    expect(receiver.locator("form[action$='/set-appointment/'], form[action$='/complete/']")).to_have_count(0)
    journey.check(receiver, "after withdrawal (receiver)")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CONSENT_WITHDRAWN

    # and every page on the way had no serious or critical accessibility violation
    journey.assert_accessible()
