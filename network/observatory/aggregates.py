"""The counting queries: each measure as one grouped query (month × organisation × dimension), set-based.

Reads metadata only: statuses, dates, urgency, flags, coded reasons, service categories, the library's daily
counters, message themes and levels. Never an encrypted or free-text field, never who a person is. Durations are
counted as a histogram of whole days per month and organisation, never one row per person.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db.models import Count, DateField, F, Func, IntegerField, QuerySet, Sum
from django.db.models.functions import Least, TruncMonth
from django.utils import timezone

from network.advocacy.models import AdvocacyOpportunity, Endorsement, KeyMessage, MessageStatus
from network.referrals.models import EventKind, Referral, ReferralEvent, ReferralStatus
from network.resources.models import ResourceDailyCount, ResourcePage

from .labels import MAX_DAYS

Key = tuple[str, date, uuid.UUID | None, str]
Counts = dict[Key, int]


class DaysBetween(Func):
    """Whole days from `start` to `end` (both timestamps), computed by the database."""

    output_field = IntegerField()
    arity = 2

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="FLOOR(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400)::integer",
            arg_joiner=" - ",
            **extra,
        )

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # SQLite (the embedded default)
        extra.setdefault("template", "CAST(julianday(%(expressions)s) AS INTEGER)")
        extra.setdefault("arg_joiner", ") - julianday(")
        return super().as_sql(compiler, connection, **extra)


def _month(field: str) -> TruncMonth:
    return TruncMonth(field, output_field=DateField())


def _add(counts: Counts, measure: str, rows: Iterable[dict[str, Any]]) -> None:
    for row in rows:
        if row["obs_month"] is None:
            continue
        key = (measure, row["obs_month"], row["obs_org"], str(row["obs_dim"]))
        counts[key] = counts.get(key, 0) + int(row["obs_value"])


def count_everything() -> Counts:
    """Every measure of the catalogue, counted from the live tables."""
    counts: Counts = {}
    _referrals(counts)
    _answers_and_consents(counts)
    _durations_and_outcomes(counts)
    _library(counts)
    _advocacy(counts)
    return counts


def _grouped(queryset: QuerySet[Any], *, month: str, organisation: str, dimension: Any, value: Any = None) -> Any:
    return (
        queryset.annotate(obs_month=_month(month), obs_org=F(organisation), obs_dim=dimension)
        .values("obs_month", "obs_org", "obs_dim")
        .annotate(obs_value=value if value is not None else Count("pk"))
        .order_by()
    )


def _referrals(counts: Counts) -> None:
    referrals = Referral.objects.all()
    sides = (("sent", "sender_organisation_id"), ("received", "receiver_organisation_id"))
    for side, organisation in sides:
        _add(
            counts,
            f"referrals_{side}_by_category",
            _grouped(referrals, month="created_at", organisation=organisation, dimension=F("service__category__code")),
        )
        _add(
            counts,
            f"referrals_{side}_by_urgency",
            _grouped(referrals, month="created_at", organisation=organisation, dimension=F("urgency")),
        )
    yes_no = {True: "yes", False: "no"}
    for measure, organisation, flag in (
        ("interpreter_needed", "receiver_organisation_id", "interpreter_needed"),
        ("accompaniment", "sender_organisation_id", "accompaniment"),
    ):
        rows = _grouped(referrals, month="created_at", organisation=organisation, dimension=F(flag))
        _add(counts, measure, ({**row, "obs_dim": yes_no[bool(row["obs_dim"])]} for row in rows))


def _answers_and_consents(counts: Counts) -> None:
    events = ReferralEvent.objects.all()
    answers = events.filter(kind__in=(EventKind.ACCEPTED, EventKind.REDIRECTED, EventKind.DECLINED))
    rows = _grouped(
        answers,
        month="created_at",
        organisation="referral__receiver_organisation_id",
        dimension=F("kind"),
    ).annotate(obs_reason=F("referral__decline_reason"))
    for row in rows:
        if row["obs_dim"] == EventKind.DECLINED:
            row["obs_dim"] = f"declined:{row['obs_reason'] or 'other'}"
        _add(counts, "referral_answers", [row])
    consent_ends = events.filter(kind__in=(EventKind.CONSENT_WITHDRAWN, EventKind.CONSENT_EXPIRED))
    names = {EventKind.CONSENT_WITHDRAWN: "withdrawn", EventKind.CONSENT_EXPIRED: "expired"}
    rows = _grouped(
        consent_ends, month="created_at", organisation="referral__sender_organisation_id", dimension=F("kind")
    )
    _add(counts, "consent_endings", ({**row, "obs_dim": names[row["obs_dim"]]} for row in rows))


def _durations_and_outcomes(counts: Counts) -> None:
    referrals = Referral.objects.all()
    answered = referrals.filter(answered_at__isnull=False)
    days = Least(DaysBetween("answered_at", "created_at"), MAX_DAYS)
    _add(
        counts,
        "time_to_first_answer",
        _grouped(answered, month="answered_at", organisation="receiver_organisation_id", dimension=days),
    )
    completed = referrals.filter(status=ReferralStatus.COMPLETED, closed_at__isnull=False)
    days = Least(DaysBetween("closed_at", "created_at"), MAX_DAYS)
    _add(
        counts,
        "time_to_outcome",
        _grouped(completed, month="closed_at", organisation="receiver_organisation_id", dimension=days),
    )
    closed = referrals.filter(
        closed_at__isnull=False,
        status__in=(
            ReferralStatus.COMPLETED,
            ReferralStatus.DECLINED,
            ReferralStatus.CANCELLED,
            ReferralStatus.EXPIRED,
            ReferralStatus.CONSENT_WITHDRAWN,
        ),
    )
    rows = _grouped(closed, month="closed_at", organisation="receiver_organisation_id", dimension=F("status"))
    rows = rows.annotate(obs_outcome=F("outcome"))
    for row in rows:
        if row["obs_dim"] == ReferralStatus.COMPLETED:
            row["obs_dim"] = row["obs_outcome"] or "service_provided"
        _add(counts, "referral_outcomes", [row])


def _library(counts: Counts) -> None:
    daily = ResourceDailyCount.objects.all()
    for what in ("views", "downloads"):
        for measure, dimension in (
            (f"library_{what}_by_language", F("page__locale__language_code")),
            (f"library_{what}_by_kind", F("page__kind")),
        ):
            rows = _grouped(
                daily.filter(**{f"{what}__gt": 0}),
                month="day",
                organisation="page__organisation_id",
                dimension=dimension,
                value=Sum(what),
            )
            _add(counts, measure, rows)
    # Themes are kept on the source translation: count a page's views under its resource's themes (all translations).
    themes = _themes_by_translation_key(
        ResourcePage.themes.through.objects.values_list("resourcepage__translation_key", "theme__slug")
    )
    for what in ("views", "downloads"):
        rows = _grouped(
            daily.filter(**{f"{what}__gt": 0}),
            month="day",
            organisation="page__organisation_id",
            dimension=F("page__translation_key"),
            value=Sum(what),
        )
        _add(counts, f"library_{what}_by_theme", _expand_themes(rows, themes))


def _advocacy(counts: Counts) -> None:
    themes = _themes_by_translation_key(
        KeyMessage.themes.through.objects.values_list("keymessage__translation_key", "theme__slug")
    )
    # A message is counted once whatever its translations: when it was first proposed and first adopted, under its
    # drafting organisation (messages are few: one row per translation is read, never a person).
    proposed: dict[uuid.UUID, tuple[date, uuid.UUID | None]] = {}
    adopted: dict[uuid.UUID, tuple[date, uuid.UUID | None]] = {}
    for key, created_at, adopted_at, organisation in (
        KeyMessage.objects.exclude(status=MessageStatus.DRAFT)
        .order_by("created_at")
        .values_list("translation_key", "created_at", "adopted_at", "drafting_organisation_id")
    ):
        proposed.setdefault(key, (_local_month(created_at), organisation))
        if adopted_at is not None:
            month = _local_month(adopted_at)
            if key not in adopted or month < adopted[key][0]:
                adopted[key] = (month, organisation)
    for measure, firsts in (("key_messages_proposed_by_theme", proposed), ("key_messages_adopted_by_theme", adopted)):
        rows = (
            {"obs_month": month, "obs_org": organisation, "obs_dim": key, "obs_value": 1}
            for key, (month, organisation) in firsts.items()
        )
        _add(counts, measure, _expand_themes(rows, themes))
    endorsements = _grouped(
        Endorsement.objects.all(), month="endorsed_at", organisation="organisation_id", dimension=F("message_key")
    )
    _add(counts, "endorsements_by_theme", _expand_themes(endorsements, themes))
    opportunities = (
        AdvocacyOpportunity.objects.annotate(obs_month=_month("starts_at"), obs_dim=F("level"))
        .values("obs_month", "obs_dim")
        .annotate(obs_value=Count("pk"))
        .order_by()
    )
    _add(counts, "advocacy_opportunities_by_level", ({**row, "obs_org": None} for row in opportunities))


def _local_month(moment: datetime) -> date:
    return timezone.localtime(moment).date().replace(day=1)


def _themes_by_translation_key(pairs: Iterable[tuple[uuid.UUID, str]]) -> dict[uuid.UUID, set[str]]:
    themes: dict[uuid.UUID, set[str]] = defaultdict(set)
    for key, slug in pairs:
        themes[key].add(slug)
    return themes


def _expand_themes(rows: Iterable[dict[str, Any]], themes: dict[uuid.UUID, set[str]]) -> Iterable[dict[str, Any]]:
    """A grouped row per (month, organisation, item) becomes one row per theme of the item (none: no row)."""
    for row in rows:
        for slug in themes.get(row["obs_dim"], ()):
            yield {**row, "obs_dim": slug}
