"""The referrals API under /api/v1/referrals/: who sees what, consent scope, sending, messages, timeline, counts.

Three organisations: the sender, the receiver (partners), and an unrelated one. Every role of the network meets
the same referral; only staff and coordinators of the two sides see it, and the receiver reads personal fields
only within the consent, only after accepting, and never after withdrawal.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from network.directory.models import Service, ServiceCategory
from network.orgs.models import Role
from network.referrals import services
from network.referrals.models import AccessLogEntry, Referral, ReferralStatus
from tests import factories
from tests.conftest import fresh, rolled_back_after_module

pytestmark = pytest.mark.django_db

REFERRALS = "/api/v1/referrals/"

# Distinctive personal values: none of them may appear where they do not belong.
NAME = "Zoya-Canary-7731"
PHONE = "+33 6 77 31 77 31"
SAFE_TIMES = "after 22h, canary-safe-times"
NEEDS = "canary-needs residence permit renewal"
CANARIES = (NAME, PHONE, SAFE_TIMES, NEEDS)

SUMMARY_FIELDS = {
    "id",
    "number",
    "status",
    "direction",
    "urgency",
    "sender",
    "receiver",
    "service",
    "preferred_language",
    "interpreter_needed",
    "accompaniment",
    "decline_reason",
    "appointment_at",
    "outcome",
    "created_at",
    "updated_at",
    "answered_at",
    "closed_at",
    "personal_data_erased_at",
}
PERSON_FIELDS = {"name", "contact_channel", "contact_detail", "safe_times", "age_range", "needs"}


# ---------------------------------------------------------------------------------------------------------------
# Given: a small network


def build_network() -> SimpleNamespace:
    """Sender and receiver in partnership, an unrelated organisation, and one user per role that matters."""
    sender = factories.organisation(name="Outreach Nord")
    receiver = factories.organisation(name="Legal Clinic")
    unrelated = factories.organisation(name="Elsewhere")
    factories.active_partnership(sender, receiver)
    legal = ServiceCategory.objects.get(code="legal-advice")
    service = Service.objects.create(organisation=receiver, category=legal, name="Legal advice")
    other_service = Service.objects.create(
        organisation=receiver, category=ServiceCategory.objects.get(code="asylum-support"), name="Asylum desk"
    )
    return SimpleNamespace(
        sender=sender,
        receiver=receiver,
        unrelated=unrelated,
        service=service,
        other_service=other_service,
        sender_staff=factories.member(sender, Role.STAFF, public_name="Worker Mira"),
        sender_coordinator=factories.coordinator_of(sender),
        receiver_staff=factories.member(receiver, Role.STAFF, public_name="Lawyer Ana"),
        receiver_coordinator=factories.coordinator_of(receiver),
        sender_peer=factories.member(sender, Role.PEER),
        receiver_volunteer=factories.member(receiver, Role.VOLUNTEER),
        unrelated_staff=factories.member(unrelated, Role.STAFF),
        network_admin=factories.network_admin(),
    )


def person(**overrides) -> dict:
    values = {
        "name": NAME,
        "preferred_language": "ru",
        "interpreter_needed": True,
        "contact_channel": "phone",
        "contact_detail": PHONE,
        "safe_times": SAFE_TIMES,
        "age_range": "26_40",
        "needs": NEEDS,
    }
    values.update(overrides)
    return values


def consent(**overrides) -> dict:
    values = {
        "shared_fields": ["name", "contact"],
        "purpose": "legal advice",
        "method": "verbal",
        "explained_in_language": "ru",
        "interpreter_used": True,
        "valid_until": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
    }
    values.update(overrides)
    return values


def sent_referral(net: SimpleNamespace, **consent_overrides) -> Referral:
    """A referral sent through the service, as the web form would."""
    return services.referral_send(
        acting_user=net.sender_staff,
        sender=net.sender,
        service=net.service,
        person=person(),
        urgency="soon",
        consent=consent(**consent_overrides),
    )


def accepted_referral(net: SimpleNamespace, **consent_overrides) -> Referral:
    referral = sent_referral(net, **consent_overrides)
    return services.referral_accept(referral=referral, acting_user=net.receiver_staff)


def detail_url(referral: Referral, suffix: str = "") -> str:
    return f"{REFERRALS}{referral.pk}/{suffix}"


@pytest.fixture(scope="module")
def shared_net(django_db_setup, django_db_blocker) -> Iterator[SimpleNamespace]:
    """Built once for the module (three organisations and nine people); each test's writes are rolled back."""
    with rolled_back_after_module(django_db_blocker):
        yield build_network()


