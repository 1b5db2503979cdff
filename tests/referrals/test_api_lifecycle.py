"""The referral lifecycle through the API: every allowed transition, and every refusal (409 from a wrong state,
403 for the wrong side, 400 for bad input), each refusal changing nothing."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation

from network.referrals import services
from network.referrals.api import DENIED_REASONS
from network.referrals.models import Referral, ReferralEvent
from tests.conftest import fresh, rolled_back_after_module
from tests.referrals.test_api import CANARIES, build_network, detail_url, sent_referral

pytestmark = pytest.mark.django_db

IN_A_WEEK = (timezone.now() + datetime.timedelta(days=7)).replace(microsecond=0)


@pytest.fixture(scope="module")
def shared_net(django_db_setup, django_db_blocker) -> Iterator[SimpleNamespace]:
    """Built once for the module (three organisations and nine people); each test's writes are rolled back."""
    with rolled_back_after_module(django_db_blocker):
        yield build_network()


@pytest.fixture
def net(db, shared_net) -> SimpleNamespace:
    return fresh(shared_net)


def in_state(net: SimpleNamespace, status: str) -> Referral:
    """A referral brought to `status` through the services, the way people would."""
    referral = sent_referral(net)
    receiver, sender = net.receiver_staff, net.sender_staff
    if status == "redirected":
        return services.referral_redirect(referral=referral, acting_user=receiver, service=net.other_service)
    if status == "declined":
        return services.referral_decline(referral=referral, acting_user=receiver, reason="no_capacity")
    if status == "cancelled":
        return services.referral_cancel(referral=referral, acting_user=sender)
    if status == "sent":
        return referral
    referral = services.referral_accept(referral=referral, acting_user=receiver)
    if status == "accepted":
        return referral
    referral = services.referral_set_appointment(referral=referral, acting_user=receiver, appointment_at=IN_A_WEEK)
    if status == "appointment_set":
        return referral
    if status == "completed":
        return services.referral_complete(referral=referral, acting_user=receiver, outcome="service_provided")
    raise AssertionError(status)


def snapshot(referral: Referral) -> tuple:
    fresh = Referral.objects.get(pk=referral.pk)
    return (
        fresh.status,
        fresh.service_id,
        fresh.updated_at,
        fresh.decline_reason,
        fresh.appointment_at,
        fresh.outcome,
        ReferralEvent.objects.filter(referral=referral).count(),
        fresh.messages.count(),
    )


# ---------------------------------------------------------------------------------------------------------------
# Allowed transitions

ALLOWED = [
    # (action, actor, starting status, body, expected status)
    ("accept", "receiver_staff", "sent", {}, "accepted"),
    ("accept", "receiver_coordinator", "redirected", {"note": "We can see her."}, "accepted"),
    ("decline", "receiver_staff", "sent", {"reason": "no_capacity"}, "declined"),
    ("decline", "receiver_coordinator", "redirected", {"reason": "other", "note": "Closed in August."}, "declined"),
    ("redirect", "receiver_staff", "sent", {"service": "other_service"}, "redirected"),
    ("redirect", "receiver_staff", "redirected", {"service": "service"}, "redirected"),
    ("set-appointment", "receiver_staff", "accepted", {"appointment_at": IN_A_WEEK.isoformat()}, "appointment_set"),
    (
        "set-appointment",
        "receiver_staff",
        "appointment_set",
        {"appointment_at": (IN_A_WEEK + datetime.timedelta(days=1)).isoformat()},
        "appointment_set",
    ),
    ("complete", "receiver_staff", "accepted", {"outcome": "could_not_contact"}, "completed"),
    ("complete", "receiver_coordinator", "appointment_set", {"outcome": "service_provided"}, "completed"),
    ("cancel", "sender_staff", "sent", {"note": "She found help elsewhere."}, "cancelled"),
    ("cancel", "sender_coordinator", "redirected", {}, "cancelled"),
    ("cancel", "sender_staff", "accepted", {}, "cancelled"),
    ("cancel", "sender_staff", "appointment_set", {}, "cancelled"),
    ("withdraw-consent", "sender_staff", "sent", None, "consent_withdrawn"),
    ("withdraw-consent", "sender_coordinator", "redirected", None, "consent_withdrawn"),
    ("withdraw-consent", "sender_staff", "accepted", None, "consent_withdrawn"),
    ("withdraw-consent", "sender_staff", "appointment_set", None, "consent_withdrawn"),
]


