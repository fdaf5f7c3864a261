"""SCORM 2004 sequencing: every imsss and adlseq element, defaults filled in, IDRef resolved."""

from __future__ import annotations

import pytest

from lms.packages.manifests import ManifestError, ParsedPackage
from lms.packages.manifests.scorm import parse_scorm_manifest
from tests.builders.manifests import DATA, scorm2004


@pytest.fixture(scope="module")
def third() -> ParsedPackage:
    package, _ = parse_scorm_manifest((DATA / "scorm2004_3rd" / "imsmanifest.xml").read_bytes())
    return package


@pytest.fixture(scope="module")
def fourth() -> ParsedPackage:
    package, _ = parse_scorm_manifest((DATA / "scorm2004_4th" / "imsmanifest.xml").read_bytes())
    return package


def sequencing_of(package: ParsedPackage, identifier: str) -> dict:
    def find(items: list[dict]) -> dict | None:
        for item in items:
            if item["identifier"] == identifier:
                return item
            found = find(item["items"])
            if found is not None:
                return found
        return None

    for organization in package.structure["organizations"]:
        item = find(organization["items"])
        if item is not None:
            return item["sequencing"]
    raise AssertionError(f"no item {identifier}")


def sequencing(body: str) -> dict:
    package, _ = parse_scorm_manifest(scorm2004(f"<imsss:sequencing>{body}</imsss:sequencing>"))
    return package.structure["organizations"][0]["items"][0]["sequencing"]


def test_an_item_without_sequencing_has_none():
    package, _ = parse_scorm_manifest(scorm2004())
    assert package.structure["organizations"][0]["items"][0]["sequencing"] is None


def test_an_empty_sequencing_element_has_every_default():
    assert sequencing("") == {
        "ID": None,
        "IDRef": None,
        "controlMode": {
            "choice": True,
            "choiceExit": True,
            "flow": False,
            "forwardOnly": False,
            "useCurrentAttemptObjectiveInfo": True,
            "useCurrentAttemptProgressInfo": True,
        },
        "sequencingRules": {
            "preConditionRules": [],
            "exitConditionRules": [],
            "postConditionRules": [],
        },
        "limitConditions": {"attemptLimit": None, "attemptAbsoluteDurationLimit": None},
        "rollupRules": {
            "rollupObjectiveSatisfied": True,
            "rollupProgressCompletion": True,
            "objectiveMeasureWeight": 1.0,
            "rules": [],
        },
        "objectives": {"primaryObjective": None, "objectives": []},
        "randomizationControls": {
            "randomizationTiming": "never",
            "selectCount": None,
            "reorderChildren": False,
            "selectionTiming": "never",
        },
        "deliveryControls": {
            "tracked": True,
            "completionSetByContent": False,
            "objectiveSetByContent": False,
        },
        "constrainedChoiceConsiderations": {"preventActivation": False, "constrainChoice": False},
        "rollupConsiderations": {
            "requiredForSatisfied": "always",
            "requiredForNotSatisfied": "always",
            "requiredForCompleted": "always",
            "requiredForIncomplete": "always",
            "measureSatisfactionIfActive": True,
        },
        "adlseqObjectives": [],
    }


def test_elements_written_without_attributes_take_the_same_defaults_as_absent_ones():
    written = sequencing(
        "<imsss:controlMode/>"
        "<imsss:limitConditions/>"
        "<imsss:rollupRules><imsss:rollupRule><imsss:rollupConditions>"
        '<imsss:rollupCondition condition="satisfied"/></imsss:rollupConditions>'
        '<imsss:rollupAction action="satisfied"/></imsss:rollupRule></imsss:rollupRules>'
        '<imsss:objectives><imsss:primaryObjective objectiveID="P"/></imsss:objectives>'
        "<imsss:randomizationControls/>"
        "<imsss:deliveryControls/>"
        "<adlseq:constrainedChoiceConsiderations/>"
        "<adlseq:rollupConsiderations/>"
    )
    absent = sequencing("")
    for part in (
        "controlMode",
        "limitConditions",
        "randomizationControls",
        "deliveryControls",
        "constrainedChoiceConsiderations",
        "rollupConsiderations",
    ):
        assert written[part] == absent[part], part
    rollup = written["rollupRules"]
    assert {name: rollup[name] for name in rollup if name != "rules"} == {
        name: absent["rollupRules"][name] for name in absent["rollupRules"] if name != "rules"
    }
    assert rollup["rules"] == [
        {
            "childActivitySet": "all",
            "minimumCount": 0,
            "minimumPercent": 0.0,
            "conditionCombination": "any",
            "conditions": [{"condition": "satisfied", "operator": "noOp"}],
            "action": "satisfied",
        }
    ]
    assert written["objectives"]["primaryObjective"] == {
        "objectiveID": "P",
        "satisfiedByMeasure": False,
        "minNormalizedMeasure": 1.0,
        "mapInfo": [],
    }


