"""SCORM 2004 sequencing: <imsss:sequencing> and its ADL extensions, as plain data.

Names and vocabularies follow the IMS Simple Sequencing 1.0 XML binding and the SCORM 2004 CAM
book, ch. 5 (Sequencing and Presentation). Every element is filled in with its defaults (the one
table of them is `sequencing_defaults`), so the player never has to know them.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from lms.packages.manifests.fields import ElementReader
from lms.packages.manifests.objective_ids import collapsed, objective_key
from lms.packages.manifests.safe_xml import element_children, local_name, namespace
from lms.packages.manifests.sequencing_defaults import (
    ADL_MAP_INFO,
    CONDITION_OPERATOR,
    CONSTRAINED_CHOICE,
    CONTROL_MODE,
    DELIVERY_CONTROLS,
    LIMIT_CONDITIONS,
    MAP_INFO,
    OBJECTIVE,
    RANDOMIZATION,
    ROLLUP_CONSIDERATIONS,
    ROLLUP_CONTROLS,
    ROLLUP_RULE,
    RULE_CONDITION_COMBINATION,
)

IMSSS = "http://www.imsglobal.org/xsd/imsss"
ADLSEQ = "http://www.adlnet.org/xsd/adlseq_v1p3"

# IMS SS binding, ruleConditionType / rollupConditionType and the action vocabularies.
_ACTIVITY_CONDITIONS = {
    "satisfied",
    "objectiveStatusKnown",
    "objectiveMeasureKnown",
    "completed",
    "activityProgressKnown",
    "attempted",
    "attemptLimitExceeded",
    "timeLimitExceeded",
    "outsideAvailableTimeRange",
}
RULE_CONDITIONS = _ACTIVITY_CONDITIONS | {
    "objectiveMeasureGreaterThan",
    "objectiveMeasureLessThan",
    "always",
}
ROLLUP_CONDITIONS = _ACTIVITY_CONDITIONS
# The rule conditions that read an objective's tracking information (the referenced objective,
# else the primary): satisfaction and measure, and, as the 4th edition's objectives carry it
# too, completion (scorm-again reads the referenced objective for all of these).
OBJECTIVE_CONDITIONS = {
    "satisfied",
    "objectiveStatusKnown",
    "objectiveMeasureKnown",
    "objectiveMeasureGreaterThan",
    "objectiveMeasureLessThan",
    "completed",
    "activityProgressKnown",
}
RULE_ACTIONS = {
    "preConditionRule": {"skip", "disabled", "hiddenFromChoice", "stopForwardTraversal"},
    "exitConditionRule": {"exit"},
    "postConditionRule": {"exitParent", "exitAll", "retry", "retryAll", "continue", "previous"},
}
ROLLUP_ACTIONS = {"satisfied", "notSatisfied", "completed", "incomplete"}
CHILD_ACTIVITY_SETS = {"all", "any", "none", "atLeastCount", "atLeastPercent"}
TIMINGS = {"never", "once", "onEachNewAttempt"}
# ADL rollup considerations (adlseq:rollupConsiderations), CAM ch. 5.
REQUIRED_FOR = {"always", "ifAttempted", "ifNotSkipped", "ifNotSuspended"}


def sequencing_collection(
    manifest: etree._Element, reader: ElementReader
) -> dict[str, etree._Element]:
    """<imsss:sequencingCollection>'s <imsss:sequencing> elements by their ID."""
    shared: dict[str, etree._Element] = {}
    for collection in _children(manifest, IMSSS, "sequencingCollection"):
        for sequencing in _children(collection, IMSSS, "sequencing"):
            identifier = reader.required(sequencing, "ID")
            if identifier in shared:
                raise reader.error(sequencing, f"the sequencing ID {identifier!r} is used twice")
            shared[identifier] = sequencing
    return shared