@pytest.mark.parametrize(("action", "actor", "start", "body", "expected"), ALLOWED)
def test_allowed_transition_answers_200_with_the_new_state_and_records_it(
    net, signed_in, action, actor, start, body, expected
):
    # given a referral in the starting state
    referral = in_state(net, start)
    events_before = ReferralEvent.objects.filter(referral=referral).count()
    if body and "service" in body:
        body = {**body, "service": str(getattr(net, body["service"]).pk)}

    # when the right side takes the action through the API
    response = signed_in(getattr(net, actor)).post(
        detail_url(referral, f"{action}/"), body or {}, content_type="application/json"
    )

    # then the answer is the detail of the new state, and the timeline has one more step
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["status"] == expected
    assert answer["id"] == str(referral.pk)
    assert "person" in answer
    assert "no-store" in response["Cache-Control"]
    fresh = Referral.objects.get(pk=referral.pk)
    assert fresh.status == expected
    assert ReferralEvent.objects.filter(referral=referral).count() == events_before + 1
    if action == "decline":
        assert answer["decline_reason"] == body["reason"]
    if action == "complete":
        assert answer["outcome"] == body["outcome"]
    if action == "redirect":
        assert answer["service"]["id"] == body["service"]
    if action == "set-appointment":
        assert datetime.datetime.fromisoformat(answer["appointment_at"]) == datetime.datetime.fromisoformat(
            body["appointment_at"]
        )


def test_full_loop_through_the_api_from_sending_to_completion(net, signed_in):
    # given a staff member who sends a referral through the API
    payload = {
        "service": str(net.service.pk),
        "person": {"name": "Ioana", "preferred_language": "ro", "contact_channel": "through_sender"},
        "consent": {
            "shared_fields": ["name"],
            "purpose": "health check",
            "method": "written",
            "explained_in_language": "ro",
            "valid_until": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
        },
    }
    created = signed_in(net.sender_staff).post("/api/v1/referrals/", payload, content_type="application/json")
    assert created.status_code == 201
    url = f"/api/v1/referrals/{created.json()['id']}/"

    # when the receiver accepts, sets an appointment and completes
    receiver = signed_in(net.receiver_staff)
    assert receiver.post(f"{url}accept/", content_type="application/json").json()["person"]["name"] == "Ioana"
    receiver.post(f"{url}set-appointment/", {"appointment_at": IN_A_WEEK.isoformat()}, content_type="application/json")
    done = receiver.post(f"{url}complete/", {"outcome": "service_provided"}, content_type="application/json")

    # then the referral is closed with its outcome and the timeline tells the story
    assert done.status_code == 200
    assert done.json()["status"] == "completed"
    assert done.json()["closed_at"]
    kinds = [event["kind"] for event in receiver.get(f"{url}events/").json()]
    assert kinds == ["sent", "accepted", "appointment_set", "completed"]


# ---------------------------------------------------------------------------------------------------------------
# Refused: wrong state (409), wrong side (403), bad input (400) — nothing changes

WRONG_STATE = [
    ("accept", "receiver_staff", "accepted", {}),
    ("accept", "receiver_staff", "declined", {}),
    ("decline", "receiver_staff", "accepted", {"reason": "no_capacity"}),
    ("redirect", "receiver_staff", "declined", {"service": "other_service"}),
    ("set-appointment", "receiver_staff", "sent", {"appointment_at": IN_A_WEEK.isoformat()}),
    ("set-appointment", "receiver_staff", "completed", {"appointment_at": IN_A_WEEK.isoformat()}),
    ("complete", "receiver_staff", "sent", {"outcome": "service_provided"}),
    ("complete", "receiver_staff", "cancelled", {"outcome": "service_provided"}),
    ("cancel", "sender_staff", "completed", {}),
    ("cancel", "sender_staff", "declined", {}),
    ("withdraw-consent", "sender_staff", "cancelled", None),
    ("withdraw-consent", "sender_staff", "completed", None),
]


@pytest.mark.parametrize(("action", "actor", "start", "body"), WRONG_STATE)
def test_transition_from_a_wrong_state_answers_409_and_changes_nothing(net, signed_in, action, actor, start, body):
    # given a referral in a state where the action is not possible
    referral = in_state(net, start)
    before = snapshot(referral)
    if body and "service" in body:
        body = {**body, "service": str(getattr(net, body["service"]).pk)}

    # when the side that could otherwise take it tries
    response = signed_in(getattr(net, actor)).post(
        detail_url(referral, f"{action}/"), body or {}, content_type="application/json"
    )

    # then 409 says why, and nothing changed
    assert response.status_code == 409, response.content
    assert response.json()["detail"]
    assert snapshot(referral) == before


WRONG_SIDE = [
    ("accept", "sender_staff", "sent", {}),
    ("decline", "sender_coordinator", "sent", {"reason": "no_capacity"}),
    ("redirect", "sender_staff", "sent", {"service": "other_service"}),
    ("set-appointment", "sender_staff", "accepted", {"appointment_at": IN_A_WEEK.isoformat()}),
    ("complete", "sender_staff", "accepted", {"outcome": "service_provided"}),
    ("cancel", "receiver_staff", "sent", {}),
    ("withdraw-consent", "receiver_coordinator", "accepted", None),
]


