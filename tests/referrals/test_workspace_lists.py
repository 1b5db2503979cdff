"""Inbox and sent: metadata only, filters, pagination, and the same number of queries whatever the data size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from network.referrals import services
from network.referrals.models import ReferralStatus

from .test_workspace_fixtures import CONTACT_DETAIL, NEEDS, PERSON_NAME, in_english, network, send, shared_network

pytestmark = pytest.mark.django_db
__all__ = ["in_english", "network", "shared_network"]


def test_inbox_lists_received_referrals_with_the_name_only_of_the_personal_fields(network, signed_in, client):
    # Given a referral accepted by the receiver (so the receiver may read the name on its page)
    referral = send(network)
    services.referral_accept(referral=referral, acting_user=network.receiver_staff)
    # When the receiver opens the inbox
    signed_in(network.receiver_staff)
    response = client.get(reverse("referrals:inbox"))
    html = response.content.decode()
    # Then the referral is listed by number, service, sender, status and the name; no other personal value
    assert response.status_code == 200
    assert referral.number in html
    assert "Lawyer on call" in html and "Street Outreach" in html
    assert PERSON_NAME in html
    for value in (CONTACT_DETAIL, NEEDS):
        assert value not in html
    # And it is in the sender's "sent" list, not in the sender's inbox
    signed_in(network.sender_staff)
    assert referral.number in client.get(reverse("referrals:sent")).content.decode()
    assert referral.number not in client.get(reverse("referrals:inbox")).content.decode()
    # And the receiver's "sent" list does not hold it
    signed_in(network.receiver_staff)
    assert referral.number not in client.get(reverse("referrals:sent")).content.decode()


def test_lists_filter_by_status_service_and_urgency(network, signed_in):
    urgent = send(network, urgency="urgent")
    routine = send(network, urgency="routine", service=network.other_service)
    services.referral_accept(referral=routine, acting_user=network.receiver_staff)
    client = signed_in(network.receiver_staff)
    url = reverse("referrals:inbox")

    def listed(**params):
        html = client.get(url, params).content.decode()
        return {r.number for r in (urgent, routine) if r.number in html}

    assert listed() == {urgent.number, routine.number}
    assert listed(urgency="urgent") == {urgent.number}
    assert listed(status=ReferralStatus.ACCEPTED) == {routine.number}
    assert listed(status="open") == {urgent.number, routine.number}
    assert listed(status="closed") == set()
    assert listed(service=str(network.service.pk)) == {urgent.number}
    # A tampered value is ignored rather than failing the page
    assert listed(status="nonsense") == {urgent.number, routine.number}


def test_lists_are_paginated_by_25(network, signed_in):
    for _ in range(27):
        send(network)
    client = signed_in(network.receiver_staff)
    first = client.get(reverse("referrals:inbox")).content.decode()
    second = client.get(reverse("referrals:inbox"), {"page": 2}).content.decode()
    assert first.count('class="referral-item"') == 25
    assert second.count('class="referral-item"') == 2


@pytest.mark.parametrize("list_name", ["referrals:inbox", "referrals:sent"])
def test_lists_run_a_constant_number_of_queries(network, signed_in, django_assert_max_num_queries, list_name):
    # Given a few referrals, the number of queries of one list page
    for _ in range(3):
        send(network)
    viewer = network.receiver_staff if list_name == "referrals:inbox" else network.sender_staff
    client = signed_in(viewer)
    client.get(reverse(list_name))  # warm the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(list_name)).status_code == 200
    # When there are ten times more, on two services, then no more queries
    for _ in range(27):
        send(network, service=network.other_service)
    with django_assert_max_num_queries(len(small)):
        response = client.get(reverse(list_name), {"urgency": "soon"})
    assert response.status_code == 200
    assert response.content.decode().count('class="referral-item"') == 25
    # and within the member pages' budget: session, user, the user's roles, organisations, services, count, rows
    assert len(small) <= 15


def test_list_row_shows_a_new_status_at_once(network, signed_in):
    # given the receiver's inbox, its row of a new referral rendered (and kept) once
    referral = send(network)
    client = signed_in(network.receiver_staff)
    assert f"referral-status--{ReferralStatus.SENT}" in client.get(reverse("referrals:inbox")).content.decode()

    # when the receiver accepts it
    services.referral_accept(referral=referral, acting_user=network.receiver_staff)

    # then the next inbox shows the row with its new status, not the kept one
    html = client.get(reverse("referrals:inbox")).content.decode()
    assert f"referral-status--{ReferralStatus.ACCEPTED}" in html
    assert f"referral-status--{ReferralStatus.SENT}" not in html
