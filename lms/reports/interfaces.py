"""The reports area's contract: what a learner's activity comes to, and the named errors."""

from __future__ import annotations

import enum

from lms import domain
from lms.domain import DomainError


class ActivityStatus(enum.StrEnum):
    """Where a registration stands, as the Learner Activity report shows it."""

    REGISTERED = "registered"  # no statement yet
    STARTED = "started"  # statements, no completion
    FAILED = "failed"  # failed, not completed or passed since
    COMPLETED = "completed"  # completed or passed
    DROPPED = "dropped"  # the learner dropped the course

    @property
    def label(self) -> str:
        return {
            ActivityStatus.REGISTERED: "Registered",
            ActivityStatus.STARTED: "In progress",
            ActivityStatus.FAILED: "Failed",
            ActivityStatus.COMPLETED: "Completed",
            ActivityStatus.DROPPED: "Dropped",
        }[self]


class ReportsError(DomainError):
    """A rule of the reports area was broken."""


class ReportNotFound(ReportsError, domain.NotFound):
    """No such agency, person, registration or certificate, or not the viewer's to see (404)."""


class BadReportFilter(ReportsError):
    """A filter of a report is not one it knows (the field is named)."""