@pytest.fixture
def net(db, shared_net) -> SimpleNamespace:
    return fresh(shared_net)


# ---------------------------------------------------------------------------------------------------------------
# Who sees what


SEES_IT = ["sender_staff", "sender_coordinator", "receiver_staff", "receiver_coordinator"]
DOES_NOT = ["sender_peer", "receiver_volunteer", "unrelated_staff", "network_admin"]


@pytest.mark.parametrize("role", SEES_IT)
def test_staff_and_coordinators_of_both_sides_see_the_referral_in_lists_and_detail(net, signed_in, role):
    # given a referral from the sender to the receiver, and one between two other organisations
    referral = sent_referral(net)

    # when a staff member or coordinator of either side looks
    client = signed_in(getattr(net, role))
    listed = client.get(REFERRALS)
    detail = client.get(detail_url(referral))

    # then the referral is listed and readable, with the direction seen from their side
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [str(referral.pk)]
    assert detail.status_code == 200
    expected_direction = "received" if role.startswith("receiver") else "sent"
    assert detail.json()["direction"] == expected_direction
    assert listed.json()["results"][0]["direction"] == expected_direction
    for suffix in ("messages/", "events/"):
        assert client.get(detail_url(referral, suffix)).status_code == 200


@pytest.mark.parametrize("role", DOES_NOT)
def test_peers_volunteers_unrelated_staff_and_network_admins_get_404_and_empty_lists(net, signed_in, role):
    # given a referral between the sender and the receiver
    referral = sent_referral(net)
    missing = "00000000-0000-4000-8000-000000000000"

    # when anyone else asks for it, its messages, its timeline, or acts on it
    client = signed_in(getattr(net, role))

    # then the list is empty and every address answers 404 exactly like a missing referral
    listed = client.get(REFERRALS)
    assert listed.status_code == 200
    assert listed.json()["results"] == []
    for suffix in ("", "messages/", "events/"):
        assert client.get(detail_url(referral, suffix)).status_code == 404
        assert client.get(f"{REFERRALS}{missing}/{suffix}").status_code == 404
    for action in ("accept/", "cancel/", "withdraw-consent/", "messages/"):
        response = client.post(detail_url(referral, action), {"body": "hello"}, content_type="application/json")
        assert response.status_code == 404
    assert client.post(f"{REFERRALS}{missing}/accept/").status_code == 404
    assert not AccessLogEntry.objects.filter(referral=referral).exists()


def test_anonymous_callers_are_refused_everything(client, net):
    referral = sent_referral(net)

    assert client.get(REFERRALS).status_code == 401
    assert client.get(detail_url(referral)).status_code == 401
    assert client.post(detail_url(referral, "accept/")).status_code == 401
    assert client.get(f"{REFERRALS}counts/").status_code == 401


def test_list_carries_metadata_only_never_a_personal_field(net, signed_in):
    # given an accepted referral whose consent shares every field
    accepted_referral(net, shared_fields=["name", "contact", "safe_times", "age_range", "needs"])

    for user in (net.sender_staff, net.receiver_staff):
        # when either side lists referrals
        response = signed_in(user).get(REFERRALS)

        # then the row has the metadata fields and nothing personal, and no read was logged
        row = response.json()["results"][0]
        assert set(row) == SUMMARY_FIELDS
        assert row["status"] == "accepted"
        assert row["service"]["name"] == "Legal advice"
        for canary in CANARIES:
            assert canary not in response.content.decode()
    assert not AccessLogEntry.objects.exists()


