"""How notifications reach a member's email: their own choice (each event, daily digest, off), else automatic:
the daily digest for the receivers of a busy organisation (more than REFERRAL_BUSY_RECEIVER_PER_WEEK referrals
received in the last 7 days), one email each otherwise."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from network.accounts.models import NotificationEmail
from network.accounts.services import user_preferences_update
from network.notifications.models import EmailDelivery, Notification
from network.notifications.services import notifications_send_digests
from network.orgs.models import Role
from tests import factories
from tests.referrals.factories import make_service, send, sender_and_receiver

pytestmark = pytest.mark.django_db


def _to(mailoutbox, user) -> list:
    return [mail for mail in mailoutbox if user.email in mail.to]


def _choose(user, choice: str) -> None:
    user.notification_email = choice
    user.save(update_fields=["notification_email"])


@pytest.fixture
def busy_receiver(settings, django_capture_on_commit_callbacks):
    """A receiving organisation that received three referrals this week (busy above two), a staff member who
    left the automatic choice, and the sender."""
    settings.REFERRAL_BUSY_RECEIVER_PER_WEEK = 2
    sender, receiver, _sender_org, receiver_org = sender_and_receiver()
    service = make_service(receiver_org)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            send(sender, service=service)
    return {"sender": sender, "receiver": receiver, "org": receiver_org, "service": service}


def test_new_members_are_on_the_automatic_choice(busy_receiver):
    assert busy_receiver["receiver"].notification_email == NotificationEmail.AUTO


def test_a_busy_receiver_gets_new_referrals_in_the_daily_digest_by_default(
    busy_receiver, mailoutbox, django_capture_on_commit_callbacks
):
    # Given a busy receiving organisation whose staff member kept the automatic choice
    receiver, sender = busy_receiver["receiver"], busy_receiver["sender"]
    mailoutbox.clear()

    # When one more referral arrives
    with django_capture_on_commit_callbacks(execute=True):
        referral = send(sender, service=busy_receiver["service"], name="Zoubida-Canary", contact_detail="+33 6 99")

    # Then it is on the platform at once, but waits for the digest instead of an email of its own
    notification = Notification.objects.get(user=receiver, reference=referral.number)
    assert notification.email_delivery == EmailDelivery.DIGEST
    assert _to(mailoutbox, receiver) == []

    # When the digest runs, then one email lists it, with no personal data
    notifications_send_digests()
    (digest,) = _to(mailoutbox, receiver)
    assert referral.number in digest.body
    assert busy_receiver["service"].name in digest.body
    for value in ("Zoubida", "+33 6 99", "Test Person"):
        assert value not in digest.subject + digest.body


def test_a_quiet_receiver_gets_one_email_each_by_default(settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.REFERRAL_BUSY_RECEIVER_PER_WEEK = 2
    sender, receiver, _s, receiver_org = sender_and_receiver()

    with django_capture_on_commit_callbacks(execute=True):
        referral = send(sender, service=make_service(receiver_org))

    assert Notification.objects.get(user=receiver).email_delivery == EmailDelivery.EACH
    (mail,) = _to(mailoutbox, receiver)
    assert referral.number in mail.subject


def test_the_sender_of_a_busy_organisations_referral_is_told_of_the_answer_at_once(
    busy_receiver, mailoutbox, django_capture_on_commit_callbacks
):
    # Given the referrals sent to the busy organisation; when the receiver accepts one
    from network.referrals import services
    from network.referrals.models import Referral

    referral = Referral.objects.filter(receiver_organisation=busy_receiver["org"]).first()
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_accept(referral=referral, acting_user=busy_receiver["receiver"])

    # Then the sender (not a busy receiver) gets their email at once
    assert len(_to(mailoutbox, busy_receiver["sender"])) == 1


@pytest.mark.parametrize(
    ("choice", "delivery", "emails_at_once", "emails_in_digest"),
    [
        (NotificationEmail.EACH, EmailDelivery.EACH, 1, 0),
        (NotificationEmail.DIGEST, EmailDelivery.DIGEST, 0, 1),
        (NotificationEmail.OFF, EmailDelivery.NONE, 0, 0),
    ],
)
def test_the_members_own_choice_overrides_the_default_of_a_busy_receiver(
    busy_receiver, choice, delivery, emails_at_once, emails_in_digest, mailoutbox, django_capture_on_commit_callbacks
):
    # Given a member of the busy organisation who made their own choice
    colleague = factories.member(busy_receiver["org"], Role.STAFF)
    _choose(colleague, choice)

    # When one more referral arrives
    with django_capture_on_commit_callbacks(execute=True):
        send(busy_receiver["sender"], service=busy_receiver["service"])

    # Then their choice decides, and the notification is on the platform whatever it is
    notification = Notification.objects.get(user=colleague, topic="referrals.received")
    assert notification.email_delivery == delivery
    assert len(_to(mailoutbox, colleague)) == emails_at_once
    mailoutbox.clear()
    notifications_send_digests()
    assert len(_to(mailoutbox, colleague)) == emails_in_digest


def test_the_digest_choice_also_applies_to_a_quiet_organisation(mailoutbox, django_capture_on_commit_callbacks):
    sender, receiver, _s, receiver_org = sender_and_receiver()
    _choose(receiver, NotificationEmail.DIGEST)

    with django_capture_on_commit_callbacks(execute=True):
        send(sender, service=make_service(receiver_org))

    assert _to(mailoutbox, receiver) == []
    assert notifications_send_digests() == 1
    assert len(_to(mailoutbox, receiver)) == 1


def test_switching_emails_off_keeps_waiting_notifications_out_of_the_digest(
    mailoutbox, django_capture_on_commit_callbacks
):
    # Given a member on the digest with a notification waiting for it
    sender, receiver, _s, receiver_org = sender_and_receiver()
    _choose(receiver, NotificationEmail.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        send(sender, service=make_service(receiver_org))

    # When they switch their emails off before the digest runs, then no digest is sent to them
    _choose(receiver, NotificationEmail.OFF)
    notifications_send_digests()
    assert _to(mailoutbox, receiver) == []
    assert Notification.objects.filter(user=receiver).count() == 1


def test_the_member_chooses_on_their_profile(client, signed_in):
    # Given a signed-in member
    member = factories.member(factories.organisation(), language="en")
    signed_in(member)
    url = reverse("accounts:profile")

    # The profile offers the four choices in a group with its legend, the current one checked
    page = client.get(url).content.decode()
    assert 'id="notification-email"' in page and "<legend>" in page
    for value in NotificationEmail.values:
        assert f'value="{value}"' in page
    assert re.search(r'<input[^>]*value="auto"[^>]*checked', page)

    # When they choose "off", then it is saved
    response = client.post(url, {"language": "en", "notification_email": "off"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.notification_email == NotificationEmail.OFF

    # And a form posted without the choice keeps it
    client.post(url, {"language": "en"})
    member.refresh_from_db()
    assert member.notification_email == NotificationEmail.OFF

    # And an unknown choice is refused
    refused = client.post(url, {"language": "en", "notification_email": "hourly"})
    assert refused.status_code == 200
    member.refresh_from_db()
    assert member.notification_email == NotificationEmail.OFF


def test_the_former_yes_no_digest_argument_still_means_digest_or_each_event():
    member = factories.member(factories.organisation())

    user_preferences_update(user=member, language="en", notification_digest=True)
    assert member.notification_email == NotificationEmail.DIGEST
    user_preferences_update(user=member, language="en", notification_digest=False)
    assert member.notification_email == NotificationEmail.EACH
    user_preferences_update(user=member, language="en")
    assert member.notification_email == NotificationEmail.EACH
