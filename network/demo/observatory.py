"""Demo history for the observatory: fifteen months of past referrals between the demo organisations, library
views and downloads, then a first build, so the observatory shows figures and some suppressed cells (idempotent).

The past referrals carry metadata only (they are long closed, their personal data erased, as retention leaves
them). Bulk inserts with a fixed random seed: it takes a few seconds.
"""

from __future__ import annotations

import contextlib
import datetime
import random
import uuid
from collections.abc import Iterator

from django.db import models, transaction
from django.utils import timezone

from network.directory.models import Service
from network.observatory.models import ObservatoryRegion
from network.observatory.services import observatory_build
from network.orgs.models import Organisation
from network.referrals.models import Consent, Referral, ReferralEvent
from network.resources.models import ResourceDailyCount, ResourcePage

REGIONS = (  # code, name in French, other spellings, names in the other interface languages
    (
        "ile-de-france",
        "Île-de-France",
        ["IDF", "Paris region"],
        {
            "en": "Île-de-France (Paris region)",
            "es": "Isla de Francia",
            "ru": "Иль-де-Франс",
            "zh-hans": "法兰西岛大区",
            "ar": "إيل دو فرانس",
        },
    ),
    (
        "provence-alpes-cote-d-azur",
        "Provence-Alpes-Côte d'Azur",
        ["PACA"],
        {
            "en": "Provence-Alpes-Côte d'Azur",
            "es": "Provenza-Alpes-Costa Azul",
            "ru": "Прованс — Альпы — Лазурный берег",
            "zh-hans": "普罗旺斯-阿尔卑斯-蓝色海岸大区",
            "ar": "بروفانس ألب كوت دازور",
        },
    ),
    (
        "auvergne-rhone-alpes",
        "Auvergne-Rhône-Alpes",
        ["ARA"],
        {
            "en": "Auvergne-Rhône-Alpes",
            "es": "Auvernia-Ródano-Alpes",
            "ru": "Овернь — Рона — Альпы",
            "zh-hans": "奥弗涅-罗讷-阿尔卑斯大区",
            "ar": "أوفيرن رون ألب",
        },
    ),
    (
        "occitanie",
        "Occitanie",
        [],
        {"en": "Occitania", "es": "Occitania", "ru": "Окситания", "zh-hans": "奥克西塔尼大区", "ar": "أوكسيتانيا"},
    ),
)
SENDERS = ("lotus-outreach", "collectif-etoile", "amaranthe", "pairs-en-route")
MONTHS = 15
# (status, share, outcome or decline reason)
ENDINGS = (
    ("completed", 40, "service_provided"),
    ("completed", 8, "did_not_come"),
    ("completed", 5, "could_not_contact"),
    ("completed", 3, "no_longer_needed"),
    ("declined", 8, "no_capacity"),
    ("declined", 4, "not_eligible"),
    ("declined", 2, "out_of_area"),
    ("cancelled", 10, ""),
    ("expired", 8, ""),
    ("consent_withdrawn", 4, ""),
)


def seed_demo_observatory() -> int:
    """Configure the regions, add the past activity once, and build the observatory; returns referrals added."""
    for order, (code, label, other_names, label_translations) in enumerate(REGIONS):
        ObservatoryRegion.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "label_translations": label_translations,
                "other_names": other_names,
                "sort_order": order,
            },
        )
    added = 0
    organisations = {o.slug: o for o in Organisation.objects.filter(slug__in=SENDERS)}
    first_of_month = timezone.localdate().replace(day=1)
    start = _months_before(first_of_month, MONTHS)
    history = Referral.objects.filter(  # the past referrals, long closed and erased (the demo's own are not)
        sender_organisation__slug__in=SENDERS,
        created_at__date__gte=start,
        created_at__date__lt=first_of_month,
        personal_data_erased_at__isnull=False,
    )
    if len(organisations) == len(SENDERS) and not history.exists():
        with transaction.atomic():
            added = _past_referrals(list(organisations.values()), start, first_of_month)
            _library_counts(start, first_of_month)
    transaction.on_commit(observatory_build)  # after seed_demo's transaction: the build reads committed rows
    return added


def _months_before(month: datetime.date, count: int) -> datetime.date:
    year, index = divmod(month.year * 12 + month.month - 1 - count, 12)
    return datetime.date(year, index + 1, 1)


