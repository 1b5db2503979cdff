"""Journey: from a phone, an outreach worker opens the slip of a referral with an appointment, in the person's
language, and prints it: the PDF holds the service and the appointment, and not the person's name, needs or contact.

The PDF (Chromium's own print, print media emulated) and a screenshot of the slip are saved under
test-artifacts/slip/ and test-artifacts/screenshots/referral-slip-prints-the-appointment-and-nothing-personal/.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from network.orgs.models import OrganisationKind, Role
from network.referrals import services
from network.referrals.models import ReferralStatus
from tests import factories
from tests.referrals.factories import make_referral, make_service

from .conftest import ARTIFACTS, PHONE, enrol_authenticator, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSON = "Mariela-Canary"
CONTACT = "+33 6 12 34 56 78"
NEEDS = "Questions about renewing a residence permit"
PLACE = "Second floor, room 4"


@pytest.fixture
def referral_with_appointment():
    outreach = factories.organisation(name="Lotus Outreach", kind=OrganisationKind.NGO_PROGRAMME, city="Paris")
    clinic = factories.organisation(name="Droits Devant", kind=OrganisationKind.LEGAL_SERVICE, city="Paris")
    factories.active_partnership(outreach, clinic)
    worker = enrol_authenticator(factories.member(outreach, Role.STAFF, username="lotus-worker"))
    clinic_staff = factories.member(clinic, Role.STAFF)
    service = make_service(
        clinic,
        "legal-advice",
        name="Free consultation with a lawyer",
        address="5 rue de la Paix",
        postal_code="75002",
        city="Paris",
        phone="+33 1 23 45 67 89",
    )
    referral = make_referral(
        worker,
        clinic_staff,
        service=service,
        status=ReferralStatus.ACCEPTED,
        name=PERSON,
        contact_detail=CONTACT,
        needs=NEEDS,
        preferred_language="es",
        interpreter_needed=True,
    )
    when = datetime.datetime(2030, 3, 4, 10, 30, tzinfo=timezone.get_current_timezone())
    services.referral_set_appointment(
        referral=referral, acting_user=clinic_staff, appointment_at=when, place=PLACE, note="Trae tu pasaporte"
    )
    return worker, referral


def test_referral_slip_prints_the_appointment_and_nothing_personal(
    live_server, new_context, journey, referral_with_appointment
):
    worker, referral = referral_with_appointment

    # Given the worker signed in on a phone, on the referral's page
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server, worker, language="en")
    page.goto(f"{live_server.url}/en/referrals/{referral.pk}/")

    # When they follow the link to the slip (one tap)
    page.get_by_role("link", name="The slip for the person").click()
    page.wait_for_url(f"**/referrals/{referral.pk}/slip/")

    # Then the slip is in Spanish, the person's language, without the site's navigation
    slip = page.locator("#slip")
    expect(slip).to_have_attribute("lang", "es")
    expect(slip).to_contain_text("Free consultation with a lawyer")
    expect(slip).to_contain_text(PLACE)
    expect(page.locator(".site-header, .workspace-nav, .site-footer")).to_have_count(0)
    journey.check(page, "slip on a phone")
    no_overflow = page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert no_overflow, "the slip is wider than the phone"

    # When it is printed (print media: the tools above the slip disappear)
    page.emulate_media(media="print")
    expect(page.locator(".slip-toolbar")).to_be_hidden()
    folder = ARTIFACTS / "slip"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / "slip-print-media.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    (folder / "slip.pdf").write_bytes(pdf)

    # Then the PDF is one page with the service and the appointment, and nothing about the person
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = " ".join(page_.extract_text() for page_ in reader.pages)
    compact = " ".join(text.split())
    for shown in ("Free consultation with a lawyer", PLACE, "5 rue de la Paix", "10:30", "2030", referral.number):
        assert shown in compact, (shown, compact)
    assert "lunes" in compact.lower()
    for secret in (PERSON, NEEDS, CONTACT, "Lotus Outreach"):
        assert secret not in compact, secret
    assert "612345678" not in compact.replace(" ", "")
    assert "Back to referral" not in compact and "Language of the slip" not in compact

    journey.assert_accessible()
