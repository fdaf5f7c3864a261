"""The Tin Can player's named errors (the player's own are in lms.player.interfaces)."""

from __future__ import annotations

from lms.domain import NotFound
from lms.player.interfaces import PlayerError


class NotATinCanCourse(PlayerError, NotFound):
    """The registration's package is of another standard."""
