"""xAPI's data types: IRIs, UUIDs, language tags and maps, extensions, timestamps, durations.

Every check raises ValidationError naming the JSON path of the value that fails. The patterns are
compiled once at import; the costlier string checks (IRIs, language tags) are memoised.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from lrs.spec.durations import parse_duration
from lrs.spec.errors import ValidationError
from lrs.spec.shapes import check_version, expect_object, key_path, shown, type_name

# --- IRIs (RFC 3987), URIs (RFC 3986), IRLs -------------------------------------------------

_UCSCHAR = (
    "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"
    + "".join(
        f"\\U{plane:08x}-\\U{plane + 0xFFFD:08x}" for plane in range(0x10000, 0xE0000, 0x10000)
    )
    + "\\U000e1000-\\U000efffd"
)
_IPRIVATE = "\ue000-\uf8ff\\U000f0000-\\U000ffffd\\U00100000-\\U0010fffd"


def _iri_pattern(ucs: str, private: str, locator: bool) -> re.Pattern[str]:
    unreserved = "A-Za-z0-9\\-._~" + ucs
    sub = "!$&'()*+,;="
    pct = "%[0-9A-Fa-f]{2}"
    pchar = f"(?:[{unreserved}{sub}:@]|{pct})"
    userinfo = f"(?:[{unreserved}{sub}:]|{pct})*"
    ip_literal = r"\[(?:[0-9A-Fa-f:.]+|v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+)\]"
    reg_name = f"(?:[{unreserved}{sub}]|{pct})" + ("+" if locator else "*")
    authority = f"(?:{userinfo}@)?(?:{ip_literal}|{reg_name})(?::[0-9]*)?"
    abempty = f"(?:/{pchar}*)*"
    hier = f"//{authority}{abempty}"
    if not locator:
        hier = f"(?:{hier}|/(?:{pchar}+(?:/{pchar}*)*)?|{pchar}+(?:/{pchar}*)*|)"
    query = f"(?:{pchar}|[/?{private}])*"
    fragment = f"(?:{pchar}|[/?])*"
    return re.compile(f"[A-Za-z][A-Za-z0-9+\\-.]*:{hier}(?:\\?{query})?(?:#{fragment})?")


_IRI = _iri_pattern(_UCSCHAR, _IPRIVATE, locator=False)
_IRL = _iri_pattern(_UCSCHAR, _IPRIVATE, locator=True)
_URI = _iri_pattern("", "", locator=False)


# Verb, activity and extension IRIs repeat from statement to statement, so answers are memoised;
# only for short strings, so that a flood of long unique values cannot fill memory.
CACHED_LENGTH = 512


def is_iri(value: str) -> bool:
    """An absolute IRI (RFC 3987): a scheme, then the rest; no spaces, no relative references."""
    if len(value) <= CACHED_LENGTH:
        return _is_iri_cached(value)
    return _IRI.fullmatch(value) is not None


@lru_cache(maxsize=4096)
def _is_iri_cached(value: str) -> bool:
    return _IRI.fullmatch(value) is not None


def is_irl(value: str) -> bool:
    """An IRI that locates something: scheme://host..., e.g. an account homePage."""
    if len(value) <= CACHED_LENGTH:
        return _is_irl_cached(value)
    return _IRL.fullmatch(value) is not None


@lru_cache(maxsize=1024)
def _is_irl_cached(value: str) -> bool:
    return _IRL.fullmatch(value) is not None


def validate_iri(value: object, path: str) -> None:
    # 1.0.3 Data §2.2.s4.b1.b4/b8, §4.3; xAPI 2.0 §4.2.7: IRIs with a scheme, never "".
    if not isinstance(value, str):
        raise ValidationError(path, f"must be an IRI string, not {type_name(value)}")
    if not is_iri(value):
        raise ValidationError(path, f"must be an absolute IRI (RFC 3987), not {shown(value)}")


