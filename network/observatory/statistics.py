"""Medians and quartiles from per-day histograms (the aggregates never keep one row per person), and row lists."""

from __future__ import annotations

from collections.abc import Iterable

from . import labels
from .catalogue import TableSpec

QUANTILES = {"q1": 0.25, "median": 0.5, "q3": 0.75}


def histogram(days: Iterable[tuple[str, int]]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for dimension, value in days:
        day = int(dimension)
        counts[day] = counts.get(day, 0) + value
    return counts


def quantile(counts: dict[int, int], p: float) -> float | None:
    """The p-quantile of the values a histogram counts (linear between the two nearest ranks), None if empty."""
    n = sum(counts.values())
    if n == 0:
        return None
    position = (n - 1) * p
    below, above = int(position), min(int(position) + 1, n - 1)
    fraction = position - below
    value_below = value_above = None
    seen = 0
    for day in sorted(counts):
        seen += counts[day]
        if value_below is None and seen > below:
            value_below = day
        if seen > above:
            value_above = day
            break
    assert value_below is not None and value_above is not None  # noqa: S101 (n > 0)
    return round(value_below + (value_above - value_below) * fraction, 1)


def duration_statistics(spec: TableSpec, days: Iterable[tuple[str, int]]) -> dict[str, float | None]:
    """Median and quartiles (days) of a duration table's counts."""
    counts = histogram(days)
    return {key: quantile(counts, QUANTILES[key]) for key in spec.statistics if key in QUANTILES}


def row_codes_of_measure(spec: TableSpec, *, present: set[str]) -> list[str]:
    """Every row a table shows: its fixed list or the database's current list, then any counted code no longer
    listed (a category since removed), so no count is dropped."""
    fixed = labels.fixed_rows(spec.row_source)
    codes = [code for code, _label in fixed] if fixed is not None else labels.database_row_codes(spec.row_source)
    return codes + sorted(present - set(codes))
