"""The one ISO 8601 duration parser (ISO 8601:2004 §4.4.3.2) and its narrowings."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lrs.spec.durations import Duration, parse_duration


def test_every_component_is_read_as_written() -> None:
    assert parse_duration("P3Y1M29DT4H35M59.14S") == Duration(
        years=Decimal(3),
        months=Decimal(1),
        days=Decimal(29),
        hours=Decimal(4),
        minutes=Decimal(35),
        seconds=Decimal("59.14"),
    )


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("PT1H2M3.5S", "3723.5"),
        ("P1DT1S", "86401"),
        ("P2W", "1209600"),
        ("P1Y", "31536000"),  # 365 days
        ("P1M", "2592000"),  # 30 days
        ("PT1,5M", "90"),
        ("PT0S", "0"),
    ],
)
def test_a_duration_in_seconds(value: str, seconds: str) -> None:
    duration = parse_duration(value)
    assert duration is not None
    assert duration.total_seconds() == Decimal(seconds)


@pytest.mark.parametrize(
    "value",
    ["P", "PT", "P1DT", "P4W1D", "PT1.5H30M", "PT1H ", "pt1h", "-P1D", "PT١H", "1H", ""],
)
def test_what_is_not_a_duration_is_none(value: str) -> None:
    assert parse_duration(value) is None


def test_a_caller_may_refuse_components_it_does_not_count() -> None:
    days_and_less = ("days", "hours", "minutes", "seconds")
    assert parse_duration("P1DT2H", units=days_and_less) == Duration(
        days=Decimal(1), hours=Decimal(2)
    )
    assert parse_duration("P1Y", units=days_and_less) is None
    assert parse_duration("P1W", units=days_and_less) is None


def test_a_caller_may_allow_a_fraction_only_on_some_components() -> None:
    assert parse_duration("PT1.25S", fractional=("seconds",)) is not None
    assert parse_duration("PT1.5H", fractional=("seconds",)) is None
    assert parse_duration("PT1.5H") == Duration(hours=Decimal("1.5"))


def test_a_caller_may_refuse_the_decimal_comma() -> None:
    assert parse_duration("PT1,5S", decimal_comma=False) is None
    assert parse_duration("PT1.5S", decimal_comma=False) == Duration(seconds=Decimal("1.5"))
