"""The feedback a bundled course's knowledge check gives, handed to its AU through xAPI.

A course whose bundled folder holds `feedback.json` (content_packages/<slug>/feedback.json:
`{"version": ..., "questions": {"q01": {"correct": ..., "incorrect": ...}}}`) reads its
feedback at run time, never from its pages: the portal writes the document to the LRS as an
Activity Profile document, and gives the AU, in the launchParameters of LMS.LaunchData (cmi5
§10.2.5), where to read it:

    {"feedback": {"activityId": "<course IRI>/feedback", "profileId": "<profile id>"},
     "policy": null}

The document is not the AU's own activity, so a launch credential, which may change only the
launched activity's profile, can read it and never change it. An agency's published
customization will be another document, named the same way (issue 14); today every learner
gets POST's default. The course structure's own launchParameters, when it defines some, are
passed on as they are (lms.player.cmi5.services.launch_parameters).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from lms.catalog.models import Registration
from lms.packages import bundled
from lms.player import identity, records
from lms.player.cmi5.structure import AssignableUnit

FEEDBACK_FILE = "feedback.json"
POST_DEFAULT = "post-default"
ACTIVITY_PROFILE = "activity_profile"


@lru_cache(maxsize=32)
def _default_feedback(path: Path, modified: float) -> bytes:
    """The file's content as the document holds it: compact JSON, checked to be feedback."""
    data = json.loads(path.read_text(encoding="utf-8"))
    questions = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(questions, dict) or not isinstance(data.get("version"), str):
        raise ValueError(f"{path.name}: needs a version and the questions' feedback")
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def default_feedback(slug: str) -> bytes | None:
    """POST's default feedback for the bundled course `slug`, if it has feedback."""
    path = bundled.SOURCES / slug / FEEDBACK_FILE
    if not path.is_file():
        return None
    return _default_feedback(path, path.stat().st_mtime)


def feedback_document(registration: Registration) -> tuple[str, str, bytes] | None:
    """(activity id, profile id, content) of the feedback the registration's learner gets."""
    content = default_feedback(registration.course.slug)
    if content is None:
        return None
    base = records.base_url()
    activity = f"{identity.course_iri(registration.course, base)}/feedback"
    return activity, f"{base.rstrip('/')}/xapi/profiles/feedback/{POST_DEFAULT}", content


def launch_parameters(registration: Registration, au: AssignableUnit) -> str | None:
    """The launchParameters of an AU of a course with feedback (a launch parameters source of
    lms.player.cmi5.services): where the feedback is, the document written first if the LRS
    does not hold it as it is."""
    found = feedback_document(registration)
    if found is None:
        return None
    activity, profile, content = found
    store = records.store()
    held = store.get_document(ACTIVITY_PROFILE, profile, activity_id=activity)
    if held is None or held.content != content:
        store.put_document(ACTIVITY_PROFILE, profile, content, activity_id=activity)
    parameters: dict[str, Any] = {
        "feedback": {"activityId": activity, "profileId": profile},
        "policy": None,
    }
    return json.dumps(parameters, separators=(",", ":"))
