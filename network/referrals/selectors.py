"""Reads of referrals that are not access rules (those are in rules.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .models import AWAITING_ANSWER, Referral, ReferralStatus


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


# The receiving side's pending work, as the dashboard counts it and the referral lists filter it (`status=<key>`):
# metadata only (status and dates), nothing personal.
ACCEPTED_AWAITING_OUTCOME = (ReferralStatus.ACCEPTED, ReferralStatus.APPOINTMENT_SET)


def pending_conditions(now: datetime | None = None) -> dict[str, Q]:
    """`awaiting`: received and not yet answered; `in_progress`: accepted, the outcome not yet recorded; `overdue`:
    unanswered past the reminder delay (`REFERRAL_REMINDER_DAYS`, when the platform reminds the receiver), or
    whose appointment has passed with no outcome recorded."""
    now = now or timezone.now()
    return {
        "awaiting": Q(status__in=AWAITING_ANSWER),
        "in_progress": Q(status__in=ACCEPTED_AWAITING_OUTCOME),
        "overdue": Q(
            status__in=AWAITING_ANSWER,
            created_at__lte=now - timedelta(days=settings.REFERRAL_REMINDER_DAYS),
        )
        | Q(status=ReferralStatus.APPOINTMENT_SET, appointment_at__lt=now),
    }


def received_pending_counts(user: Any) -> dict[str, int] | None:
    """How many referrals received by the user's organisations await a decision, await an outcome, are overdue:
    one query, whatever the number of referrals; None for those who receive referrals for no organisation."""
    from network.orgs import policy

    from .rules import ReferralAction, visible_referrals

    if not policy.may_on_some_organisation(user, ReferralAction.RECEIVE_REFERRALS):
        return None
    conditions = pending_conditions()
    return (
        visible_referrals(user, direction="received")
        .order_by()
        .aggregate(**{key: Count("id", filter=condition) for key, condition in conditions.items()})
    )