def test_list_filters_by_status_direction_service_and_urgency(net, signed_in):
    # given a user who sends for the sender and receives for another organisation
    both_sides = net.sender_staff
    factories.member(net.unrelated, Role.STAFF, user=both_sides)
    factories.active_partnership(net.receiver, net.unrelated)
    unrelated_service = Service.objects.create(
        organisation=net.unrelated, category=ServiceCategory.objects.get(code="housing"), name="Housing"
    )
    sent_routine = sent_referral(net)
    accepted = accepted_referral(net)
    received = services.referral_send(
        acting_user=net.receiver_staff,
        sender=net.receiver,
        service=unrelated_service,
        person=person(),
        urgency="urgent",
        consent=consent(),
    )
    client = signed_in(both_sides)

    def ids(query: str) -> set[str]:
        response = client.get(f"{REFERRALS}?{query}")
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    # then each filter keeps what it says
    assert ids("") == {str(sent_routine.pk), str(accepted.pk), str(received.pk)}
    assert ids("direction=sent") == {str(sent_routine.pk), str(accepted.pk)}
    assert ids("direction=received") == {str(received.pk)}
    assert ids("status=accepted") == {str(accepted.pk)}
    assert ids("urgency=urgent") == {str(received.pk)}
    assert ids(f"service={unrelated_service.pk}") == {str(received.pk)}
    assert ids("status=sent&direction=sent") == {str(sent_routine.pk)}
    # and an unknown filter value is refused without being repeated back
    refused = client.get(f"{REFERRALS}?status={NAME}")
    assert refused.status_code == 400
    assert NAME not in refused.content.decode()


def test_list_runs_a_constant_number_of_queries_and_is_paginated(net, signed_in):
    # given a receiver with a few referrals, then many more
    client = signed_in(net.receiver_staff)
    sent_referral(net)
    client.get(REFERRALS)  # warm up (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(REFERRALS).status_code == 200
    for _ in range(6):
        accepted_referral(net)

    # when the list is read again
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"{REFERRALS}?limit=5")

    # then the number of queries did not grow with the data, and the page says how many there are
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert response.json()["count"] == 7
    assert len(response.json()["results"]) == 5
    assert response.json()["next"]


# ---------------------------------------------------------------------------------------------------------------
# Detail: consent scope, access log, erasure


def test_receiver_sees_no_personal_field_before_accepting_and_the_sender_sees_them_all(net, signed_in):
    # given a sent referral whose consent shares the name and the contact only
    referral = sent_referral(net)

    # when the receiver reads it before accepting
    before = signed_in(net.receiver_staff).get(detail_url(referral))

    # then every personal field is null, the preview is there, and no read was logged
    assert before.status_code == 200
    body = before.json()
    assert set(body["person"]) == PERSON_FIELDS
    assert all(value is None for value in body["person"].values())
    assert body["preferred_language"] == "ru"
    assert body["interpreter_needed"] is True
    assert body["urgency"] == "soon"
    assert body["consent"]["shared_fields"] == ["contact", "name"]
    assert "purpose" not in body["consent"]
    assert not AccessLogEntry.objects.filter(user=net.receiver_staff).exists()

    # when the sender reads it
    sender_view = signed_in(net.sender_staff).get(detail_url(referral)).json()

    # then the sender sees everything it recorded
    assert sender_view["person"] == {
        "name": NAME,
        "contact_channel": "phone",
        "contact_detail": PHONE,
        "safe_times": SAFE_TIMES,
        "age_range": "26_40",
        "needs": NEEDS,
    }


def test_receiver_sees_only_the_consented_fields_after_accepting_and_nothing_after_withdrawal(net, signed_in):
    # given a referral whose consent shares the name and the contact, accepted by the receiver
    referral = accepted_referral(net)
    receiver = signed_in(net.receiver_staff)

    # when the receiver reads it
    after_accept = receiver.get(detail_url(referral)).json()

    # then only the consented fields are filled in
    assert after_accept["person"] == {
        "name": NAME,
        "contact_channel": "phone",
        "contact_detail": PHONE,
        "safe_times": None,
        "age_range": None,
        "needs": None,
    }

    # when the sender records the withdrawal of consent through the API
    withdrawn = signed_in(net.sender_staff).post(detail_url(referral, "withdraw-consent/"))
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "consent_withdrawn"

    # then the receiver sees no personal field any more
    after_withdrawal = signed_in(net.receiver_staff).get(detail_url(referral))
    assert after_withdrawal.status_code == 200
    assert all(value is None for value in after_withdrawal.json()["person"].values())
    for canary in CANARIES:
        assert canary not in after_withdrawal.content.decode()


