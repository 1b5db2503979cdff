"""The referral lifecycle: every allowed transition, every refused one, and the rules around them.

A transition from the wrong state raises TransitionNotAllowed and changes nothing (status, timeline, consent,
outbox); the receiver answers, the sender cancels or withdraws consent; two people accepting at once: one wins.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from network.orgs import policy
from network.orgs.models import Role
from network.outbox.models import OutboxMessage
from network.referrals import services
from network.referrals.models import (
    DeclineReason,
    EventKind,
    Outcome,
    Referral,
    ReferralEvent,
    ReferralStatus,
)
from network.referrals.services import TransitionNotAllowed
from tests import factories
from tests.conftest import fresh, rolled_back_after_module
from tests.referrals.factories import make_referral, make_service, sender_and_receiver

pytestmark = pytest.mark.django_db

S = ReferralStatus


def _accept(referral, sender, receiver):
    return services.referral_accept(referral=referral, acting_user=receiver, note="We can see them")


def _decline(referral, sender, receiver):
    return services.referral_decline(referral=referral, acting_user=receiver, reason=DeclineReason.OUT_OF_AREA)


def _redirect(referral, sender, receiver):
    other = make_service(referral.receiver_organisation, "housing", name="Housing desk")
    return services.referral_redirect(referral=referral, acting_user=receiver, service=other)


def _set_appointment(referral, sender, receiver):
    when = timezone.now() + datetime.timedelta(days=5)
    return services.referral_set_appointment(referral=referral, acting_user=receiver, appointment_at=when)


def _complete(referral, sender, receiver):
    return services.referral_complete(referral=referral, acting_user=receiver, outcome=Outcome.DID_NOT_COME)


def _cancel(referral, sender, receiver):
    return services.referral_cancel(referral=referral, acting_user=sender, note="The person moved away")


def _withdraw(referral, sender, receiver):
    return services.referral_withdraw_consent(referral=referral, acting_user=sender)


# action name → (service call, the states it is allowed from, the state it leads to, the timeline event)
ACTIONS: dict[str, tuple[Callable, set[str], str, str]] = {
    "accept": (_accept, {S.SENT, S.REDIRECTED}, S.ACCEPTED, EventKind.ACCEPTED),
    "decline": (_decline, {S.SENT, S.REDIRECTED}, S.DECLINED, EventKind.DECLINED),
    "redirect": (_redirect, {S.SENT, S.REDIRECTED}, S.REDIRECTED, EventKind.REDIRECTED),
    "set_appointment": (
        _set_appointment,
        {S.ACCEPTED, S.APPOINTMENT_SET},
        S.APPOINTMENT_SET,
        EventKind.APPOINTMENT_SET,
    ),
    "complete": (_complete, {S.ACCEPTED, S.APPOINTMENT_SET}, S.COMPLETED, EventKind.COMPLETED),
    "cancel": (_cancel, {S.SENT, S.REDIRECTED, S.ACCEPTED, S.APPOINTMENT_SET}, S.CANCELLED, EventKind.CANCELLED),
    "withdraw_consent": (
        _withdraw,
        {S.SENT, S.REDIRECTED, S.ACCEPTED, S.APPOINTMENT_SET},
        S.CONSENT_WITHDRAWN,
        EventKind.CONSENT_WITHDRAWN,
    ),
}
CASES = [(state, action) for state in S.values for action in ACTIONS]


def _snapshot(referral: Referral) -> tuple:
    referral = Referral.objects.select_related("consent").get(pk=referral.pk)
    return (
        referral.status,
        referral.service_id,
        referral.closed_at,
        referral.decline_reason,
        referral.outcome,
        referral.appointment_at,
        ReferralEvent.objects.filter(referral=referral).count(),
        referral.consent.withdrawn_at,
        OutboxMessage.objects.filter(object_id=str(referral.pk)).count(),
    )


@pytest.fixture(scope="module")
def shared_parties(django_db_setup, django_db_blocker) -> Iterator[tuple]:
    """The two partner organisations and their members, built once for the table of cases below (each case makes
    its own referral, rolled back after it)."""
    with rolled_back_after_module(django_db_blocker):
        yield sender_and_receiver()


@pytest.fixture
def parties(db, shared_parties) -> tuple:
    """(sender, receiver, sender org, receiver org), read afresh for one case."""
    return tuple(fresh(instance) for instance in shared_parties)


@pytest.mark.parametrize(("state", "action"), CASES, ids=[f"{s}-{a}" for s, a in CASES])
def test_each_action_moves_the_referral_from_allowed_states_and_changes_nothing_from_the_others(state, action, parties):
    # Given a referral in `state`
    sender, receiver, _sender_org, _receiver_org = parties
    referral = make_referral(sender, receiver, status=state)
    call, allowed_from, leads_to, event_kind = ACTIONS[action]
    before = _snapshot(referral)

    if state in allowed_from:
        # When the right side performs the action, then the referral moves and the timeline records who did it
        call(referral, sender, receiver)
        referral.refresh_from_db()
        assert referral.status == leads_to
        last = ReferralEvent.objects.filter(referral=referral).order_by("-created_at").first()
        assert last.kind == event_kind
        assert (last.from_status, last.to_status) == (state, leads_to)
        assert last.actor in (sender, receiver)
        assert ReferralEvent.objects.filter(referral=referral).count() == before[6] + 1
        assert OutboxMessage.objects.filter(object_id=str(referral.pk)).count() == before[8] + 1
    else:
        # When it is attempted from a state that does not allow it, then it is refused and nothing changed
        with pytest.raises(TransitionNotAllowed) as refused:
            call(referral, sender, receiver)
        assert str(S(state).label).lower() in " ".join(refused.value.messages)
        assert _snapshot(referral) == before


def test_closed_states_are_the_ones_no_action_leaves():
    # Given the table above, then exactly the closed states allow no action
    dead_ends = {state for state in S.values if not any(state in allowed for _c, allowed, _l, _e in ACTIONS.values())}
    assert dead_ends == {S.DECLINED, S.COMPLETED, S.CANCELLED, S.EXPIRED, S.CONSENT_WITHDRAWN}


def test_only_the_receiver_answers_and_only_the_sender_cancels_or_withdraws():
    # Given a sent referral
    sender, receiver, _s, _r = sender_and_receiver()
    referral = make_referral(sender, receiver)
    before = _snapshot(referral)

    # When the sender tries to accept, or the receiver to cancel or withdraw consent, then both are refused
    with pytest.raises(policy.AccessDenied):
        services.referral_accept(referral=referral, acting_user=sender)
    with pytest.raises(policy.AccessDenied):
        services.referral_cancel(referral=referral, acting_user=receiver)
    with pytest.raises(policy.AccessDenied):
        services.referral_withdraw_consent(referral=referral, acting_user=receiver)
    assert _snapshot(referral) == before

    # And the receiver may accept, the sender may then cancel
    services.referral_accept(referral=referral, acting_user=receiver)
    services.referral_cancel(referral=referral, acting_user=sender)
    referral.refresh_from_db()
    assert referral.status == S.CANCELLED


@pytest.mark.parametrize("role", [Role.PEER, Role.VOLUNTEER])
def test_peers_and_volunteers_of_the_receiver_cannot_answer(role):
    sender, receiver, _s, receiver_org = sender_and_receiver()
    referral = make_referral(sender, receiver)
    bystander = factories.member(receiver_org, role)

    with pytest.raises(policy.AccessDenied):
        services.referral_accept(referral=referral, acting_user=bystander)

    referral.refresh_from_db()
    assert referral.status == S.SENT


def test_declining_for_another_reason_needs_a_note():
    # Given a sent referral
    sender, receiver, _s, _r = sender_and_receiver()
    referral = make_referral(sender, receiver)
    before = _snapshot(referral)

    # When the receiver declines with "other" and no note, then it is refused and nothing changed
    with pytest.raises(ValidationError) as refused:
        services.referral_decline(referral=referral, acting_user=receiver, reason=DeclineReason.OTHER, note="  ")
    assert "note" in refused.value.message_dict
    assert _snapshot(referral) == before
    # and an unknown reason is refused too
    with pytest.raises(ValidationError) as unknown:
        services.referral_decline(referral=referral, acting_user=receiver, reason="too_busy")
    assert "reason" in unknown.value.message_dict

    # When they give a note, then the referral is declined with the coded reason and the note on the timeline
    services.referral_decline(
        referral=referral, acting_user=receiver, reason=DeclineReason.OTHER, note="Service closed in August"
    )
    referral.refresh_from_db()
    assert referral.status == S.DECLINED
    assert referral.decline_reason == DeclineReason.OTHER
    assert referral.closed_at is not None
    assert referral.events.get(kind=EventKind.DECLINED).note == "Service closed in August"


def test_redirect_goes_only_to_another_active_service_of_the_receiving_organisation():
    # Given a referral sent to the receiver's legal advice, a third organisation's service and an inactive one
    sender, receiver, sender_org, receiver_org = sender_and_receiver()
    referral = make_referral(sender, receiver)
    elsewhere = make_service(factories.organisation(), "housing")
    own_sender_service = make_service(sender_org, "housing")
    closed = make_service(receiver_org, "housing", is_active=False)
    before = _snapshot(referral)

    # When the receiver redirects it outside their organisation, to an inactive service or to the same one
    for target in (elsewhere, own_sender_service, closed, referral.service):
        with pytest.raises(ValidationError) as refused:
            services.referral_redirect(referral=referral, acting_user=receiver, service=target)
        assert "service" in refused.value.message_dict
    # Then nothing changed
    assert _snapshot(referral) == before

    # When they redirect it to another of their services, then it moves there with the consent still attached
    housing = make_service(receiver_org, "housing", name="Housing")
    services.referral_redirect(referral=referral, acting_user=receiver, service=housing)
    referral.refresh_from_db()
    assert (referral.status, referral.service, referral.receiver_organisation) == (S.REDIRECTED, housing, receiver_org)
    assert referral.consent.receiving_organisation == receiver_org


def test_an_appointment_in_the_past_is_refused():
    # Given an accepted referral
    sender, receiver, _s, _r = sender_and_receiver()
    referral = make_referral(sender, receiver, status=S.ACCEPTED)
    before = _snapshot(referral)

    # When the receiver sets an appointment two days ago, then it is refused and nothing changed
    with pytest.raises(ValidationError) as refused:
        services.referral_set_appointment(
            referral=referral, acting_user=receiver, appointment_at=timezone.now() - datetime.timedelta(days=2)
        )
    assert "appointment_at" in refused.value.message_dict
    assert _snapshot(referral) == before

    # When they set one next week, then it is recorded
    when = timezone.now() + datetime.timedelta(days=7)
    services.referral_set_appointment(referral=referral, acting_user=receiver, appointment_at=when)
    referral.refresh_from_db()
    assert (referral.status, referral.appointment_at) == (S.APPOINTMENT_SET, when)


def test_completing_needs_a_coded_outcome():
    sender, receiver, _s, _r = sender_and_receiver()
    referral = make_referral(sender, receiver, status=S.APPOINTMENT_SET)

    with pytest.raises(ValidationError) as refused:
        services.referral_complete(referral=referral, acting_user=receiver, outcome="went_well")
    assert "outcome" in refused.value.message_dict
    referral.refresh_from_db()
    assert referral.status == S.APPOINTMENT_SET

    services.referral_complete(referral=referral, acting_user=receiver, outcome=Outcome.SERVICE_PROVIDED)
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == (S.COMPLETED, Outcome.SERVICE_PROVIDED)
    assert referral.closed_at is not None


def test_the_timeline_records_each_step_in_order():
    sender, receiver, sender_org, receiver_org = sender_and_receiver()
    referral = make_referral(sender, receiver, status=S.COMPLETED)

    steps = list(referral.events.order_by("created_at").values_list("kind", "actor", "actor_organisation"))
    assert steps == [
        (EventKind.SENT, sender.pk, sender_org.pk),
        (EventKind.ACCEPTED, receiver.pk, receiver_org.pk),
        (EventKind.APPOINTMENT_SET, receiver.pk, receiver_org.pk),
        (EventKind.COMPLETED, receiver.pk, receiver_org.pk),
    ]
