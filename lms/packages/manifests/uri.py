"""Whether a text is a URI reference (RFC 3986 §4.1: an absolute URI or a relative reference),
and if not, the first thing wrong with it, said so that the author can fix it.

The grammar is RFC 3986 Appendix A, written out rule by rule; nothing is percent-encoded or
repaired here: a manifest that writes a space where "%20" belongs is refused, not corrected.
"""

from __future__ import annotations

import re

# RFC 3986 §2.2-§2.3 and Appendix A, rule by rule.
_UNRESERVED = r"A-Za-z0-9\-._~"
_SUB_DELIMS = r"!$&'()*+,;="
_PCT_ENCODED = r"%[0-9A-Fa-f]{2}"
_PCHAR = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:@]|{_PCT_ENCODED})"
_SCHEME = r"[A-Za-z][A-Za-z0-9+\-.]*"
_USERINFO = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:]|{_PCT_ENCODED})*"
_DEC_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]|[0-9])"
_IPV4 = rf"{_DEC_OCTET}(?:\.{_DEC_OCTET}){{3}}"
_H16 = r"[0-9A-Fa-f]{1,4}"
_LS32 = rf"(?:{_H16}:{_H16}|{_IPV4})"
_IPV6 = "|".join(
    (
        rf"(?:{_H16}:){{6}}{_LS32}",
        rf"::(?:{_H16}:){{5}}{_LS32}",
        rf"(?:{_H16})?::(?:{_H16}:){{4}}{_LS32}",
        rf"(?:(?:{_H16}:){{0,1}}{_H16})?::(?:{_H16}:){{3}}{_LS32}",
        rf"(?:(?:{_H16}:){{0,2}}{_H16})?::(?:{_H16}:){{2}}{_LS32}",
        rf"(?:(?:{_H16}:){{0,3}}{_H16})?::{_H16}:{_LS32}",
        rf"(?:(?:{_H16}:){{0,4}}{_H16})?::{_LS32}",
        rf"(?:(?:{_H16}:){{0,5}}{_H16})?::{_H16}",
        rf"(?:(?:{_H16}:){{0,6}}{_H16})?::",
    )
)
_IPVFUTURE = rf"v[0-9A-Fa-f]+\.[{_UNRESERVED}{_SUB_DELIMS}:]+"
_IP_LITERAL = rf"\[(?:{_IPV6}|{_IPVFUTURE})\]"
_REG_NAME = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}]|{_PCT_ENCODED})*"
_HOST = rf"(?:{_IP_LITERAL}|{_IPV4}|{_REG_NAME})"
_AUTHORITY = rf"(?:{_USERINFO}@)?{_HOST}(?::[0-9]*)?"
_SEGMENT = rf"{_PCHAR}*"
_SEGMENT_NZ = rf"{_PCHAR}+"
_SEGMENT_NZ_NC = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}@]|{_PCT_ENCODED})+"
_PATH_ABEMPTY = rf"(?:/{_SEGMENT})*"
_PATH_ABSOLUTE = rf"/(?:{_SEGMENT_NZ}(?:/{_SEGMENT})*)?"
_PATH_NOSCHEME = rf"{_SEGMENT_NZ_NC}(?:/{_SEGMENT})*"
_PATH_ROOTLESS = rf"{_SEGMENT_NZ}(?:/{_SEGMENT})*"
_QUERY = rf"(?:{_PCHAR}|[/?])*"
_HIER_PART = rf"(?://{_AUTHORITY}{_PATH_ABEMPTY}|{_PATH_ABSOLUTE}|{_PATH_ROOTLESS}|)"
_RELATIVE_PART = rf"(?://{_AUTHORITY}{_PATH_ABEMPTY}|{_PATH_ABSOLUTE}|{_PATH_NOSCHEME}|)"
_TAIL = rf"(?:\?{_QUERY})?(?:#{_QUERY})?"

URI = re.compile(rf"{_SCHEME}:{_HIER_PART}{_TAIL}")
RELATIVE_REF = re.compile(rf"{_RELATIVE_PART}{_TAIL}")
AUTHORITY = re.compile(_AUTHORITY)

# The characters RFC 3986 lets a URI hold at all (§2: unreserved, reserved and "%").
_URI_CHARACTER = re.compile(rf"[{_UNRESERVED}{_SUB_DELIMS}:/?#\[\]@%]")
# Appendix B: a URI reference split into scheme, authority, path, query and fragment.
_COMPONENTS = re.compile(r"^(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$")


def is_uri_reference(text: str) -> bool:
    """An absolute URI or a relative reference, exactly as RFC 3986 §4.1 defines them."""
    return bool(URI.fullmatch(text) or RELATIVE_REF.fullmatch(text))


def uri_reference_problem(text: str) -> str | None:
    """None for a URI reference; otherwise why it is none, naming the character or the part."""
    if is_uri_reference(text):
        return None
    for position, character in enumerate(text):
        if character == "%":
            if not re.fullmatch(_PCT_ENCODED, text[position : position + 3]):
                return (
                    f'"%" at character {position + 1} does not start a percent-encoding '
                    '(% and two hexadecimal digits); a "%" itself must be written %25'
                )
        elif not _URI_CHARACTER.fullmatch(character):
            return f"{_describe(character)} must be written {_percent_encoded(character)}"
    scheme, authority, path, query, fragment = _COMPONENTS.fullmatch(text).groups()
    if scheme is not None and not re.fullmatch(_SCHEME, scheme):
        return f"the scheme {scheme!r} is not a scheme (a letter, then letters, digits, + - .)"
    if authority is not None and not AUTHORITY.fullmatch(authority):
        return f"the authority {authority!r} is not a host with an optional user and port"
    if scheme is None and ":" in path.split("/", 1)[0]:
        return (
            f'the first segment of the relative path {path!r} holds ":", which reads as a '
            'scheme; write it %3A or start the path with "./"'
        )
    if fragment is not None and "#" in fragment:
        return 'it holds a second "#"; one inside the fragment must be written %23'
    brackets = [part for part in (path, query, fragment) if part and ("[" in part or "]" in part)]
    if brackets:
        return '"[" and "]" belong only around an IP address; elsewhere write %5B and %5D'
    return "it is not a URI reference"


def _describe(character: str) -> str:
    if character == " ":
        return "a space"
    if character.isprintable():
        return f"the character {character!r}"
    return f"the control character U+{ord(character):04X}"


def _percent_encoded(character: str) -> str:
    return "".join(f"%{byte:02X}" for byte in character.encode("utf-8"))
