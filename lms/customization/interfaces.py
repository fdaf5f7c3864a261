"""The customization area's contract: a customization's states, what the records name, and
the named errors its services raise."""

from __future__ import annotations

import enum

from lms import domain
from lms.domain import DomainError

# The longest feedback text for one answer, in characters.
FEEDBACK_MAX_LENGTH = 1000
# The largest policy PDF accepted, in bytes.
POLICY_MAX_BYTES = 10 * 1024 * 1024
# The formatting a feedback text may use: plain text with these tags, none with attributes.
FEEDBACK_TAGS = frozenset({"strong", "em", "b", "i", "br", "p", "ul", "ol", "li"})

# Context extensions every statement of a customized attempt carries (through cmi5's
# contextTemplate), relative to the portal's base URL.
VERSION_EXTENSION = "/xapi/extensions/customization-version"
POLICY_EXTENSION = "/xapi/extensions/policy-sha256"


class State(enum.StrEnum):
    """Where an agency's customization stands, as its dashboard task shows it."""

    NOT_STARTED = "not started"
    DRAFT = "draft"
    PUBLISHED = "published"
    NEEDS_REVIEW = "needs review"


class CustomizationError(DomainError):
    """A rule of the customization area was broken."""


class CustomizationNotFound(CustomizationError, domain.NotFound):
    """No such customization, or not one the person may see (answered 404)."""


class NotEditable(CustomizationError, domain.NotAllowed):
    """The person may see the customization but not change it (answered 403)."""


class FeedbackRefused(CustomizationError):
    """A feedback text is too long or holds markup it may not (the field is named)."""


class StaleDraft(CustomizationError):
    """The draft changed since the person loaded it: another administrator saved first."""


class PolicyRefused(CustomizationError):
    """The uploaded policy is not a readable PDF, or is too large."""


class NothingToPublish(CustomizationError):
    """Publishing needs a policy PDF (and nothing under review may be skipped)."""


# The verb of the certification statement a customizable course sends (VC 17004.7(b)(2)).
CERTIFICATION_VERB = "http://activitystrea.ms/schema/1.0/acknowledge"
