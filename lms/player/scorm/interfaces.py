"""The SCORM runtime's contract: its named errors, each mapped to one HTTP status by the views,
and the rule each broke, which lms.player.scorm.error_codes turns into the standard's error
code for scorm-again (docs/player-scorm.md, "Commits")."""

from __future__ import annotations

from enum import StrEnum

from lms.player.interfaces import PlayerError


class Rule(StrEnum):
    """Which of the run-time's rules a refused request broke, in words common to SCORM 1.2
    and 2004; each edition's error code for it is in lms.player.scorm.error_codes."""

    GENERAL = "general"  # nothing more precise: the edition's general (commit) failure
    TYPE_MISMATCH = "type mismatch"  # a value not of its element's data type or vocabulary
    OUT_OF_RANGE = "out of range"  # a value of the right type outside its element's range
    READ_ONLY = "read only"  # a value for an element the SCO may not set
    NOT_INITIALIZED = "not initialized"  # a commit to a session that was never opened
    AFTER_TERMINATION = "after termination"  # a commit to a session ended with Terminate


class ScormError(PlayerError):
    """A SCORM runtime request that cannot be done; the message says why."""

    rule = Rule.GENERAL


class BadCommit(ScormError):
    """A commit (or sequencing save) whose body is not what the player sends; the field names
    the part at fault and `rule` the rule it broke. Nothing was changed."""

    def __init__(self, message: str, field: str | None = None, rule: Rule = Rule.GENERAL) -> None:
        super().__init__(message, field)
        self.rule = rule


class NotFound(ScormError):
    """No such SCO, attempt or session in this registration."""


class SessionNotOpened(NotFound):
    """A commit to a session of the attempt that was never opened: to the SCO, a commit
    before Initialize (SCORM 2004 RTE 3.1.7.6, error 142; SCORM 1.2, error 301)."""

    rule = Rule.NOT_INITIALIZED


class BadLaunchToken(ScormError):
    """The runtime URL's launch token is missing, forged, expired, or someone else's."""


class Superseded(ScormError):
    """The data comes from a session (or player window) older than one that has since saved:
    taking it would overwrite newer progress, so it is refused."""


class TokenExpired(BadLaunchToken):
    """A token older than its lifetime: a player ticket the portal makes again, or a launch
    too old to save into."""


class LaunchTaken(ScormError):
    """The player ticket's launch is open already (the page was reloaded) or a newer launch
    has opened since: the portal makes a new ticket."""


class SessionTerminated(Superseded):
    """A commit to a session that has ended with Terminate (SCORM 2004 RTE 3.1.1: a session
    runs from Initialize to Terminate; a commit after it is error 143, Commit After
    Termination). Refused as a conflict, like Superseded: the session's data is final."""

    rule = Rule.AFTER_TERMINATION
