"""SCORM 2004 manifests (2nd, 3rd and 4th editions): xml:base, parameters, adlcp and adlnav."""

from __future__ import annotations

import pytest

from lms.packages.manifests import ManifestError, ParsedPackage, detect_and_parse
from lms.packages.manifests.scorm import parse_scorm_manifest, with_parameters
from tests.builders.manifests import DATA, scorm2004

THIRD_EDITION_FILES = [
    "imsmanifest.xml",
    "content/modules/pretest/index.html",
    "content/modules/approach/start.html",
    "content/modules/shared/car.png",
    "content/modules/felony.html",
    "content/common/scorm.js",
]
FOURTH_EDITION_FILES = ["imsmanifest.xml", "crisis/index.html", "crisis/audio clip.mp3"]


@pytest.fixture(scope="module")
def third() -> ParsedPackage:
    return detect_and_parse(DATA / "scorm2004_3rd", THIRD_EDITION_FILES)


@pytest.fixture(scope="module")
def fourth() -> ParsedPackage:
    return detect_and_parse(DATA / "scorm2004_4th", FOURTH_EDITION_FILES)


def items_by_id(items: list[dict]) -> dict[str, dict]:
    found = {}
    for item in items:
        found[item["identifier"]] = item
        found.update(items_by_id(item["items"]))
    return found


def only_item(package: ParsedPackage) -> dict:
    return package.structure["organizations"][0]["items"][0]


def test_schemaversion_names_the_edition(third, fourth):
    second = detect_and_parse(DATA / "scorm2004_2nd", ["imsmanifest.xml", "custody.html"])
    assert (second.standard, second.edition) == ("scorm2004", "2nd")
    assert (third.standard, third.edition) == ("scorm2004", "3rd")
    assert (fourth.standard, fourth.edition) == ("scorm2004", "4th")
    assert third.structure["schemaversion"] == "2004 3rd Edition"


@pytest.mark.parametrize(
    ("item_body", "edition"),
    [
        ("", "2nd"),
        (
            "<adlnav:presentation><adlnav:navigationInterface>"
            "<adlnav:hideLMSUI>suspendAll</adlnav:hideLMSUI>"
            "</adlnav:navigationInterface></adlnav:presentation>",
            "3rd",
        ),
        ('<adlcp:completionThreshold minProgressMeasure="0.5"/>', "4th"),
        ('<adlcp:data><adlcp:map targetID="urn:x"/></adlcp:data>', "4th"),
    ],
)
def test_without_schemaversion_the_edition_is_the_earliest_that_defines_every_element(
    item_body, edition
):
    package, _ = parse_scorm_manifest(scorm2004(item_body, schemaversion=None))
    assert (package.standard, package.edition) == ("scorm2004", edition)


def test_title_identifier_version_and_launch(third):
    assert third.title == "High-Risk Traffic Stops"
    assert third.identifier == "org.example.traffic-stops"
    assert third.version == "2"
    assert third.launch == "content/modules/pretest/index.html"


def test_xml_base_on_manifest_resources_and_resource_prefixes_hrefs_and_files(third):
    resources = {r["identifier"]: r for r in third.structure["resources"]}
    assert third.structure["base"] == "content/"
    approach = resources["RES-APPROACH"]
    assert approach["base"] == "content/modules/approach/"
    assert approach["href"] == "content/modules/approach/start.html?lang=en"
    assert approach["files"] == [
        "content/modules/approach/start.html",
        "content/modules/shared/car.png",
    ]
    assert resources["RES-FELONY"]["href"] == "content/modules/felony.html"
    assert resources["RES-COMMON"]["files"] == ["content/common/scorm.js"]


def test_item_launch_joins_the_resource_href_and_the_parameters(third):
    items = items_by_id(third.structure["organizations"][0]["items"])
    assert items["APPROACH"]["parameters"] == "#start"
    assert items["APPROACH"]["launch"] == "content/modules/approach/start.html?lang=en#start"
    assert items["LESSONS"]["launch"] is None


@pytest.mark.parametrize(
    ("href", "parameters", "launch"),
    [
        ("a.html", None, "a.html"),
        ("a.html", "x=1", "a.html?x=1"),
        ("a.html", "?x=1", "a.html?x=1"),
        ("a.html?y=2", "?x=1", "a.html?y=2&x=1"),
        ("a.html?y=2", "&x=1", "a.html?y=2&x=1"),
        ("a.html", "#page3", "a.html#page3"),
        ("a.html#top", "#page3", "a.html#top"),
        ("a.html", "?", "a.html"),
    ],
)
def test_parameters_are_appended_as_the_cam_says(href, parameters, launch):
    assert with_parameters(href, parameters) == launch


def test_adlcp_elements_of_the_third_edition(third):
    approach = items_by_id(third.structure["organizations"][0]["items"])["APPROACH"]
    assert approach["timeLimitAction"] == "continue,no message"
    assert approach["dataFromLMS"] == "unit=patrol"
    assert approach["completionThreshold"] == {
        "value": 0.75,
        "completedByMeasure": False,
        "minProgressMeasure": 1.0,
        "progressWeight": 1.0,
    }
    assert approach["masteryScore"] is None and approach["prerequisites"] is None


