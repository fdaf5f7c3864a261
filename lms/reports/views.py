"""The Learner Activity report, its CSV export, and the drill-down from a person to their
attempts and to the statements behind their CPT entries (training managers, LP
administrators of the agency, POST staff)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reports", __name__)
