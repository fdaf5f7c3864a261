"""Strict validation of xAPI data, for xAPI 1.0.3 and xAPI 2.0.0 (IEEE 9274.1.1).

Pure Python, no I/O. Every failure is a ValidationError naming the JSON path that fails, such as
"$.actor.mbox" or "$[2].context.registration". NOTES.md records where the ADL conformance suite
and the spec text part ways, and which reading this library follows.
"""

from __future__ import annotations

from lrs.spec.activities import validate_activity
from lrs.spec.actors import validate_actor, validate_agent, validate_authority, validate_group
from lrs.spec.datatypes import (
    is_valid_language_tag,
    parse_timestamp,
    validate_duration,
    validate_extensions,
    validate_iri,
    validate_irl,
    validate_language_map,
    validate_uuid,
)
from lrs.spec.errors import ValidationError
from lrs.spec.shapes import MAX_DEPTH, VERSIONS, check_storable, parse_json, text_flaw
from lrs.spec.statements import validate_statement, validate_statements

__all__ = [
    "MAX_DEPTH",
    "VERSIONS",
    "ValidationError",
    "check_storable",
    "is_valid_language_tag",
    "parse_json",
    "parse_timestamp",
    "text_flaw",
    "validate_activity",
    "validate_actor",
    "validate_agent",
    "validate_authority",
    "validate_duration",
    "validate_extensions",
    "validate_group",
    "validate_iri",
    "validate_irl",
    "validate_language_map",
    "validate_statement",
    "validate_statements",
    "validate_uuid",
]
