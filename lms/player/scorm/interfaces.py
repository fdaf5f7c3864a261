"""The SCORM runtime's contract: its named errors, each mapped to one HTTP status by the views."""

from __future__ import annotations

from lms.player.interfaces import PlayerError


class ScormError(PlayerError):
    """A SCORM runtime request that cannot be done; the message says why."""


class BadCommit(ScormError):
    """A commit (or sequencing save) whose body is not what the player sends; the field names
    the part at fault. Nothing was changed."""


class NotFound(ScormError):
    """No such SCO, attempt or session in this registration."""


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
