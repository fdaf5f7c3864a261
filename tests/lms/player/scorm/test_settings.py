"""The manifest as the player needs it: SCOs to launch, contents, scorm-again's activity tree."""

from __future__ import annotations

from pathlib import Path

from lms.packages.manifests.scorm import parse_scorm_manifest
from lms.player.scorm import settings
from tests.builders.manifests import scorm2004
from tests.builders.scorm import PACKAGES, SCORM12, SCORM2004

MANIFESTS = Path(__file__).resolve().parents[2] / "packages" / "manifests" / "data"


def _package(path: Path):
    package, _ = parse_scorm_manifest(path.read_bytes(), "imsmanifest.xml")
    return package


def _find(activity: dict, identifier: str) -> dict:
    if activity["id"] == identifier:
        return activity
    for child in activity.get("children", []):
        found = _find(child, identifier)
        if found:
            return found
    return {}


def test_scorm12_scos_carry_their_mastery_score_and_launch_data():
    package = _package(PACKAGES / SCORM12 / "imsmanifest.xml")
    [sco] = settings.scos(package)
    assert (sco.id, sco.title, sco.mastery_score, sco.data_from_lms) == (
        "CHECK",
        "Knowledge check",
        80,
        "lang=en",
    )
    assert (
        sco.url("https://content.test/content/T/7/")
        == "https://content.test/content/T/7/index.html"
    )
    assert sco.completion_threshold is None and sco.scaled_passing_score is None


def test_the_forced_order_course_becomes_a_tree_without_choice_and_with_flow():
    package = _package(PACKAGES / SCORM2004 / "imsmanifest.xml")
    tree = settings.activity_tree(package)
    assert tree["id"] == "ORG" and tree["title"] == "Traffic Stops"
    assert [child["id"] for child in tree["children"]] == ["INTRO", "LESSON", "POSTTEST"]
    assert tree["sequencingControls"]["choice"] is False
    assert tree["sequencingControls"]["flow"] is True
    intro = _find(tree, "INTRO")
    # Only the post-test counts for the course's satisfaction and score.
    assert intro["sequencingControls"]["rollupObjectiveSatisfied"] is False
    assert intro["sequencingControls"]["objectiveMeasureWeight"] == 0
    posttest = _find(tree, "POSTTEST")
    assert posttest["primaryObjective"]["objectiveID"] == "POSTTEST-PASSED"
    assert posttest["primaryObjective"]["satisfiedByMeasure"] is True
    assert posttest["primaryObjective"]["minNormalizedMeasure"] == 0.8
    scos = settings.sco_by_id(package)
    assert scos["POSTTEST"].scaled_passing_score == 0.8
    assert scos["INTRO"].scaled_passing_score is None
    assert scos["LESSON"].url("/content/T/3/") == "/content/T/3/sco.html?part=lesson"


def test_items_without_sequencing_get_the_manifest_defaults_not_the_engines():
    package = _package(MANIFESTS / "scorm2004_2nd" / "imsmanifest.xml")
    tree = settings.activity_tree(package)
    leaves = [activity for activity in _walk(tree) if not activity.get("children")]
    assert leaves
    for leaf in leaves:
        if "deliveryControls" not in leaf:
            assert leaf["sequencingControls"]["flow"] is False
            assert leaf["sequencingControls"]["choice"] is True


def _walk(activity: dict):
    yield activity
    for child in activity.get("children", []):
        yield from _walk(child)


