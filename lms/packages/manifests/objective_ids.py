"""Objective identifiers compared as the IMS SS schema types them.

In imsss_v1p0 (the XSD of SCORM 2004's sequencing), objectiveID, referencedObjective and
targetObjectiveID are xs:anyURI. Two of them name the same objective when, as URIs, they are
equivalent:
- XML Schema Part 2 §3.2.17: anyURI's whiteSpace facet is "collapse" (§4.3.6): tabs, line
  breaks and carriage returns become spaces, runs of spaces become one, and the ends are trimmed;
  a character a URI may not hold (a space, a non-ASCII letter) stands for its UTF-8 bytes
  percent-encoded (the XLink §5.4 escaping that §3.2.17 names);
- RFC 3986 §6.2.2.1 and §6.2.2.2: the hex digits of a percent-encoding are case-insensitive,
  and a percent-encoded unreserved character (ALPHA, DIGIT, "-", ".", "_", "~") is the
  character itself.

Nothing else is decoded: "%2F" and "/" are different URIs (RFC 3986 §2.2), and so stay apart.
"""

from __future__ import annotations

import re
from urllib.parse import quote

# XML Schema Part 2 §4.3.6: the whitespace "collapse" acts on #x20, #x9, #xA and #xD only.
_XML_WHITESPACE = re.compile(r"[ \t\n\r]+")
_PERCENT_ENCODED = re.compile(r"%([0-9A-Fa-f]{2})")
# RFC 3986 §2.2 reserved and §2.3 unreserved characters, and "%": all may stand in a URI.
_URI_CHARACTERS = ":/?#[]@!$&'()*+,;=-._~%"
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def collapsed(value: str) -> str:
    """The identifier's value as the schema reads it: whitespace collapsed (§4.3.6)."""
    return _XML_WHITESPACE.sub(" ", value).strip(" ")


def objective_key(value: str) -> str:
    """What two identifiers share exactly when they name the same objective."""
    uri = quote(collapsed(value), safe=_URI_CHARACTERS)
    return _PERCENT_ENCODED.sub(_normal_percent_encoding, uri)


def _normal_percent_encoding(match: re.Match[str]) -> str:
    character = chr(int(match.group(1), 16))
    return character if character in _UNRESERVED else f"%{match.group(1).upper()}"
