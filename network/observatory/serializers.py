"""The observatory in the API: a released table, cell by cell, and the catalogue of what the caller may ask."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .presentation import shown_value
from .tables import Cell, Granularity, ReleasedTable

CHOICE_ERRORS = {"invalid_choice": _("This is not one of the accepted values.")}


class CellSerializer(serializers.Serializer):
    value = serializers.FloatField(
        allow_null=True, help_text="The released figure; null when suppressed (never the hidden value)."
    )
    flag = serializers.ChoiceField(
        choices=["shown", "suppressed", "exact"],
        help_text="shown: rounded, above the threshold; suppressed: not shown; exact: an organisation's own figure.",
    )

    def to_representation(self, cell: Cell) -> dict[str, Any]:
        return {"value": shown_value(cell), "flag": str(cell.flag)}


class LabelledSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()

    def to_representation(self, pair: tuple[str, str]) -> dict[str, str]:
        return {"code": pair[0], "label": pair[1]}


class RowSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    cells = CellSerializer(many=True)
    total = CellSerializer(allow_null=True)


class ReleasedTableSerializer(serializers.Serializer):
    table = serializers.CharField()
    title = serializers.CharField()
    scope = serializers.ChoiceField(choices=["network", "region", "organisation"])
    scope_key = serializers.CharField(help_text='"" for the network, a region code, or an organisation id.')
    granularity = serializers.ChoiceField(choices=[g.value for g in Granularity])
    release_id = serializers.IntegerField(allow_null=True, help_text="The release log entry; null for own figures.")
    row_label = serializers.CharField()
    columns = LabelledSerializer(many=True, help_text="The periods, in order.")
    rows = RowSerializer(many=True)
    column_totals = CellSerializer(many=True)
    total = CellSerializer()
    statistics = serializers.DictField(child=CellSerializer(), help_text="median, q1, q3 (days) or rate.")
    note = serializers.CharField(help_text="What the figures mean and how they were controlled.")

    def to_representation(self, table: ReleasedTable) -> dict[str, Any]:
        cell = CellSerializer().to_representation
        with_totals = len(table.row_totals) == len(table.rows)
        return {
            "table": table.table,
            "title": table.title,
            "scope": str(table.scope),
            "scope_key": table.scope_key,
            "granularity": str(table.granularity),
            "release_id": table.release_id,
            "row_label": table.row_label,
            "columns": [{"code": code, "label": label} for code, label in table.columns],
            "rows": [
                {
                    "code": code,
                    "label": label,
                    "cells": [cell(c) for c in table.cells[index]],
                    "total": cell(table.row_totals[index]) if with_totals else None,
                }
                for index, (code, label) in enumerate(table.rows)
            ],
            "column_totals": [cell(c) for c in table.column_totals],
            "total": cell(table.total),
            "statistics": {name: cell(c) for name, c in table.statistics.items()},
            "note": table.note,
        }


class TableQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100, help_text="Default: the latest.")
    granularity = serializers.ChoiceField(
        choices=[g.value for g in Granularity], required=False, default=Granularity.YEAR.value,
        error_messages=CHOICE_ERRORS,
    )  # fmt: skip
    region = serializers.SlugField(
        required=False, max_length=60, help_text="A region code (see the list): the region's figures, for members."
    )


class OwnTableQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100, help_text="Default: the latest.")
    granularity = serializers.ChoiceField(
        choices=[g.value for g in Granularity], required=False, default=Granularity.YEAR.value,
        error_messages=CHOICE_ERRORS,
    )  # fmt: skip


class CatalogueEntrySerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    row_label = serializers.CharField()
    group = serializers.CharField()
    granularities = serializers.ListField(child=serializers.CharField(), help_text="Those you may ask for.")
    regions = serializers.ListField(child=serializers.CharField(), help_text="Region codes you may ask for.")
    own_organisations = serializers.ListField(
        child=serializers.UUIDField(), help_text="Organisations whose own exact figures you may ask for."
    )
    years = serializers.ListField(child=serializers.IntegerField())
