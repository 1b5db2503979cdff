"""Two people answering the same referral at the same moment: exactly one answer wins (a row lock, PostgreSQL).

Transactional tests (each thread commits on its own connection), apart from test_lifecycle.py, whose table of cases
shares one scene in a transaction for the whole module.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from network.orgs.models import Role
from network.referrals import services
from network.referrals.models import DeclineReason, EventKind, Referral, ReferralStatus
from network.referrals.services import TransitionNotAllowed
from tests import factories
from tests.referrals.factories import make_referral, sender_and_receiver

S = ReferralStatus


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_receivers_accepting_at_once_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (CI runs this against it)")
    # Given a sent referral and two staff members of the receiving organisation
    sender, first, _sender_org, receiver_org = sender_and_receiver()
    second = factories.member(receiver_org, Role.STAFF)
    referral = make_referral(sender, first)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def answer(user, call):
        try:
            barrier.wait(timeout=10)
            call(referral=Referral.objects.get(pk=referral.pk), acting_user=user)
            outcomes.append("won")
        except TransitionNotAllowed:
            outcomes.append("refused")
        finally:
            connections.close_all()

    # When both accept at the same moment (one accepts, the other declines: same starting state)
    threads = [
        threading.Thread(target=answer, args=(first, services.referral_accept)),
        threading.Thread(
            target=answer,
            args=(second, lambda **kw: services.referral_decline(reason=DeclineReason.NO_CAPACITY, **kw)),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # Then exactly one wins, and the timeline has one answer
    assert sorted(outcomes) == ["refused", "won"]
    referral.refresh_from_db()
    assert referral.status in {S.ACCEPTED, S.DECLINED}
    assert referral.events.filter(kind__in=[EventKind.ACCEPTED, EventKind.DECLINED]).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_receivers_both_accepting_at_once_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (CI runs this against it)")
    sender, first, _sender_org, receiver_org = sender_and_receiver()
    second = factories.member(receiver_org, Role.STAFF)
    referral = make_referral(sender, first)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(user):
        try:
            barrier.wait(timeout=10)
            services.referral_accept(referral=Referral.objects.get(pk=referral.pk), acting_user=user)
            outcomes.append("won")
        except TransitionNotAllowed:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(user,)) for user in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["refused", "won"]
    assert referral.events.filter(kind=EventKind.ACCEPTED).count() == 1
