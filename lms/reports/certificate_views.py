"""Completion certificates: the learner's own, a learner's for their training manager, a
course's for a date range as one zip, and the public verification page."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("certificates", __name__)