def test_pre_exit_and_post_condition_rules_keep_their_conditions(third):
    rules = sequencing_of(third, "APPROACH")["sequencingRules"]
    assert rules["preConditionRules"] == [
        {
            "conditionCombination": "any",
            "conditions": [
                {
                    "condition": "satisfied",
                    "operator": "noOp",
                    "referencedObjective": "OBJ-APPROACH",
                    "objectiveDefined": True,
                    "measureThreshold": None,
                },
                {
                    "condition": "attempted",
                    "operator": "not",
                    "referencedObjective": None,
                    "objectiveDefined": True,
                    "measureThreshold": None,
                },
            ],
            "action": "skip",
        }
    ]
    assert rules["exitConditionRules"][0]["action"] == "exit"
    assert rules["exitConditionRules"][0]["conditionCombination"] == "all"
    post = rules["postConditionRules"][0]
    assert post["action"] == "retry"
    assert post["conditions"][0]["condition"] == "objectiveMeasureLessThan"
    assert post["conditions"][0]["measureThreshold"] == 0.6


def test_limit_conditions(third):
    assert sequencing_of(third, "APPROACH")["limitConditions"] == {
        "attemptLimit": 3,
        "attemptAbsoluteDurationLimit": "PT1H30M",
    }


def test_primary_and_secondary_objectives_with_their_map_info(third):
    objectives = sequencing_of(third, "APPROACH")["objectives"]
    assert objectives["primaryObjective"] == {
        "objectiveID": "OBJ-APPROACH",
        "satisfiedByMeasure": True,
        "minNormalizedMeasure": 0.8,
        "mapInfo": [
            {
                "targetObjectiveID": "urn:example:global:approach",
                "readSatisfiedStatus": True,
                "readNormalizedMeasure": True,
                "writeSatisfiedStatus": True,
                "writeNormalizedMeasure": True,
            }
        ],
    }
    assert objectives["objectives"] == [
        {
            "objectiveID": "OBJ-RADIO",
            "satisfiedByMeasure": False,
            "minNormalizedMeasure": 1.0,
            "mapInfo": [
                {
                    "targetObjectiveID": "urn:example:global:radio",
                    "readSatisfiedStatus": True,
                    "readNormalizedMeasure": False,
                    "writeSatisfiedStatus": False,
                    "writeNormalizedMeasure": False,
                }
            ],
        }
    ]


def test_a_cluster_keeps_control_mode_rollup_randomization_and_adl_considerations(third):
    cluster = sequencing_of(third, "LESSONS")
    assert cluster["controlMode"]["choice"] is False
    assert cluster["controlMode"]["flow"] is True
    assert cluster["controlMode"]["forwardOnly"] is True
    rollup = cluster["rollupRules"]
    assert rollup["rollupProgressCompletion"] is False
    assert rollup["objectiveMeasureWeight"] == 0.5
    assert rollup["rules"][0] == {
        "childActivitySet": "atLeastCount",
        "minimumCount": 1,
        "minimumPercent": 0.0,
        "conditionCombination": "any",
        "conditions": [
            {"condition": "satisfied", "operator": "noOp"},
            {"condition": "attemptLimitExceeded", "operator": "not"},
        ],
        "action": "satisfied",
    }
    assert rollup["rules"][1]["minimumPercent"] == 0.5
    assert rollup["rules"][1]["conditionCombination"] == "all"
    assert cluster["randomizationControls"] == {
        "randomizationTiming": "onEachNewAttempt",
        "selectCount": 1,
        "reorderChildren": True,
        "selectionTiming": "once",
    }
    assert cluster["constrainedChoiceConsiderations"] == {
        "preventActivation": True,
        "constrainChoice": True,
    }
    assert cluster["rollupConsiderations"] == {
        "requiredForSatisfied": "ifNotSkipped",
        "requiredForNotSatisfied": "always",
        "requiredForCompleted": "ifAttempted",
        "requiredForIncomplete": "always",
        "measureSatisfactionIfActive": False,
    }


def test_the_organization_has_its_own_sequencing(third):
    organization = third.structure["organizations"][0]
    assert organization["objectivesGlobalToSystem"] is False
    assert organization["sequencing"]["controlMode"]["flow"] is True


def test_idref_takes_the_collection_entry_and_local_elements_win(third):
    pretest = sequencing_of(third, "PRETEST")
    assert pretest["IDRef"] == "SEQ-TEST"
    assert pretest["controlMode"]["choiceExit"] is False
    assert pretest["limitConditions"]["attemptLimit"] == 1
    assert pretest["deliveryControls"] == {
        "tracked": True,
        "completionSetByContent": True,
        "objectiveSetByContent": True,
    }