def test_every_detail_read_with_personal_fields_writes_one_access_log_row_on_the_api_channel(net, signed_in):
    # given an accepted referral
    referral = accepted_referral(net)

    # when the receiver reads it twice and the sender once
    receiver = signed_in(net.receiver_staff)
    receiver.get(detail_url(referral))
    receiver.get(detail_url(referral))
    signed_in(net.sender_coordinator).get(detail_url(referral))

    # then three rows say who read which fields, through the API, on behalf of which organisation
    rows = list(AccessLogEntry.objects.filter(referral=referral).order_by("created_at"))
    assert len(rows) == 3
    assert {row.channel for row in rows} == {"api"}
    assert [row.user for row in rows] == [net.receiver_staff, net.receiver_staff, net.sender_coordinator]
    assert rows[0].fields == ["contact", "name"]
    assert rows[0].organisation == net.receiver
    assert rows[2].organisation == net.sender
    assert rows[2].fields == ["age_range", "contact", "name", "needs", "safe_times"]


def test_erased_referral_shows_no_personal_field_and_erased_messages_have_no_body(net, signed_in):
    # given a completed referral with a message, whose personal data were erased after retention
    referral = accepted_referral(net)
    services.referral_message_post(referral=referral, acting_user=net.sender_staff, body=f"call {NAME} at 22h")
    referral = services.referral_complete(referral=referral, acting_user=net.receiver_staff, outcome="service_provided")
    services.referral_erase_personal_data(referral=referral)
    client = signed_in(net.sender_staff)

    # when the sender reads it, its messages and its timeline
    detail = client.get(detail_url(referral))
    messages = client.get(detail_url(referral, "messages/"))
    events = client.get(detail_url(referral, "events/"))

    # then nothing personal is left; the metadata is
    assert detail.json()["status"] == "completed"
    assert detail.json()["personal_data_erased_at"] is not None
    assert all(value is None for value in detail.json()["person"].values())
    assert [message["body"] for message in messages.json()] == [None]
    assert events.json()[-1]["kind"] == "personal_data_erased"
    for response in (detail, messages, events):
        for canary in CANARIES:
            assert canary not in response.content.decode()


def test_responses_about_referrals_are_never_cached(net, signed_in):
    referral = accepted_referral(net)
    client = signed_in(net.receiver_staff)

    for url in (REFERRALS, detail_url(referral), detail_url(referral, "messages/"), detail_url(referral, "events/")):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], url
    refused = client.post(detail_url(referral, "accept/"), content_type="application/json")
    assert refused.status_code == 409
    assert "no-store" in refused["Cache-Control"]


# ---------------------------------------------------------------------------------------------------------------
# Sending


def test_staff_sends_a_referral_and_gets_its_id_and_status_sent(net, signed_in, django_capture_on_commit_callbacks):
    # given a staff member who sends for one organisation only
    client = signed_in(net.sender_staff)

    # when they post a referral without naming the sender
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            REFERRALS,
            {
                "service": str(net.service.pk),
                "person": person(),
                "urgency": "urgent",
                "accompaniment": True,
                "consent": consent(shared_fields=["name", "needs"]),
            },
            content_type="application/json",
        )

    # then it is sent from their organisation, with its consent, and the answer carries no personal value
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "sent"
    assert body["direction"] == "sent"
    referral = Referral.objects.get(pk=body["id"])
    assert referral.sender_organisation == net.sender
    assert referral.receiver_organisation == net.receiver
    assert referral.person_name == NAME
    assert referral.accompaniment is True
    assert referral.urgency == "urgent"
    assert referral.consent.shared_fields == ["name", "needs"]
    assert referral.consent.interpreter_used is True
    for canary in CANARIES:
        assert canary not in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_a_user_sending_for_several_organisations_must_name_the_sender(net, signed_in):
    # given a staff member of two organisations that both partner with the receiver
    user = net.sender_staff
    factories.member(net.unrelated, Role.STAFF, user=user)
    factories.active_partnership(net.unrelated, net.receiver)
    client = signed_in(user)
    payload = {"service": str(net.service.pk), "person": person(), "consent": consent()}

    # when they send without saying for which one, they are asked to
    refused = client.post(REFERRALS, payload, content_type="application/json")
    assert refused.status_code == 400
    assert "sender" in refused.json()
    assert not Referral.objects.exists()

    # when they name it, it leaves from that organisation
    accepted = client.post(REFERRALS, {**payload, "sender": str(net.unrelated.pk)}, content_type="application/json")
    assert accepted.status_code == 201
    assert Referral.objects.get().sender_organisation == net.unrelated

    # and naming an organisation they do not send for is refused with a reason
    foreign = client.post(REFERRALS, {**payload, "sender": str(net.receiver.pk)}, content_type="application/json")
    assert foreign.status_code == 403
    assert foreign.json()["detail"]


