# ruff: noqa: T201  (a script: it prints its figures)
"""Benchmark: the observatory's scheduled build over 100,000 referrals across 200 organisations, on PostgreSQL.

Not a test: run it by hand (see benchmarks/README.md). It fills a dedicated database with the referral inbox
benchmark's bulk fill (created if missing), spreads the referrals over two years with answers, declines with
reasons, outcomes and consent withdrawals (set-based UPDATEs), puts the organisations in six configured regions
(a few in none), then times:
  - counting (`observatory_aggregate`: every measure into the aggregate table) from scratch;
  - releasing (`observatory_release`: disclosure control and storage of every table, scope, granularity, year);
  - the whole build again (steady state: ended months frozen, unchanged tables not logged again).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

from benchmarks.common import ensure_database  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/passerelle_bench"
REGIONS = ("Nord", "Sud", "Est", "Ouest", "Centre", "Outre-mer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--organisations", type=int, default=200)
    args = parser.parse_args()

    ensure_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "network.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from benchmarks.referral_inbox import fill

    fill(args.referrals, args.organisations)
    shape()
    measure()


def shape() -> None:
    """Regions, two years of dates, answers, reasons and outcomes: what the observatory counts (set-based)."""
    from django.db import connection

    from network.observatory.models import ObservatoryRegion

    for order, name in enumerate(REGIONS):
        ObservatoryRegion.objects.get_or_create(code=f"r{order}", defaults={"label": name, "sort_order": order})
    with connection.cursor() as cursor:
        # Every organisation in a region but one in twenty (they count in the network's figures only).
        cursor.execute(
            "UPDATE orgs_organisation SET region = (ARRAY[%s,%s,%s,%s,%s,%s])[1 + (abs(hashtext(slug)) %% 6)] "
            "WHERE slug LIKE 'bench-org-%%' AND abs(hashtext(slug || 'x')) %% 20 <> 0",
            REGIONS,
        )
        cursor.execute(
            "UPDATE referrals_referral SET created_at = now() - (random() * interval '730 days'), "
            "interpreter_needed = random() < 0.2, accompaniment = random() < 0.1 "
            "WHERE answered_at IS NULL AND closed_at IS NULL"
        )
        cursor.execute(
            "UPDATE referrals_referral SET answered_at = created_at + random() * interval '20 days' "
            "WHERE status NOT IN ('sent', 'redirected', 'expired', 'cancelled') AND answered_at IS NULL"
        )
        cursor.execute(
            "UPDATE referrals_referral SET closed_at = coalesce(answered_at, created_at) + random() * interval "
            "'40 days', decline_reason = CASE WHEN status = 'declined' THEN (ARRAY['no_capacity','not_eligible',"
            "'out_of_area','other'])[1 + floor(random() * 4)::int] ELSE '' END, outcome = CASE WHEN status = "
            "'completed' THEN (ARRAY['service_provided','did_not_come','could_not_contact','no_longer_needed'])"
            "[1 + floor(random() * 4)::int] ELSE '' END "
            "WHERE status IN ('declined','completed','cancelled','expired','consent_withdrawn') AND closed_at IS NULL"
        )
        cursor.execute("UPDATE referrals_referral SET closed_at = answered_at WHERE status = 'declined'")
        cursor.execute("DELETE FROM referrals_referralevent WHERE kind <> 'sent'")
        cursor.execute(
            "UPDATE referrals_referralevent e SET created_at = r.created_at FROM referrals_referral r "
            "WHERE e.referral_id = r.id AND e.kind = 'sent'"
        )
        cursor.execute(
            "INSERT INTO referrals_referralevent (id, referral_id, kind, from_status, to_status, "
            "actor_organisation_id, note, created_at) "
            "SELECT gen_random_uuid(), id, CASE WHEN status = 'declined' THEN 'declined' ELSE 'accepted' END, "
            "'sent', CASE WHEN status = 'declined' THEN 'declined' ELSE 'accepted' END, receiver_organisation_id, "
            "'', answered_at FROM referrals_referral WHERE answered_at IS NOT NULL"
        )
        cursor.execute(
            "INSERT INTO referrals_referralevent (id, referral_id, kind, from_status, to_status, "
            "actor_organisation_id, note, created_at) "
            "SELECT gen_random_uuid(), id, 'consent_withdrawn', 'accepted', 'consent_withdrawn', "
            "sender_organisation_id, '', closed_at FROM referrals_referral WHERE status = 'consent_withdrawn'"
        )
        cursor.execute("ANALYZE")


def measure() -> None:
    from django.db import connection

    from network.observatory.models import FrozenMonth, ObservatoryCount, Release, ReleaseRun
    from network.observatory.services import observatory_aggregate, observatory_build, observatory_release
    from network.referrals.models import Referral

    Release.objects.all().delete()
    ReleaseRun.objects.all().delete()
    ObservatoryCount.objects.all().delete()
    FrozenMonth.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    print(f"{Referral.objects.count()} referrals, {version}")
    started = time.perf_counter()
    counted = observatory_aggregate()
    counting = time.perf_counter() - started
    print(f"count (from scratch):   {counting:6.1f} s  {counted}")
    started = time.perf_counter()
    released = observatory_release()
    releasing = time.perf_counter() - started
    print(f"release:                {releasing:6.1f} s  {released}")
    print(f"first build:            {counting + releasing:6.1f} s")
    started = time.perf_counter()
    again = observatory_build()
    print(f"second build:           {time.perf_counter() - started:6.1f} s  {again}")


if __name__ == "__main__":
    main()
