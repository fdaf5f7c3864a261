"""xAPI's data types: IRIs, UUIDs, language tags and maps, timestamps, durations, strict JSON."""

from __future__ import annotations

import datetime as dt

import pytest

from lrs.spec import (
    ValidationError,
    is_valid_language_tag,
    parse_json,
    parse_timestamp,
    validate_duration,
    validate_extensions,
    validate_iri,
    validate_irl,
    validate_language_map,
    validate_uuid,
)
from lrs.spec.datatypes import validate_media_type, validate_sha2
from lrs.spec.shapes import key_path


def test_the_error_names_its_path_and_reads_path_colon_message() -> None:
    error = ValidationError("$.actor.mbox", "must be a mailto IRI")
    assert (error.path, error.message) == ("$.actor.mbox", "must be a mailto IRI")
    assert str(error) == "$.actor.mbox: must be a mailto IRI"


@pytest.mark.parametrize(
    ("key", "path"),
    [
        ("actor", "$.actor"),
        ("en-US", "$['en-US']"),
        ("http://example.com/ext", "$['http://example.com/ext']"),
        ("it's", "$['it\\'s']"),
    ],
)
def test_keys_that_are_not_identifiers_are_bracketed_in_paths(key: str, path: str) -> None:
    assert key_path("$", key) == path


# --- IRIs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "iri",
    [
        "http://adlnet.gov/expapi/verbs/attempted",
        "https://example.com/a/b?c=d&e=f#g",
        "urn:uuid:fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
        "tag:example.com,2024:activity/1",
        "mailto:ann@example.com",
        "http://例え.jp/活動/一",
        "http://example.com/%E6%B4%BB%E5%8B%95",
        "http://[2001:db8::1]:8080/x",
        "ftp://user:pass@example.com/file",
    ],
)
def test_absolute_iris_are_accepted(iri: str) -> None:
    validate_iri(iri, "$.id")


@pytest.mark.parametrize(
    "value",
    [
        "",
        "adlnet.gov/expapi/verbs/attempted",  # no scheme (1.0.3 Data §2.2.s4.b1.b8)
        "not.a.valid.iri.com/verb",
        "ab=c://should.fail.com",  # "=" cannot be in a scheme
        "http://example.com/with space",
        "1http://example.com",
        "http://example.com/%zz",
        "/relative/path",
        "#fragment",
    ],
)
def test_values_that_are_not_absolute_iris_are_rejected(value: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_iri(value, "$.verb.id")
    assert caught.value.path == "$.verb.id"


@pytest.mark.parametrize("value", [None, 12, {"id": "http://x.com"}, ["http://x.com"]])
def test_an_iri_must_be_a_string(value: object) -> None:
    with pytest.raises(ValidationError, match="must be an IRI string"):
        validate_iri(value, "$.id")


def test_an_irl_is_an_iri_that_locates_a_host() -> None:
    validate_irl("http://www.example.com", "$.homePage")
    validate_irl("https://lms.example.com/xapi/", "$.homePage")
    for value in ("urn:example:lms", "homePage.com/testUser", "http://", "should fail"):
        with pytest.raises(ValidationError):
            validate_irl(value, "$.homePage")


# --- UUIDs --------------------------------------------------------------------------------------


def test_a_uuid_in_standard_form_is_accepted_and_returned_in_lowercase() -> None:
    uuid = "AA97B177-9383-4934-8543-0F91A7A02836"
    assert validate_uuid(uuid, "$.id") == uuid.lower()


@pytest.mark.parametrize(
    "value",
    [
        "AA97B177-9383-4934-8543-0F91A7A028368",  # too many digits
        "MA97B177-9383-4934-8543-0F91A7A02836",  # not hexadecimal
        "aa97b17793834934854 30f91a7a02836",
        "aa97b177938349348543 0f91a7a02836".replace(" ", ""),  # no hyphens
        "{aa97b177-9383-4934-8543-0f91a7a02836}",
        "urn:uuid:aa97b177-9383-4934-8543-0f91a7a02836",
        "",
        12345,
        {"key": "value"},
        None,
    ],
)
def test_anything_else_is_not_a_uuid(value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_uuid(value, "$.context.registration")
    assert caught.value.path == "$.context.registration"


# --- Language tags and maps ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "tag",
    [
        "en",
        "de-DE",
        "zh-Hant",
        "sr-Latn-RS",
        "cmn",
        "tlh",
        "es-419",
        "zh-Hans-CN",
        "de-CH-1901",
        "sl-rozaj-biske",
        "en-US-u-islamcal",
        "en-a-myext-b-another",
        "x-whatever",
        "qaa-Qaaa-QM-x-southern",
        "i-klingon",
        "zh-min-nan",
        "EN-us",
    ],
)
def test_well_formed_rfc_5646_tags_are_valid(tag: str) -> None:
    assert is_valid_language_tag(tag)


@pytest.mark.parametrize(
    "tag",
    [
        "",
        "a12345",
        "a12345678",
        "something",
        "en-something-AU",
        "zh-z-aaa-z-bbb-c-ccc",  # a singleton repeated (RFC 5646 §2.2.6)
        "de-DE-1901-1901",  # a variant repeated (RFC 5646 §2.2.5)
        "en_US",
        "en-",
        "-en",
        "en--US",
        "x",
        "en-US-x",
        "ελ",
    ],
)
def test_malformed_language_tags_are_not(tag: str) -> None:
    assert not is_valid_language_tag(tag)


def test_a_language_map_maps_tags_to_strings() -> None:
    validate_language_map({"en-US": "attempted", "fr": "a essayé", "zh-Hant": ""}, "$.display")
    validate_language_map({}, "$.display")


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ("attempted", "$.display"),
        (12345, "$.display"),
        (["en-US"], "$.display"),
        ({"a12345": "attended"}, "$.display.a12345"),
        ({"en-US": 1}, "$.display['en-US']"),
        ({"en-US": None}, "$.display['en-US']"),
        ({"en-US": {"text": "x"}}, "$.display['en-US']"),
    ],
)
def test_a_language_map_with_a_bad_tag_or_value_names_it(value: object, path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_language_map(value, "$.display")
    assert caught.value.path == path


# --- Extensions ---------------------------------------------------------------------------------


def test_extension_values_can_be_any_json_even_null() -> None:
    validate_extensions(
        {
            "http://example.com/a": None,
            "http://example.com/b": "",
            "http://example.com/c": {},
            "http://example.com/d": [1, {"e": None}],
        },
        "$.result.extensions",
    )


def test_extension_keys_must_be_iris() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_extensions({"should fail": True}, "$.result.extensions")
    assert caught.value.path == "$.result.extensions['should fail']"


@pytest.mark.parametrize("value", ["a string", 12, None, []])
def test_extensions_must_be_an_object(value: object) -> None:
    with pytest.raises(ValidationError, match="extensions object"):
        validate_extensions(value, "$.context.extensions")


# --- Timestamps ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "instant"),
    [
        ("2024-05-01T10:15:30.123Z", "2024-05-01T10:15:30.123000+00:00"),
        ("2024-05-01T10:15:30Z", "2024-05-01T10:15:30+00:00"),
        ("2024-05-01T12:15:30.5+02:00", "2024-05-01T10:15:30.500000+00:00"),
        ("2024-05-01T05:15:30-05:00", "2024-05-01T10:15:30+00:00"),
        ("2008-09-15T15:53:00.601+00:00", "2008-09-15T15:53:00.601000+00:00"),
        ("2024-05-01T10:15:30.123456789Z", "2024-05-01T10:15:30.123456+00:00"),
        ("2016-12-31T23:59:60Z", "2016-12-31T23:59:59.999999+00:00"),
    ],
)
def test_timestamps_with_an_offset_name_an_instant_in_utc(
    value: str, instant: str, version: str
) -> None:
    parsed = parse_timestamp(value, "$.timestamp", version)
    assert parsed.tzinfo is not None
    assert parsed.utcoffset() == dt.timedelta(0)
    assert parsed.isoformat() == instant