@pytest.mark.parametrize("role", ["sender_peer", "receiver_volunteer", "network_admin"])
def test_peers_volunteers_and_network_admins_cannot_send(net, signed_in, role):
    payload = {"service": str(net.service.pk), "person": person(), "consent": consent()}

    response = signed_in(getattr(net, role)).post(REFERRALS, payload, content_type="application/json")

    assert response.status_code == 403
    assert NAME not in response.content.decode()
    assert not Referral.objects.exists()


def test_bad_input_gets_messages_per_field_that_never_repeat_personal_values(net, signed_in):
    client = signed_in(net.sender_staff)

    # when the shape is wrong: distinctive values in choice fields, a date in the past, a missing name
    shape = client.post(
        REFERRALS,
        {
            "service": str(net.service.pk),
            "person": person(name="", contact_channel=NAME, age_range=PHONE),
            "urgency": SAFE_TIMES,
            "consent": consent(shared_fields=["name", NEEDS], method=NAME, valid_until=NAME),
        },
        content_type="application/json",
    )
    # then 400 names the fields and repeats none of the values
    assert shape.status_code == 400
    errors = shape.json()
    assert {"name", "contact_channel", "age_range"} <= set(errors["person"])
    assert {"shared_fields", "method", "valid_until"} <= set(errors["consent"])
    assert "urgency" in errors

    # when the shape is right but the service refuses: a phone without a number, consent expired yesterday
    refused = client.post(
        REFERRALS,
        {
            "service": str(net.service.pk),
            "person": person(contact_detail=""),
            "consent": consent(valid_until=(timezone.localdate() - datetime.timedelta(days=1)).isoformat()),
        },
        content_type="application/json",
    )
    # then the service's messages come back under the fields they concern
    assert refused.status_code == 400
    assert "valid_until" in refused.json()["consent"]

    no_number = client.post(
        REFERRALS,
        {"service": str(net.service.pk), "person": person(contact_detail=""), "consent": consent()},
        content_type="application/json",
    )
    assert no_number.status_code == 400
    assert "contact_detail" in no_number.json()["person"]

    # when the service is unknown or not open to the sender
    closed = Service.objects.create(
        organisation=net.unrelated, category=ServiceCategory.objects.get(code="housing"), name="Partners only"
    )
    for service_id in ("00000000-0000-4000-8000-000000000000", str(closed.pk)):
        response = client.post(
            REFERRALS,
            {"service": service_id, "person": person(), "consent": consent()},
            content_type="application/json",
        )
        assert response.status_code == 400
        assert "service" in response.json()
        for canary in CANARIES:
            assert canary not in response.content.decode()

    # and nothing was sent, and no error body repeated a personal value
    for response in (shape, refused, no_number):
        for canary in CANARIES:
            assert canary not in response.content.decode()
    assert not Referral.objects.exists()


def test_malformed_json_is_refused_without_repeating_it(net, signed_in):
    response = signed_in(net.sender_staff).post(
        REFERRALS, f'{{"person": {{"name": "{NAME}"', content_type="application/json"
    )

    assert response.status_code == 400
    assert NAME not in response.content.decode()


# ---------------------------------------------------------------------------------------------------------------
# Messages and timeline


def test_both_sides_write_and_read_messages_shown_under_their_public_names(net, signed_in):
    # given a sent referral
    referral = sent_referral(net)

    # when the sender and then the receiver write
    first = signed_in(net.sender_staff).post(
        detail_url(referral, "messages/"), {"body": "She prefers mornings."}, content_type="application/json"
    )
    second = signed_in(net.receiver_staff).post(
        detail_url(referral, "messages/"), {"body": "Noted, thank you."}, content_type="application/json"
    )

    # then both are listed, in order, with the pseudonym and organisation of the author, never the real name
    assert first.status_code == second.status_code == 201
    listed = signed_in(net.receiver_coordinator).get(detail_url(referral, "messages/"))
    assert listed.status_code == 200
    rows = listed.json()
    assert [(row["author"], row["organisation"]["name"], row["body"]) for row in rows] == [
        ("Worker Mira", "Outreach Nord", "She prefers mornings."),
        ("Lawyer Ana", "Legal Clinic", "Noted, thank you."),
    ]
    assert net.sender_staff.last_name not in listed.content.decode()
    assert "no-store" in listed["Cache-Control"]


