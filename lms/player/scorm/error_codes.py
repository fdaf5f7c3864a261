"""The SCORM error code for each rule a refused runtime request broke, per edition: what the
player's glue hands scorm-again, so that the SCO's LMSGetLastError / GetLastError names the
rule (docs/player-scorm.md, "Commits").

The numbers are the editions' own tables, as scorm-again keeps them (its scorm12_errors and
scorm2004_errors): the SCORM 1.2 RTE's error codes (101 General Exception, 301 Not initialized,
403 Element is read only, 405 Incorrect Data Type; 1.2 has no out-of-range code and reports
one as 405), SCORM 2004 4th edition RTE 3.1.7 (142 Commit Before Initialization, 143 Commit
After Termination, 391 General Commit Failure, 404 Data Model Element Is Read Only,
406 Data Model Element Type Mismatch, 407 Data Model Element Value Out Of Range).
"""

from __future__ import annotations

from lms.domain import DomainError
from lms.player.scorm.interfaces import Rule

# 101 in both editions: a request whose edition is not known yet (a forged or expired token).
GENERAL_EXCEPTION = 101
CODES: dict[str, dict[Rule, int]] = {
    "scorm12": {
        Rule.GENERAL: 101,
        Rule.TYPE_MISMATCH: 405,
        Rule.OUT_OF_RANGE: 405,
        Rule.READ_ONLY: 403,
        Rule.NOT_INITIALIZED: 301,
        Rule.AFTER_TERMINATION: 101,  # 1.2 has no code for it
    },
    "scorm2004": {
        Rule.GENERAL: 391,
        Rule.TYPE_MISMATCH: 406,
        Rule.OUT_OF_RANGE: 407,
        Rule.READ_ONLY: 404,
        Rule.NOT_INITIALIZED: 142,
        Rule.AFTER_TERMINATION: 143,
    },
}


def rule_of(error: DomainError) -> Rule:
    """The rule a refusal broke: the SCORM errors say which; any other (a launch refused,
    no such registration) is the general failure."""
    rule = getattr(error, "rule", Rule.GENERAL)
    return rule if isinstance(rule, Rule) else Rule.GENERAL


def error_code(standard: str | None, error: DomainError) -> int:
    """The edition's error code for the rule `error` broke; 101 if the edition is not known."""
    codes = CODES.get(standard or "")
    if codes is None:
        return GENERAL_EXCEPTION
    return codes[rule_of(error)]
