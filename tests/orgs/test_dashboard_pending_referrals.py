"""The dashboard shows the receiving side's pending referrals to those who may receive them: how many await a
decision, await an outcome, are overdue, each linking to the received list filtered the same way. Counts only:
no personal data; a constant number of queries whatever the number of referrals."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from network.orgs.models import Role
from network.referrals.models import Referral, ReferralStatus
from tests import factories
from tests.referrals.factories import make_referral, make_service, sender_and_receiver

pytestmark = pytest.mark.django_db

PANEL = re.compile(r'<section class="card" aria-labelledby="pending-referrals-heading">.*?</section>', re.S)


def _counts(page: str) -> dict[str, int]:
    panel = PANEL.search(page)
    assert panel, "no pending referrals panel"
    found = re.findall(r'href="[^"]*\?status=(\w+)"><span class="badge[^"]*">(\d+)</span>', panel.group(0))
    return {key: int(count) for key, count in found}


@pytest.fixture
def receiving(settings):
    """A receiving organisation with referrals in every pending state, and one closed."""
    settings.REFERRAL_REMINDER_DAYS = 3
    sender, receiver, _sender_org, receiver_org = sender_and_receiver()
    service = make_service(receiver_org)
    fresh = make_referral(sender, receiver, service=service, name="Zoubida-Canary", contact_detail="+33 6 55")
    old = make_referral(sender, receiver, service=service)
    Referral.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=5))  # overdue
    make_referral(sender, receiver, service=service, status=ReferralStatus.ACCEPTED)
    passed = make_referral(sender, receiver, service=service, status=ReferralStatus.APPOINTMENT_SET)
    Referral.objects.filter(pk=passed.pk).update(appointment_at=timezone.now() - datetime.timedelta(hours=2))
    make_referral(sender, receiver, service=service, status=ReferralStatus.DECLINED)
    return {"sender": sender, "receiver": receiver, "org": receiver_org, "service": service, "fresh": fresh}


def test_receivers_see_pending_counts_each_linking_to_the_filtered_received_list(client, signed_in, receiving):
    # Given a receiving organisation's staff member
    signed_in(receiving["receiver"])

    # When they open the dashboard
    response = client.get(reverse("orgs:dashboard"))

    # Then it counts the referrals awaiting a decision (2), awaiting an outcome (2) and overdue (1 + 1)
    assert _counts(response.content.decode()) == {"awaiting": 2, "in_progress": 2, "overdue": 2}
    inbox = reverse("referrals:inbox")
    for key in ("awaiting", "in_progress", "overdue"):
        assert f'href="{inbox}?status={key}"' in response.content.decode()


@pytest.mark.parametrize(("key", "expected"), [("awaiting", 2), ("in_progress", 2), ("overdue", 2)])
def test_each_link_opens_the_received_list_filtered_to_the_same_referrals(client, signed_in, receiving, key, expected):
    signed_in(receiving["receiver"])

    response = client.get(reverse("referrals:inbox"), {"status": key})

    assert response.status_code == 200
    assert len(response.context["rows"]) == expected


def test_the_dashboard_shows_no_personal_data(client, signed_in, receiving):
    signed_in(receiving["receiver"])

    page = client.get(reverse("orgs:dashboard")).content.decode()

    for value in ("Zoubida", "+33 6 55", "Test Person", receiving["fresh"].number):
        assert value not in page


def test_the_panel_is_only_for_those_who_may_receive_referrals(client, signed_in, receiving):
    # A peer and a volunteer of the receiving organisation, and the sending staff member, see no panel
    peer = factories.member(receiving["org"], Role.PEER)
    volunteer = factories.member(receiving["org"], Role.VOLUNTEER)
    for user in (peer, volunteer):
        signed_in(user)
        assert not PANEL.search(client.get(reverse("orgs:dashboard")).content.decode())
    # the sender's organisation has received nothing: its panel counts zeros, never the receiver's referrals
    signed_in(receiving["sender"])
    page = client.get(reverse("orgs:dashboard")).content.decode()
    if PANEL.search(page):
        assert set(_counts(page).values()) == {0}


def test_a_coordinator_of_another_organisation_sees_none_of_these_referrals(client, signed_in, receiving):
    other = factories.coordinator_of(factories.organisation())
    signed_in(other)

    page = client.get(reverse("orgs:dashboard")).content.decode()

    assert set(_counts(page).values()) == {0}


def test_the_dashboard_runs_a_constant_number_of_queries(client, signed_in, receiving, django_assert_num_queries):
    # Given the dashboard measured with the referrals of the fixture
    signed_in(receiving["receiver"])
    client.get(reverse("orgs:dashboard"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("orgs:dashboard"))

    # When many more referrals arrive, in every pending state
    for status in (ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.APPOINTMENT_SET) * 3:
        make_referral(receiving["sender"], receiving["receiver"], service=receiving["service"], status=status)

    # Then the dashboard runs exactly as many queries
    with django_assert_num_queries(len(few)):
        response = client.get(reverse("orgs:dashboard"))
    assert _counts(response.content.decode())["awaiting"] == 5