def test_adlnav_presentation_lists_the_hidden_lms_controls(third):
    approach = items_by_id(third.structure["organizations"][0]["items"])["APPROACH"]
    assert approach["presentation"] == {
        "navigationInterface": {"hideLMSUI": ["continue", "previous", "suspendAll"]}
    }


def test_the_default_organization_is_the_one_launched(fourth):
    assert fourth.structure["defaultOrganization"] == "ORG-B"
    assert [org["identifier"] for org in fourth.structure["organizations"]] == ["ORG-A", "ORG-B"]
    assert fourth.title == "De-escalation Techniques"
    assert fourth.launch == "crisis/index.html?scenario=2"


def test_fourth_edition_completion_threshold_attributes(fourth):
    assert only_item_of(fourth, "ORG-B")["completionThreshold"] == {
        "value": None,
        "completedByMeasure": True,
        "minProgressMeasure": 0.9,
        "progressWeight": 0.4,
    }


def test_fourth_edition_shared_data_maps(fourth):
    organization = fourth.structure["organizations"][1]
    assert organization["sharedDataGlobalToSystem"] is False
    assert organization["objectivesGlobalToSystem"] is True
    assert only_item_of(fourth, "ORG-B")["data"] == [
        {"targetID": "urn:example:notes", "readSharedData": True, "writeSharedData": True},
        {"targetID": "urn:example:profile", "readSharedData": True, "writeSharedData": False},
    ]


def only_item_of(package: ParsedPackage, organization: str) -> dict:
    orgs = {org["identifier"]: org for org in package.structure["organizations"]}
    return orgs[organization]["items"][0]


@pytest.mark.parametrize(
    ("item_body", "message"),
    [
        ("<adlcp:completionThreshold>1.5</adlcp:completionThreshold>", "outside 0..1"),
        ('<adlcp:completionThreshold progressWeight="-0.1"/>', "progressWeight is -0.1"),
        ('<adlcp:completionThreshold completedByMeasure="yes"/>', "not true or false"),
        (
            "<adlnav:presentation><adlnav:navigationInterface>"
            "<adlnav:hideLMSUI>help</adlnav:hideLMSUI>"
            "</adlnav:navigationInterface></adlnav:presentation>",
            "hideLMSUI is 'help'",
        ),
        ("<adlcp:data><adlcp:map/></adlcp:data>", "lacks the required attribute targetID"),
    ],
)
def test_bad_item_values_are_refused_at_their_line(item_body, message):
    with pytest.raises(ManifestError, match=message) as caught:
        parse_scorm_manifest(scorm2004(item_body))
    assert caught.value.line == 9


def test_an_isvisible_that_is_not_a_boolean_is_refused():
    with pytest.raises(ManifestError, match="isvisible is 'maybe'") as caught:
        parse_scorm_manifest(scorm2004(item_attributes='identifierref="RES" isvisible="maybe"'))
    assert caught.value.line == 7


@pytest.mark.parametrize(
    ("resource", "message"),
    [
        (
            '<resource identifier="RES" type="webcontent" adlcp:scormType="sco" '
            'xml:base="../../" href="index.html"/>',
            "points outside the package",
        ),
        (
            '<resource identifier="RES" type="webcontent" adlcp:scormType="sco" '
            'href="/etc/passwd"/>',
            "absolute path",
        ),
        (
            '<resource identifier="RES" type="webcontent" adlcp:scormType="sco" '
            'href="javascript:alert(1)"/>',
            "refused scheme javascript",
        ),
        (
            '<resource identifier="RES" type="webcontent" adlcp:scormType="sco" '
            'href="C:\\course\\index.html"/>',
            "absolute path",
        ),
        ('<resource identifier="RES" adlcp:scormType="sco" href="a.html"/>', "attribute type"),
    ],
)
def test_resources_that_cannot_be_served_from_the_package_are_refused(resource, message):
    with pytest.raises(ManifestError, match=message) as caught:
        parse_scorm_manifest(scorm2004(resources=resource))
    assert caught.value.line == 14


def test_a_resource_on_another_server_is_kept_as_an_absolute_url():
    resource = (
        '<resource identifier="RES" type="webcontent" adlcp:scormType="asset" '
        'href="https://video.example.net/clip.mp4"/>'
    )
    package, references = parse_scorm_manifest(scorm2004(resources=resource))
    assert package.launch == "https://video.example.net/clip.mp4"
    assert references == []


def test_an_organization_whose_items_launch_nothing_is_refused():
    with pytest.raises(ManifestError, match="has no item that launches a resource"):
        parse_scorm_manifest(scorm2004(item_attributes=""))


def test_a_manifest_that_names_no_scorm_version_is_refused():
    data = (
        b'<manifest identifier="M" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1">'
        b"<organizations/><resources/></manifest>"
    )
    with pytest.raises(ManifestError, match="cannot tell the SCORM version"):
        parse_scorm_manifest(data)
