"""One finish reported twice is one completion.

Tin Can content often reports the end of a course twice: `completed`, and then `passed` (or
`failed`) carrying `result.completion: true`. Under the completion "completed" either one is the
course's completion (`rules.reports_completion`), but together they are one finish, not a
completion and its repeat. Within one registration, from one authority, about one activity, the
`completed` statement is the completion and the `passed`/`failed` one is not: it is not credited
while such a `completed` is stored, and the entry it made before the `completed` arrived is
removed when it does. So the profile is the same whatever order the two arrive in.

(The portal's SCORM player never reaches here: its `passed`/`failed` are not completions at all,
`rules.SCORM_PROFILE`, when the portal recorded them.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lms.bridge import rules
from lms.catalog.interfaces import CreditRule
from lrs.api import LearningRecordStore, StatementQuery

AuthorityOf = Callable[[dict[str, Any]], rules.Authority]


@dataclass
class Sorted:
    # Statements judged a completion that are the second report of a finish: not credited.
    second_reports: set[str] = field(default_factory=set)
    # Statements whose entries are now known to be the second report: their entries go.
    superseded: set[str] = field(default_factory=set)


def _registration(statement: dict[str, Any]) -> str | None:
    context = statement.get("context")
    registration = context.get("registration") if isinstance(context, dict) else None
    return registration if isinstance(registration, str) else None


def _applies(statement: dict[str, Any], credit: rules.Credit) -> bool:
    course = credit.course
    return (
        not course.is_cmi5
        and course.completion == "completed"
        and course.credit_rule != CreditRule.ROSTER
        and _registration(statement) is not None
    )


def _same_finish(
    store: LearningRecordStore,
    statement: dict[str, Any],
    verbs: tuple[str, ...],
    authority_of: AuthorityOf,
    key: str,
) -> list[str]:
    """Ids of the stored statements with these verbs about the same activity in the same
    registration from the same authority."""
    found = []
    for verb in verbs:
        page = store.query(
            StatementQuery(
                registration=_registration(statement),
                verb=verb,
                activity=statement["object"]["id"],
                limit=50,
            )
        )
        found += [
            other["id"]
            for other in page.statements
            if other["id"] != statement["id"] and authority_of(other).key == key
        ]
    return found


def sort_out(
    store: LearningRecordStore,
    judged: list[tuple[dict[str, Any], rules.Credit]],
    authority_of: AuthorityOf,
) -> Sorted:
    """Which of these credited statements are a finish's second report, and which entries made
    before are (one query per credited statement that reports a course's end in a registration)."""
    result = Sorted()
    for statement, credit in judged:
        if not _applies(statement, credit):
            continue
        verb = statement["verb"]["id"]
        if verb == rules.COMPLETED:
            result.superseded.update(
                _same_finish(
                    store, statement, (rules.PASSED, rules.FAILED), authority_of, credit.authority
                )
            )
        elif _same_finish(store, statement, (rules.COMPLETED,), authority_of, credit.authority):
            result.second_reports.add(statement["id"])
    return result
