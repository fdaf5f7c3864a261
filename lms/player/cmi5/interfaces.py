"""The cmi5 player's named errors (the player's own are in lms.player.interfaces)."""

from __future__ import annotations

from lms.player.interfaces import PlayerError


class Cmi5Error(PlayerError):
    """A cmi5 launch, fetch or waiver that cannot be done; the message says why."""


class NotACmi5Course(Cmi5Error):
    """The registration's package is of another standard."""


class AUNotFound(Cmi5Error):
    """The course structure has no such AU."""


class FetchUrlNotFound(Cmi5Error):
    """A fetch URL the portal never gave (cmi5 §8.2): not a valid request, so a 404."""


class InvalidLaunchMode(Cmi5Error):
    """A launch mode other than Normal, Browse or Review (cmi5 §10.2.2)."""


class InvalidWaiveReason(Cmi5Error):
    """A waiver without one of the reasons of cmi5 §9.5.5.2."""


class AlreadyWaived(Cmi5Error):
    """The AU was waived in this registration already (cmi5 §9.3.7: once per registration)."""


class AlreadySatisfied(Cmi5Error):
    """The AU met its moveOn already: there is nothing to waive."""
