"""The defaults of SCORM 2004 sequencing, written once: what an element or attribute left out of
<imsss:sequencing> means (IMS Simple Sequencing 1.0 XML binding; SCORM 2004 CAM ch. 5).

`sequencing.py` fills them in when it parses a manifest; the player (`lms.player.scorm.settings`)
reads them for an item that has no <imsss:sequencing> at all.
"""

from __future__ import annotations

from typing import Any

# <imsss:controlMode> (CAM 5.1.3.2).
CONTROL_MODE: dict[str, bool] = {
    "choice": True,
    "choiceExit": True,
    "flow": False,
    "forwardOnly": False,
    "useCurrentAttemptObjectiveInfo": True,
    "useCurrentAttemptProgressInfo": True,
}
# <imsss:deliveryControls>.
DELIVERY_CONTROLS: dict[str, bool] = {
    "tracked": True,
    "completionSetByContent": False,
    "objectiveSetByContent": False,
}
# <adlseq:constrainedChoiceConsiderations>.
CONSTRAINED_CHOICE: dict[str, bool] = {"preventActivation": False, "constrainChoice": False}
# <imsss:limitConditions>: no limit.
LIMIT_CONDITIONS: dict[str, Any] = {"attemptLimit": None, "attemptAbsoluteDurationLimit": None}
# <imsss:rollupRules>' attributes.
ROLLUP_CONTROLS: dict[str, Any] = {
    "rollupObjectiveSatisfied": True,
    "rollupProgressCompletion": True,
    "objectiveMeasureWeight": 1.0,
}
# <imsss:rollupRule> and its <imsss:rollupConditions>.
ROLLUP_RULE: dict[str, Any] = {
    "childActivitySet": "all",
    "minimumCount": 0,
    "minimumPercent": 0.0,
    "conditionCombination": "any",
}
# <imsss:ruleConditions> of a sequencing rule.
RULE_CONDITION_COMBINATION = "all"
# ruleCondition's and rollupCondition's operator.
CONDITION_OPERATOR = "noOp"
# <imsss:randomizationControls>.
RANDOMIZATION: dict[str, Any] = {
    "randomizationTiming": "never",
    "selectCount": None,
    "reorderChildren": False,
    "selectionTiming": "never",
}
# <adlseq:rollupConsiderations>.
ROLLUP_CONSIDERATIONS: dict[str, Any] = {
    **{
        f"requiredFor{name}": "always"
        for name in ("Satisfied", "NotSatisfied", "Completed", "Incomplete")
    },
    "measureSatisfactionIfActive": True,
}
# <imsss:primaryObjective> and <imsss:objective>.
OBJECTIVE: dict[str, Any] = {"satisfiedByMeasure": False, "minNormalizedMeasure": 1.0}
# <imsss:mapInfo>.
MAP_INFO: dict[str, bool] = {
    "readSatisfiedStatus": True,
    "readNormalizedMeasure": True,
    "writeSatisfiedStatus": False,
    "writeNormalizedMeasure": False,
}
# SCORM 2004 4th ed. <adlseq:mapInfo>: raw/min/max score, completion and progress.
_ADL_TRACKED = ("RawScore", "MinScore", "MaxScore", "CompletionStatus", "ProgressMeasure")
ADL_MAP_INFO: dict[str, bool] = {
    **{f"read{name}": True for name in _ADL_TRACKED},
    **{f"write{name}": False for name in _ADL_TRACKED},
}
