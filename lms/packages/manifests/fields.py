"""Typed values read from manifest elements; every bad value is a ManifestError at its line.

Lexical forms follow XML Schema Part 2: xs:boolean (§3.2.2), xs:decimal (§3.2.3),
xs:nonNegativeInteger (§3.3.20).
"""

from __future__ import annotations

import re
from collections.abc import Collection

from lxml import etree

from lms.packages.manifests.model import ManifestError
from lms.packages.manifests.safe_xml import local_name

_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_INTEGER = re.compile(r"\+?\d+")
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


class ElementReader:
    """Reads attributes and text of one manifest file's elements, naming the file on error."""

    def __init__(self, filename: str) -> None:
        self.filename = filename

    def error(self, element: etree._Element | None, what: str) -> ManifestError:
        line = element.sourceline if element is not None else None
        return ManifestError(self.filename, line, what)

    def attribute(
        self, element: etree._Element, name: str, *, required: bool = False
    ) -> str | None:
        """The attribute's value with surrounding whitespace removed; "" counts as absent."""
        if required:
            return self.required(element, name)
        value = element.get(name)
        value = value.strip() if value is not None else None
        return value or None

    def required(self, element: etree._Element, name: str) -> str:
        """An attribute the standard requires: ManifestError when absent or blank."""
        value = self.attribute(element, name)
        if value is None:
            raise self.error(
                element, f"<{local_name(element)}> lacks the required attribute {_show(name)}"
            )
        return value

    def text(self, element: etree._Element | None) -> str | None:
        """The element's whole text content, trimmed; None when absent or blank."""
        if element is None:
            return None
        value = "".join(element.itertext()).strip()
        return value or None

    def boolean(self, element: etree._Element, name: str, default: bool) -> bool:
        value = self.attribute(element, name)
        if value is None:
            return default
        if value.lower() not in _BOOLEANS:
            raise self.error(element, f"{_show(name)} is {value!r}, not true or false")
        return _BOOLEANS[value.lower()]

    def decimal(
        self,
        element: etree._Element,
        value: str | None,
        what: str,
        low: float | None = None,
        high: float | None = None,
    ) -> float | None:
        """`value` (read from `element`) as a number within [low, high], None when absent."""
        if value is None:
            return None
        if not _DECIMAL.fullmatch(value):
            raise self.error(element, f"{what} is {value!r}, not a decimal number")
        number = float(value)
        if (low is not None and number < low) or (high is not None and number > high):
            raise self.error(element, f"{what} is {value}, outside {_bounds(low, high)}")
        return number

    def decimal_attribute(
        self,
        element: etree._Element,
        name: str,
        default: float | None = None,
        low: float | None = None,
        high: float | None = None,
    ) -> float | None:
        number = self.decimal(element, self.attribute(element, name), _show(name), low, high)
        return default if number is None else number

    def count(self, element: etree._Element, name: str, default: int | None = None) -> int | None:
        """A non-negative integer attribute."""
        value = self.attribute(element, name)
        if value is None:
            return default
        if not _INTEGER.fullmatch(value):
            raise self.error(element, f"{_show(name)} is {value!r}, not a whole number ≥ 0")
        return int(value)

    def choice(
        self, element: etree._Element, name: str, allowed: Collection[str], default: str | None
    ) -> str | None:
        """An attribute from a closed vocabulary (compared exactly, as XML Schema does)."""
        value = self.attribute(element, name)
        if value is None:
            return default
        return self.vocabulary(element, value, _show(name), allowed)

    def required_choice(self, element: etree._Element, name: str, allowed: Collection[str]) -> str:
        return self.vocabulary(element, self.required(element, name), _show(name), allowed)

    def vocabulary(
        self, element: etree._Element, value: str, what: str, allowed: Collection[str]
    ) -> str:
        if value not in allowed:
            raise self.error(
                element, f"{what} is {value!r}, not one of {', '.join(sorted(allowed))}"
            )
        return value


def _show(name: str) -> str:
    """An attribute name as written in manifests: {namespace}local shows as local."""
    return name.rsplit("}", 1)[-1]


def _bounds(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{low:g}..{high:g}"
    return f"≥ {low:g}" if low is not None else f"≤ {high:g}"
