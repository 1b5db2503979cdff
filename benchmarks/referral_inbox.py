# ruff: noqa: T201, S101  (a script: it prints its table and checks each answer is a 200)
"""Benchmark: one organisation's referral inbox with 100,000 referrals across 200 organisations, on PostgreSQL.

Not a test: run it by hand (see benchmarks/README.md). It fills a dedicated database (created if missing), then
measures, in the same process and through the same middleware, p50/p95 wall time, CPU time and query counts of:
  - a bare Django view (one query, a tiny response): the yardstick of this machine;
  - the inbox page (referrals:inbox) and the API list (/api/v1/referrals/?direction=received);
  - the selector + serialisation path called directly (no HTTP, no middleware).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

from benchmarks.common import ensure_database, setup_client_environment, timed  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/passerelle_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--organisations", type=int, default=200)
    parser.add_argument("--requests", type=int, default=200, help="measured requests per target")
    parser.add_argument("--profile", metavar="TEXT", help="profile (pyinstrument) the targets whose label has TEXT")
    args = parser.parse_args()

    ensure_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "network.settings.test"  # fast hasher, fixed key, DEBUG off
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    setup_client_environment()  # the test client's host, without the test runner's template instrumentation
    settings.ROOT_URLCONF = __name__
    call_command("migrate", verbosity=0, interactive=False)
    staff, organisation = fill(args.referrals, args.organisations)
    measure(staff, organisation, args.requests, args.profile)


# ---------------------------------------------------------------------------------------------------------------
# Data


def fill(total: int, organisation_count: int):
    from django.db import transaction
    from django.utils import timezone

    from network.accounts.models import User
    from network.directory.models import Service, ServiceCategory
    from network.orgs import services as org_services
    from network.orgs.models import Organisation, OrganisationKind, Role
    from network.referrals.models import Consent, Referral, ReferralEvent, ReferralStatus

    existing = Referral.objects.count()
    organisation = Organisation.objects.filter(slug="bench-org-000").first()
    if existing >= total and organisation is not None:
        print(f"Database already holds {existing} referrals: reusing it.")
        return User.objects.get(username="bench-staff"), organisation

    print(f"Filling: {organisation_count} organisations, {total} referrals …", flush=True)
    started = time.perf_counter()
    admin = User.objects.filter(username="bench-admin").first()
    if admin is None:
        admin = User.objects.create_user("bench-admin", "bench-admin@example.org", "bench")
        org_services.network_admin_grant(user=admin)
    with transaction.atomic():
        organisations = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"Bench organisation {n:03d}",
                    slug=f"bench-org-{n:03d}",
                    kind=OrganisationKind.NGO_PROGRAMME,
                    country="FR",
                    city="Paris",
                )
                for n in range(organisation_count)
            ],
            ignore_conflicts=True,
        )
        organisations = list(Organisation.objects.filter(slug__startswith="bench-org-").order_by("slug"))
        categories = list(ServiceCategory.objects.all())
        Service.objects.bulk_create(
            [
                Service(organisation=org, category=categories[n % len(categories)], name=f"Service of {org.name}")
                for n, org in enumerate(organisations)
                if not org.services.exists()
            ]
        )
        services = {
            service.organisation_id: service for service in Service.objects.filter(organisation__in=organisations)
        }
    organisation = organisations[0]
    staff = User.objects.filter(username="bench-staff").first()
    if staff is None:
        coordinator = User.objects.create_user("bench-coord", "bench-coord@example.org", "bench")
        org_services.membership_add(
            organisation=organisation, user=coordinator, role=Role.COORDINATOR, acting_user=admin
        )
        staff = User.objects.create_user("bench-staff", "bench-staff@example.org", "bench")
        org_services.membership_add(organisation=organisation, user=staff, role=Role.STAFF, acting_user=coordinator)

    rng = random.Random(42)  # noqa: S311 (benchmark data, not security)
    statuses = list(ReferralStatus.values)
    now = timezone.now()
    batch = 5_000
    for start in range(existing, total, batch):
        referrals, consents, events = [], [], []
        for _ in range(start, min(start + batch, total)):
            sender, receiver = rng.sample(organisations, 2)
            referral = Referral(
                id=uuid.uuid4(),
                sender_organisation=sender,
                receiver_organisation=receiver,
                service=services[receiver.pk],
                status=rng.choice(statuses),
                urgency=rng.choice(["routine", "soon", "urgent"]),
                preferred_language=rng.choice(["fr", "en", "es", "ru", "zh"]),
                person_name=f"Bench Person {start}",
                contact_channel="phone",
                contact_detail="+33 6 00 00 00 00",
                safe_times="afternoons",
                age_range="26_40",
                needs="benchmark needs text",
            )
            referrals.append(referral)
            consents.append(
                Consent(
                    referral=referral,
                    receiving_organisation=receiver,
                    shared_fields=["name", "needs"],
                    purpose="benchmark",
                    method="verbal",
                    explained_in_language="fr",
                    valid_until=(now + timedelta(days=90)).date(),
                )
            )
            events.append(ReferralEvent(referral=referral, kind="sent", to_status="sent", actor_organisation=sender))
        with transaction.atomic():
            Referral.objects.bulk_create(referrals)  # the encrypted fields encrypt through the model field
            Consent.objects.bulk_create(consents)
            ReferralEvent.objects.bulk_create(events)
        # Spread creation dates over a year (auto_now_add set them all to now).
        print(f"  {min(start + batch, total)} referrals", flush=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE referrals_referral SET created_at = now() - (random() * interval '365 days') "
            "WHERE created_at > now() - interval '1 hour'"
        )
        cursor.execute("ANALYZE")
    print(f"Filled in {time.perf_counter() - started:.0f} s.", flush=True)
    return staff, organisation


# ---------------------------------------------------------------------------------------------------------------
# The yardstick, and the URLs measured


def bare_view(request):
    """A bare Django view: one query, a tiny response."""
    from django.http import HttpResponse

    from network.orgs.models import Organisation

    return HttpResponse(Organisation.objects.order_by("slug").values_list("name", flat=True).first())


def _urlpatterns():
    from django.urls import path

    from network import urls

    return [path("bench/bare/", bare_view), *urls.urlpatterns]  # i18n_patterns cannot be include()d


def __getattr__(name: str):
    # ROOT_URLCONF points here: Django reads `urlpatterns` lazily, after setup.
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)


# ---------------------------------------------------------------------------------------------------------------
# Measurement


def measure(staff, organisation, count: int, profile: str | None = None) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from network.referrals import rules as referral_rules
    from network.referrals.models import Referral
    from network.referrals.services import ERASABLE_MODEL_FIELDS

    if not Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(staff, generate_totp_secret())  # staff must use two-factor authentication, as in production
    client = Client()
    client.force_login(staff, backend="allauth.account.auth_backends.AuthenticationBackend")
    with translation.override("fr"):
        inbox_url = reverse("referrals:inbox")

    def get(url: str) -> Callable[[], object]:
        def call() -> object:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return call

    def selector(*, defer_personal: bool = False) -> object:
        user = type(staff).objects.get(pk=staff.pk)
        queryset = referral_rules.visible_referrals(user)
        if defer_personal:  # a list shows no personal field: not loading them saves 5 decryptions a row
            queryset = queryset.defer(*ERASABLE_MODEL_FIELDS)
        rows = (
            queryset.filter(receiver_organisation=organisation)
            .select_related("service__category", "sender_organisation", "receiver_organisation")
            .order_by("-created_at")[:25]
        )
        return [
            {
                "id": str(r.pk),
                "number": r.number,
                "status": r.status,
                "urgency": r.urgency,
                "service": r.service.name,
                "category": r.service.category.code,
                "sender": r.sender_organisation.name,
                "created_at": r.created_at.isoformat(),
            }
            for r in rows
        ]

    received = Referral.objects.filter(receiver_organisation=organisation).count()
    targets = [
        ("bare Django view (1 query)", get("/bench/bare/")),
        (f"inbox page {inbox_url}", get(inbox_url)),
        ("inbox page, 2nd page", get(inbox_url + "?page=2")),
        ("API /api/v1/referrals/?direction=received", get("/api/v1/referrals/?direction=received")),
        ("selector + serialisation (direct)", selector),
        ("same, personal fields deferred", lambda: selector(defer_personal=True)),
    ]
    print(
        f"\n{Referral.objects.count()} referrals in the database; organisation {organisation.slug} "
        f"received {received}. {count} measured requests each (after 5 warm-up).\n"
    )
    header = f"{'target':<48} {'p50 ms':>8} {'p95 ms':>8} {'CPU ms':>8} {'queries':>8}"
    print(header)
    print("-" * len(header))
    profiles: list[tuple[str, str]] = []
    for label, call in targets:
        result = timed(call, count)
        queries = (
            f"{result['queries']}"
            if result["queries"] == result["queries_min"]
            else (f"{result['queries_min']}-{result['queries']}")
        )
        print(f"{label:<48} {result['p50']:>8.2f} {result['p95']:>8.2f} {result['cpu']:>8.2f} {queries:>8}")
        if profile and profile in label:
            profiles.append((label, _profiled(call, count)))
    for label, text in profiles:
        print(f"\n## pyinstrument: {label} ({count} requests)\n\n```\n{text}```")


def _profiled(call: Callable[[], object], count: int) -> str:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(count):
        call()
    profiler.stop()
    return profiler.output_text(unicode=True, color=False)


if __name__ == "__main__":
    sys.modules.setdefault("benchmarks.referral_inbox", sys.modules[__name__])
    main()
