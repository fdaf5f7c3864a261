"""SCORM 1.2 manifests: nested items, adlcp elements, resources and their errors."""

from __future__ import annotations

import pytest

from lms.packages.manifests import ManifestError, ParsedPackage, detect_and_parse
from lms.packages.manifests.scorm import parse_scorm_manifest
from tests.builders.manifests import DATA, SCORM_12_NAMESPACES, scorm12

SCORM12_FILES = [
    "imsmanifest.xml",
    "law/index.html",
    "law/graham.mp4",
    "policy/policy.pdf",
    "exam/exam.html",
    "shared/apiwrapper.js",
    "shared/style.css",
]


@pytest.fixture(scope="module")
def package() -> ParsedPackage:
    return detect_and_parse(DATA / "scorm12", SCORM12_FILES)


def items_by_id(items: list[dict]) -> dict[str, dict]:
    found = {}
    for item in items:
        found[item["identifier"]] = item
        found.update(items_by_id(item["items"]))
    return found


def test_a_scorm_12_manifest_is_detected_with_its_title_identifier_and_version(package):
    assert package.standard == "scorm12"
    assert package.edition == "1.2"
    assert package.title == "Use of Force Reporting"
    assert package.identifier == "com.example.uof-reporting"
    assert package.version == "1.3"


def test_the_launch_is_the_first_launchable_item_with_its_parameters(package):
    assert package.launch == "law/index.html?chapter=1"


def test_items_nest_as_in_the_organization(package):
    organization = package.structure["organizations"][0]
    assert package.structure["defaultOrganization"] == "ORG-UOF"
    assert [item["identifier"] for item in organization["items"]] == ["MOD-1", "EXAM"]
    module = organization["items"][0]
    assert module["identifierref"] is None and module["launch"] is None
    assert [item["identifier"] for item in module["items"]] == ["LESSON-1-1", "LESSON-1-2"]


def test_adlcp_elements_are_read_into_the_2004_spelling(package):
    items = items_by_id(package.structure["organizations"][0]["items"])
    lesson = items["LESSON-1-1"]
    assert lesson["masteryScore"] == 80.0
    assert lesson["maxTimeAllowed"] == "00:30:00"
    assert lesson["timeLimitAction"] == "exit,message"
    assert lesson["dataFromLMS"] == "agency=CA-POST"
    assert lesson["scormType"] == "sco"
    assert items["EXAM"]["masteryScore"] == 75.5
    assert items["EXAM"]["prerequisites"] == {
        "type": "aicc_script",
        "value": "LESSON-1-1 & LESSON-1-2",
    }


def test_isvisible_defaults_to_true_and_false_is_kept(package):
    items = items_by_id(package.structure["organizations"][0]["items"])
    assert items["LESSON-1-1"]["isvisible"] is True
    assert items["LESSON-1-2"]["isvisible"] is False
    assert items["LESSON-1-2"]["scormType"] == "asset"


def test_elements_scorm_12_lacks_are_none(package):
    lesson = items_by_id(package.structure["organizations"][0]["items"])["LESSON-1-1"]
    assert lesson["sequencing"] is None
    assert lesson["completionThreshold"] is None
    assert lesson["presentation"] is None
    assert lesson["data"] == []


def test_resources_keep_type_scormtype_href_files_and_dependencies(package):
    resources = {r["identifier"]: r for r in package.structure["resources"]}
    assert resources["RES-LAW"] == {
        "identifier": "RES-LAW",
        "type": "webcontent",
        "scormType": "sco",
        "base": None,
        "href": "law/index.html",
        "files": ["law/index.html", "law/graham.mp4"],
        "dependencies": ["RES-SHARED"],
    }
    assert resources["RES-SHARED"]["href"] is None
    exam = items_by_id(package.structure["organizations"][0]["items"])["EXAM"]
    assert exam["launch"] == "exam/exam.html?mode=final"


def test_a_manifest_without_schemaversion_is_told_by_its_adlcp_namespace():
    data = scorm12().replace(
        b"<metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>", b""
    )
    package, _ = parse_scorm_manifest(data)
    assert (package.standard, package.edition) == ("scorm12", "1.2")


def test_a_manifest_without_any_namespace_is_read_when_schemaversion_says_1_2():
    data = scorm12("<adlcp:masteryscore>70</adlcp:masteryscore>")
    data = data.replace(SCORM_12_NAMESPACES.encode(), b"").replace(b"adlcp:", b"")
    package, _ = parse_scorm_manifest(data)
    assert package.structure["organizations"][0]["items"][0]["masteryScore"] == 70.0
    assert (package.standard, package.edition) == ("scorm12", "1.2")
    assert package.structure["resources"][0]["scormType"] == "sco"


