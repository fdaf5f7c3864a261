"""The training manager's dashboard: an agency's (or a sub-affiliation's) training this cycle
at a glance, and the role's actions one click away."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("dashboard", __name__)
