"""What the observatory hands to its screens, exports and API: released tables, already disclosure-controlled.

The build (a scheduled task) counts into aggregate tables; the release step applies disclosure control and stores
what may be shown. Everything that draws or exports a figure reads these objects and nothing else, so no output can
bypass the control. A suppressed cell has `value=None` and is never drawn, exported or summed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class CellFlag(StrEnum):
    SHOWN = "shown"  # rounded to the base and above the threshold
    SUPPRESSED = "suppressed"  # under the threshold, dominated, a revealing zero, or secondary suppression
    EXACT = "exact"  # an organisation's own figures shown to its own members: not rounded


class Scope(StrEnum):
    NETWORK = "network"
    REGION = "region"  # scope_key: the region's code
    ORGANISATION = "organisation"  # scope_key: the organisation's id; its own members only


class Granularity(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


@dataclass(frozen=True)
class Cell:
    value: int | float | None  # None when suppressed
    flag: CellFlag = CellFlag.SHOWN

    @property
    def suppressed(self) -> bool:
        return self.flag == CellFlag.SUPPRESSED


@dataclass(frozen=True)
class ReleasedTable:
    table: str  # a key of the table catalogue, e.g. "referrals_by_category"
    title: str  # translated for the request's language
    scope: Scope
    scope_key: str  # "" for the network
    granularity: Granularity
    periods: list[str]  # the columns' periods: "2026", "2026-Q3", "2026-07"
    row_label: str
    rows: list[tuple[str, str]]  # (code, translated label)
    columns: list[tuple[str, str]]  # (code, translated label)
    cells: list[list[Cell]]  # rows × columns
    row_totals: list[Cell]
    column_totals: list[Cell]
    total: Cell
    statistics: dict[str, Cell] = field(default_factory=dict)  # e.g. median/quartile days, only above the threshold
    release_id: int | None = None  # the release log entry (None for an organisation's own, uncontrolled figures)
    note: str = ""  # translated: what the figures mean and how they were controlled

    @property
    def suppressed_cells(self) -> int:
        return sum(cell.suppressed for row in self.cells for cell in row)