@pytest.mark.parametrize(
    ("item_body", "message"),
    [
        ("<adlcp:masteryscore>120</adlcp:masteryscore>", "masteryscore is 120, outside 0..100"),
        ("<adlcp:masteryscore>high</adlcp:masteryscore>", "not a decimal number"),
        ("<adlcp:timelimitaction>stop</adlcp:timelimitaction>", "timeLimitAction is 'stop'"),
    ],
)
def test_bad_adlcp_values_are_refused_at_their_line(item_body, message):
    with pytest.raises(ManifestError, match=message) as caught:
        parse_scorm_manifest(scorm12(item_body))
    assert caught.value.file == "imsmanifest.xml"
    assert caught.value.line == 9
    assert str(caught.value).startswith("imsmanifest.xml:9: ")


def test_time_limit_action_is_compared_without_case_or_spacing():
    package, _ = parse_scorm_manifest(
        scorm12("<adlcp:timelimitaction>Continue, No Message</adlcp:timelimitaction>")
    )
    item = package.structure["organizations"][0]["items"][0]
    assert item["timeLimitAction"] == "continue,no message"


def test_an_identifierref_to_no_resource_is_refused_at_the_item():
    data = scorm12().replace(b'identifierref="RES"', b'identifierref="RES-GONE"')
    with pytest.raises(ManifestError, match="'RES-GONE', which is no resource") as caught:
        parse_scorm_manifest(data)
    assert caught.value.line == 7


def test_a_dependency_on_no_resource_is_refused_at_the_dependency():
    resources = (
        '<resource identifier="RES" type="webcontent" adlcp:scormtype="sco" href="index.html">\n'
        '<dependency identifierref="MISSING"/></resource>'
    )
    with pytest.raises(ManifestError, match="depends on 'MISSING'") as caught:
        parse_scorm_manifest(scorm12(resources=resources))
    assert caught.value.line == 15


def test_an_identifier_used_twice_is_refused():
    resources = (
        '<resource identifier="RES" type="webcontent" adlcp:scormtype="sco" href="a.html"/>\n'
        '<resource identifier="RES" type="webcontent" adlcp:scormtype="sco" href="b.html"/>'
    )
    with pytest.raises(ManifestError, match="'RES' is used twice") as caught:
        parse_scorm_manifest(scorm12(resources=resources))
    assert caught.value.line == 15


def test_an_item_may_share_its_resource_identifier_but_not_another_items():
    package, _ = parse_scorm_manifest(scorm12().replace(b'identifier="ITEM"', b'identifier="RES"'))
    assert package.structure["organizations"][0]["items"][0]["identifier"] == "RES"
    with pytest.raises(ManifestError, match="the identifier 'ORG' is used twice") as caught:
        parse_scorm_manifest(scorm12().replace(b'identifier="ITEM"', b'identifier="ORG"'))
    assert caught.value.line == 7


def test_a_resource_needs_scormtype_sco_or_asset():
    bad = '<resource identifier="RES" type="webcontent" adlcp:scormtype="lesson" href="a.html"/>'
    with pytest.raises(ManifestError, match="'lesson', not one of asset, sco"):
        parse_scorm_manifest(scorm12(resources=bad))


def test_an_item_launching_a_resource_without_href_is_refused():
    bare = '<resource identifier="RES" type="webcontent" adlcp:scormtype="asset"/>'
    with pytest.raises(ManifestError, match="refers to resource 'RES' \\(no href\\)"):
        parse_scorm_manifest(scorm12(resources=bare))


def test_an_item_without_a_title_is_refused():
    data = scorm12().replace(b"<title>Lesson</title>", b"")
    with pytest.raises(ManifestError, match="item 'ITEM' lacks its <title>"):
        parse_scorm_manifest(data)


def test_a_manifest_with_no_organization_is_refused():
    data = scorm12().split(b"<organizations")[0] + (b"<organizations/><resources/></manifest>")
    with pytest.raises(ManifestError, match="no <organization>"):
        parse_scorm_manifest(data)


def test_a_default_organization_that_does_not_exist_is_refused():
    data = scorm12().replace(b'default="ORG"', b'default="NOPE"')
    with pytest.raises(ManifestError, match="default organization 'NOPE'") as caught:
        parse_scorm_manifest(data)
    assert caught.value.line == 4


def test_a_root_element_other_than_manifest_is_refused():
    with pytest.raises(ManifestError, match="<html>, not a content <manifest>"):
        parse_scorm_manifest(b"<html><body/></html>")
