"""ISO 8601 durations (ISO 8601:2004 §4.4.3.2, PnYnMnDTnHnMnS or PnW): the one parser.

xAPI's result.duration (xAPI 2.0 §4.2.7), SCORM 2004's timeinterval (RTE 4.1.1.5) and the
bridge's roster hours all read this format; each caller narrows it with the parameters of
`parse_duration` (which components it takes, which may carry a fraction) and turns it into
its own unit. Pure Python, no I/O: lms may import it too.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

UNITS = ("years", "months", "weeks", "days", "hours", "minutes", "seconds")

_NUMBER = r"\d+(?:[.,]\d+)?"
_FORMAT = re.compile(
    f"P(?:(?P<weeks>{_NUMBER})W"
    f"|(?:(?P<years>{_NUMBER})Y)?(?:(?P<months>{_NUMBER})M)?(?:(?P<days>{_NUMBER})D)?"
    f"(?:T(?:(?P<hours>{_NUMBER})H)?(?:(?P<minutes>{_NUMBER})M)?(?:(?P<seconds>{_NUMBER})S)?)?)",
    re.ASCII,
)
# ISO 8601 leaves the length of a year and a month open; SCORM RTE 4.1.1.5 leaves it to the
# LMS. The usual 365 and 30 days are used.
_SECONDS_IN = {
    "years": 365 * 86400,
    "months": 30 * 86400,
    "weeks": 7 * 86400,
    "days": 86400,
    "hours": 3600,
    "minutes": 60,
    "seconds": 1,
}


@dataclass(frozen=True)
class Duration:
    """The components as written (absent ones are 0)."""

    years: Decimal = Decimal(0)
    months: Decimal = Decimal(0)
    weeks: Decimal = Decimal(0)
    days: Decimal = Decimal(0)
    hours: Decimal = Decimal(0)
    minutes: Decimal = Decimal(0)
    seconds: Decimal = Decimal(0)

    def total_seconds(self) -> Decimal:
        """In seconds, a year taken as 365 days and a month as 30."""
        return sum((getattr(self, unit) * _SECONDS_IN[unit] for unit in UNITS), start=Decimal(0))


def parse_duration(
    value: str,
    *,
    units: Collection[str] = UNITS,
    fractional: Collection[str] = UNITS,
    decimal_comma: bool = True,
) -> Duration | None:
    """The duration `value` writes, or None if it is not one.

    At least one component must be given, and one after T if T is written; weeks stand alone;
    only the last component may carry a decimal fraction (§4.4.3.2). `units` are the components
    the caller accepts, `fractional` those that may carry a fraction, and `decimal_comma` whether
    the fraction may follow a comma (ISO 8601 §4.2.2.4) as well as a full stop."""
    match = _FORMAT.fullmatch(value)
    if match is None or value.endswith("T"):
        return None
    written = {unit: text for unit, text in match.groupdict().items() if text is not None}
    if not written or not written.keys() <= set(units):
        return None
    with_fraction = [unit for unit, text in written.items() if not text.isdigit()]
    if with_fraction:
        last = next(unit for unit in reversed(UNITS) if unit in written)
        if with_fraction != [last] or last not in fractional:
            return None
        if not decimal_comma and "," in written[last]:
            return None
    return Duration(**{unit: Decimal(text.replace(",", ".")) for unit, text in written.items()})
