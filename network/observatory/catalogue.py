"""The observatory's fixed list of tables: what each counts, along which row dimension, at which scopes.

A table key names one aggregate measure (`ObservatoryCount.measure`). Every table is released for the network and
for each configured region, per month, quarter and year: the lists are fixed so that no free filter can offer
overlapping selections whose difference would reveal a small group.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .tables import Granularity, Scope

ALL_GRANULARITIES = (Granularity.MONTH, Granularity.QUARTER, Granularity.YEAR)
RELEASED_SCOPES = (Scope.NETWORK, Scope.REGION)


class Side:
    """Which organisation a count belongs to (its region is the organisation's, never a person's)."""

    SENDER = "sender"
    RECEIVER = "receiver"
    PUBLISHER = "publisher"  # the library resource's organisation
    DRAFTER = "drafter"  # the key message's drafting organisation
    ENDORSER = "endorser"
    NONE = "none"  # not attributed to an organisation (advocacy opportunities): network figures only


class RowSource:
    """Where a table's row codes and labels come from."""

    SERVICE_CATEGORY = "service_category"
    URGENCY = "urgency"
    ANSWER = "answer"
    DAY_BUCKET = "day_bucket"
    OUTCOME = "outcome"
    CONSENT_END = "consent_end"
    YES_NO = "yes_no"
    LANGUAGE = "language"
    THEME = "theme"
    RESOURCE_KIND = "resource_kind"
    OPPORTUNITY_LEVEL = "opportunity_level"


@dataclass(frozen=True)
class TableSpec:
    key: str
    title: str | Promise  # lazy: translated when read
    row_label: str | Promise
    row_source: str
    side: str
    group: str  # "referrals", "library" or "advocacy": how screens group the catalogue
    scopes: tuple[Scope, ...] = RELEASED_SCOPES
    granularities: tuple[Granularity, ...] = ALL_GRANULARITIES
    # Statistics given beside the cells (only where the group is at least the threshold).
    statistics: tuple[str, ...] = ()
    # Rows may overlap (a resource with two themes counts under each): the total is the sum of the rows then.
    overlapping_rows: bool = False
    note: str | Promise = ""
    own_organisation: bool = True  # offered to an organisation's own members, exact (Scope.ORGANISATION)
    extra: dict[str, str] = field(default_factory=dict)


DURATION_STATISTICS = ("median", "q1", "q3")
RATE_STATISTICS = ("rate",)

TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "referrals_sent_by_category",
        _("Referrals sent, by service category"),
        _("Service category"),
        RowSource.SERVICE_CATEGORY,
        Side.SENDER,
        "referrals",
    ),
    TableSpec(
        "referrals_received_by_category",
        _("Referrals received, by service category"),
        _("Service category"),
        RowSource.SERVICE_CATEGORY,
        Side.RECEIVER,
        "referrals",
    ),
    TableSpec(
        "referrals_sent_by_urgency",
        _("Referrals sent, by urgency"),
        _("Urgency"),
        RowSource.URGENCY,
        Side.SENDER,
        "referrals",
    ),
    TableSpec(
        "referrals_received_by_urgency",
        _("Referrals received, by urgency"),
        _("Urgency"),
        RowSource.URGENCY,
        Side.RECEIVER,
        "referrals",
    ),
    TableSpec(
        "referral_answers",
        _("Answers to referrals: accepted, redirected, declined by reason"),
        _("Answer"),
        RowSource.ANSWER,
        Side.RECEIVER,
        "referrals",
    ),
    TableSpec(
        "time_to_first_answer",
        _("Days from a referral to its first answer"),
        _("Days"),
        RowSource.DAY_BUCKET,
        Side.RECEIVER,
        "referrals",
        statistics=DURATION_STATISTICS,
    ),
    TableSpec(
        "time_to_outcome",
        _("Days from a referral to its outcome"),
        _("Days"),
        RowSource.DAY_BUCKET,
        Side.RECEIVER,
        "referrals",
        statistics=DURATION_STATISTICS,
    ),
    TableSpec(
        "referral_outcomes",
        _("How referrals ended"),
        _("Outcome"),
        RowSource.OUTCOME,
        Side.RECEIVER,
        "referrals",
    ),
    TableSpec(
        "consent_endings",
        _("Consents withdrawn and expired"),
        _("Consent"),
        RowSource.CONSENT_END,
        Side.SENDER,
        "referrals",
    ),
    TableSpec(
        "interpreter_needed",
        _("Referrals needing an interpreter"),
        _("Interpreter needed"),
        RowSource.YES_NO,
        Side.RECEIVER,
        "referrals",
        statistics=RATE_STATISTICS,
    ),
    TableSpec(
        "accompaniment",
        _("Referrals with accompaniment"),
        _("Accompanied"),
        RowSource.YES_NO,
        Side.SENDER,
        "referrals",
        statistics=RATE_STATISTICS,
    ),
    TableSpec(
        "library_views_by_language",
        _("Library views, by language"),
        _("Language"),
        RowSource.LANGUAGE,
        Side.PUBLISHER,
        "library",
    ),
    TableSpec(
        "library_downloads_by_language",
        _("Library downloads, by language"),
        _("Language"),
        RowSource.LANGUAGE,
        Side.PUBLISHER,
        "library",
    ),
    TableSpec(
        "library_views_by_theme",
        _("Library views, by theme"),
        _("Theme"),
        RowSource.THEME,
        Side.PUBLISHER,
        "library",
        overlapping_rows=True,
    ),
    TableSpec(
        "library_downloads_by_theme",
        _("Library downloads, by theme"),
        _("Theme"),
        RowSource.THEME,
        Side.PUBLISHER,
        "library",
        overlapping_rows=True,
    ),
    TableSpec(
        "library_views_by_kind",
        _("Library views, by kind of resource"),
        _("Kind"),
        RowSource.RESOURCE_KIND,
        Side.PUBLISHER,
        "library",
    ),
    TableSpec(
        "library_downloads_by_kind",
        _("Library downloads, by kind of resource"),
        _("Kind"),
        RowSource.RESOURCE_KIND,
        Side.PUBLISHER,
        "library",
    ),
    TableSpec(
        "key_messages_proposed_by_theme",
        _("Key messages proposed, by theme"),
        _("Theme"),
        RowSource.THEME,
        Side.DRAFTER,
        "advocacy",
        overlapping_rows=True,
    ),
    TableSpec(
        "key_messages_adopted_by_theme",
        _("Key messages adopted, by theme"),
        _("Theme"),
        RowSource.THEME,
        Side.DRAFTER,
        "advocacy",
        overlapping_rows=True,
    ),
    TableSpec(
        "endorsements_by_theme",
        _("Endorsements of key messages, by theme"),
        _("Theme"),
        RowSource.THEME,
        Side.ENDORSER,
        "advocacy",
        overlapping_rows=True,
    ),
    TableSpec(
        "advocacy_opportunities_by_level",
        _("Advocacy opportunities, by level"),
        _("Level"),
        RowSource.OPPORTUNITY_LEVEL,
        Side.NONE,
        "advocacy",
        scopes=(Scope.NETWORK,),
        own_organisation=False,
    ),
)

TABLES_BY_KEY: dict[str, TableSpec] = {spec.key: spec for spec in TABLES}


def table_spec(key: str) -> TableSpec | None:
    return TABLES_BY_KEY.get(key)
