"""tincan.xml packages: activities with languages, and the one activity that launches."""

from __future__ import annotations

import pytest

from lms.packages.manifests import ManifestError, detect_and_parse
from lms.packages.manifests.tincan import parse_tincan_xml
from tests.builders.manifests import DATA


def test_a_tincan_package_launches_its_first_activity_with_a_launch():
    package = detect_and_parse(DATA / "tincan", ["tincan.xml", "story.html", "fr/story.html"])
    assert package.standard == "tincan"
    assert package.edition is None and package.version is None
    assert package.identifier == "https://lms.example.org/tincan/report-writing"
    assert package.title == "Report Writing"
    assert package.launch == "story.html"
    assert package.structure["launchActivity"] == package.identifier


def test_activities_keep_type_names_descriptions_and_launch_by_language():
    package, references = parse_tincan_xml((DATA / "tincan" / "tincan.xml").read_bytes())
    course, quiz = package.structure["activities"]
    assert course == {
        "id": "https://lms.example.org/tincan/report-writing",
        "type": "http://adlnet.gov/expapi/activities/course",
        "name": {"en-US": "Report Writing", "fr-CA": "Rédaction de rapports"},
        "description": {"en-US": "Clear, complete incident reports."},
        "launch": {"en-US": "story.html", "fr-CA": "fr/story.html"},
    }
    assert quiz["name"] == {"und": "Quiz"} and quiz["launch"] == {}
    assert [(ref.path, ref.line) for ref in references] == [
        ("story.html", 9),
        ("fr/story.html", 10),
    ]


def tincan(activity: str) -> bytes:
    return (
        '<tincan xmlns="http://projecttincan.com/tincan.xsd">\n<activities>\n'
        f"{activity}\n</activities>\n</tincan>"
    ).encode()


@pytest.mark.parametrize(
    ("activity", "line", "message"),
    [
        ('<activity id="urn:x:a"><name>A</name></activity>', 1, "no <activity> has a <launch>"),
        ("<activity><launch>a.html</launch></activity>", 3, "lacks the required attribute id"),
        ('<activity id="a"><launch>a.html</launch></activity>', 3, "'a' is not an IRI"),
        ('<activity id="urn:x:a"><launch> </launch></activity>', 3, "has an empty <launch>"),
        ('<activity id="urn:x:a"><launch>../a.html</launch></activity>', 3, "outside the package"),
        ("", 1, "lists no <activity>"),
    ],
)
def test_unusable_tincan_xml_is_refused_at_its_line(activity, line, message):
    with pytest.raises(ManifestError, match=message) as caught:
        parse_tincan_xml(tincan(activity))
    assert (caught.value.file, caught.value.line) == ("tincan.xml", line)


def test_an_absolute_launch_url_needs_no_file_in_the_package():
    package, references = parse_tincan_xml(
        tincan('<activity id="urn:x:a"><launch>https://cdn.example.com/a.html</launch></activity>')
    )
    assert package.launch == "https://cdn.example.com/a.html"
    assert references == []
