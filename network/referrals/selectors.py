"""Reads of referrals that are not access rules (those are in rules.py)."""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, DateTimeField, F, QuerySet, When
from django.db.models.functions import TruncMonth

from . import rules as referral_rules
from .models import OPEN_STATUSES, PersonalField, Referral, ReferralStatus, Urgency


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
