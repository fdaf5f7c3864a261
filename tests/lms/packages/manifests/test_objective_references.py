"""Objective identifiers compared as xs:anyURI (IMS SS imsss_v1p0): a rule condition, an adlseq
objective and a global objective map name an objective however its ID is spelt, and a rule that
names no objective of its activity imports with a warning, its condition unknown to sequencing.

The manifests are written as ADL's SCORM 2004 test packages write them: attributes spread over
lines with spaces around "=", and referencedObjective values with surrounding whitespace and
percent-encodings."""

from __future__ import annotations

import json
import zipfile

import pytest

from lms.db import db
from lms.packages.content_store import LocalContentStore
from lms.packages.manifests import ParsedPackage
from lms.packages.manifests.objective_ids import collapsed, objective_key
from lms.packages.manifests.scorm import parse_scorm_manifest
from lms.packages.models import PackageVersion
from lms.packages.services import import_package
from lms.player.scorm.settings import UNDEFINED_OBJECTIVE, activity_tree
from tests.builders.manifests import SCORM_2004_NAMESPACES, scorm2004


def adl_manifest(reference: str, objective_id: str = "obj_module_1") -> bytes:
    """Two SCOs; the second is disabled until the first's objective is satisfied."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier = "com.example.SX-07" version = "1.0" {SCORM_2004_NAMESPACES}>
   <metadata>
      <schema>ADL SCORM</schema>
      <schemaversion>2004 4th Edition</schemaversion>
   </metadata>
   <organizations default = "ORG-SX07">
      <organization identifier = "ORG-SX07">
         <title>Sequencing test</title>
         <item identifier = "activity_1" identifierref = "SEQ01">
            <title>Activity 1</title>
            <imsss:sequencing>
               <imsss:objectives>
                  <imsss:primaryObjective objectiveID = "{objective_id}">
                     <imsss:mapInfo targetObjectiveID = "com.example.SX-07.obj%2dmodule%5F1"
                                    writeSatisfiedStatus = "true"/>
                  </imsss:primaryObjective>
               </imsss:objectives>
            </imsss:sequencing>
         </item>
         <item identifier = "activity_2" identifierref = "SEQ01">
            <title>Activity 2</title>
            <imsss:sequencing>
               <imsss:sequencingRules>
                  <imsss:preConditionRule>
                     <imsss:ruleConditions conditionCombination = "any">
                        <imsss:ruleCondition referencedObjective = "{reference}"
                                             operator = "not"
                                             condition = "satisfied"/>
                        <imsss:ruleCondition referencedObjective = "{reference}"
                                             operator = "not"
                                             condition = "objectiveStatusKnown"/>
                     </imsss:ruleConditions>
                     <imsss:ruleAction action = "disabled"/>
                  </imsss:preConditionRule>
               </imsss:sequencingRules>
               <imsss:objectives>
                  <imsss:primaryObjective objectiveID = "PRIMARYOBJ"/>
                  <imsss:objective objectiveID = "obj_module_1">
                     <imsss:mapInfo targetObjectiveID = "com.example.SX-07.obj-module_1"/>
                  </imsss:objective>
               </imsss:objectives>
            </imsss:sequencing>
         </item>
      </organization>
   </organizations>
   <resources>
      <resource identifier = "SEQ01" type = "webcontent" adlcp:scormType = "sco"
                href = "resources/sco.html">
         <file href = "resources/sco.html"/>
      </resource>
   </resources>
</manifest>
""".encode()


def second_activity(package: ParsedPackage) -> dict:
    return package.structure["organizations"][0]["items"][1]["sequencing"]


def conditions_of(package: ParsedPackage) -> list[dict]:
    return second_activity(package)["sequencingRules"]["preConditionRules"][0]["conditions"]


@pytest.mark.parametrize(
    "reference",
    [
        "obj_module_1",
        "  obj_module_1  ",  # surrounding whitespace, collapsed (XSD §4.3.6)
        "\n\t obj_module_1\n ",
        " obj%5Fmodule%5F1 ",  # "_" percent-encoded: an unreserved character (RFC 3986 §2.3)
        "obj%5fmodule_%31",  # lower-case hex; "1" encoded
    ],
)
def test_a_rule_condition_names_its_objective_however_the_reference_is_written(reference):
    package, _ = parse_scorm_manifest(adl_manifest(reference))

    assert [c["referencedObjective"] for c in conditions_of(package)] == ["obj_module_1"] * 2
    assert all(c["objectiveDefined"] for c in conditions_of(package))
    assert package.warnings == ()


