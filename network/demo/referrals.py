"""Demo referrals in every state between the demo organisations of `seed_demo` (idempotent).

Every referral goes through the real services, so the demo shows states the product can reach; the persons are
obviously fake ("Demo Person N"). A referral is recognised on a second run by its (decrypted) demo name.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from network.accounts.models import User
from network.directory.models import ReferralsFrom, Service, ServiceCategory
from network.orgs.models import Organisation
from network.referrals import services
from network.referrals.models import DeclineReason, Outcome, PersonalField, Referral, ReferralStatus

DEMO_SLUGS = ("lotus-outreach", "collectif-etoile", "amaranthe", "centre-sante-belleville", "droits-devant")


@dataclass(frozen=True)
class DemoReferral:
    number: int
    sender: str  # username of the demo user who sends
    receiver: str  # username of the demo user who answers
    service: tuple[str, str]  # organisation slug, category code
    status: str
    urgency: str = "routine"
    language: str = "fr"

    @property
    def name(self) -> str:
        return f"Demo Person {self.number}"


DEMO_REFERRALS = [
    DemoReferral(1, "lotus-staff", "belleville-staff", ("centre-sante-belleville", "sexual-health-testing"), "sent"),
    DemoReferral(2, "lotus-staff", "droits-staff", ("droits-devant", "legal-advice"), "redirected", "soon", "zh"),
    DemoReferral(3, "lotus-coord", "belleville-staff", ("centre-sante-belleville", "hiv-hepatitis-care"), "accepted"),
    DemoReferral(4, "lotus-staff", "droits-staff", ("droits-devant", "residence-documents"), "declined", "urgent"),
    DemoReferral(
        5,
        "etoile-coord",
        "belleville-staff",
        ("centre-sante-belleville", "sexual-health-testing"),
        "appointment_set",
        "soon",
        "es",
    ),
    DemoReferral(
        6, "amaranthe-staff", "droits-staff", ("droits-devant", "residence-documents"), "completed", "routine", "uk"
    ),
    DemoReferral(7, "lotus-staff", "belleville-coord", ("centre-sante-belleville", "hiv-hepatitis-care"), "cancelled"),
    DemoReferral(8, "amaranthe-staff", "droits-coord", ("droits-devant", "legal-advice"), "expired", "routine", "ru"),
    DemoReferral(9, "lotus-staff", "droits-staff", ("droits-devant", "legal-advice"), "consent_withdrawn"),
]


def seed_demo_referrals() -> int:
    """Create the demo referrals that are missing; returns how many were created. Needs seed_demo's network."""
    if Organisation.objects.filter(slug__in=DEMO_SLUGS).count() < len(DEMO_SLUGS):
        return 0
    existing = {
        referral.person_name
        for referral in Referral.objects.filter(
            sender_organisation__slug__in=DEMO_SLUGS, receiver_organisation__slug__in=DEMO_SLUGS
        ).only("person_name")
    }
    created = 0
    for spec in DEMO_REFERRALS:
        if spec.name in existing:
            continue
        with transaction.atomic():
            _create(spec)
        created += 1
    return created


def _service(slug: str, category_code: str) -> Service:
    organisation = Organisation.objects.get(slug=slug)
    category = ServiceCategory.objects.get(code=category_code)
    service = Service.objects.filter(organisation=organisation, category=category, is_active=True).first()
    if service is None:
        service, _created = Service.objects.get_or_create(
            organisation=organisation,
            category=category,
            name=f"{category.label_in('en')} ({organisation.name})",
            defaults={"referrals_from": ReferralsFrom.NETWORK, "is_public": False},
        )
    return service


def _sender_organisation(user: User) -> Organisation:
    return Organisation.objects.get(
        slug__in=DEMO_SLUGS, memberships__user=user, memberships__role__in=("coordinator", "staff")
    )


def _create(spec: DemoReferral) -> Referral:
    sender = User.objects.get(username=spec.sender)
    receiver = User.objects.get(username=spec.receiver)
    service = _service(*spec.service)
    referral = services.referral_send(
        acting_user=sender,
        sender=_sender_organisation(sender),
        service=service,
        person={
            "name": spec.name,
            "preferred_language": spec.language,
            "interpreter_needed": spec.language not in ("fr", "en"),
            "contact_channel": "through_sender" if spec.number % 3 == 0 else "phone",
            "contact_detail": "" if spec.number % 3 == 0 else f"+33 6 00 00 00 0{spec.number}",
            "safe_times": "Weekday afternoons (demo)",
            "age_range": "26_40",
            "needs": (
                f"Demo needs {spec.number}: an appointment at the {service.category.label_in('en').lower()} service."
            ),
        },
        urgency=spec.urgency,
        consent={
            "shared_fields": list(PersonalField.values) if spec.number % 2 else ["name", "needs"],
            "purpose": "Demo consent: an appointment with the receiving service.",
            "method": "verbal",
            "explained_in_language": spec.language,
            "interpreter_used": spec.language not in ("fr", "en"),
            "valid_until": timezone.localdate() + datetime.timedelta(days=180),
        },
    )
    in_a_week = timezone.now() + datetime.timedelta(days=7)
    status = spec.status
    if status == ReferralStatus.REDIRECTED:
        other = _service(spec.service[0], "residence-documents")
        services.referral_redirect(referral=referral, acting_user=receiver, service=other, note="Demo redirect.")
    if status in (ReferralStatus.ACCEPTED, ReferralStatus.APPOINTMENT_SET, ReferralStatus.COMPLETED):
        services.referral_accept(referral=referral, acting_user=receiver)
        services.referral_message_post(
            referral=referral, acting_user=receiver, body="Demo message: we can see them next week."
        )
    if status in (ReferralStatus.APPOINTMENT_SET, ReferralStatus.COMPLETED):
        services.referral_set_appointment(referral=referral, acting_user=receiver, appointment_at=in_a_week)
    if status == ReferralStatus.COMPLETED:
        services.referral_complete(referral=referral, acting_user=receiver, outcome=Outcome.SERVICE_PROVIDED)
    if status == ReferralStatus.DECLINED:
        services.referral_decline(referral=referral, acting_user=receiver, reason=DeclineReason.NO_CAPACITY)
    if status == ReferralStatus.CANCELLED:
        services.referral_cancel(referral=referral, acting_user=sender, note="Demo: the person found another service.")
    if status == ReferralStatus.EXPIRED:
        # Dated back past the expiry delay, then expired by the same pass beat runs.
        Referral.objects.filter(pk=referral.pk).update(created_at=timezone.now() - datetime.timedelta(days=60))
        services.referrals_expire_unanswered()
    if status == ReferralStatus.CONSENT_WITHDRAWN:
        services.referral_accept(referral=referral, acting_user=receiver)
        services.referral_withdraw_consent(referral=referral, acting_user=sender)
    return referral
