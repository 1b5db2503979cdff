"""The observatory's stored figures: aggregate counts, frozen months, settings, regions and the release log.

`ObservatoryCount` holds counts per month × organisation × measure × dimension, built by a scheduled task with
set-based queries from metadata only (never a personal or free-text field). The organisation is kept as a plain id
(no foreign key) and its region is copied in when counted, so the figures outlive the rows they were counted from.
A month that has ended is frozen: later builds never lower it (erasure and purges can delete rows, figures stay).
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from network.core.translated_names import name_in

from .tables import Granularity, Scope

# Below this no threshold may be set, whoever asks (the floor; statistical offices use 5 to 10).
MINIMUM_THRESHOLD = 5
DEFAULT_THRESHOLD = 10
DEFAULT_ROUNDING_BASE = 5
DEFAULT_DOMINANCE_SHARE = 85  # percent


class ObservatoryCount(models.Model):
    """A count for one month, one organisation (or none), one measure (a table key) and one row of it."""

    measure = models.CharField(max_length=64)
    month = models.DateField(help_text="The first day of the month.")
    organisation_id = models.UUIDField(null=True, blank=True)
    region = models.CharField(max_length=60, blank=True, help_text="The organisation's region code when counted.")
    dimension = models.CharField(max_length=80)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "month", "organisation_id", "dimension"],
                condition=Q(organisation_id__isnull=False),
                name="observatory_count_one_row",
            ),
            models.UniqueConstraint(
                fields=["measure", "month", "dimension"],
                condition=Q(organisation_id__isnull=True),
                name="observatory_count_one_unattributed_row",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="observatory_count_month_start"),
        ]
        indexes = [
            models.Index(fields=["measure", "month"], name="observatory_count_measure_idx"),
            models.Index(fields=["organisation_id", "measure", "month"], name="observatory_count_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.month:%Y-%m} {self.organisation_id} {self.dimension}: {self.value}"


class FrozenMonth(models.Model):
    """A month whose figures no later build may lower (its rows at the source may be purged or erased)."""

    month = models.DateField(unique=True)
    frozen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


def validate_threshold(value: int) -> None:
    if value < MINIMUM_THRESHOLD:
        raise ValidationError(
            _("The threshold cannot be below %(minimum)s: smaller cells could identify a person or a small group."),
            code="threshold_too_low",
            params={"minimum": MINIMUM_THRESHOLD},
        )


class ObservatorySettings(models.Model):
    """The disclosure-control parameters, one row, edited by network administrators."""

    threshold = models.PositiveSmallIntegerField(
        _("threshold"),
        default=DEFAULT_THRESHOLD,
        validators=[validate_threshold],
        help_text=_("Cells counting fewer than this are never shown (at least 5)."),
    )
    rounding_base = models.PositiveSmallIntegerField(
        _("rounding base"),
        default=DEFAULT_ROUNDING_BASE,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Shown counts are rounded to a multiple of this."),
    )
    dominance_share = models.PositiveSmallIntegerField(
        _("dominance share (%)"),
        default=DEFAULT_DOMINANCE_SHARE,
        validators=[MinValueValidator(50), MaxValueValidator(100)],
        help_text=_("A cell where one organisation contributes more than this share is not shown."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("observatory settings")
        verbose_name_plural = _("observatory settings")
        constraints = [
            models.CheckConstraint(condition=Q(threshold__gte=MINIMUM_THRESHOLD), name="observatory_threshold_floor")
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def load(cls) -> ObservatorySettings:
        """The one row (created with the defaults the first time)."""
        settings, _created = cls.objects.get_or_create(pk=1)
        return settings


class ObservatoryRegion(models.Model):
    """One region of the network's configured list. An organisation belongs to it when its region field matches
    the code, the label or one of the other names (compared without case or surrounding spaces)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    label = models.CharField(_("name"), max_length=120, help_text=_("In the site's default language."))
    label_translations = models.JSONField(
        _("name in other languages"),
        default=dict,
        blank=True,
        help_text=_('Language code → name, e.g. {"en": "Paris region", "ar": "منطقة باريس"}.'),
    )
    other_names = models.JSONField(
        _("other names"),
        default=list,
        blank=True,
        help_text=_('Other spellings of the region as organisations write it, e.g. ["IDF", "Paris region"].'),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("observatory region")
        verbose_name_plural = _("observatory regions")

    def __str__(self) -> str:
        return self.label

    def label_in(self, language: str) -> str:
        """The region's name in `language`, else in the site's default language (a place name often stays)."""
        return name_in(self.label_translations, language, self.label)

    def clean(self) -> None:
        super().clean()
        if not isinstance(self.label_translations, dict) or not all(
            isinstance(code, str) and isinstance(name, str) for code, name in self.label_translations.items()
        ):
            raise ValidationError({"label_translations": _("Give the names as language code → name.")})
        if not isinstance(self.other_names, list) or not all(isinstance(name, str) for name in self.other_names):
            raise ValidationError({"other_names": _("Give a list of names.")})

    def names(self) -> set[str]:
        return {normalise_region(name) for name in (self.code, self.label, *self.other_names) if name}


def normalise_region(name: str) -> str:
    return " ".join(name.split()).casefold()


class ReleaseRun(models.Model):
    """One pass of the release step: every table at every scope and granularity, with the same parameters."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    parameters = models.JSONField(default=dict)
    tables_released = models.PositiveIntegerField(default=0)
    cells_suppressed = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Release run {self.created_at:%Y-%m-%d %H:%M}"


class Release(models.Model):
    """One released table: the disclosure-controlled cells as shown, which cells were suppressed and why, and the
    parameters. The log network administrators read; screens, exports and the API read the latest release of a
    (table, scope, scope key, granularity, year)."""

    run = models.ForeignKey(ReleaseRun, on_delete=models.CASCADE, related_name="releases")
    table = models.CharField(max_length=64)
    scope = models.CharField(max_length=16, choices=[(s.value, s.value) for s in Scope])
    scope_key = models.CharField(max_length=60, blank=True)
    granularity = models.CharField(max_length=8, choices=[(g.value, g.value) for g in Granularity])
    year = models.PositiveSmallIntegerField()
    periods = models.JSONField(default=list)
    rows = models.JSONField(default=list, help_text="Row codes, in order.")
    # {"cells": [[v|null,...],...], "row_totals": [...], "column_totals": [...], "total": v|null,
    #  "statistics": {"median": v|null, ...}}
    cells = models.JSONField(default=dict)
    # [{"cell": "row:period" | "total:period" | "row:total" | "total:total" | "statistic:<key>", "reason": ...}]
    suppressed = models.JSONField(default=list)
    parameters = models.JSONField(default=dict)
    digest = models.CharField(max_length=64, help_text="Of the released content, to log a table only when it changes.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["table", "scope", "scope_key", "granularity", "year", "-created_at"],
                name="observatory_release_key_idx",
            )
        ]

    def __str__(self) -> str:
        where = self.scope_key or self.scope
        return f"{self.table} {where} {self.granularity} {self.year}"
