"""cmi5 course structures (cmi5 §13, §14): course, objectives, blocks, AUs, and bad values."""

from __future__ import annotations

import pytest

from lms.packages.manifests import ManifestError, ParsedPackage, detect_and_parse, parse_cmi5_xml
from lms.packages.manifests.cmi5 import parse_cmi5_course
from tests.builders.manifests import DATA, cmi5

COURSE_FILES = ["cmi5.xml", "welcome/index.html", "quiz/index.html"]


@pytest.fixture(scope="module")
def course() -> ParsedPackage:
    return detect_and_parse(DATA / "cmi5_course", COURSE_FILES)


def test_the_course_is_detected_with_its_id_and_first_title(course):
    assert course.standard == "cmi5"
    assert course.edition is None and course.version is None
    assert course.identifier == "https://lms.example.org/courses/firearms-2025"
    assert course.title == "Firearms Qualification 2025"


def test_langstrings_are_trimmed_and_keyed_by_language(course):
    assert course.structure["course"] == {
        "id": "https://lms.example.org/courses/firearms-2025",
        "title": {
            "en-US": "Firearms Qualification 2025",
            "es-MX": "Calificación de armas de fuego 2025",
        },
        "description": {"en-US": "Annual firearms qualification."},
    }


def test_course_objectives_are_listed_and_a_missing_lang_is_und(course):
    assert course.structure["objectives"] == [
        {
            "id": "https://lms.example.org/objectives/safety",
            "title": {"en-US": "Range safety"},
            "description": {"en-US": "States the four rules."},
        },
        {
            "id": "https://lms.example.org/objectives/marksmanship",
            "title": {"und": "Marksmanship"},
            "description": {"und": "Hits the target."},
        },
    ]


def test_blocks_nest_and_hold_aus_in_order(course):
    children = course.structure["children"]
    assert [(child["type"], child["id"].rsplit("/", 1)[1]) for child in children] == [
        ("au", "welcome"),
        ("block", "range"),
    ]
    range_block = children[1]
    assert range_block["objectives"] == ["https://lms.example.org/objectives/safety"]
    assert [child["type"] for child in range_block["children"]] == ["au", "block"]
    inner = range_block["children"][1]
    assert inner["title"] == {"en-US": "Qualification"}
    assert inner["children"][0]["url"] == "https://video.example.net/firearms/course-of-fire"


def test_an_au_without_attributes_takes_the_spec_defaults(course):
    welcome = course.structure["children"][0]
    assert welcome == {
        "type": "au",
        "id": "https://lms.example.org/courses/firearms-2025/aus/welcome",
        "title": {"en-US": "Welcome"},
        "description": {"en-US": "What this course covers."},
        "objectives": [],
        "url": "welcome/index.html",
        "launchMethod": "AnyWindow",
        "moveOn": "NotApplicable",
        "masteryScore": None,
        "launchParameters": None,
        "entitlementKey": None,
        "activityType": None,
    }


def test_an_au_keeps_every_value_it_sets(course):
    quiz = course.structure["children"][1]["children"][0]
    assert quiz["moveOn"] == "CompletedAndPassed"
    assert quiz["masteryScore"] == 0.85
    assert quiz["launchMethod"] == "OwnWindow"
    assert quiz["activityType"] == "http://adlnet.gov/expapi/activities/assessment"
    assert quiz["objectives"] == ["https://lms.example.org/objectives/safety"]
    assert quiz["url"] == "quiz/index.html?set=B"
    assert quiz["launchParameters"] == '{"questions": 10, "shuffle": true}'
    assert quiz["entitlementKey"] == "KEY-2025-0042"


def test_the_launch_is_the_first_au_url(course):
    assert course.launch == "welcome/index.html"


def test_a_bare_cmi5_xml_with_absolute_urls_is_a_course():
    package = parse_cmi5_xml(cmi5(url="https://aus.example.com/au/1/launch.html"))
    assert package.standard == "cmi5"
    assert package.launch == "https://aus.example.com/au/1/launch.html"
    assert package.structure["children"][0]["url"] == "https://aus.example.com/au/1/launch.html"


def test_a_bare_cmi5_xml_may_not_use_relative_urls():
    with pytest.raises(ManifestError, match=r"relative.*\(§14.2\)") as caught:
        parse_cmi5_xml(cmi5(url="index.html"), "course-structure.xml")
    assert caught.value.file == "course-structure.xml"
    assert caught.value.line == 12