def validate_irl(value: object, path: str) -> None:
    # 1.0.3 Data §2.4.2.4 (homePage), §2.4.4.1.s2 (moreInfo), §2.4.11 (fileUrl): IRLs locate.
    if not isinstance(value, str):
        raise ValidationError(path, f"must be an IRL string, not {type_name(value)}")
    if not is_irl(value):
        raise ValidationError(
            path, f"must be an IRL (an IRI such as https://host/...), not {shown(value)}"
        )


def validate_uri(value: object, path: str) -> None:
    # 1.0.3 Data §2.4.2.3 table row 3: openid is a URI (RFC 3986), so ASCII.
    if not isinstance(value, str):
        raise ValidationError(path, f"must be a URI string, not {type_name(value)}")
    if _URI.fullmatch(value) is None:
        raise ValidationError(path, f"must be an absolute URI (RFC 3986), not {shown(value)}")


_LOCAL = f"(?:[A-Za-z0-9\\-._~!$&'*+/=^`{{|}}{_UCSCHAR}]|%[0-9A-Fa-f]{{2}})+"
_LABEL = f"[A-Za-z0-9{_UCSCHAR}](?:[A-Za-z0-9\\-{_UCSCHAR}]*[A-Za-z0-9{_UCSCHAR}])?"
_MAILTO = re.compile(f"mailto:{_LOCAL}@(?:{_LABEL}(?:\\.{_LABEL})*|\\[[0-9A-Fa-f:.]+\\])")


def validate_mailto(value: object, path: str) -> None:
    # 1.0.3 Data §2.4.2.3 table row 1: mbox is a mailto IRI, "mailto:email address".
    if not isinstance(value, str):
        raise ValidationError(path, f"must be a mailto IRI string, not {type_name(value)}")
    if _MAILTO.fullmatch(value) is None:
        raise ValidationError(path, f"must be 'mailto:' and an email address, not {shown(value)}")


_SHA1 = re.compile(r"[0-9A-Fa-f]{40}")
_SHA2 = re.compile(r"[0-9A-Fa-f]{56}|[0-9A-Fa-f]{64}|[0-9A-Fa-f]{96}|[0-9A-Fa-f]{128}")


def validate_sha1(value: object, path: str) -> None:
    # 1.0.3 Data §2.4.2.3 table row 2: the hex-encoded SHA1 hash of a mailto IRI.
    if not isinstance(value, str) or _SHA1.fullmatch(value) is None:
        raise ValidationError(path, f"must be a hex SHA-1 hash (40 digits), not {shown(value)}")


def validate_sha2(value: object, path: str) -> None:
    # 1.0.3 Data §2.4.11 table row 6: the SHA-2 hash of the data (224, 256, 384 or 512 bits).
    if not isinstance(value, str) or _SHA2.fullmatch(value) is None:
        raise ValidationError(
            path, f"must be a hex SHA-2 hash (56, 64, 96 or 128 digits), not {shown(value)}"
        )


_MEDIA_NAME = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_MEDIA_PARAMETER = f'[ \\t]*;[ \\t]*{_MEDIA_NAME}=(?:{_MEDIA_NAME}|"(?:[^"\\\\]|\\\\.)*")'
_MEDIA_TYPE = re.compile(f"{_MEDIA_NAME}/{_MEDIA_NAME}(?:{_MEDIA_PARAMETER})*")


def validate_media_type(value: object, path: str) -> None:
    # 1.0.3 Data §2.4.11 table row 4: an Internet Media Type (RFC 2046), e.g. "text/plain".
    if not isinstance(value, str) or _MEDIA_TYPE.fullmatch(value) is None:
        raise ValidationError(path, f"must be an Internet Media Type, not {shown(value)}")


# --- UUIDs ------------------------------------------------------------------------------------

_UUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")


