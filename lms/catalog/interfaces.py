"""The catalog's vocabulary and its named errors."""

from __future__ import annotations

import enum

from lms.accounts.interfaces import Role
from lms.domain import DomainError, NotFound


class Audience(enum.StrEnum):
    PEACE_OFFICER = "peace_officer"
    DISPATCHER = "dispatcher"
    NPO = "npo"

    @property
    def label(self) -> str:
        return {"peace_officer": "Peace officers", "dispatcher": "Dispatchers", "npo": "NPO staff"}[
            self.value
        ]

    @property
    def role(self) -> Role:
        return Role(self.value)


class RegistrationStatus(enum.StrEnum):
    ACTIVE = "active"
    DROPPED = "dropped"
    COMPLETED = "completed"


class Delivery(enum.StrEnum):
    DISTANCE = "distance"
    FACILITATED = "facilitated"


class CreditRule(enum.StrEnum):
    """How a completion reaches the Training Profile (docs/domain.md#credit-rules)."""

    AUTOMATIC = "automatic"  # * the completion posts CPT
    RECORDED = "recorded"  # ** recorded on the profile, no CPT
    ROSTER = "roster"  # *** CPT only from a facilitator's roster
    RESOURCE = "resource"  # resource only: nothing recorded

    @property
    def label(self) -> str:
        return {
            "automatic": "Completion posts CPT automatically",
            "recorded": "Completion recorded, no CPT",
            "roster": "CPT from a facilitated roster",
            "resource": "Resource only, nothing recorded",
        }[self.value]


class Completion(enum.StrEnum):
    """Which statement completes a SCORM or Tin Can course (a cmi5 course is completed when
    the LMS records it satisfied)."""

    COMPLETED = "completed"
    PASSED = "passed"

    @property
    def label(self) -> str:
        return {"completed": "Completed", "passed": "Passed (the test must be passed)"}[self.value]


class Mandate(enum.StrEnum):
    """Legislatively mandated training (Regulation 1081, Penal Code)."""

    PURSUIT = "pc_13519_8"
    FIRST_AID = "pc_13518"
    DOMESTIC_VIOLENCE = "pc_13519"
    RACIAL_PROFILING = "pc_13519_4"
    USE_OF_FORCE = "psp_use_of_force"
    STRATEGIC_COMMUNICATIONS = "psp_strategic_communications"

    @property
    def label(self) -> str:
        return {
            "pc_13519_8": "High-speed vehicle pursuit, PC 13519.8 (annual)",
            "pc_13518": "First Aid/CPR/AED, PC 13518",
            "pc_13519": "Domestic violence update, PC 13519",
            "pc_13519_4": "Racial and identity profiling, PC 13519.4(i)",
            "psp_use_of_force": "Use of force (PSP V)",
            "psp_strategic_communications": "Strategic communications (PSP IV)",
        }[self.value]


class PspCategory(enum.StrEnum):
    TACTICAL_FIREARMS = "tactical_firearms"
    DRIVER_TRAINING = "driver_training"
    ARREST_AND_CONTROL = "arrest_and_control"
    STRATEGIC_COMMUNICATIONS = "strategic_communications"
    USE_OF_FORCE = "use_of_force"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class CatalogError(DomainError):
    """A rule of the catalog was broken."""


class CourseNotFound(CatalogError, NotFound):
    """No such course or registration, or not the person's own (answered 404)."""


class NotEligible(CatalogError):
    pass


class AlreadyRegistered(CatalogError):
    pass


# --- Course certification requests (docs/certification.md) ------------------------------------

# The expanded course outline a presenter sends: a PDF of at most this many bytes.
OUTLINE_MAX_BYTES = 10 * 1024 * 1024


class CertificationDelivery(enum.StrEnum):
    """How a presenter will deliver the course it asks POST to certify."""

    CLASSROOM = "classroom"
    FACILITATED = "facilitated"  # a facilitated video
    DISTANCE = "distance"

    @property
    def label(self) -> str:
        return {
            "classroom": "Classroom",
            "facilitated": "Facilitated video",
            "distance": "Distance learning",
        }[self.value]

    @property
    def course_delivery(self) -> Delivery:
        """The catalog's delivery: a classroom course is given in person, as a facilitated one
        is (Delivery has no classroom member)."""
        return Delivery.DISTANCE if self is CertificationDelivery.DISTANCE else Delivery.FACILITATED

    @property
    def credit_rule(self) -> CreditRule:
        """CPT from a roster for a facilitated video; the completion itself otherwise."""
        if self is CertificationDelivery.FACILITATED:
            return CreditRule.ROSTER
        return CreditRule.AUTOMATIC


class CertificationStatus(enum.StrEnum):
    SUBMITTED = "submitted"  # waiting for POST staff
    RETURNED = "returned"  # back with the presenter, with POST's comments
    APPROVED = "approved"  # certified: a number and CPT hours
    IN_CATALOG = "in_catalog"  # the course exists in the catalog

    @property
    def label(self) -> str:
        return {
            "submitted": "Submitted",
            "returned": "Returned for changes",
            "approved": "Approved",
            "in_catalog": "In the catalog",
        }[self.value]


class CertificationAction(enum.StrEnum):
    SUBMITTED = "submitted"
    RETURNED = "returned"
    RESUBMITTED = "resubmitted"
    APPROVED = "approved"
    PUT_IN_CATALOG = "put_in_catalog"

    @property
    def label(self) -> str:
        return {
            "submitted": "Submitted",
            "returned": "Returned with comments",
            "resubmitted": "Modified and resubmitted",
            "approved": "Approved",
            "put_in_catalog": "Put in the catalog",
        }[self.value]


class CertificationError(CatalogError):
    """A rule of course certification was broken."""


class CertificationRequestNotFound(CertificationError, NotFound):
    """No such certification request, or not the person's agency's (answered 404)."""


class OutlineRefused(CertificationError):
    """The course outline is not a readable PDF, or is too large."""


class WrongStatus(CertificationError):
    """The request is not at the step the action needs (resubmit only what was returned...)."""
