"""The facilitation area's contract: its named errors and what its statements name."""

from __future__ import annotations

from dataclasses import dataclass

from lms import domain
from lms.domain import DomainError

# A presentation requested fewer days than this before it starts is flagged (POST Reg. 1055(d)).
LATE_REQUEST_DAYS = 30
# The context extension that names the presentation's Course Control Number in an attended
# statement, relative to the portal's base URL.
COURSE_CONTROL_EXTENSION = "/xapi/extensions/course-control-number"
ATTENDED = "http://adlnet.gov/expapi/verbs/attended"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
# The LRS credential an agency's rosters are recorded with: "roster-<agency id>".
ROSTER_CREDENTIAL_PREFIX = "roster-"


class FacilitationError(DomainError):
    """A rule of the facilitation area was broken."""


class FacilitationNotFound(FacilitationError, domain.NotFound):
    """No such presentation, roster or course, or not the person's agency's (404)."""


class PresentationRefused(FacilitationError):
    """A presentation's dates or number are not right (the field is named)."""


@dataclass(frozen=True)
class LineError:
    line: int  # from 1, as the facilitator entered them
    message: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}"


class RosterRefused(FacilitationError):
    """A roster with errors: it writes nothing; every error names its line and the rule."""

    def __init__(self, errors: list[LineError], field: str = "attendees") -> None:
        super().__init__(" ".join(str(e) for e in errors), field)
        self.errors = errors
