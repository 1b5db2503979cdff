"""Data for the fault tests, written through the real services in a process of its own.

The fault tests' database belongs to a private PostgreSQL cluster that the test process has no Django connection
to, so they run this with the services' environment (DATABASE_URL, broker, settings_faults) and read its JSON:

    python -m tests.faults.scenario partners     # two partner organisations, a service, an API token
    python -m tests.faults.scenario send SERVICE_ID SENDER_ID   # one referral, its notification dispatched to Redis
"""

from __future__ import annotations

import json
import sys

PERSON_NAME = "Faultline Person"


def partners() -> dict:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from rest_framework.authtoken.models import Token

    from network.accounts.models import NotificationEmail
    from network.orgs import selectors as org_selectors
    from network.referrals.rules import ReferralAction
    from tests.referrals.factories import make_service, sender_and_receiver

    sender, _receiver, _sender_org, receiver_org = sender_and_receiver()
    TOTP.activate(sender, generate_totp_secret())  # staff who send referrals use two-factor, tokens included
    service = make_service(receiver_org)
    receivers = org_selectors.organisation_users_who_can(receiver_org, ReferralAction.RECEIVE_REFERRALS)
    # One email per referral, as these receivers chose: a dozen referrals in a week would otherwise make them a busy
    # receiver whose "automatic" choice gathers new referrals in the daily digest (the fault is about delivery).
    for user in receivers:
        user.notification_email = NotificationEmail.EACH
        user.save(update_fields=["notification_email"])
    return {
        "sender_id": sender.pk,
        "token": Token.objects.create(user=sender).key,
        "service_id": str(service.pk),
        "receiver_emails": sorted(user.email for user in receivers),
    }


def send(service_id: str, sender_id: str) -> dict:
    from network.accounts.models import User
    from network.directory.models import Service
    from tests.referrals.factories import send as send_referral

    referral = send_referral(
        User.objects.get(pk=sender_id), service=Service.objects.get(pk=service_id), name=PERSON_NAME
    )
    return {"referral_id": str(referral.pk), "number": referral.number}


if __name__ == "__main__":
    import django

    django.setup()
    command, *arguments = sys.argv[1:]
    result = {"partners": partners, "send": send}[command](*arguments)
    print(json.dumps(result))  # noqa: T201