def validate_uuid(value: object, path: str) -> str:
    """A UUID in the standard string form (8-4-4-4-12 hex digits); returned in lowercase."""
    # 1.0.3 Data §4.4; xAPI 2.0 §4.2.7: "UUIDs MUST be in the standard string form".
    if not isinstance(value, str) or _UUID.fullmatch(value) is None:
        raise ValidationError(path, f"must be a UUID in its standard form, not {shown(value)}")
    return value.lower()


# --- Language tags (RFC 5646) and language maps ----------------------------------------------

_GRANDFATHERED = frozenset(
    # RFC 5646 §2.1 grandfathered tags, irregular then regular.
    ("en-gb-oed", "i-ami", "i-bnn", "i-default", "i-enochian", "i-hak", "i-klingon", "i-lux")
    + ("i-mingo", "i-navajo", "i-pwn", "i-tao", "i-tay", "i-tsu", "sgn-be-fr", "sgn-be-nl")
    + ("sgn-ch-de", "art-lojban", "cel-gaulish", "no-bok", "no-nyn", "zh-guoyu", "zh-hakka")
    + ("zh-min", "zh-min-nan", "zh-xiang")
)
_LANGTAG = re.compile(
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})"  # language [-extlang]
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"  # region
    r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"  # variants
    r"(?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)*"  # extensions
    r"(?:-x(?:-[a-z0-9]{1,8})+)?"  # private use
)
_PRIVATEUSE = re.compile(r"x(?:-[a-z0-9]{1,8})+")


def is_valid_language_tag(tag: str) -> bool:
    """Well-formed per RFC 5646 §2.1, with §2.2.5/§2.2.6: no repeated variant or singleton."""
    if not isinstance(tag, str) or not tag.isascii():
        return False
    if len(tag) <= 64:
        return _is_valid_language_tag(tag)
    return _is_valid_language_tag.__wrapped__(tag)


@lru_cache(maxsize=2048)
def _is_valid_language_tag(tag: str) -> bool:
    lowered = tag.lower()
    if lowered in _GRANDFATHERED or _PRIVATEUSE.fullmatch(lowered):
        return True
    if _LANGTAG.fullmatch(lowered) is None:
        return False
    subtags = lowered.split("-")
    variants: set[str] = set()
    singletons: set[str] = set()
    for index, subtag in enumerate(subtags):
        if subtag == "x":
            break
        if len(subtag) == 1:
            if subtag in singletons:
                return False  # RFC 5646 §2.2.6: each singleton appears at most once
            singletons.add(subtag)
        elif not singletons and index > 0 and _is_variant(subtag):
            if subtag in variants:
                return False  # RFC 5646 §2.2.5: the same variant subtag only once
            variants.add(subtag)
    return True


def _is_variant(subtag: str) -> bool:
    return len(subtag) >= 5 or (len(subtag) == 4 and subtag[0].isdigit())


def validate_language_tag(value: object, path: str) -> None:
    # 1.0.3 Data §2.2.s4.b2, §2.4.6 (context.language); xAPI 2.0 §4.2.7 Language Maps.
    if not isinstance(value, str) or not is_valid_language_tag(value):
        raise ValidationError(path, f"must be an RFC 5646 language tag, not {shown(value)}")


def validate_language_map(value: object, path: str) -> None:
    """A map from RFC 5646 language tags to strings."""
    # 1.0.3 Data §4.2; xAPI 2.0 §4.2.7: keys are language tags, values strings in that language.
    obj = expect_object(value, path, "a language map (an object)")
    for tag, text in obj.items():
        if not is_valid_language_tag(tag):
            raise ValidationError(
                key_path(path, tag), f"{shown(tag)} is not an RFC 5646 language tag"
            )
        if not isinstance(text, str):
            raise ValidationError(key_path(path, tag), f"must be a string, not {type_name(text)}")