def test_an_objective_id_with_runs_of_whitespace_is_named_by_a_collapsed_reference():
    package, _ = parse_scorm_manifest(
        adl_manifest(" module   one ", objective_id="module one")
        .replace(b'"obj_module_1"', b'" module \t one "')
        .replace(b'targetObjectiveID = "com.example.SX-07.obj-module_1"', b'targetObjectiveID="g"')
    )
    assert second_activity(package)["objectives"]["objectives"][0]["objectiveID"] == "module one"
    assert conditions_of(package)[0]["referencedObjective"] == "module one"
    assert package.warnings == ()


def test_global_objective_ids_are_one_id_however_each_map_spells_it():
    package, _ = parse_scorm_manifest(adl_manifest("obj_module_1"))
    items = package.structure["organizations"][0]["items"]
    written_by_first = items[0]["sequencing"]["objectives"]["primaryObjective"]["mapInfo"][0]
    read_by_second = items[1]["sequencing"]["objectives"]["objectives"][0]["mapInfo"][0]
    assert written_by_first["targetObjectiveID"] == "com.example.SX-07.obj-module_1"
    assert read_by_second["targetObjectiveID"] == written_by_first["targetObjectiveID"]


def test_an_adlseq_objective_extends_the_imsss_objective_its_id_names():
    body = (
        "<imsss:sequencing><imsss:objectives>"
        '<imsss:primaryObjective objectiveID="obj-1"/></imsss:objectives>'
        '<adlseq:objectives><adlseq:objective objectiveID=" obj%2D1 ">'
        '<adlseq:mapInfo targetObjectiveID="g%2d1" writeRawScore="true"/>'
        "</adlseq:objective></adlseq:objectives></imsss:sequencing>"
    )
    package, _ = parse_scorm_manifest(scorm2004(body, schemaversion="2004 4th Edition"))
    sequencing = package.structure["organizations"][0]["items"][0]["sequencing"]
    assert sequencing["adlseqObjectives"] == [
        {
            "objectiveID": "obj-1",
            "mapInfo": [
                {
                    "targetObjectiveID": "g-1",
                    "readRawScore": True,
                    "readMinScore": True,
                    "readMaxScore": True,
                    "readCompletionStatus": True,
                    "readProgressMeasure": True,
                    "writeRawScore": True,
                    "writeMinScore": False,
                    "writeMaxScore": False,
                    "writeCompletionStatus": False,
                    "writeProgressMeasure": False,
                }
            ],
        }
    ]


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("obj%7E1", "obj~1", True),  # "~" is unreserved
        ("a%2fb", "a%2Fb", True),  # hex digits are case-insensitive (RFC 3986 §6.2.2.1)
        ("a%2Fb", "a/b", False),  # "/" is reserved: encoded, it is another URI (§2.2)
        ("objectif é", "objectif%20%C3%A9", True),  # XSD §3.2.17: characters a URI escapes
        ("Obj", "obj", False),  # identifiers are case-sensitive
    ],
)
def test_objective_ids_are_equal_exactly_when_equivalent_as_uris(first, second, same):
    assert (objective_key(first) == objective_key(second)) is same


def test_collapsing_keeps_characters_xml_does_not_count_as_whitespace():
    assert collapsed("\u00a0obj\u00a0") == "\u00a0obj\u00a0"
    assert collapsed(" a \r\n\t b ") == "a b"