def test_an_empty_message_is_refused_and_nothing_is_posted(net, signed_in):
    referral = sent_referral(net)

    response = signed_in(net.sender_staff).post(
        detail_url(referral, "messages/"), {"body": "   "}, content_type="application/json"
    )

    assert response.status_code == 400
    assert "body" in response.json()
    assert not referral.messages.exists()


def test_timeline_lists_each_step_with_who_when_and_the_note(net, signed_in):
    # given a referral sent, accepted, then completed with a note
    referral = accepted_referral(net)
    services.referral_complete(
        referral=referral, acting_user=net.receiver_staff, outcome="service_provided", note="Seen on Monday."
    )

    # when the sender reads the timeline
    response = signed_in(net.sender_staff).get(detail_url(referral, "events/"))

    # then every step is there with the actor's public name and organisation
    assert response.status_code == 200
    steps = [
        (e["kind"], e["from_status"], e["to_status"], e["actor"], e["organisation"]["name"], e["note"])
        for e in response.json()
    ]
    assert steps == [
        ("sent", None, "sent", "Worker Mira", "Outreach Nord", None),
        ("accepted", "sent", "accepted", "Lawyer Ana", "Legal Clinic", None),
        ("completed", "accepted", "completed", "Lawyer Ana", "Legal Clinic", "Seen on Monday."),
    ]
    assert all(event["created_at"] for event in response.json())


# ---------------------------------------------------------------------------------------------------------------
# Counts for network administrators


def test_network_admins_see_counts_only_and_everyone_else_is_refused(net, signed_in):
    # given referrals in three states
    sent_referral(net)
    accepted_referral(net)
    services.referral_cancel(referral=sent_referral(net), acting_user=net.sender_staff)

    # when a network administrator asks for the counts
    response = signed_in(net.network_admin).get(f"{REFERRALS}counts/")

    # then they get numbers per status and per month, and nothing else
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"total", "by_status", "by_month"}
    assert body["total"] == 3
    assert body["by_status"]["sent"] == 1
    assert body["by_status"]["accepted"] == 1
    assert body["by_status"]["cancelled"] == 1
    assert set(body["by_status"]) == set(ReferralStatus.values)
    assert body["by_month"] == [{"month": timezone.localtime().strftime("%Y-%m"), "count": 3}]
    for forbidden in (*CANARIES, "Outreach Nord", "Legal Clinic", "Legal advice"):
        assert forbidden not in response.content.decode()

    # and staff, coordinators and peers are refused
    for user in (net.sender_staff, net.receiver_coordinator, net.sender_peer):
        assert signed_in(user).get(f"{REFERRALS}counts/").status_code == 403


# ---------------------------------------------------------------------------------------------------------------
# Token sign-in


def test_token_authentication_reads_and_acts_on_referrals(client, net, enrol_totp):
    # given a receiver with a token and TOTP enrolled, and a sent referral
    referral = sent_referral(net)
    enrol_totp(net.receiver_staff)
    token = Token.objects.create(user=net.receiver_staff)
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}

    # when they list, accept and read the referral with the token only (no session)
    listed = client.get(REFERRALS, **headers)
    accepted = client.post(detail_url(referral, "accept/"), content_type="application/json", **headers)
    detail = client.get(detail_url(referral), **headers)

    # then it works as with a session, and the read is logged on the API channel
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    assert detail.json()["person"]["name"] == NAME
    assert set(AccessLogEntry.objects.filter(user=net.receiver_staff).values_list("channel", flat=True)) == {"api"}

    # and an unrelated user's token answers 404 for the same referral
    enrol_totp(net.unrelated_staff)
    other = Token.objects.create(user=net.unrelated_staff)
    assert client.get(detail_url(referral), HTTP_AUTHORIZATION=f"Token {other.key}").status_code == 404


def test_token_of_staff_without_two_factor_is_refused(client, net):
    referral = sent_referral(net)
    token = Token.objects.create(user=net.receiver_staff)

    response = client.get(detail_url(referral), HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 403
    assert not AccessLogEntry.objects.exists()