def test_fourth_edition_adlseq_objectives_extend_imsss_objectives(fourth):
    crisis = sequencing_of(fourth, "CRISIS")
    assert crisis["adlseqObjectives"] == [
        {
            "objectiveID": "OBJ-CRISIS",
            "mapInfo": [
                {
                    "targetObjectiveID": "urn:example:crisis",
                    "readRawScore": True,
                    "readMinScore": True,
                    "readMaxScore": True,
                    "readCompletionStatus": True,
                    "readProgressMeasure": False,
                    "writeRawScore": True,
                    "writeMinScore": False,
                    "writeMaxScore": False,
                    "writeCompletionStatus": True,
                    "writeProgressMeasure": False,
                }
            ],
        }
    ]


def test_an_idref_to_no_collection_entry_is_refused():
    with pytest.raises(ManifestError, match="IDRef 'SEQ-GONE' names no") as caught:
        parse_scorm_manifest(scorm2004('<imsss:sequencing IDRef="SEQ-GONE"/>'))
    assert caught.value.line == 9


def test_a_collection_entry_needs_an_id():
    collection = "<imsss:sequencingCollection>\n<imsss:sequencing/>\n</imsss:sequencingCollection>"
    with pytest.raises(ManifestError, match="lacks the required attribute ID") as caught:
        parse_scorm_manifest(scorm2004(after_resources=collection))
    assert caught.value.line == 17


def rule(kind: str, condition: str, action: str, extra: str = "") -> str:
    return (
        f"<imsss:sequencingRules><imsss:{kind}><imsss:ruleConditions>"
        f'<imsss:ruleCondition condition="{condition}" {extra}/></imsss:ruleConditions>'
        f'<imsss:ruleAction action="{action}"/></imsss:{kind}></imsss:sequencingRules>'
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (rule("preConditionRule", "happy", "skip"), "condition is 'happy'"),
        (rule("preConditionRule", "satisfied", "exit"), "action is 'exit'"),
        (rule("postConditionRule", "satisfied", "skip"), "action is 'skip'"),
        (
            rule("preConditionRule", "satisfied", "skip", 'measureThreshold="2"'),
            "measureThreshold is 2, outside -1..1",
        ),
        (
            rule("preConditionRule", "satisfied", "skip", 'operator="nand"'),
            "operator is 'nand'",
        ),
        (
            "<imsss:sequencingRules><imsss:preConditionRule><imsss:ruleConditions>"
            '<imsss:ruleCondition condition="always"/></imsss:ruleConditions>'
            "</imsss:preConditionRule></imsss:sequencingRules>",
            "lacks <imsss:ruleAction>",
        ),
        ('<imsss:limitConditions attemptLimit="-1"/>', "attemptLimit is '-1'"),
        ('<imsss:controlMode flow="sometimes"/>', "flow is 'sometimes'"),
        ('<imsss:randomizationControls selectionTiming="daily"/>', "selectionTiming is 'daily'"),
        (
            '<imsss:rollupRules><imsss:rollupRule childActivitySet="most">'
            '<imsss:rollupConditions><imsss:rollupCondition condition="completed"/>'
            '</imsss:rollupConditions><imsss:rollupAction action="completed"/>'
            "</imsss:rollupRule></imsss:rollupRules>",
            "childActivitySet is 'most'",
        ),
        (
            "<imsss:rollupRules><imsss:rollupRule>"
            '<imsss:rollupConditions><imsss:rollupCondition condition="always"/>'
            '</imsss:rollupConditions><imsss:rollupAction action="completed"/>'
            "</imsss:rollupRule></imsss:rollupRules>",
            "condition is 'always'",
        ),
        (
            "<imsss:objectives><imsss:primaryObjective>"
            "<imsss:minNormalizedMeasure>1.2</imsss:minNormalizedMeasure>"
            "</imsss:primaryObjective></imsss:objectives>",
            "minNormalizedMeasure is 1.2",
        ),
        (
            "<imsss:objectives><imsss:primaryObjective>"
            '<imsss:mapInfo targetObjectiveID="g"/>'
            "</imsss:primaryObjective></imsss:objectives>",
            "lacks the required attribute objectiveID",
        ),
        (
            '<imsss:objectives><imsss:primaryObjective objectiveID="P"/></imsss:objectives>'
            '<adlseq:objectives><adlseq:objective objectiveID="Q"/></adlseq:objectives>',
            "adlseq objective 'Q' matches no imsss objective",
        ),
        (
            '<adlseq:rollupConsiderations requiredForSatisfied="never"/>',
            "requiredForSatisfied is 'never'",
        ),
        ("<imsss:controlMode/><imsss:controlMode/>", "<controlMode> appears twice"),
    ],
)
def test_bad_sequencing_is_refused_naming_the_manifest_and_line(body, message):
    with pytest.raises(ManifestError, match=message) as caught:
        sequencing(body)
    assert caught.value.file == "imsmanifest.xml"
    assert caught.value.line == 9