def test_a_rule_naming_no_objective_of_its_activity_imports_with_a_warning():
    package, _ = parse_scorm_manifest(adl_manifest(" obj%5Fmodule%5F9 "))

    assert [c["objectiveDefined"] for c in conditions_of(package)] == [False, False]
    assert conditions_of(package)[0]["referencedObjective"] == "obj%5Fmodule%5F9"
    assert package.warnings == (
        "imsmanifest.xml:29: in item 'activity_2', a rule condition refers to objective "
        "'obj%5Fmodule%5F9', which this activity does not define; sequencing evaluates that "
        "condition as unknown.",
        "imsmanifest.xml:32: in item 'activity_2', a rule condition refers to objective "
        "'obj%5Fmodule%5F9', which this activity does not define; sequencing evaluates that "
        "condition as unknown.",
    )


def test_the_warning_is_stored_with_the_imported_version(app, tmp_path):
    package_zip = tmp_path / "SX-07.zip"
    with zipfile.ZipFile(package_zip, "w") as archive:
        archive.writestr("imsmanifest.xml", adl_manifest("obj_module_9"))
        archive.writestr("resources/sco.html", "<html></html>")

    import_package(package_zip, LocalContentStore(tmp_path / "content"), tmp_path / "work")

    stored = json.loads(db.session.query(PackageVersion).one().parsed)
    assert len(stored["warnings"]) == 2
    assert "objective 'obj_module_9', which this activity does not define" in stored["warnings"][0]


# The sequencing settings handed to scorm-again (its activityTree).


def settings_of_second_activity(reference: str) -> dict:
    package, _ = parse_scorm_manifest(adl_manifest(reference))
    return activity_tree(package)["children"][1]


def test_the_player_is_given_the_objective_the_reference_names():
    activity = settings_of_second_activity(" obj%5Fmodule%5F1 ")
    rule = activity["sequencingRules"]["preConditionRules"][0]
    assert rule["conditions"] == [
        {"condition": "satisfied", "operator": "not", "referencedObjective": "obj_module_1"},
        {
            "condition": "objectiveStatusKnown",
            "operator": "not",
            "referencedObjective": "obj_module_1",
        },
    ]
    assert [o["objectiveID"] for o in activity["objectives"]] == ["obj_module_1"]
    assert activity["objectives"][0]["mapInfo"][0]["targetObjectiveID"] == (
        "com.example.SX-07.obj-module_1"
    )


def test_a_condition_on_an_undefined_objective_reads_an_objective_nothing_writes():
    """scorm-again answers false for an objective it cannot find (so `not` makes it true and
    the activity would be disabled); "satisfied" of an objective nothing writes is unknown."""
    activity = settings_of_second_activity("obj_module_9")
    rule = activity["sequencingRules"]["preConditionRules"][0]
    assert rule["conditions"] == [
        {"condition": "satisfied", "operator": "not", "referencedObjective": UNDEFINED_OBJECTIVE},
        {"condition": "satisfied", "operator": "not", "referencedObjective": UNDEFINED_OBJECTIVE},
    ]
    undefined = [o for o in activity["objectives"] if o["objectiveID"] == UNDEFINED_OBJECTIVE]
    assert undefined == [
        {
            "objectiveID": UNDEFINED_OBJECTIVE,
            "isPrimary": False,
            "satisfiedByMeasure": False,
            "minNormalizedMeasure": 1.0,
            "mapInfo": [],
        }
    ]
    assert activity["primaryObjective"]["objectiveID"] == "PRIMARYOBJ"


def test_a_condition_that_reads_no_objective_ignores_an_undefined_reference():
    body = (
        "<imsss:sequencing><imsss:sequencingRules><imsss:preConditionRule>"
        '<imsss:ruleConditions><imsss:ruleCondition condition="attempted" '
        'referencedObjective="nowhere"/></imsss:ruleConditions>'
        '<imsss:ruleAction action="skip"/></imsss:preConditionRule></imsss:sequencingRules>'
        "</imsss:sequencing>"
    )
    package, _ = parse_scorm_manifest(scorm2004(body))
    assert package.warnings == (
        "imsmanifest.xml:9: in item 'ITEM', a rule condition refers to objective 'nowhere', "
        "which this activity does not define; 'attempted' reads no objective, so the "
        "reference changes nothing.",
    )
    activity = activity_tree(package)["children"][0]
    assert activity["sequencingRules"]["preConditionRules"][0]["conditions"] == [
        {"condition": "attempted"}
    ]
    assert "objectives" not in activity
