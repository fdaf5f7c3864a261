"""CPT cycles and requirements (Regulation 1005(d); docs/domain.md#cpt-cycles).

Cycles are statewide and fixed: 1 January of an odd year to 31 December of the next. A completion
counts in the cycle of its completion date, taken in California's time zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from lms.catalog.interfaces import PspCategory

CALIFORNIA = ZoneInfo("America/Los_Angeles")
CPT_HOURS_REQUIRED = Decimal(24)
# Perishable Skills Program: 18 hours inside the 24, by category.
PSP_HOURS_REQUIRED = {
    PspCategory.TACTICAL_FIREARMS: Decimal(4),
    PspCategory.DRIVER_TRAINING: Decimal(4),
    PspCategory.ARREST_AND_CONTROL: Decimal(4),
    PspCategory.STRATEGIC_COMMUNICATIONS: Decimal(2),
    PspCategory.USE_OF_FORCE: Decimal(4),
}


@dataclass(frozen=True, order=True)
class Cycle:
    """A two-year CPT cycle, named by its first (odd) year."""

    start_year: int

    @property
    def starts(self) -> dt.date:
        return dt.date(self.start_year, 1, 1)

    @property
    def ends(self) -> dt.date:
        return dt.date(self.start_year + 1, 12, 31)

    @property
    def label(self) -> str:
        return f"{self.start_year}–{self.start_year + 1}"

    def __contains__(self, day: dt.date) -> bool:
        return self.starts <= day <= self.ends

    def next(self) -> Cycle:
        return Cycle(self.start_year + 2)


def cycle_of(day: dt.date) -> Cycle:
    return Cycle(day.year if day.year % 2 else day.year - 1)


def completion_date(moment: dt.datetime) -> dt.date:
    """The calendar day of a completion in California (a timestamp carries its own offset)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(CALIFORNIA).date()


def today() -> dt.date:
    return dt.datetime.now(CALIFORNIA).date()
