"""What POST staff are told about a package that imported but may not do what they expect
(a cmi5 course that asks nothing of the learner, a SCORM 2004 rule naming no objective), and
the acknowledgement that publishing such a course needs.

The warnings are the parsed package's own (`ParsedPackage.warnings`), stored with its version;
the course page shows those of the newest version, the one new registrations get.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from lms.catalog.models import Course
from lms.packages.interfaces import WarningsNotRead
from lms.packages.manifests import ParsedPackage, StoredPackageError
from lms.packages.models import PackageVersion
from lms.packages.services import latest_version

# The checkbox of the course form, outside the form class: it exists only beside warnings.
ACKNOWLEDGEMENT = "warnings_read"


def version_warnings(version: PackageVersion | None) -> tuple[str, ...]:
    """The warnings stored with `version`; none for a version stored before warnings."""
    if version is None:
        return ()
    try:
        return ParsedPackage.from_json(json.loads(version.parsed)).warnings
    except (ValueError, StoredPackageError):
        return ()


def course_warnings(course: Course | None) -> tuple[str, ...]:
    """The warnings of the course's newest package version."""
    return version_warnings(latest_version(course.id)) if course is not None else ()


def check_warnings_read(course: Course | None, publishing: bool, form: Mapping[str, str]) -> None:
    """Publishing a course that is not yet published, whose newest package has warnings, needs
    the box "I have read the warnings" ticked; WarningsNotRead (on `published`) otherwise."""
    if course is None or course.published or not publishing:
        return
    warnings = course_warnings(course)
    if warnings and not form.get(ACKNOWLEDGEMENT):
        count = "warning" if len(warnings) == 1 else f"{len(warnings)} warnings"
        raise WarningsNotRead(
            f"The course package has {'a ' if len(warnings) == 1 else ''}{count} (listed above "
            "the Published box): tick “I have read the package warnings” to publish it, or "
            "leave it unpublished and import a corrected package.",
            field="published",
        )