def _past_referrals(senders: list[Organisation], start: datetime.date, end: datetime.date) -> int:
    rng = random.Random(15)  # noqa: S311 (demo data)
    services = list(Service.objects.filter(is_active=True).exclude(organisation__slug__in=SENDERS[1:]))
    tz = timezone.get_current_timezone()
    endings = [ending for ending in ENDINGS for _ in range(ending[1])]
    referrals, consents, events = [], [], []
    day = start
    while day < end:
        for service in services:
            for sender in senders:
                if sender.pk == service.organisation_id:
                    continue
                for _ in range(rng.choice((0, 0, 1, 1, 2, 3, 4))):
                    created = datetime.datetime.combine(
                        day + datetime.timedelta(days=rng.randrange(28)), datetime.time(10), tzinfo=tz
                    ) + datetime.timedelta(minutes=rng.randrange(600))
                    status, _share, detail = rng.choice(endings)
                    answered = created + datetime.timedelta(hours=rng.randrange(2, 24 * 12))
                    closed = answered + datetime.timedelta(days=rng.randrange(2, 40))
                    if status in ("cancelled", "expired"):
                        answered = None
                    if status == "declined":
                        closed = answered
                    referral = Referral(
                        id=uuid.uuid4(),
                        sender_organisation=sender,
                        receiver_organisation_id=service.organisation_id,
                        service=service,
                        status=status,
                        urgency=rng.choice(("routine", "routine", "soon", "urgent")),
                        preferred_language=rng.choice(("fr", "fr", "en", "es", "ro", "zh", "uk")),
                        interpreter_needed=rng.random() < 0.25,
                        accompaniment=rng.random() < 0.15,
                        contact_channel="through_sender",
                        decline_reason=detail if status == "declined" else "",
                        outcome=detail if status == "completed" else "",
                        created_at=created,
                        answered_at=answered,
                        closed_at=closed,
                        personal_data_erased_at=closed + datetime.timedelta(days=90),
                    )
                    referrals.append(referral)
                    consents.append(
                        Consent(
                            referral=referral,
                            receiving_organisation_id=service.organisation_id,
                            method="verbal",
                            explained_in_language=referral.preferred_language,
                            valid_until=(closed + datetime.timedelta(days=30)).date(),
                            withdrawn_at=closed if status == "consent_withdrawn" else None,
                            recorded_at=created,
                        )
                    )
                    events.append(ReferralEvent(referral=referral, kind="sent", to_status="sent", created_at=created))
                    if answered is not None:
                        kind = "declined" if status == "declined" else "accepted"
                        events.append(ReferralEvent(referral=referral, kind=kind, to_status=kind, created_at=answered))
                    if status == "consent_withdrawn":
                        events.append(
                            ReferralEvent(
                                referral=referral, kind="consent_withdrawn", to_status=status, created_at=closed
                            )
                        )
        day = _months_before(day, -1)
    with _keeping_given_dates(Referral, ReferralEvent, Consent):
        Referral.objects.bulk_create(referrals, batch_size=1000)
        Consent.objects.bulk_create(consents, batch_size=1000)
        ReferralEvent.objects.bulk_create(events, batch_size=1000)
    return len(referrals)


def _library_counts(start: datetime.date, end: datetime.date) -> None:
    """A week's views and downloads per live resource page (in each of its languages), one row a week."""
    rng = random.Random(16)  # noqa: S311 (demo data)
    pages = list(ResourcePage.objects.live().values_list("pk", flat=True))
    rows = []
    day = start
    while day < end:
        for page in pages:
            views = rng.choice((0, 1, 3, 6, 12, 25))
            rows.append(
                ResourceDailyCount(page_id=page, day=day, views=views, downloads=views // rng.choice((2, 3, 5)))
            )
        day += datetime.timedelta(days=7)
    ResourceDailyCount.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


@contextlib.contextmanager
def _keeping_given_dates(*model_classes: type[models.Model]) -> Iterator[None]:
    """Bulk inserts keep the past dates given (auto_now_add would set them all to now)."""
    fields = [
        field
        for model in model_classes
        for field in model._meta.concrete_fields
        if isinstance(field, models.DateTimeField) and field.auto_now_add
    ]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True