def test_rules_rollup_limits_and_objectives_of_the_third_edition_reach_the_tree():
    package = _package(MANIFESTS / "scorm2004_3rd" / "imsmanifest.xml")
    tree = settings.activity_tree(package)
    approach = _find(tree, "APPROACH")
    rules = approach["sequencingRules"]
    pre = rules["preConditionRules"][0]
    assert pre["action"] == "skip" and pre["conditionCombination"] == "any"
    assert pre["conditions"][0] == {"condition": "satisfied", "referencedObjective": "OBJ-APPROACH"}
    assert pre["conditions"][1] == {"condition": "attempted", "operator": "not"}
    post = rules["postConditionRules"][0]
    assert post["conditions"][0]["parameters"] == {"threshold": 0.6}
    assert approach["attemptLimit"] == 3
    assert approach["attemptAbsoluteDurationLimit"] == "PT1H30M"
    assert approach["primaryObjective"]["mapInfo"][0]["writeSatisfiedStatus"] is True
    assert approach["objectives"][0]["objectiveID"] == "OBJ-RADIO"
    # The 3rd edition's threshold is the element's text, judged by progress measure.
    assert approach["completionThreshold"]["minProgressMeasure"] == 0.75
    assert approach["hideLmsUi"] == ["continue", "previous", "suspendAll"]
    lessons = _find(tree, "LESSONS")
    controls = lessons["sequencingControls"]
    assert (controls["choice"], controls["flow"], controls["forwardOnly"]) == (False, True, True)
    assert controls["constrainChoice"] is True and controls["preventActivation"] is True
    assert controls["selectCount"] == 1 and controls["randomizeChildren"] is True
    at_least_count, at_least_percent = lessons["rollupRules"]["rules"]
    assert at_least_count["consideration"] == "atLeastCount"
    assert at_least_count["conditions"][1] == {
        "condition": "attemptLimitExceeded",
        "operator": "not",
    }
    # IMS SS gives a fraction; scorm-again compares percentages.
    assert at_least_percent["minimumPercent"] == 50
    assert lessons["rollupConsiderations"]["requiredForSatisfied"] == "ifNotSkipped"
    scos = settings.sco_by_id(package)
    assert scos["APPROACH"].completion_threshold == 0.75
    assert scos["APPROACH"].scaled_passing_score == 0.8
    assert scos["APPROACH"].data_from_lms == "unit=patrol"


def test_the_fourth_editions_threshold_shared_data_and_adlseq_maps_reach_the_tree():
    package = _package(MANIFESTS / "scorm2004_4th" / "imsmanifest.xml")
    tree = settings.activity_tree(package)
    assert tree["id"] == "ORG-B"
    crisis = _find(tree, "CRISIS")
    assert crisis["completionThreshold"] == {
        "completedByMeasure": True,
        "minProgressMeasure": 0.9,
        "progressWeight": 0.4,
    }
    assert crisis["sharedDataMaps"][0] == {
        "targetID": "urn:example:notes",
        "readSharedData": True,
        "writeSharedData": True,
    }
    [mapping] = crisis["primaryObjective"]["mapInfo"]
    assert mapping["targetObjectiveID"] == "urn:example:crisis"
    assert mapping["writeRawScore"] is True and mapping["readProgressMeasure"] is False
    [sco] = settings.scos(package)
    assert sco.completion_threshold == 0.9
    assert sco.hide_lms_ui == ("exitAll",)


def test_the_contents_list_visible_items_as_a_tree():
    package = _package(MANIFESTS / "scorm2004_3rd" / "imsmanifest.xml")
    toc = settings.table_of_contents(package)
    lessons = next(entry for entry in toc if entry["id"] == "LESSONS")
    assert lessons["launchable"] is False
    assert [child["id"] for child in lessons["children"]][:2] == ["APPROACH", "FELONY"]


def test_scorm12_api_settings_honour_the_mastery_score_and_number_commits():
    api = settings.api_settings("scorm12")
    assert api["mastery_override"] is True and api["score_overrides_status"] is True
    assert api["includeCommitSequence"] is True
    assert api["terminateCommitPayloadField"] == "terminate"
    assert "mastery_override" not in settings.api_settings("scorm2004")


def test_an_item_without_sequencing_gets_the_control_mode_an_empty_sequencing_has():
    # scorm-again's own defaults differ (flow=true), so the SN defaults are always handed over.
    bare, _ = parse_scorm_manifest(scorm2004())
    empty, _ = parse_scorm_manifest(scorm2004("<imsss:sequencing/>"))
    bare_controls = settings.activity_tree(bare)["children"][0]["sequencingControls"]
    empty_controls = settings.activity_tree(empty)["children"][0]["sequencingControls"]
    assert bare_controls == {name: empty_controls[name] for name in bare_controls}
    assert bare_controls["choice"] is True and bare_controls["flow"] is False
