"""Each factory makes what it says, through the services, on every database."""

from __future__ import annotations

import pytest

from lms.catalog.interfaces import RegistrationStatus
from lms.catalog.models import Course
from lms.db import db
from tests.factories import (
    certify,
    make_cpt_entry,
    make_imported_course,
    make_launch_session,
    make_officer,
    make_package_version,
    make_registration,
    make_statement,
    publish,
)


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004", "cmi5", "tincan"])
def test_a_package_version_of_each_standard_is_imported(app, tmp_path, standard):
    version = make_package_version(tmp_path, standard)
    assert version.version == 1 and version.course_id is not None


def test_a_registration_pins_the_newest_version_and_a_launch_opens_a_session(app, tmp_path):
    version = make_package_version(tmp_path, "tincan")
    course = publish(db.session.get(Course, version.course_id))
    officer = make_officer()
    registration = make_registration(officer, course)
    assert (
        registration.status == RegistrationStatus.ACTIVE
        and registration.package_version_id == version.id
    )
    started = make_launch_session(officer, registration)
    assert started.session.registration_id == registration.id
    assert "auth=Basic" in started.url


def test_a_statement_is_stored_with_what_the_lrs_adds(app):
    stored = make_statement()
    assert stored["id"] and stored["stored"] and stored["authority"]


def test_a_completion_of_a_certified_course_makes_a_cpt_entry(app, tmp_path):
    course = certify(make_imported_course(tmp_path, "tincan"), hours="3")
    officer = make_officer()
    make_registration(officer, course)
    entry = make_cpt_entry(officer, course, "2026-02-01T10:00:00Z")
    assert entry is not None and entry.course_id == course.id
    assert str(entry.credited_hours) in ("3", "3.0", "3.00")