def test_relative_au_urls_are_files_the_package_must_hold():
    _, references = parse_cmi5_course(cmi5(url="au/start.html?x=1"))
    assert [(ref.path, ref.line) for ref in references] == [("au/start.html", 12)]


@pytest.mark.parametrize(
    "url", ["au/start.html?endpoint=x", "https://aus.example.com/a?fetch=1&amp;activityId=2"]
)
def test_an_au_url_may_not_use_the_launch_parameter_names(url):
    with pytest.raises(ManifestError, match=r"launch parameter name.*\(§8\.1\)") as caught:
        parse_cmi5_course(cmi5(url=url))
    assert caught.value.line == 12


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ('masteryScore="1.5"', "masteryScore is 1.5, outside 0..1"),
        ('masteryScore="-0.1"', "masteryScore is -0.1, outside 0..1"),
        ('masteryScore="85%"', "masteryScore is '85%', not a decimal number"),
        ('launchMethod="NewWindow"', "launchMethod is 'NewWindow', not one of AnyWindow"),
        ('moveOn="Failed"', "moveOn is 'Failed', not one of"),
        ('moveOn="passed"', "moveOn is 'passed'"),
    ],
)
def test_bad_au_attributes_are_refused_at_the_au(attributes, message):
    with pytest.raises(ManifestError, match=message) as caught:
        parse_cmi5_xml(cmi5(attributes, url="https://example.org/au"))
    assert str(caught.value).startswith("cmi5.xml:8: ")


def test_mastery_score_bounds_are_inclusive():
    for score in ("0", "1", "1.0000"):
        package = parse_cmi5_xml(cmi5(f'masteryScore="{score}"', url="https://example.org/au"))
        assert package.structure["children"][0]["masteryScore"] == float(score)


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (cmi5(url=""), 12, "has an empty <url>"),
        (
            cmi5(url="https://e.org/a").replace(b"<url>https://e.org/a</url>", b""),
            8,
            "lacks its <url>",
        ),
        (cmi5(url="../outside.html"), 12, "points outside the package"),
        (cmi5(url="javascript:alert(1)"), 12, "refused scheme javascript"),
        (
            cmi5(url="https://e.org/a").replace(
                b'id="https://example.org/course/au"', b'id="au-1"'
            ),
            8,
            "id 'au-1' is not an IRI",
        ),
        (
            cmi5(url="https://e.org/a").replace(
                b"https://example.org/course/au", b"https://example.org/course"
            ),
            8,
            "the id 'https://example.org/course' is used twice",
        ),
        (
            cmi5(
                url="https://e.org/a",
                au_extra='<objectives><objective idref="urn:x:o"/></objectives>',
            ),
            11,
            "objective idref 'urn:x:o' names no course <objective>",
        ),
        (
            cmi5(url="https://e.org/a").replace(
                b'<title><langstring lang="en-US">AU</langstring></title>', b""
            ),
            8,
            "<au> lacks its <title>",
        ),
        (
            cmi5(url="https://e.org/a").replace(b'<langstring lang="en-US">AU</langstring>', b""),
            9,
            "<title> holds no <langstring>",
        ),
        (
            cmi5(url="https://e.org/a", au_extra="<url>https://e.org/b</url>"),
            12,
            "<au> has more than one <url>",
        ),
    ],
)
def test_bad_course_structures_are_refused_naming_the_line(data, line, message):
    with pytest.raises(ManifestError, match=message) as caught:
        parse_cmi5_course(data)
    assert (caught.value.file, caught.value.line) == ("cmi5.xml", line)


def test_a_block_without_aus_is_refused():
    data = cmi5(url="https://e.org/a").replace(
        b"</courseStructure>",
        b'<block id="https://example.org/b"><title><langstring>B</langstring></title>'
        b"<description><langstring>B</langstring></description></block></courseStructure>",
    )
    with pytest.raises(ManifestError, match="<block> holds no <au> or <block>"):
        parse_cmi5_course(data)


def test_a_course_without_aus_is_refused():
    data = cmi5().split(b"<!--")[0] + b"</courseStructure>"
    with pytest.raises(ManifestError, match="<courseStructure> holds no <au> or <block>"):
        parse_cmi5_course(data)


def test_the_root_must_be_a_cmi5_course_structure():
    with pytest.raises(ManifestError, match="not cmi5's <courseStructure>"):
        parse_cmi5_course(b'<courseStructure xmlns="urn:other"/>')
