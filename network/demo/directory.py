"""Demo services of the demo organisations (used by `manage.py seed_demo`)."""

import datetime

from network.accounts.models import User
from network.directory import services
from network.directory.models import AccessMode, LocationType, ReferralsFrom, Service, ServiceCategory
from network.orgs.models import Organisation, Role


def _hours(days: list[int], opens: str, closes: str, notes: str = "") -> list[dict]:
    return [
        {
            "weekday": day,
            "opens_at": datetime.time.fromisoformat(opens),
            "closes_at": datetime.time.fromisoformat(closes),
            "notes": notes,
        }
        for day in days
    ]


# organisation slug, category code, fields, opening hours
DEMO_SERVICES = [
    (
        "centre-sante-belleville",
        "sexual-health-testing",
        {
            "name": "Dépistage VIH, hépatites et IST",
            "description": "Free and anonymous testing for HIV, hepatitis B and C and other STIs, quick results.",
            "languages": ["fr", "en", "zh"],
            "interpreter_available": True,  # any language, on request
            "eligibility": "Everyone, with or without papers or health insurance.",
            "access_mode": AccessMode.BOTH,
            "address": "12 rue de l'Exemple",
            "postal_code": "75020",
            "city": "Paris",
            "area": "Belleville",
            "phone": "+33 1 00 00 00 00",
            "referrals_from": ReferralsFrom.NETWORK,
        },
        _hours([1, 3, 5], "09:30", "17:00") + _hours([6], "10:00", "13:00", "Walk-in only"),
    ),
    (
        "centre-sante-belleville",
        "hiv-hepatitis-care",
        {
            "name": "Consultation PrEP",
            "description": "Pre-exposure prophylaxis: first visit, prescription and follow-up every three months.",
            "languages": ["fr", "en"],
            "eligibility": "Adults at risk of HIV exposure.",
            "access_mode": AccessMode.APPOINTMENT,
            "address": "12 rue de l'Exemple",
            "postal_code": "75020",
            "city": "Paris",
            "area": "Belleville",
            "referrals_from": ReferralsFrom.PARTNERS,
            "is_public": False,
        },
        _hours([2, 4], "14:00", "19:00"),
    ),
    (
        "droits-devant",
        "legal-advice",
        {
            "name": "Permanence juridique",
            "description": "Free legal advice: labour and criminal law, violence, police custody, fines.",
            # Spanish-speaking, with interpreters: the service a worker refers a Spanish-speaking person to.
            "languages": ["fr", "es", "en", "ar"],
            "interpreter_available": True,
            "interpreter_languages": ["pt", "ro", "bg"],
            "access_mode": AccessMode.WALK_IN,
            "address": "3 place de l'Exemple",
            "postal_code": "75011",
            "city": "Paris",
            "area": "Oberkampf",
            "phone": "+33 1 00 00 00 11",
            "referrals_from": ReferralsFrom.NETWORK,
        },
        _hours([2, 4], "14:00", "18:00"),
    ),
    (
        "droits-devant",
        "residence-documents",
        {
            "name": "Titres de séjour et papiers d'identité",
            "description": "Help with residence permit applications, renewals and appeals, with a lawyer.",
            "languages": ["fr", "en", "ar"],
            "interpreter_available": True,
            "interpreter_languages": ["es", "ru", "uk"],
            "eligibility": "Referred by a partner organisation.",
            "access_mode": AccessMode.APPOINTMENT,
            "address": "3 place de l'Exemple",
            "postal_code": "75011",
            "city": "Paris",
            "area": "Oberkampf",
            "referrals_from": ReferralsFrom.PARTNERS,
            "is_public": False,
        },
        _hours([3], "09:00", "12:30"),
    ),
    (
        "lotus-outreach",
        "harm-reduction",
        {
            "name": "Réduction des risques au local",
            "description": "Condoms, lubricant, harm-reduction kits, a hot drink and someone to talk to.",
            "languages": ["fr", "en", "zh", "ro"],
            "access_mode": AccessMode.WALK_IN,
            "location_type": LocationType.PHYSICAL,
            "address": "Local d'accueil, 7 impasse Confidentielle",
            "postal_code": "75010",
            "city": "Paris",
            "area": "Strasbourg-Saint-Denis",  # withheld with the address: only Lotus sees it
            "address_is_confidential": True,
            "referrals_from": ReferralsFrom.NETWORK,
        },
        _hours([2, 4], "19:00", "23:30", "Evening drop-in"),
    ),
    (
        "lotus-outreach",
        "mental-health",
        {
            "name": "Groupe de parole entre pairs",
            "description": "A peer support group led by sex workers, every other week.",
            "languages": ["fr", "zh"],
            "access_mode": AccessMode.BOTH,
            "location_type": LocationType.VIRTUAL,
            "city": "Paris",
            "referrals_from": ReferralsFrom.PARTNERS,
            "is_public": False,
        },
        _hours([1], "18:00", "20:00"),
    ),
    (
        "amaranthe",
        "interpreting",
        {
            "name": "Interprétariat et accompagnement",
            "description": "Interpreters in Russian, Ukrainian and English, in person or by phone, for appointments.",
            "languages": ["ru", "uk", "en", "fr"],
            "access_mode": AccessMode.APPOINTMENT,
            "location_type": LocationType.VIRTUAL,
            "city": "Lyon",
            "email": "interpretes@amaranthe.example",
            "referrals_from": ReferralsFrom.NETWORK,
        },
        _hours([1, 2, 3, 4, 5], "09:00", "17:00"),
    ),
]


def seed_demo_services() -> int:
    """Add the demo services that are missing (matched by organisation and name). Returns how many were added."""
    added = 0
    for slug, category_code, fields, opening_hours in DEMO_SERVICES:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None or Service.objects.filter(organisation=organisation, name=fields["name"]).exists():
            continue
        services.service_create(
            organisation=organisation,
            acting_user=_coordinator(organisation),
            category=ServiceCategory.objects.get(code=category_code),
            opening_hours=opening_hours,
            **fields,
        )
        added += 1
    return added


def _coordinator(organisation: Organisation) -> User:
    return User.objects.filter(memberships__organisation=organisation, memberships__role=Role.COORDINATOR).first()
