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