@pytest.mark.parametrize(
    "value",
    [
        "should fail",
        "01/011/2015",
        "2008-09-15T15:53:00.601-00:00",  # RFC 3339 §4.3: offset unknown, no instant named
        "2008-09-15T15:53:00.601-00",
        "2008-09-15T15:53:00.601-0000",
        "2024-02-30T10:00:00Z",
        "2024-13-01T10:00:00Z",
        "2024-05-01T25:00:00Z",
        "2024-05-01 10:15:30Z",
        "2024-05-01",
        "2024-05-01T10:15:30+24:00",
        "",
    ],
)
def test_malformed_or_impossible_timestamps_are_rejected(value: str, version: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_timestamp(value, "$.timestamp", version)
    assert caught.value.path == "$.timestamp"


@pytest.mark.parametrize("value", [1714558530, None, {"t": 1}])
def test_a_timestamp_is_a_string(value: object, version: str) -> None:
    with pytest.raises(ValidationError, match="timestamp string"):
        parse_timestamp(value, "$.timestamp", version)


@pytest.mark.parametrize(
    ("value", "instant"),
    [
        ("2024-05-01T10:15:30.123", "2024-05-01T10:15:30.123000+00:00"),  # no zone: UTC
        ("2024-05-01T10:15", "2024-05-01T10:15:00+00:00"),  # reduced precision
        ("20240501T101530Z", "2024-05-01T10:15:30+00:00"),  # basic format
        ("20240501T121530+0200", "2024-05-01T10:15:30+00:00"),
        ("2024-05-01T12:15:30,5+02", "2024-05-01T10:15:30.500000+00:00"),
    ],
)
def test_xapi_1_0_3_takes_any_iso_8601_date_time(value: str, instant: str) -> None:
    # 1.0.3 Data §4.5.s1.b1 asks for ISO 8601; RFC 3339 and a time zone are only SHOULD*.
    assert parse_timestamp(value, "$.timestamp", "1.0.3").isoformat() == instant


@pytest.mark.parametrize(
    "value",
    ["2024-05-01T10:15:30.123", "2024-05-01T10:15", "20240501T101530Z", "2024-05-01T12:15:30+02"],
)
def test_xapi_2_0_takes_rfc_3339_timestamps_only(value: str) -> None:
    # xAPI 2.0 §4.2.7 Timestamps: "MUST be expressed using the format described in RFC 3339".
    with pytest.raises(ValidationError, match="RFC 3339"):
        parse_timestamp(value, "$.timestamp", "2.0.0")


def test_rfc_3339_allows_lowercase_t_and_z_in_xapi_2_0() -> None:
    assert parse_timestamp("2024-05-01t10:15:30z", "$.t", "2.0.0").hour == 10


def test_iso_8601_does_not_mix_extended_time_with_a_basic_offset() -> None:
    with pytest.raises(ValidationError):
        parse_timestamp("2024-05-01T10:15:30+0000", "$.timestamp", "1.0.3")


def test_timestamps_need_a_known_version() -> None:
    with pytest.raises(ValueError, match="unknown xAPI version"):
        parse_timestamp("2024-05-01T10:15:30Z", "$.t", "1.0.2")


# --- Durations ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "PT4H35M59.14S",
        "PT16559.14S",
        "P3Y1M29DT4H35M59.14S",
        "P3Y",
        "P4W",
        "PT1H0M0.1S",
        "P1D",
        "PT0S",
        "P0.5Y",
        "PT1,5S",
        "PT36H",
    ],
)
def test_iso_8601_durations_are_accepted(value: str) -> None:
    validate_duration(value, "$.result.duration")


