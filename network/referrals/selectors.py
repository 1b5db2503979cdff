"""Reads of referrals that are not access rules (those are in rules.py)."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, DateTimeField, F, Q, QuerySet, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from . import rules as referral_rules
from .models import AWAITING_ANSWER, OPEN_STATUSES, PersonalField, Referral, ReferralStatus, Urgency


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


# ---------------------------------------------------------------------------------------------------------------
# The workspace lists: due dates, and the person's name for those who may read it


def due_at_expression() -> Case:
    """When a referral is due: the appointment once one is set (the outcome is due after it); otherwise, while it is
    open, the urgency's window from sending (48 hours, a week, or the unanswered-expiry delay for routine ones).
    Closed referrals are due never (NULL)."""
    windows = {
        Urgency.URGENT: timedelta(days=2),
        Urgency.SOON: timedelta(days=7),
        Urgency.ROUTINE: timedelta(days=settings.REFERRAL_EXPIRY_DAYS),
    }
    return Case(
        When(status=ReferralStatus.APPOINTMENT_SET, appointment_at__isnull=False, then=F("appointment_at")),
        *(
            When(status__in=OPEN_STATUSES, urgency=urgency, then=F("created_at") + window)
            for urgency, window in windows.items()
        ),
        default=None,
        output_field=DateTimeField(),
    )


def referrals_by_due(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """`referrals` with `due_at`, overdue ones first (the earliest due date is the most overdue), then by due date;
    referrals due never (closed) last, newest first."""
    return referrals.annotate(due_at=due_at_expression()).order_by(
        F("due_at").asc(nulls_last=True), "-created_at", "id"
    )


# The columns `personal_fields_visible_to` reads, and the name: nothing else personal is loaded (or decrypted).
NAME_COLUMNS = (
    "person_name",
    "status",
    "sender_organisation_id",
    "receiver_organisation_id",
    "personal_data_erased_at",
    "consent__shared_fields",
    "consent__withdrawn_at",
    "consent__valid_until",
)


def _readable_names(user: Any, referrals: QuerySet[Referral]) -> dict[Any, str]:
    """{id: first name or pseudonym} for the referrals whose name `user` may read now (the detail page's rule)."""
    names = {}
    for referral in referrals.select_related("consent").only(*NAME_COLUMNS):
        if referral.person_name and PersonalField.NAME in referral_rules.personal_fields_visible_to(user, referral):
            names[referral.pk] = referral.person_name
    return names


def referral_names_for(user: Any, ids: list[Any]) -> dict[Any, str]:
    """The names `user` may read among these referrals (one query; only the page's rows are decrypted)."""
    if not ids:
        return {}
    return _readable_names(user, referral_rules.visible_referrals(user).filter(pk__in=ids).order_by())


SEARCH_LIMIT = 5000  # the most recent referrals of the user's own list searched by name (a bound on the cost)


def normalised(text: str) -> str:
    """Case- and accent-insensitive form of a name ("Zoé" and "zoe" match)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold().strip()


def referral_ids_named(user: Any, referrals: QuerySet[Referral], query: str) -> list[Any]:
    """Ids of `referrals` (already the user's own list) whose name the user may read and that contains `query`.

    The names are encrypted, so the database cannot search them: the user's own list (at most SEARCH_LIMIT, the
    most recent) is decrypted here, in memory, for this request only, and nothing is kept. A name the user may
    not read (outside the consent, before acceptance, erased) never matches, so a search reveals nothing more
    than the list shows."""
    wanted = normalised(query)
    if not wanted:
        return []
    recent = referrals.order_by("-created_at")[:SEARCH_LIMIT]
    return [pk for pk, name in _readable_names(user, recent).items() if wanted in normalised(name)]


def appointment_place_for(referral: Referral, *, is_receiver: bool) -> str | None:
    """Where exactly the receiver said the appointment is, as one side may read it: None for the sending side of a
    service whose address is confidential (the receiving service gives it to the person), "" when none was written."""
    if referral.service.address_is_confidential and not is_receiver:
        return None
    return referral.appointment_place
