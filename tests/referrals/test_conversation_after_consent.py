"""Once the person's consent ends (withdrawn, or expired), the conversation closes for the receiving organisation.

Messages and the timeline's notes can carry personal data: the receiver no longer reads them (page, API) and nobody
posts new messages (a refusal with the reason, nothing written). The sender keeps its own record; the receiver keeps
the metadata and learns that consent ended, without details; an unrelated organisation still gets 404.

Each test runs for the three ways consent ends: the sender records a withdrawal, the periodic pass closes a consent
past its end date, and a consent whose date has passed before that pass ran.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from network.orgs import policy
from network.orgs.models import Role
from network.outbox.models import OutboxMessage
from network.referrals import services
from network.referrals.models import AccessLogEntry, Consent, Referral, ReferralMessage, ReferralStatus
from network.referrals.rules import ReferralAction
from tests import factories
from tests.referrals.factories import make_referral, sender_and_receiver

pytestmark = pytest.mark.django_db

API = "/api/v1/referrals/"
SENDER_MESSAGE = "canary-message-from-sender: she sleeps at the Rue Canari shelter"
RECEIVER_MESSAGE = "canary-message-from-receiver: bring her permit number"
ACCEPT_NOTE = "canary-note: seen with her partner, afraid of the police"
CANARIES = (SENDER_MESSAGE, RECEIVER_MESSAGE, ACCEPT_NOTE)
ENDINGS = ["withdrawn", "expired", "expired_before_the_periodic_pass"]


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def end_consent(referral: Referral, sender, how: str) -> Referral:
    """End the consent the way `how` says, through the services (or the date alone, for the last case)."""
    if how == "withdrawn":
        services.referral_withdraw_consent(referral=referral, acting_user=sender)
    elif how == "expired":
        Consent.objects.filter(referral=referral).update(valid_until=timezone.localdate() + datetime.timedelta(days=7))
        assert services.referrals_close_expired_consents(today=timezone.localdate() + datetime.timedelta(days=8)) == 1
    else:
        Consent.objects.filter(referral=referral).update(valid_until=timezone.localdate() - datetime.timedelta(days=1))
    return Referral.objects.select_related("consent").get(pk=referral.pk)


def a_conversation(*, note: str = ACCEPT_NOTE) -> SimpleNamespace:
    """An accepted referral with a note on the acceptance and a message from each side; and an unrelated staff."""
    sender, receiver, sender_org, receiver_org = sender_and_receiver()
    referral = make_referral(sender, receiver, status=ReferralStatus.SENT)
    services.referral_accept(referral=referral, acting_user=receiver, note=note)
    services.referral_message_post(referral=referral, acting_user=sender, body=SENDER_MESSAGE)
    services.referral_message_post(referral=referral, acting_user=receiver, body=RECEIVER_MESSAGE)
    unrelated_staff = factories.member(factories.organisation(name="Elsewhere"), Role.STAFF)
    return SimpleNamespace(
        referral=Referral.objects.select_related("consent").get(pk=referral.pk),
        sender=sender,
        receiver=receiver,
        sender_org=sender_org,
        receiver_org=receiver_org,
        unrelated_staff=unrelated_staff,
    )


def page_url(referral: Referral) -> str:
    return reverse("referrals:detail", kwargs={"pk": referral.pk})


def post_url(referral: Referral) -> str:
    return reverse("referrals:message_post", kwargs={"pk": referral.pk})


def api_url(referral: Referral, suffix: str = "") -> str:
    return f"{API}{referral.pk}/{suffix}"


def shows_no_canary(response) -> bool:
    content = response.content.decode()
    return not any(canary in content for canary in CANARIES)


# ---------------------------------------------------------------------------------------------------------------
# Reading


@pytest.mark.parametrize("how", ENDINGS)
def test_after_consent_ends_the_receivers_page_shows_no_message_and_no_note_but_the_metadata(how, signed_in):
    # given a conversation whose receiver read the messages and the note while consent held
    given = a_conversation()
    before = signed_in(given.receiver).get(page_url(given.referral))
    assert RECEIVER_MESSAGE in before.content.decode() and ACCEPT_NOTE in before.content.decode()

    # when the consent ends
    referral = end_consent(given.referral, given.sender, how)

    # then the receiver's page still answers, with the service and dates, but without any message or note,
    # and it says why, without details
    page = signed_in(given.receiver).get(page_url(referral))
    assert page.status_code == 200
    assert shows_no_canary(page)
    html = page.content.decode()
    assert referral.service.name in html
    assert escape(str(services.CONVERSATION_NOT_SHARED)) in html
    assert 'action="' + post_url(referral) + '"' not in html  # no message form


@pytest.mark.parametrize("how", ENDINGS)
def test_after_consent_ends_the_api_gives_the_receiver_no_message_body_and_no_event_note(how, signed_in):
    # given a conversation, then the end of its consent
    given = a_conversation()
    referral = end_consent(given.referral, given.sender, how)
    client = signed_in(given.receiver)

    # when the receiver reads the referral, its messages and its timeline through the API
    detail = client.get(api_url(referral))
    messages = client.get(api_url(referral, "messages/"))
    events = client.get(api_url(referral, "events/"))

    # then the metadata is there, the messages are refused with the reason, and every note is null
    assert detail.status_code == 200
    assert detail.json()["service"]["name"] == referral.service.name
    assert detail.json()["consent"]["withdrawn_at"] is not None or how == "expired_before_the_periodic_pass"
    assert messages.status_code == 403
    assert messages.json()["detail"] == str(services.CONVERSATION_NOT_SHARED)
    assert events.status_code == 200
    assert "accepted" in [event["kind"] for event in events.json()]
    assert all(event["note"] is None for event in events.json())
    for response in (detail, messages, events):
        assert shows_no_canary(response)


@pytest.mark.parametrize("how", ENDINGS)
def test_after_consent_ends_the_sender_still_reads_its_messages_and_notes_and_its_reads_are_logged(how, signed_in):
    # given a conversation, then the end of its consent
    given = a_conversation()
    referral = end_consent(given.referral, given.sender, how)
    client = signed_in(given.sender)
    logged_before = AccessLogEntry.objects.filter(referral=referral, user=given.sender).count()

    # when the sender reads the page and the API
    page = client.get(page_url(referral))
    messages = client.get(api_url(referral, "messages/"))
    events = client.get(api_url(referral, "events/"))

    # then the sender sees the whole conversation as before
    assert page.status_code == 200
    for canary in CANARIES:
        assert canary in page.content.decode()
    assert [row["body"] for row in messages.json()] == [SENDER_MESSAGE, RECEIVER_MESSAGE]
    assert ACCEPT_NOTE in [event["note"] for event in events.json()]
    # and the page's read of the personal fields is written to the access log, as before
    assert AccessLogEntry.objects.filter(referral=referral, user=given.sender).count() == logged_before + 1


# ---------------------------------------------------------------------------------------------------------------
# Posting


@pytest.mark.parametrize("how", ENDINGS)
def test_after_consent_ends_the_receivers_post_is_refused_with_the_reason_and_writes_nothing(how, signed_in, client):
    # given a conversation, then the end of its consent
    given = a_conversation()
    referral = end_consent(given.referral, given.sender, how)
    messages_before = ReferralMessage.objects.count()
    outbox_before = OutboxMessage.objects.filter(topic="referrals.message").count()

    # when the receiver posts through the API, the page and the service
    signed_in(given.receiver)
    api = client.post(api_url(referral, "messages/"), {"body": "one more thing"}, content_type="application/json")
    page = client.post(post_url(referral), {"body": "one more thing"}, follow=True)
    with pytest.raises(services.ConversationClosed):
        services.referral_message_post(referral=referral, acting_user=given.receiver, body="one more thing")

    # then each refusal gives the reason, and nothing was written
    assert api.status_code == 403
    assert api.json()["detail"] == str(services.CONVERSATION_CLOSED)
    assert page.redirect_chain == [(page_url(referral) + "#messages", 302)]
    assert escape(str(services.CONVERSATION_CLOSED)) in page.content.decode()
    assert ReferralMessage.objects.count() == messages_before
    assert OutboxMessage.objects.filter(topic="referrals.message").count() == outbox_before
    assert not policy.can(given.receiver, ReferralAction.POST_REFERRAL_MESSAGE, referral)


@pytest.mark.parametrize("how", ENDINGS)
def test_after_consent_ends_the_sender_cannot_post_either_and_is_told_why(how, signed_in):
    # given a conversation, then the end of its consent
    given = a_conversation()
    referral = end_consent(given.referral, given.sender, how)

    # when the sender posts (the receiving organisation could not read it any more)
    response = signed_in(given.sender).post(
        api_url(referral, "messages/"), {"body": "a last word"}, content_type="application/json"
    )

    # then it is refused with the reason, and the page says the conversation is closed
    assert response.status_code == 403
    assert response.json()["detail"] == str(services.CONVERSATION_CLOSED)
    assert referral.messages.count() == 2
    assert escape(str(services.CONVERSATION_CLOSED)) in signed_in(given.sender).get(page_url(referral)).content.decode()


def test_while_consent_holds_both_sides_still_post_and_read():
    # given an accepted referral, consent valid
    given = a_conversation()

    # then both sides read and post (the rule closes the conversation only when consent ends)
    for user in (given.sender, given.receiver):
        assert policy.can(user, ReferralAction.READ_REFERRAL_CONVERSATION, given.referral)
        assert policy.can(user, ReferralAction.POST_REFERRAL_MESSAGE, given.referral)
    services.referral_message_post(referral=given.referral, acting_user=given.receiver, body="still open")
    assert given.referral.messages.count() == 3


def test_a_withdrawal_committed_after_the_page_loaded_still_closes_the_post():
    # given the receiver holding the referral as it was before the withdrawal
    given = a_conversation()
    stale = Referral.objects.select_related("consent").get(pk=given.referral.pk)
    services.referral_withdraw_consent(referral=given.referral, acting_user=given.sender)

    # when the receiver posts with that stale copy, then the service reads the current state and refuses
    with pytest.raises(services.ConversationClosed):
        services.referral_message_post(referral=stale, acting_user=given.receiver, body="one more thing")
    assert given.referral.messages.count() == 2


# ---------------------------------------------------------------------------------------------------------------
# Others, and the cost


@pytest.mark.parametrize("how", ENDINGS)
def test_after_consent_ends_an_unrelated_organisation_still_gets_404(how, signed_in, client):
    given = a_conversation()
    referral = end_consent(given.referral, given.sender, how)
    signed_in(given.unrelated_staff)

    assert client.get(page_url(referral)).status_code == 404
    assert client.post(post_url(referral), {"body": "hello"}).status_code == 404
    for suffix in ("", "messages/", "events/"):
        assert client.get(api_url(referral, suffix)).status_code == 404
    assert (
        client.post(api_url(referral, "messages/"), {"body": "x"}, content_type="application/json").status_code == 404
    )
    assert referral.messages.count() == 2


@pytest.mark.parametrize("who", ["sender", "receiver"])
def test_reading_a_closed_conversation_runs_as_many_queries_whatever_its_length(who, signed_in):
    # given two withdrawn referrals between the same organisations: a short and a long conversation
    short = a_conversation()
    long_ = make_referral(short.sender, short.receiver, status=ReferralStatus.SENT, service=short.referral.service)
    services.referral_accept(referral=long_, acting_user=short.receiver, note=ACCEPT_NOTE)
    services.referral_set_appointment(
        referral=long_, acting_user=short.receiver, appointment_at=timezone.now() + datetime.timedelta(days=2)
    )
    for number in range(6):
        services.referral_message_post(referral=long_, acting_user=short.sender, body=f"message {number}")
    for referral in (short.referral, long_):
        services.referral_withdraw_consent(referral=referral, acting_user=short.sender)
    client = signed_in(getattr(short, who))
    for referral in (short.referral, long_):  # warm up (session, content types, the navigation's cached links)
        client.get(page_url(referral))
        client.get(api_url(referral, "events/"))

    # when the page and the timeline are read for each
    counts = []
    for referral in (short.referral, long_):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page_url(referral)).status_code == 200
            assert client.get(api_url(referral, "events/")).status_code == 200
        counts.append(len(queries))

    # then the number of queries does not grow with the messages and events (no note loaded row by row)
    assert counts[0] == counts[1]
