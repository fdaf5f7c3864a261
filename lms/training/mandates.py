"""Legislatively mandated training (Regulation 1081 and the Penal Code; docs/domain.md#mandates):
who each mandate applies to, how often, and where a person stands.

A mandate is met by a completion of a course certified as meeting it; it says nothing of CPT.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from lms.catalog.interfaces import Mandate
from lms.training.cycles import cycle_of

DUE_SOON_DAYS = 90


class Standing(enum.StrEnum):
    MET = "met"  # completed, and the next deadline is more than DUE_SOON_DAYS away
    DUE = "due"  # not completed yet, the deadline more than DUE_SOON_DAYS away
    DUE_SOON = "due soon"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class MandateRule:
    mandate: Mandate
    # None: every calendar year (pursuit, PC 13519.8); otherwise a period in years.
    every_years: int | None
    psp_only: bool = False


RULES = {
    Mandate.PURSUIT: MandateRule(Mandate.PURSUIT, None),
    Mandate.FIRST_AID: MandateRule(Mandate.FIRST_AID, 2),
    Mandate.DOMESTIC_VIOLENCE: MandateRule(Mandate.DOMESTIC_VIOLENCE, 2),
    Mandate.RACIAL_PROFILING: MandateRule(Mandate.RACIAL_PROFILING, 5),
    Mandate.USE_OF_FORCE: MandateRule(Mandate.USE_OF_FORCE, 2, psp_only=True),
    Mandate.STRATEGIC_COMMUNICATIONS: MandateRule(
        Mandate.STRATEGIC_COMMUNICATIONS, 2, psp_only=True
    ),
}


@dataclass(frozen=True)
class MandateStatus:
    mandate: Mandate
    last_completed: dt.date | None
    next_due: dt.date
    standing: Standing


def next_due(rule: MandateRule, last: dt.date | None, today: dt.date) -> dt.date:
    """The day by which the mandate must next be completed."""
    if rule.every_years is None:
        # Every calendar year: a completion this year covers it until 31 December.
        year = today.year + 1 if last is not None and last.year >= today.year else today.year
        return dt.date(year, 12, 31)
    if last is None:
        return cycle_of(today).ends  # never done: due by the end of this cycle
    try:
        return last.replace(year=last.year + rule.every_years)
    except ValueError:  # 29 February
        return dt.date(last.year + rule.every_years, 3, 1)


def standing(due: dt.date, today: dt.date, covered: bool) -> Standing:
    """`covered`: a completion counts for the period `due` ends (this calendar year for
    pursuit; the period since the last completion for the others)."""
    if due < today:
        return Standing.OVERDUE
    if (due - today).days <= DUE_SOON_DAYS:
        return Standing.DUE_SOON
    return Standing.MET if covered else Standing.DUE


def status(mandate: Mandate, last: dt.date | None, today: dt.date) -> MandateStatus:
    rule = RULES[mandate]
    due = next_due(rule, last, today)
    if rule.every_years is None:
        covered = last is not None and last.year >= today.year
    else:
        covered = last is not None
    return MandateStatus(mandate, last, due, standing(due, today, covered))
