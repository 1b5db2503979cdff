"""Reads of referrals that are not access rules (those are in rules.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncMonth

from .models import Referral, ReferralStatus


def referral_counts() -> dict[str, Any]:
    """Network-wide counts per status and per month sent (two queries, whatever the data size)."""
    by_status = dict.fromkeys(ReferralStatus.values, 0)
    for row in Referral.objects.order_by().values("status").annotate(n=Count("id")):
        by_status[row["status"]] = row["n"]
    months = (
        Referral.objects.order_by()
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    by_month = [{"month": row["month"].strftime("%Y-%m"), "count": row["n"]} for row in months if row["month"]]
    return {"total": sum(by_status.values()), "by_status": by_status, "by_month": by_month}
