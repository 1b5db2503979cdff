"""Two people answering the same referral at the same moment: exactly one answer wins (a row lock, PostgreSQL).

Transactional tests (each thread commits on its own connection), apart from test_lifecycle.py, whose table of cases
shares one scene in a transaction for the whole module.
"""

from __future__ import annotations

import pytest
from django.db import connection

from network.orgs.models import Role
from network.referrals import services
from network.referrals.models import DeclineReason, EventKind, Referral, ReferralStatus
from network.referrals.services import TransitionNotAllowed
from tests import factories
from tests.concurrency import at_once
from tests.referrals.factories import make_referral, sender_and_receiver

S = ReferralStatus


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_receivers_accepting_at_once_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (CI runs this against it)")
    # Given a sent referral and two staff members of the receiving organisation
    referral, first, second = _sent_referral_and_two_receivers()

    # When both answer at the same moment (one accepts, the other declines: same starting state)
    outcomes = at_once(
        [
            lambda: services.referral_accept(referral=Referral.objects.get(pk=referral.pk), acting_user=first),
            lambda: services.referral_decline(
                referral=Referral.objects.get(pk=referral.pk), acting_user=second, reason=DeclineReason.NO_CAPACITY
            ),
        ],
        refused=(TransitionNotAllowed,),
    )

    # Then exactly one wins, and the timeline has one answer
    assert outcomes == ["refused", "won"]
    referral.refresh_from_db()
    assert referral.status in {S.ACCEPTED, S.DECLINED}
    assert referral.events.filter(kind__in=[EventKind.ACCEPTED, EventKind.DECLINED]).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_receivers_both_accepting_at_once_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (CI runs this against it)")
    referral, first, second = _sent_referral_and_two_receivers()

    outcomes = at_once(
        [
            lambda user=user: services.referral_accept(referral=Referral.objects.get(pk=referral.pk), acting_user=user)
            for user in (first, second)
        ],
        refused=(TransitionNotAllowed,),
    )

    assert outcomes == ["refused", "won"]
    assert referral.events.filter(kind=EventKind.ACCEPTED).count() == 1


def _sent_referral_and_two_receivers():
    sender, first, _sender_org, receiver_org = sender_and_receiver()
    second = factories.member(receiver_org, Role.STAFF)
    return make_referral(sender, first), first, second
