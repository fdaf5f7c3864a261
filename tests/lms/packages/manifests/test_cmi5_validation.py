"""A cmi5.xml must be valid against the spec's CourseStructure.xsd and name its AUs by RFC 3986
URLs (cmi5 §13.1.4, §14.0); a course whose AUs ask nothing of the learner is flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

import lms.packages.manifests
from lms.packages.manifests import ManifestError, parse_cmi5_xml
from lms.packages.manifests.cmi5 import parse_cmi5_course
from tests.builders.manifests import DATA, cmi5

PUBLIC = DATA / "cmi5_public"
SCHEMA_FILE = Path(lms.packages.manifests.__file__).parent / "schemas/cmi5/CourseStructure.xsd"
COURSE_TITLE = '<title><langstring lang="en-US">Course</langstring></title>'
COURSE_DESCRIPTION = '<description><langstring lang="en-US">About it</langstring></description>'


def _refusal(data: bytes) -> ManifestError:
    with pytest.raises(ManifestError) as caught:
        parse_cmi5_course(data)
    return caught.value


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("my page.html", "a space must be written %20"),
        ("http://example.com index.html", "a space must be written %20"),
        ("pages/a|b.html", "the character '|' must be written %7C"),
        ("leçon/index.html", "the character 'ç' must be written %C3%A7"),
        ("100%.html", '"%" at character 4 does not start a percent-encoding'),
        ("index.html#a#b", 'it holds a second "#"'),
        ("https://example.com:80a/au", "the authority 'example.com:80a' is not a host"),
    ],
)
def test_an_au_url_that_is_not_an_rfc_3986_url_is_refused_at_its_url(url, problem):
    error = _refusal(cmi5(url=url))
    assert (error.file, error.line) == ("cmi5.xml", 12)
    assert error.message.startswith(
        f"<au id='https://example.org/course/au'> url {url!r} is not a valid URL (RFC 3986): "
        f"{problem}"
    )


def test_a_bare_cmi5_xml_with_a_space_in_an_absolute_url_is_refused():
    with pytest.raises(ManifestError, match=r"is not a valid URL \(RFC 3986\): a space"):
        parse_cmi5_xml(cmi5(url="https://aus.example.com/my au/launch.html"))


@pytest.mark.parametrize(
    "url",
    [
        "index.html?pages=1&amp;complete=launch",
        "au%20one/index.html#start",
        "./au/start.html",
        "https://aus.example.com/au/1/launch.html?lang=en&amp;mode=full",
        "https://[2001:db8::7]:8443/au",
        "myapp://content.example.com/au/7",
    ],
)
def test_relative_and_absolute_urls_with_queries_are_accepted(url):
    package, _ = parse_cmi5_course(cmi5(url=url))
    assert package.structure["children"][0]["url"] == url.replace("&amp;", "&").removeprefix("./")


def test_an_au_whose_url_comes_before_its_title_is_refused_as_out_of_order():
    url = b"<url>https://e.org/a</url>\n"
    data = cmi5(url="https://e.org/a").replace(url, b"").replace(b'au" >\n', b'au" >\n' + url)
    error = _refusal(data)
    assert (error.file, error.line) == ("cmi5.xml", 9)
    assert error.message == (
        "element <url> is out of order: the XSD requires <title> here in <au> "
        "(cmi5 §14.0, CourseStructure.xsd)"
    )


def test_a_course_description_before_its_title_is_refused_as_out_of_order():
    data = cmi5(url="https://e.org/a").replace(
        f"{COURSE_TITLE}\n{COURSE_DESCRIPTION}".encode(),
        f"{COURSE_DESCRIPTION}\n{COURSE_TITLE}".encode(),
    )
    error = _refusal(data)
    assert error.line == 4
    assert error.message.startswith(
        "element <description> is out of order: the XSD requires <title> here in <course>"
    )


def test_launch_parameters_before_the_url_are_out_of_order():
    error = _refusal(
        cmi5(url="https://e.org/a", au_extra="<launchParameters>x=1</launchParameters>")
    )
    assert error.line == 11
    assert error.message.startswith("element <launchParameters> is out of order")


def test_an_element_cmi5_does_not_define_is_refused():
    error = _refusal(cmi5(url="https://e.org/a", au_extra="<duration>PT5M</duration>"))
    assert error.line == 11
    assert error.message.startswith("element <duration> is not allowed here in <au>")


def test_a_value_of_the_wrong_xsd_type_is_refused_naming_the_element_and_attribute():
    data = cmi5(url="https://e.org/a").replace(b'lang="en-US">AU<', b'lang="en US">AU<')
    error = _refusal(data)
    assert error.line == 9
    assert "<langstring>, attribute 'lang': 'en US' is not a valid value" in error.message


def test_a_course_structure_outside_the_cmi5_namespace_is_refused():
    data = cmi5(url="https://e.org/a").replace(
        b' xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"', b""
    )
    assert "<courseStructure> is not in cmi5's namespace" in _refusal(data).message


def test_extensions_of_another_namespace_after_the_cmi5_elements_are_accepted():
    data = cmi5(url="https://e.org/a").replace(
        b"</url>\n", b'</url>\n<kw:keyword xmlns:kw="urn:example:kw" idref="urn:x"/>\n'
    )
    package, _ = parse_cmi5_course(data)
    assert package.structure["children"][0]["url"] == "https://e.org/a"


def test_the_document_cannot_point_the_validator_at_another_schema(tmp_path: Path):
    """xsi:schemaLocation is not followed: validation reads only the kept schema."""
    stricter = tmp_path / "stricter.xsd"
    stricter.write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:kw" '
        'elementFormDefault="qualified"><xs:element name="keyword"><xs:complexType>'
        '<xs:attribute name="needed" use="required"/></xs:complexType></xs:element></xs:schema>'
    )
    data = cmi5(url="https://e.org/a").replace(
        b"</url>\n",
        b'</url>\n<kw:keyword xmlns:kw="urn:kw" '
        b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        b'xsi:schemaLocation="urn:kw ' + stricter.as_uri().encode() + b'"/>\n',
    )
    package, _ = parse_cmi5_course(data)
    assert package.identifier == "https://example.org/course"


def test_the_kept_schema_is_the_specs_and_imports_nothing():
    text = SCHEMA_FILE.read_text()
    assert 'targetNamespace="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"' in text
    assert "xs:import" not in text and "xs:include" not in text
    assert (SCHEMA_FILE.parent / "LICENSE").read_text().lstrip().startswith("Apache License")


@pytest.mark.parametrize(
    "name",
    [
        "spec/simple-cmi5.xml",
        "spec/complex-cmi5.xml",
        "spec/extended-cmi5.xml",
        "catapult/001-essentials.xml",
        "catapult/004-5-moveOn-NotApplicable.xml",
        "catapult/multi_au_framed.xml",
    ],
)
def test_the_specs_examples_and_catapults_valid_courses_import(name):
    package, _ = parse_cmi5_course((PUBLIC / name).read_bytes())
    assert package.standard == "cmi5" and package.structure["children"]


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("catapult/206-1-invalid-au-url.xml", 34, "is not a valid URL (RFC 3986): a space"),
        ("catapult/207-1-invalid-courseStructure.xml", 28, "is not a valid URL (RFC 3986)"),
    ],
)
def test_catapults_invalid_courses_are_refused(name, line, message):
    error = _refusal((PUBLIC / name).read_bytes())
    assert error.line == line and message in error.message


def test_catapults_out_of_order_au_is_refused_for_its_order_once_its_url_is_fixed():
    data = (PUBLIC / "catapult/207-1-invalid-courseStructure.xml").read_bytes()
    error = _refusal(data.replace(b"example.com index.html", b"example.com/index.html"))
    assert (error.line, error.message) == (
        28,
        "element <url> is out of order: the XSD requires <title> here in <au> "
        "(cmi5 §14.0, CourseStructure.xsd)",
    )


def test_a_course_whose_only_au_is_move_on_not_applicable_is_flagged():
    package, _ = parse_cmi5_course(cmi5(url="index.html"))
    [warning] = package.warnings
    assert warning.startswith('cmi5.xml: its AU has moveOn "NotApplicable"')
    assert "registering satisfies the course (cmi5 §9.6.1)" in warning


def test_catapults_not_applicable_course_is_flagged_for_all_its_aus():
    data = (PUBLIC / "catapult/004-5-moveOn-NotApplicable.xml").read_bytes()
    package, _ = parse_cmi5_course(data)
    assert len(package.warnings) == 1
    assert package.warnings[0].startswith('cmi5.xml: its AU has moveOn "NotApplicable"')


def test_one_au_that_asks_something_of_the_learner_is_enough():
    data = cmi5(url="index.html").replace(
        b"</courseStructure>",
        b'<block id="https://example.org/block"><title><langstring>B</langstring></title>'
        b"<description><langstring>B</langstring></description>"
        b'<au id="https://example.org/au2" moveOn="Completed"><title><langstring>A</langstring>'
        b"</title><description><langstring>A</langstring></description><url>b.html</url></au>"
        b"</block></courseStructure>",
    )
    package, _ = parse_cmi5_course(data)
    assert package.warnings == ()


def test_a_course_of_several_not_applicable_aus_says_how_many():
    data = (
        (PUBLIC / "spec/simple-cmi5.xml")
        .read_bytes()
        .replace(
            b"</courseStructure>",
            b'<au id="https://example.org/au2" moveOn="NotApplicable"><title><langstring>A'
            b"</langstring></title><description><langstring>A</langstring></description>"
            b"<url>https://example.org/au2.html</url></au></courseStructure>",
        )
    )
    package, _ = parse_cmi5_course(data)
    assert package.warnings[0].startswith('cmi5.xml: all 2 of its AUs have moveOn "NotApplicable"')


def test_the_specs_complex_example_with_graded_aus_is_not_flagged():
    package, _ = parse_cmi5_course((PUBLIC / "spec/complex-cmi5.xml").read_bytes())
    assert package.warnings == ()
