"""The receiving side of the referral page: "service provided" before the appointment asks for a confirmation (on
the server), the timeline shows the appointment (date, place) and the outcome, phone numbers are tap-to-call."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from network.referrals import services
from network.referrals.models import Referral, ReferralStatus

from .test_workspace_fixtures import CONTACT_DETAIL, in_english, network, send, shared_network

pytestmark = pytest.mark.django_db
__all__ = ["in_english", "network", "shared_network"]


def action_url(referral: Referral, action: str) -> str:
    return reverse("referrals:transition", kwargs={"pk": referral.pk, "action": action})


def detail_url(referral: Referral) -> str:
    return reverse("referrals:detail", kwargs={"pk": referral.pk})


def with_appointment(net, when: datetime.datetime) -> Referral:
    referral = send(net)
    services.referral_accept(referral=referral, acting_user=net.receiver_staff)
    services.referral_set_appointment(referral=referral, acting_user=net.receiver_staff, appointment_at=when)
    return referral


def test_service_provided_before_the_appointment_needs_the_confirmation_box(network, signed_in):
    # given an appointment in three days
    referral = with_appointment(network, timezone.now() + datetime.timedelta(days=3))
    client = signed_in(network.receiver_staff)
    assert "I confirm the service was already provided" in client.get(detail_url(referral)).content.decode()

    # when the receiver records "service provided" without ticking the confirmation
    response = client.post(action_url(referral, "complete"), {"complete-outcome": "service_provided"})
    # then the page comes back with the reason on the box, and nothing changed
    assert response.status_code == 200
    assert "The appointment has not happened yet" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.APPOINTMENT_SET

    # when they tick it, then the referral is completed
    response = client.post(
        action_url(referral, "complete"),
        {"complete-outcome": "service_provided", "complete-confirm_before_appointment": "on"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED and referral.outcome == "service_provided"


def test_other_outcomes_and_past_appointments_need_no_confirmation(network, signed_in):
    client = signed_in(network.receiver_staff)
    # given an appointment to come, "could not contact" is recorded at once
    ahead = with_appointment(network, timezone.now() + datetime.timedelta(days=3))
    response = client.post(action_url(ahead, "complete"), {"complete-outcome": "could_not_contact"})
    assert response.status_code == 302
    # given an appointment that took place (moved to yesterday), "service provided" needs no box, none is shown
    past = with_appointment(network, timezone.now() + datetime.timedelta(days=3))
    Referral.objects.filter(pk=past.pk).update(appointment_at=timezone.now() - datetime.timedelta(days=1))
    assert "I confirm the service was already provided" not in client.get(detail_url(past)).content.decode()
    response = client.post(action_url(past, "complete"), {"complete-outcome": "service_provided"})
    assert response.status_code == 302
    past.refresh_from_db()
    assert past.status == ReferralStatus.COMPLETED


def test_the_timeline_shows_the_appointment_with_its_place_and_the_outcome(network, signed_in):
    # given a service with an address and a phone, an appointment rescheduled once, then completed
    network.service.address, network.service.phone = "12 rue de la Paix", "+33 4 78 00 00 00"
    network.service.save()
    first = (timezone.localtime() + datetime.timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    referral = with_appointment(network, first)
    later = first + datetime.timedelta(days=1)
    services.referral_set_appointment(referral=referral, acting_user=network.receiver_staff, appointment_at=later)
    client = signed_in(network.receiver_staff)

    # when the receiver opens it, then the timeline shows the latest appointment, its place, and what is ahead
    html = client.get(detail_url(referral)).content.decode()
    timeline = html.split('id="timeline-heading"')[1].split("</section>")[0]
    assert "12 rue de la Paix, Lyon" in timeline
    assert later.strftime("%Y-%m-%d") in timeline and "Rescheduled later" in timeline
    assert "Upcoming appointment" in timeline
    # and the service's phone is tap-to-call
    assert 'href="tel:+33478000000"' in html

    # when the outcome is recorded, then the timeline says which
    client.post(
        action_url(referral, "complete"),
        {"complete-outcome": "service_provided", "complete-confirm_before_appointment": "on"},
    )
    timeline = client.get(detail_url(referral)).content.decode().split('id="timeline-heading"')[1]
    assert "Outcome: <strong>Service provided</strong>" in timeline.split("</section>")[0]
    assert "Upcoming appointment" not in timeline.split("</section>")[0]


def test_a_confidential_address_is_shown_to_the_receiver_only(network, signed_in):
    network.service.address, network.service.address_is_confidential = "3 impasse Cachée", True
    network.service.save()
    referral = with_appointment(network, timezone.now() + datetime.timedelta(days=3))
    assert "3 impasse Cachée" in signed_in(network.receiver_staff).get(detail_url(referral)).content.decode()
    html = signed_in(network.sender_staff).get(detail_url(referral)).content.decode()
    assert "3 impasse Cachée" not in html and "Confidential address" in html


def test_the_persons_phone_is_tap_to_call_for_those_who_may_read_it(network, signed_in):
    # given a referral with a phone contact shared by the consent, accepted
    referral = send(network)
    tel = 'href="tel:+33699887766"'
    # before acceptance, the receiver has no number to call
    assert tel not in signed_in(network.receiver_staff).get(detail_url(referral)).content.decode()
    services.referral_accept(referral=referral, acting_user=network.receiver_staff)
    # after it, the receiver and the sender tap to call it
    for who in (network.receiver_staff, network.sender_staff):
        html = signed_in(who).get(detail_url(referral)).content.decode()
        assert f'<a class="tel-link" {tel}>Phone: {CONTACT_DETAIL}</a>' in html
    # and people outside the two sides get a 404, without it
    for who in (network.unrelated_staff, network.admin):
        response = signed_in(who).get(detail_url(referral))
        assert response.status_code in (403, 404) and tel not in response.content.decode()