@pytest.mark.parametrize(
    "value",
    [
        "should fail",
        "PA1H0M0S",
        "P4W1D",  # weeks stand alone
        "P",
        "PT",
        "P1YT",
        "PT1.5H30M",  # only the smallest component may have a fraction
        "P0003-01-29T04:35:59",  # the alternative format, ISO 8601 §4.4.3.3
        "-P1D",
        "pt1h",
        "PT1H ",
        "1H",
        "",
    ],
)
def test_other_durations_are_rejected(value: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_duration(value, "$.result.duration")
    assert caught.value.path == "$.result.duration"


@pytest.mark.parametrize("value", [12345, None, {"h": 1}])
def test_a_duration_is_a_string(value: object) -> None:
    with pytest.raises(ValidationError, match="duration string"):
        validate_duration(value, "$.result.duration")


# --- Attachment hashes and media types -----------------------------------------------------------


@pytest.mark.parametrize("digits", [56, 64, 96, 128])
def test_sha2_is_a_hex_hash_of_a_sha_2_length(digits: int) -> None:
    validate_sha2("aB" * (digits // 2), "$.sha2")


@pytest.mark.parametrize("value", ["", "g" * 64, "a" * 40, "a" * 65, 12345])
def test_other_sha2_values_are_rejected(value: object) -> None:
    with pytest.raises(ValidationError):
        validate_sha2(value, "$.sha2")


@pytest.mark.parametrize(
    "value",
    ["text/plain", "text/plain; charset=ascii", "application/octet-stream", 'a/b;q="x y"'],
)
def test_content_types_are_internet_media_types(value: str) -> None:
    validate_media_type(value, "$.contentType")


@pytest.mark.parametrize("value", ["text", "text/", "/plain", "text plain", 12345, ""])
def test_other_content_types_are_rejected(value: object) -> None:
    with pytest.raises(ValidationError):
        validate_media_type(value, "$.contentType")


# --- Strict JSON --------------------------------------------------------------------------------


def test_parse_json_reads_a_body() -> None:
    assert parse_json(b'{"a": [1, 2.5, null]}') == {"a": [1, 2.5, None]}


def test_a_property_used_twice_is_rejected() -> None:
    # 1.0.3 Data §2.2.s2.b2: a Statement MUST use each property no more than one time.
    with pytest.raises(ValidationError, match="appears twice"):
        parse_json('{"actor": {}, "actor": {}}')


@pytest.mark.parametrize("text", ['{"a": NaN}', '{"a": Infinity}', "{", "", b"\xff"])
def test_bodies_that_are_not_json_are_rejected_at_the_root(text: str | bytes) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_json(text)
    assert caught.value.path == "$"


def test_keys_that_json_cannot_make_still_get_a_path() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_language_map({1: "one"}, "$.display")
    assert caught.value.path == "$.display['1']"


@pytest.mark.parametrize(
    ("check", "value"),
    [
        ("timestamp", "２０２４-05-01T10:15:30Z"),  # fullwidth digits
        ("timestamp", "2024-05-01T10:15:٣٠Z"),  # Arabic-Indic digits
        ("duration", "PT١H"),
    ],
)
def test_only_ascii_digits_are_digits(check: str, value: str, version: str) -> None:
    with pytest.raises(ValidationError):
        if check == "timestamp":
            parse_timestamp(value, "$.t", version)
        else:
            validate_duration(value, "$.d")
