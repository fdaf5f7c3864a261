"""The parsed imsmanifest.xml turned into what the player needs: the SCOs to launch, the table
of contents, and scorm-again's SCORM 2004 sequencing settings (its `activityTree`).

scorm-again reads no manifest; its activity tree is built here from the organization that
`lms.packages.manifests` parsed (IMS SS binding and SCORM 2004 CAM ch. 5, every default
already filled in). Names on the right-hand side are scorm-again 3.4's `ActivitySettings`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from lms.packages.manifests import ParsedPackage
from lms.packages.manifests.sequencing import OBJECTIVE_CONDITIONS
from lms.packages.manifests.sequencing_defaults import CONTROL_MODE, OBJECTIVE

# Manifest rollup conditions scorm-again spells differently (IMS SS rollupConditionType).
_ROLLUP_CONDITION_NAMES = {"activityProgressKnown": "progressKnown"}
# A rule condition that reads an objective its activity does not define has nothing to read:
# it is unknown (SN book, UP.2.1). scorm-again answers false for an objective it cannot find
# (RuleCondition.evaluate), and `not` turns that into true, so such a condition is handed to it
# as "satisfied" of this objective, which nothing ever writes: no manifest can name it (an
# objectiveID is never blank once its whitespace is collapsed), no map reads or writes it, and
# scorm-again does not offer a blank id to the SCO in cmi.objectives. Unknown, with or without
# `not`; the "…Known" conditions would answer false of it, hence "satisfied" for every kind.
UNDEFINED_OBJECTIVE = " "
_UNDEFINED_OBJECTIVE_SETTINGS = {
    "objectiveID": UNDEFINED_OBJECTIVE,
    "isPrimary": False,
    **OBJECTIVE,
    "mapInfo": [],
}


@dataclass(frozen=True)
class Sco:
    """An item of the organization that launches a resource (a SCO or an asset)."""

    id: str
    title: str
    # The launch path inside the package (href with the item's parameters).
    launch: str
    scorm_type: str
    # SCORM 1.2 adlcp:masteryscore (0-100).
    mastery_score: float | None
    data_from_lms: str | None
    max_time_allowed: str | None
    time_limit_action: str | None
    # SCORM 2004 cmi.completion_threshold (RTE 4.2.5) and cmi.scaled_passing_score (4.2.21).
    completion_threshold: float | None
    scaled_passing_score: float | None
    hide_lms_ui: tuple[str, ...]

    def url(self, folder: str) -> str:
        """Where the player frames it, given the URL of the version's folder on the content
        origin (the player's own origin, so that the SCO finds the API in window.parent)."""
        return folder + quote(self.launch, safe="/?&=#%;:@+,~")


def organization(package: ParsedPackage) -> dict[str, Any]:
    """The default organization (CAM 3.4.1.6: the one the learner is given)."""
    structure = package.structure
    default = structure["defaultOrganization"]
    return next(org for org in structure["organizations"] if org["identifier"] == default)


def _walk(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for item in items:
        yield item
        yield from _walk(item["items"])


def scos(package: ParsedPackage) -> list[Sco]:
    """Every launchable item of the default organization, in the manifest's order."""
    return [
        _sco(item, package.standard)
        for item in _walk(organization(package)["items"])
        if item["launch"] is not None
    ]


def sco_by_id(package: ParsedPackage) -> dict[str, Sco]:
    return {sco.id: sco for sco in scos(package)}


def _sco(item: dict[str, Any], standard: str) -> Sco:
    hidden = (item.get("presentation") or {}).get("navigationInterface", {}).get("hideLMSUI", [])
    return Sco(
        id=item["identifier"],
        title=item["title"],
        launch=item["launch"],
        scorm_type=item["scormType"] or "sco",
        mastery_score=item["masteryScore"] if standard == "scorm12" else None,
        data_from_lms=item["dataFromLMS"],
        max_time_allowed=item["maxTimeAllowed"],
        time_limit_action=item["timeLimitAction"],
        completion_threshold=_completion_threshold(item) if standard == "scorm2004" else None,
        scaled_passing_score=_scaled_passing_score(item) if standard == "scorm2004" else None,
        hide_lms_ui=tuple(hidden),
    )


def _completion_threshold(item: dict[str, Any]) -> float | None:
    """RTE 4.2.5: the 3rd edition's adlcp:completionThreshold is its text; the 4th edition's is
    minProgressMeasure, and counts only when completedByMeasure is true."""
    threshold = item["completionThreshold"]
    if threshold is None:
        return None
    if threshold["value"] is not None:
        return threshold["value"]
    return threshold["minProgressMeasure"] if threshold["completedByMeasure"] else None


def _scaled_passing_score(item: dict[str, Any]) -> float | None:
    """RTE 4.2.21: the primary objective's minNormalizedMeasure, when satisfiedByMeasure."""
    sequencing = item["sequencing"]
    if sequencing is None:
        return None
    primary = sequencing["objectives"]["primaryObjective"]
    if primary is None or not primary["satisfiedByMeasure"]:
        return None
    return primary["minNormalizedMeasure"]


def table_of_contents(package: ParsedPackage) -> list[dict[str, Any]]:
    """The organization's visible items as a tree: id, title, whether it launches, children."""

    def entry(item: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": item["identifier"],
            "title": item["title"],
            "launchable": item["launch"] is not None,
            "children": [entry(child) for child in item["items"] if child["isvisible"]],
        }

    return [entry(item) for item in organization(package)["items"] if item["isvisible"]]


def activity_tree(package: ParsedPackage) -> dict[str, Any]:
    """scorm-again's `sequencing.activityTree`: the organization as the root activity."""
    org = organization(package)
    root = _activity(
        org["identifier"], org["title"] or package.title, True, org["sequencing"], None, None
    )
    root["children"] = [_item_activity(item) for item in org["items"]]
    return root


def _item_activity(item: dict[str, Any]) -> dict[str, Any]:
    activity = _activity(
        item["identifier"],
        item["title"],
        item["isvisible"],
        item["sequencing"],
        item["completionThreshold"],
        item.get("presentation"),
    )
    if item["data"]:
        activity["sharedDataMaps"] = [dict(bucket) for bucket in item["data"]]
    if item["items"]:
        activity["children"] = [_item_activity(child) for child in item["items"]]
    return activity


def _activity(
    identifier: str,
    title: str,
    visible: bool,
    sequencing: dict[str, Any] | None,
    completion_threshold: dict[str, Any] | None,
    presentation: dict[str, Any] | None,
) -> dict[str, Any]:
    activity: dict[str, Any] = {"id": identifier, "title": title, "isVisible": visible}
    hidden = (presentation or {}).get("navigationInterface", {}).get("hideLMSUI", [])
    if hidden:
        activity["hideLmsUi"] = list(hidden)
    if completion_threshold is not None:
        activity["completionThreshold"] = _threshold_settings(completion_threshold)
    if sequencing is None:
        # An item with no <imsss:sequencing> gets the SN defaults of <imsss:controlMode>:
        # scorm-again's own differ (flow=true), so they are always given explicitly.
        activity["sequencingControls"] = dict(CONTROL_MODE)
        return activity
    activity["sequencingControls"] = _controls(sequencing)
    activity["deliveryControls"] = dict(sequencing["deliveryControls"])
    activity["sequencingRules"] = {
        kind: [_sequencing_rule(rule) for rule in rules]
        for kind, rules in sequencing["sequencingRules"].items()
        if rules
    }
    rules = [_rollup_rule(rule) for rule in sequencing["rollupRules"]["rules"]]
    if rules:
        activity["rollupRules"] = {"rules": rules}
    activity["rollupConsiderations"] = dict(sequencing["rollupConsiderations"])
    limits = sequencing["limitConditions"]
    if limits["attemptLimit"] is not None:
        activity["attemptLimit"] = limits["attemptLimit"]
    if limits["attemptAbsoluteDurationLimit"] is not None:
        activity["attemptAbsoluteDurationLimit"] = limits["attemptAbsoluteDurationLimit"]
    primary, others = _objectives(identifier, sequencing)
    if _reads_an_undefined_objective(sequencing):
        others.append(dict(_UNDEFINED_OBJECTIVE_SETTINGS))
    if primary is not None:
        activity["primaryObjective"] = primary
    if others:
        activity["objectives"] = others
    return activity


def _controls(sequencing: dict[str, Any]) -> dict[str, Any]:
    rollup = sequencing["rollupRules"]
    randomization = sequencing["randomizationControls"]
    controls: dict[str, Any] = {
        **sequencing["controlMode"],
        **sequencing["constrainedChoiceConsiderations"],
        "rollupObjectiveSatisfied": rollup["rollupObjectiveSatisfied"],
        "rollupProgressCompletion": rollup["rollupProgressCompletion"],
        "objectiveMeasureWeight": rollup["objectiveMeasureWeight"],
        "randomizationTiming": randomization["randomizationTiming"],
        "randomizeChildren": randomization["reorderChildren"],
        "selectionTiming": randomization["selectionTiming"],
    }
    if randomization["selectCount"] is not None:
        controls["selectCount"] = randomization["selectCount"]
    return controls


def _threshold_settings(threshold: dict[str, Any]) -> dict[str, Any]:
    # The 3rd edition gives only the text: completion is then judged by measure against it.
    if threshold["value"] is not None:
        return {
            "completedByMeasure": True,
            "minProgressMeasure": threshold["value"],
            "progressWeight": threshold["progressWeight"],
        }
    return {
        "completedByMeasure": threshold["completedByMeasure"],
        "minProgressMeasure": threshold["minProgressMeasure"],
        "progressWeight": threshold["progressWeight"],
    }


def _reads_an_undefined_objective(sequencing: dict[str, Any]) -> bool:
    return any(
        _reads_undefined_objective(condition)
        for rules in sequencing["sequencingRules"].values()
        for rule in rules
        for condition in rule["conditions"]
    )


def _reads_undefined_objective(condition: dict[str, Any]) -> bool:
    # Packages stored before the key was parsed had every reference defined, or were refused.
    return (
        not condition.get("objectiveDefined", True)
        and condition["condition"] in OBJECTIVE_CONDITIONS
    )


def _sequencing_rule(rule: dict[str, Any]) -> dict[str, Any]:
    conditions = []
    for condition in rule["conditions"]:
        converted: dict[str, Any] = {"condition": condition["condition"]}
        # scorm-again's rule operator is "not" or absent (IMS SS noOp).
        if condition["operator"] == "not":
            converted["operator"] = "not"
        if _reads_undefined_objective(condition):
            converted.update(condition="satisfied", referencedObjective=UNDEFINED_OBJECTIVE)
        elif condition["referencedObjective"] is not None and condition.get(
            "objectiveDefined", True
        ):
            converted["referencedObjective"] = condition["referencedObjective"]
        if condition["measureThreshold"] is not None:
            converted["parameters"] = {"threshold": condition["measureThreshold"]}
        conditions.append(converted)
    return {
        "action": rule["action"],
        "conditionCombination": rule["conditionCombination"],
        "conditions": conditions,
    }


def _rollup_rule(rule: dict[str, Any]) -> dict[str, Any]:
    return {
        "action": rule["action"],
        "consideration": rule["childActivitySet"],
        "minimumCount": rule["minimumCount"],
        # IMS SS gives minimumPercent as a fraction; scorm-again compares percentages.
        "minimumPercent": rule["minimumPercent"] * 100,
        "conditionCombination": rule["conditionCombination"],
        "conditions": [
            {
                "condition": _ROLLUP_CONDITION_NAMES.get(c["condition"], c["condition"]),
                "operator": c["operator"],
            }
            for c in rule["conditions"]
        ],
    }


def _objectives(
    identifier: str, sequencing: dict[str, Any]
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    objectives = sequencing["objectives"]
    # SCORM 2004 4th ed. adlseq:objectives extend the imsss objective of the same ID with
    # score, completion and progress maps (CAM 5.1.10).
    extra_maps = {
        extension["objectiveID"]: extension["mapInfo"]
        for extension in sequencing["adlseqObjectives"]
    }
    primary = objectives["primaryObjective"]
    converted_primary = None
    if primary is not None:
        # scorm-again keys objectives by id; an unnamed primary objective (allowed by the
        # binding when it has no mapInfo) gets one derived from its activity.
        objective_id = primary["objectiveID"] or f"{identifier}.primary"
        converted_primary = _objective(primary, objective_id, extra_maps, primary=True)
    others = [
        _objective(objective, objective["objectiveID"], extra_maps, primary=False)
        for objective in objectives["objectives"]
    ]
    return converted_primary, others


def _objective(
    objective: dict[str, Any],
    objective_id: str,
    extra_maps: dict[str, list[dict[str, Any]]],
    *,
    primary: bool,
) -> dict[str, Any]:
    maps = {info["targetObjectiveID"]: dict(info) for info in objective["mapInfo"]}
    for info in extra_maps.get(objective_id, []):
        maps.setdefault(info["targetObjectiveID"], {}).update(info)
    return {
        "objectiveID": objective_id,
        "isPrimary": primary,
        "satisfiedByMeasure": objective["satisfiedByMeasure"],
        "minNormalizedMeasure": objective["minNormalizedMeasure"],
        "mapInfo": list(maps.values()),
    }


# How often scorm-again commits by itself after a SetValue (its autocommit), in seconds.
AUTOCOMMIT_SECONDS = 5


def api_settings(standard: str) -> dict[str, Any]:
    """scorm-again's API settings; the player adds the commit URL and its own transport."""
    settings: dict[str, Any] = {
        "autocommit": True,
        "autocommitSeconds": AUTOCOMMIT_SECONDS,
        # Commits carry their sequence number, so that the LMS can tell an older commit
        # arriving late from a newer one, and the terminate commit says it is one.
        "includeCommitSequence": True,
        "terminateCommitPayloadField": "terminate",
        "sendFullCommit": True,
        "dataCommitFormat": "json",
        "logLevel": 4,
    }
    if standard == "scorm12":
        # SCORM 1.2 RTE 3.4.4 cmi.student_data.mastery_score: on LMSFinish a raw score at or
        # above the mastery score passes, below it fails, whatever status the SCO set.
        settings.update(mastery_override=True, score_overrides_status=True)
    return settings