@pytest.mark.parametrize(("action", "actor", "start", "body"), WRONG_SIDE)
def test_the_other_side_gets_403_with_a_reason_and_nothing_changes(net, signed_in, action, actor, start, body):
    # given a referral both sides can see
    referral = in_state(net, start)
    before = snapshot(referral)
    if body and "service" in body:
        body = {**body, "service": str(getattr(net, body["service"]).pk)}

    # when the side that may not take this action tries
    response = signed_in(getattr(net, actor)).post(
        detail_url(referral, f"{action}/"), body or {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )

    # then 403 explains which side may, and nothing changed
    assert response.status_code == 403, response.content
    side = "answer" if actor.startswith("sender") else "manage"
    with translation.override("en"):
        assert response.json()["detail"] == str(DENIED_REASONS[side])
    assert snapshot(referral) == before


def _bad_inputs(net: SimpleNamespace) -> list[tuple[str, str, dict, str]]:
    from network.directory.models import Service, ServiceCategory

    elsewhere = Service.objects.create(
        organisation=net.unrelated, category=ServiceCategory.objects.get(code="housing"), name="Housing"
    )
    past = (timezone.now() - datetime.timedelta(days=3)).isoformat()
    name = CANARIES[0]
    return [
        # (action, starting status, body, field named in the answer)
        ("decline", "sent", {}, "reason"),
        ("decline", "sent", {"reason": name}, "reason"),
        ("decline", "sent", {"reason": "other"}, "note"),
        ("redirect", "sent", {}, "service"),
        ("redirect", "sent", {"service": name}, "service"),
        ("redirect", "sent", {"service": str(elsewhere.pk)}, "service"),
        ("redirect", "sent", {"service": str(net.service.pk)}, "service"),
        ("set-appointment", "accepted", {"appointment_at": name}, "appointment_at"),
        ("set-appointment", "accepted", {"appointment_at": past}, "appointment_at"),
        ("complete", "accepted", {"outcome": name}, "outcome"),
        ("complete", "accepted", {}, "outcome"),
    ]


def test_bad_input_answers_400_naming_the_field_without_repeating_the_value_and_changes_nothing(net, signed_in):
    for action, start, body, field in _bad_inputs(net):
        # given a referral in a state where the action is possible
        referral = in_state(net, start)
        before = snapshot(referral)

        # when the receiver sends bad input
        response = signed_in(net.receiver_staff).post(
            detail_url(referral, f"{action}/"), body, content_type="application/json"
        )

        # then 400 names the field, repeats no value sent, and nothing changed
        assert response.status_code == 400, (action, body, response.content)
        assert field in response.json(), (action, body, response.json())
        for canary in CANARIES:
            assert canary not in response.content.decode()
        assert snapshot(referral) == before


def test_two_receivers_accepting_one_wins_and_the_other_gets_409(net, signed_in):
    # given a sent referral, accepted by a receiver's coordinator a moment before the staff member clicks
    referral = in_state(net, "sent")
    signed_in(net.receiver_coordinator).post(detail_url(referral, "accept/"), content_type="application/json")
    before = snapshot(referral)

    # when the staff member's accept arrives
    late = signed_in(net.receiver_staff).post(detail_url(referral, "accept/"), content_type="application/json")

    # then it is refused and the referral keeps one acceptance
    assert late.status_code == 409
    assert snapshot(referral) == before
    assert ReferralEvent.objects.filter(referral=referral, kind="accepted").count() == 1


def test_the_appointment_takes_the_place_and_the_note_for_the_slip_and_the_place_follows_the_address_rule(
    net, signed_in
):
    # Given an accepted referral to a service whose address is confidential (a drop-in centre)
    referral = in_state(net, "accepted")
    net.service.address_is_confidential = True
    net.service.save(update_fields=["address_is_confidential"])

    # When the receiver sets the appointment with where exactly and a note for the person
    body = {"appointment_at": IN_A_WEEK.isoformat(), "place": "2nd floor, room 4", "note": "Bring any letter."}
    answer = signed_in(net.receiver_staff).post(
        detail_url(referral, "set-appointment/"), body, content_type="application/json"
    )

    # Then both are kept for the slip, the receiver reads the place back, and the sender is not given it
    assert answer.status_code == 200, answer.content
    assert answer.json()["appointment_place"] == "2nd floor, room 4"
    referral.refresh_from_db()
    assert (referral.appointment_place, referral.appointment_note) == ("2nd floor, room 4", "Bring any letter.")
    assert signed_in(net.sender_staff).get(detail_url(referral)).json()["appointment_place"] is None


def test_an_appointment_place_or_note_too_long_answers_400_and_changes_nothing(net, signed_in):
    referral = in_state(net, "accepted")
    before = snapshot(referral)
    client = signed_in(net.receiver_staff)

    for field, value in (("place", "x" * 201), ("note", "y" * 501)):
        body = {"appointment_at": IN_A_WEEK.isoformat(), field: value}
        answer = client.post(detail_url(referral, "set-appointment/"), body, content_type="application/json")

        assert answer.status_code == 400 and field in answer.json()
        assert snapshot(referral) == before