def validate_extensions(value: object, path: str) -> None:
    """Extension keys are IRIs; their values may be any JSON, null included."""
    # 1.0.3 Data §4.1.s3.b1/b2; xAPI 2.0 §4.2.7 Extensions; nulls allowed (1.0.3 §2.2.s4.b1.b1).
    obj = expect_object(value, path, "an extensions object")
    for key in obj:
        if not is_iri(key):
            raise ValidationError(key_path(path, key), "extension keys must be IRIs")


# --- Timestamps (ISO 8601 in 1.0.3; RFC 3339 in 2.0) -----------------------------------------

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})",
    re.ASCII,  # \d is 0-9 only: other scripts' digits are not ISO 8601 digits
)
_ISO_EXTENDED = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::\d{2})?)?",
    re.ASCII,
)
_ISO_BASIC = re.compile(
    r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(?:(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?:\d{2})?)?",
    re.ASCII,
)


def parse_timestamp(value: object, path: str, version: str) -> dt.datetime:
    """The instant a Timestamp names, as an aware datetime in UTC.

    2.0.0 takes RFC 3339 date-times only (an offset is required). 1.0.3 takes ISO 8601 complete
    calendar date-times, extended or basic, seconds optional, a missing offset meaning UTC.
    Both refuse the "unknown offset" -00:00 (and -00, -0000), which names no instant.
    """
    check_version(version)
    if not isinstance(value, str):
        raise ValidationError(path, f"must be a timestamp string, not {type_name(value)}")
    if version == "2.0.0":
        # xAPI 2.0 §4.2.7 Timestamps: "MUST be expressed using the format described in RFC 3339".
        match = _RFC3339.fullmatch(value)
        expected = "an RFC 3339 timestamp such as 2024-01-31T12:00:00.000Z"
    else:
        # 1.0.3 Data §4.5.s1.b1: "MUST be formatted according to ISO 8601".
        match = _ISO_EXTENDED.fullmatch(value) or _ISO_BASIC.fullmatch(value)
        expected = "an ISO 8601 timestamp such as 2024-01-31T12:00:00.000Z"
    if match is None:
        raise ValidationError(path, f"must be {expected}, not {shown(value)}")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    if offset and offset[0] == "-" and not offset[1:].strip("0:"):
        # RFC 3339 §4.3: -00:00 says the local offset is unknown, so no instant is named.
        raise ValidationError(path, f"has the unknown-offset marker {offset}; use Z or +00:00")
    try:
        tz = _offset(offset)
        second_value = int(second or 0)
        micro = int((fraction or "0")[:6].ljust(6, "0"))
        if second_value == 60:  # a leap second (RFC 3339 §5.7) is held as the instant before it
            second_value, micro = 59, 999999
        moment = dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), second_value, micro, tz
        )
        return moment.astimezone(dt.UTC)
    except (ValueError, OverflowError) as error:
        raise ValidationError(path, f"is not a real date and time: {shown(value)}") from error


def _offset(text: str | None) -> dt.timezone:
    if text is None or text in ("Z", "z"):
        return dt.UTC
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError("offset out of range")
    delta = dt.timedelta(hours=hours, minutes=minutes)
    return dt.timezone(-delta if text[0] == "-" else delta)


def validate_timestamp(value: object, path: str, version: str) -> None:
    parse_timestamp(value, path, version)


# --- Durations (ISO 8601:2004 §4.4.3.2) ------------------------------------------------------


def validate_duration(value: object, path: str) -> None:
    """PnYnMnDTnHnMnS or PnW; only the last component may carry a decimal fraction."""
    # 1.0.3 Data §4.6.s1.b1; xAPI 2.0 §4.2.7 Duration: the 4.4.3.2 format, not the alternative.
    if not isinstance(value, str):
        raise ValidationError(path, f"must be an ISO 8601 duration string, not {type_name(value)}")
    if parse_duration(value) is None:
        raise ValidationError(
            path, f"must be an ISO 8601 duration such as PT1H30M5.25S, not {shown(value)}"
        )
