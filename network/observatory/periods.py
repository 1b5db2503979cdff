"""Periods of the observatory: months, quarters and years as the codes tables carry ("2026-07", "2026-Q3", "2026")."""

from __future__ import annotations

from datetime import date

from .tables import Granularity


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 1)


def periods_of_year(year: int, granularity: Granularity) -> list[str]:
    if granularity == Granularity.MONTH:
        return [f"{year}-{month:02d}" for month in range(1, 13)]
    if granularity == Granularity.QUARTER:
        return [f"{year}-Q{quarter}" for quarter in range(1, 5)]
    return [str(year)]


def period_of_month(month: date, granularity: Granularity) -> str:
    if granularity == Granularity.MONTH:
        return f"{month.year}-{month.month:02d}"
    if granularity == Granularity.QUARTER:
        return f"{month.year}-Q{(month.month - 1) // 3 + 1}"
    return str(month.year)


def month_index(month: date) -> int:
    """0 for January … 11 for December."""
    return month.month - 1
