"""Build referrals in any state through the real services, so tests start from states the product can reach.

    service = make_service(receiver)                       # a legal-advice service taking referrals from partners
    referral = make_referral(worker, lawyer, status="appointment_set", shared_fields=["name"])

`sender` and `receiver` are users (staff or coordinators) of the sending and receiving organisations; the
organisations are taken from their memberships unless given. Notifications run through the outbox as in
production (after commit); tests that count them wrap their calls in `django_capture_on_commit_callbacks`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from network.accounts.models import User
from network.directory.models import ReferralsFrom, Service, ServiceCategory
from network.orgs import policy
from network.orgs.models import Organisation, PartnershipStatus, Role
from network.referrals import services
from network.referrals.models import DeclineReason, Outcome, PersonalField, Referral, ReferralStatus
from tests import factories

DEFAULT_PERSON: dict[str, Any] = {
    "name": "Test Person",
    "preferred_language": "fr",
    "interpreter_needed": False,
    "contact_channel": "phone",
    "contact_detail": "+33 6 00 00 00 00",
    "safe_times": "weekday afternoons",
    "age_range": "26_40",
    "needs": "advice about a residence permit",
}
ALL_FIELDS: list[str] = list(PersonalField.values)


def make_service(org: Organisation, category: str = "legal-advice", **fields: Any) -> Service:
    """A service of `org` in the category with this code (taking referrals from partners unless told otherwise)."""
    values: dict[str, Any] = {"name": f"{category} at {org.name}", "referrals_from": ReferralsFrom.PARTNERS}
    values.update(fields)
    return Service.objects.create(organisation=org, category=ServiceCategory.objects.get(code=category), **values)


def organisation_of(user: User) -> Organisation:
    """The (first) organisation where the user may send or receive referrals."""
    ids = [org_id for org_id, perms in policy.organisation_permissions(user).items() if "send_referrals" in perms]
    return Organisation.objects.get(pk=ids[0])


def sender_and_receiver(
    *, sender_role: str = Role.STAFF, receiver_role: str = Role.STAFF
) -> tuple[User, User, Organisation, Organisation]:
    """Two partner organisations with one member each: (sender user, receiver user, sender org, receiver org)."""
    sender_org, receiver_org = factories.organisation(), factories.organisation()
    factories.active_partnership(sender_org, receiver_org)
    return (
        factories.member(sender_org, sender_role),
        factories.member(receiver_org, receiver_role),
        sender_org,
        receiver_org,
    )


def consent_data(shared_fields: list[str] | None = None, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "shared_fields": list(ALL_FIELDS if shared_fields is None else shared_fields),
        "purpose": "legal advice about residence",
        "method": "verbal",
        "explained_in_language": "fr",
        "interpreter_used": False,
        "valid_until": timezone.localdate() + datetime.timedelta(days=60),
    }
    data.update(overrides)
    return data


def send(
    sender: User,
    *,
    service: Service,
    sender_org: Organisation | None = None,
    shared_fields: list[str] | None = None,
    urgency: str = "routine",
    consent: dict[str, Any] | None = None,
    **person: Any,
) -> Referral:
    """Send a referral to `service` (the consent shares every personal field unless told otherwise)."""
    return services.referral_send(
        acting_user=sender,
        sender=sender_org or organisation_of(sender),
        service=service,
        person={**DEFAULT_PERSON, **person},
        urgency=urgency,
        consent=consent or consent_data(shared_fields),
    )


def make_referral(
    sender: User,
    receiver: User,
    *,
    status: str = ReferralStatus.SENT,
    shared_fields: list[str] | None = None,
    service: Service | None = None,
    sender_org: Organisation | None = None,
    **person: Any,
) -> Referral:
    """A referral from `sender`'s organisation to `receiver`'s, brought to `status` through the services.

    A partnership between the two organisations is created when missing; `redirected` needs a second service
    of the receiving organisation, created here.
    """
    sender_org = sender_org or organisation_of(sender)
    receiver_org = service.organisation if service else organisation_of(receiver)
    _ensure_partnership(sender_org, receiver_org)
    service = service or make_service(receiver_org)
    referral = send(sender, service=service, sender_org=sender_org, shared_fields=shared_fields, **person)
    return advance(referral, sender=sender, receiver=receiver, status=status)


def advance(referral: Referral, *, sender: User, receiver: User, status: str) -> Referral:
    """Move a freshly sent referral to `status` along the shortest path of real transitions."""
    soon = timezone.now() + datetime.timedelta(days=3)
    if status == ReferralStatus.SENT:
        pass
    elif status == ReferralStatus.REDIRECTED:
        other = make_service(referral.receiver_organisation, "social-rights", name="Social rights desk")
        services.referral_redirect(referral=referral, acting_user=receiver, service=other)
    elif status == ReferralStatus.ACCEPTED:
        services.referral_accept(referral=referral, acting_user=receiver)
    elif status == ReferralStatus.DECLINED:
        services.referral_decline(referral=referral, acting_user=receiver, reason=DeclineReason.NO_CAPACITY)
    elif status == ReferralStatus.APPOINTMENT_SET:
        services.referral_accept(referral=referral, acting_user=receiver)
        services.referral_set_appointment(referral=referral, acting_user=receiver, appointment_at=soon)
    elif status == ReferralStatus.COMPLETED:
        services.referral_accept(referral=referral, acting_user=receiver)
        services.referral_set_appointment(referral=referral, acting_user=receiver, appointment_at=soon)
        services.referral_complete(referral=referral, acting_user=receiver, outcome=Outcome.SERVICE_PROVIDED)
    elif status == ReferralStatus.CANCELLED:
        services.referral_cancel(referral=referral, acting_user=sender)
    elif status == ReferralStatus.EXPIRED:
        Referral.objects.filter(pk=referral.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=365 * 5)  # older than any expiry setting
        )
        services.referrals_expire_unanswered()
    elif status == ReferralStatus.CONSENT_WITHDRAWN:
        services.referral_accept(referral=referral, acting_user=receiver)
        services.referral_withdraw_consent(referral=referral, acting_user=sender)
    else:
        raise ValueError(f"Unknown status {status!r}")
    referral = Referral.objects.select_related("consent").get(pk=referral.pk)
    assert referral.status == status, (referral.status, status)
    return referral


def _ensure_partnership(a: Organisation, b: Organisation) -> None:
    from django.db.models import Q

    from network.orgs.models import Partnership

    exists = Partnership.objects.filter(
        Q(proposer=a, partner=b) | Q(proposer=b, partner=a), status=PartnershipStatus.ACTIVE
    ).exists()
    if not exists:
        factories.active_partnership(a, b)