class SequencingParser:
    """Parses one manifest's <imsss:sequencing> elements, resolving IDRef into the collection.

    Objective identifiers are compared as xs:anyURI (`objective_ids`); each reference is stored
    as the objectiveID it names, so that the player matches them by plain string. `warnings`
    collects what POST staff should know though the package imports."""

    def __init__(self, reader: ElementReader, collection: dict[str, etree._Element]) -> None:
        self.reader = reader
        self.collection = collection
        self.warnings: list[str] = []

    def parse(self, sequencing: etree._Element, activity: str) -> dict[str, Any]:
        """The sequencing of `activity` (how messages name it: "item 'SCO-1'")."""
        reader = self.reader
        reference = reader.attribute(sequencing, "IDRef")
        parts: dict[tuple[str | None, str], etree._Element] = {}
        if reference is not None:
            if reference not in self.collection:
                raise reader.error(
                    sequencing,
                    f"IDRef {reference!r} names no <imsss:sequencing> in the sequencingCollection",
                )
            parts.update(self._parts(self.collection[reference]))
        # CAM ch. 5: elements given locally take precedence over the referenced ones.
        parts.update(self._parts(sequencing))

        def part(ns: str, name: str) -> etree._Element | None:
            return parts.get((ns, name))

        objectives = self._objectives(part(IMSSS, "objectives"))
        known = _objective_ids(objectives)
        result = {
            "ID": reader.attribute(sequencing, "ID"),
            "IDRef": reference,
            "controlMode": self._flags(part(IMSSS, "controlMode"), CONTROL_MODE),
            "sequencingRules": self._sequencing_rules(
                part(IMSSS, "sequencingRules"), known, activity
            ),
            "limitConditions": self._limit_conditions(part(IMSSS, "limitConditions")),
            "rollupRules": self._rollup_rules(part(IMSSS, "rollupRules")),
            "objectives": objectives,
            "randomizationControls": self._randomization(part(IMSSS, "randomizationControls")),
            "deliveryControls": self._flags(part(IMSSS, "deliveryControls"), DELIVERY_CONTROLS),
            "constrainedChoiceConsiderations": self._flags(
                part(ADLSEQ, "constrainedChoiceConsiderations"), CONSTRAINED_CHOICE
            ),
            "rollupConsiderations": self._rollup_considerations(
                part(ADLSEQ, "rollupConsiderations")
            ),
            "adlseqObjectives": self._adlseq_objectives(part(ADLSEQ, "objectives"), known),
        }
        return result

    def _parts(self, sequencing: etree._Element) -> dict[tuple[str | None, str], etree._Element]:
        found: dict[tuple[str | None, str], etree._Element] = {}
        for child in element_children(sequencing):
            key = (namespace(child), local_name(child))
            if key[0] not in (IMSSS, ADLSEQ):
                continue
            if key in found:
                raise self.reader.error(child, f"<{key[1]}> appears twice in one <sequencing>")
            found[key] = child
        return found

    def _flags(self, element: etree._Element | None, defaults: dict[str, bool]) -> dict[str, bool]:
        if element is None:
            return dict(defaults)
        return {name: self.reader.boolean(element, name, value) for name, value in defaults.items()}

    def _sequencing_rules(
        self, element: etree._Element | None, known: dict[str, str], activity: str
    ) -> dict[str, list[dict[str, Any]]]:
        rules: dict[str, list[dict[str, Any]]] = {f"{kind}s": [] for kind in RULE_ACTIONS}
        if element is None:
            return rules
        for rule in element_children(element):
            kind = local_name(rule)
            if namespace(rule) != IMSSS or kind not in RULE_ACTIONS:
                continue
            rules[f"{kind}s"].append(self._rule(rule, RULE_ACTIONS[kind], known, activity))
        return rules

    def _rule(
        self, rule: etree._Element, actions: set[str], known: dict[str, str], activity: str
    ) -> dict[str, Any]:
        reader = self.reader
        conditions = self._one(rule, "ruleConditions")
        action = self._one(rule, "ruleAction")
        return {
            "conditionCombination": reader.choice(
                conditions, "conditionCombination", {"all", "any"}, RULE_CONDITION_COMBINATION
            ),
            "conditions": [
                self._rule_condition(condition, known, activity)
                for condition in _children(conditions, IMSSS, "ruleCondition")
            ],
            "action": reader.required_choice(action, "action", actions),
        }

    def _rule_condition(
        self, element: etree._Element, known: dict[str, str], activity: str
    ) -> dict[str, Any]:
        reader = self.reader
        condition = reader.required_choice(element, "condition", RULE_CONDITIONS)
        return {
            "condition": condition,
            "operator": reader.choice(element, "operator", {"noOp", "not"}, CONDITION_OPERATOR),
            **self._referenced_objective(element, condition, known, activity),
            "measureThreshold": reader.decimal_attribute(
                element, "measureThreshold", None, -1.0, 1.0
            ),
        }

    def _referenced_objective(
        self, element: etree._Element, condition: str, known: dict[str, str], activity: str
    ) -> dict[str, Any]:
        """The objective the condition reads, as its activity names it, and whether it does.

        A reference to no objective of the activity is not a reason to refuse the package: the
        condition has no tracking information to read, so it evaluates to unknown (SN book,
        UP.2.1: each condition is true, false or unknown); POST staff are told."""
        written = element.get("referencedObjective")
        target = collapsed(written) if written is not None else ""
        if not target:
            return {"referencedObjective": None, "objectiveDefined": True}
        defined = known.get(objective_key(target))
        if defined is not None:
            return {"referencedObjective": defined, "objectiveDefined": True}
        line = element.sourceline
        where = self.reader.filename if line is None else f"{self.reader.filename}:{line}"
        effect = (
            "sequencing evaluates that condition as unknown"
            if condition in OBJECTIVE_CONDITIONS
            else f"{condition!r} reads no objective, so the reference changes nothing"
        )
        warning = (
            f"{where}: in {activity}, a rule condition refers to objective {target!r}, which "
            f"this activity does not define; {effect}."
        )
        if warning not in self.warnings:
            self.warnings.append(warning)
        return {"referencedObjective": target, "objectiveDefined": False}

    def _limit_conditions(self, element: etree._Element | None) -> dict[str, Any]:
        if element is None:
            return dict(LIMIT_CONDITIONS)
        return {
            "attemptLimit": self.reader.count(element, "attemptLimit"),
            "attemptAbsoluteDurationLimit": self.reader.attribute(
                element, "attemptAbsoluteDurationLimit"
            ),
        }

    def _rollup_rules(self, element: etree._Element | None) -> dict[str, Any]:
        reader = self.reader
        if element is None:
            return {**ROLLUP_CONTROLS, "rules": []}
        rules = []
        for rule in _children(element, IMSSS, "rollupRule"):
            conditions = self._one(rule, "rollupConditions")
            action = self._one(rule, "rollupAction")
            rules.append(
                {
                    "childActivitySet": reader.choice(
                        rule,
                        "childActivitySet",
                        CHILD_ACTIVITY_SETS,
                        ROLLUP_RULE["childActivitySet"],
                    ),
                    "minimumCount": reader.count(rule, "minimumCount", ROLLUP_RULE["minimumCount"]),
                    "minimumPercent": reader.decimal_attribute(
                        rule, "minimumPercent", ROLLUP_RULE["minimumPercent"], 0, 1
                    ),
                    "conditionCombination": reader.choice(
                        conditions,
                        "conditionCombination",
                        {"all", "any"},
                        ROLLUP_RULE["conditionCombination"],
                    ),
                    "conditions": [
                        {
                            "condition": reader.required_choice(
                                condition, "condition", ROLLUP_CONDITIONS
                            ),
                            "operator": reader.choice(
                                condition, "operator", {"noOp", "not"}, CONDITION_OPERATOR
                            ),
                        }
                        for condition in _children(conditions, IMSSS, "rollupCondition")
                    ],
                    "action": reader.required_choice(action, "action", ROLLUP_ACTIONS),
                }
            )
        return {
            **{
                name: reader.boolean(element, name, ROLLUP_CONTROLS[name])
                for name in ("rollupObjectiveSatisfied", "rollupProgressCompletion")
            },
            "objectiveMeasureWeight": reader.decimal_attribute(
                element, "objectiveMeasureWeight", ROLLUP_CONTROLS["objectiveMeasureWeight"], 0, 1
            ),
            "rules": rules,
        }

    def _objectives(self, element: etree._Element | None) -> dict[str, Any]:
        if element is None:
            return {"primaryObjective": None, "objectives": []}
        primaries = _children(element, IMSSS, "primaryObjective")
        if len(primaries) > 1:
            raise self.reader.error(primaries[1], "there is more than one <primaryObjective>")
        objectives = [
            self._objective(objective, required_id=True)
            for objective in _children(element, IMSSS, "objective")
        ]
        return {
            "primaryObjective": self._objective(primaries[0], False) if primaries else None,
            "objectives": objectives,
        }

    def _objective(self, element: etree._Element, required_id: bool) -> dict[str, Any]:
        reader = self.reader
        map_info = [
            {
                "targetObjectiveID": self._target_objective(info),
                **self._flags(info, MAP_INFO),
            }
            for info in _children(element, IMSSS, "mapInfo")
        ]
        identifier = self._objective_id(element, required=required_id or bool(map_info))
        measure = _children(element, IMSSS, "minNormalizedMeasure")
        threshold = (
            reader.decimal(measure[0], reader.text(measure[0]), "minNormalizedMeasure", -1.0, 1.0)
            if measure
            else None
        )
        return {
            "objectiveID": identifier,
            "satisfiedByMeasure": reader.boolean(
                element, "satisfiedByMeasure", OBJECTIVE["satisfiedByMeasure"]
            ),
            "minNormalizedMeasure": OBJECTIVE["minNormalizedMeasure"]
            if threshold is None
            else threshold,
            "mapInfo": map_info,
        }

    def _randomization(self, element: etree._Element | None) -> dict[str, Any]:
        if element is None:
            return dict(RANDOMIZATION)
        reader = self.reader
        return {
            "randomizationTiming": reader.choice(
                element, "randomizationTiming", TIMINGS, RANDOMIZATION["randomizationTiming"]
            ),
            "selectCount": reader.count(element, "selectCount"),
            "reorderChildren": reader.boolean(
                element, "reorderChildren", RANDOMIZATION["reorderChildren"]
            ),
            "selectionTiming": reader.choice(
                element, "selectionTiming", TIMINGS, RANDOMIZATION["selectionTiming"]
            ),
        }

    def _rollup_considerations(self, element: etree._Element | None) -> dict[str, Any]:
        if element is None:
            return dict(ROLLUP_CONSIDERATIONS)
        reader = self.reader
        return {
            name: reader.boolean(element, name, default)
            if isinstance(default, bool)
            else reader.choice(element, name, REQUIRED_FOR, default)
            for name, default in ROLLUP_CONSIDERATIONS.items()
        }

    def _adlseq_objectives(
        self, element: etree._Element | None, known: dict[str, str]
    ) -> list[dict[str, Any]]:
        if element is None:
            return []
        result = []
        for objective in _children(element, ADLSEQ, "objective"):
            identifier = collapsed(self.reader.required(objective, "objectiveID"))
            extended = known.get(objective_key(identifier))
            if extended is None:
                # SCORM 2004 4th ed. CAM ch. 5: it extends an <imsss:objective> of the same ID.
                raise self.reader.error(
                    objective, f"adlseq objective {identifier!r} matches no imsss objective"
                )
            map_info = [
                {
                    "targetObjectiveID": self._target_objective(info),
                    **self._flags(info, ADL_MAP_INFO),
                }
                for info in _children(objective, ADLSEQ, "mapInfo")
            ]
            result.append({"objectiveID": extended, "mapInfo": map_info})
        return result

    def _objective_id(self, element: etree._Element, *, required: bool) -> str | None:
        """An objectiveID (xs:anyURI) with its whitespace collapsed."""
        value = self.reader.attribute(element, "objectiveID", required=required)
        return collapsed(value) if value is not None else None

    def _target_objective(self, info: etree._Element) -> str:
        """A global objective's ID in the one form every activity that maps to it shares."""
        return objective_key(self.reader.required(info, "targetObjectiveID"))

    def _one(self, parent: etree._Element, name: str) -> etree._Element:
        found = _children(parent, IMSSS, name)
        if not found:
            raise self.reader.error(parent, f"<{local_name(parent)}> lacks <imsss:{name}>")
        return found[0]


def _objective_ids(objectives: dict[str, Any]) -> dict[str, str]:
    """The activity's objectiveIDs by their `objective_key`."""
    primary = objectives["primaryObjective"]
    named = [objective["objectiveID"] for objective in objectives["objectives"]]
    if primary is not None and primary["objectiveID"] is not None:
        named.insert(0, primary["objectiveID"])
    ids: dict[str, str] = {}
    for identifier in named:
        ids.setdefault(objective_key(identifier), identifier)
    return ids


def _children(parent: etree._Element, ns: str, name: str) -> list[etree._Element]:
    return [
        child
        for child in element_children(parent)
        if namespace(child) == ns and local_name(child) == name
    ]
