"""The cmi5 player's named errors (the player's own are in lms.player.interfaces)."""

from __future__ import annotations

from lms.domain import DomainError, NotFound
from lms.player.interfaces import PlayerError


class Cmi5Error(PlayerError):
    """A cmi5 launch, fetch or waiver that cannot be done; the message says why."""


class NotACmi5Course(Cmi5Error, NotFound):
    """The registration's package is of another standard."""


class AUNotFound(Cmi5Error, NotFound):
    """The course structure has no such AU."""


class FetchUrlNotFound(Cmi5Error, NotFound):
    """A fetch URL the portal never gave (cmi5 §8.2): not a valid request, so a 404."""


class InvalidLaunchMode(Cmi5Error):
    """A launch mode other than Normal, Browse or Review (cmi5 §10.2.2)."""


class InvalidWaiveReason(Cmi5Error):
    """A waiver without one of the reasons of cmi5 §9.5.5.2."""


class AlreadyWaived(Cmi5Error):
    """The AU was waived in this registration already (cmi5 §9.3.7: once per registration)."""


class AlreadySatisfied(Cmi5Error):
    """The AU met its moveOn already: there is nothing to waive."""


class RuleBroken(DomainError):
    """A statement the cmi5 rules forbid (lms.player.cmi5.rules); `section` is the spec's
    section."""

    def __init__(self, section: str, message: str) -> None:
        super().__init__(f"cmi5 §{section}: {message}")
        self.section = section


# What a fetch URL (§8.2) answers with: the AU calls it from another origin (the content
# origin, or its own for an absolute AU URL).
FETCH_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Authorization, X-Experience-API-Version",
    "Cache-Control": "no-store",
}
