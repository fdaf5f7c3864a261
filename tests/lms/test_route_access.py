"""Every route of the portal, requested by every role: what each role gets is declared below.

A route missing from the table fails `test_every_route_is_declared`, so a new route must say
who may reach it. The requests use real objects of agency A (the roles' own) and of agency B:
an LP administrator of A asking for B's pages gets 404, as if they did not exist; staff pages
are 403 to everyone else; a POST without its CSRF token is 400; nothing is ever 500.

GET rules are requested with GET, POST-only rules with POST and no CSRF token. The LRS's /xapi
resources and /static have tests of their own.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms import unit_of_work
from lms.accounts import access_requests, agencies, bulletins
from lms.accounts.interfaces import BulletinFields, Role
from lms.catalog import certification
from lms.catalog import services as catalog
from lms.catalog.interfaces import CertificationDelivery
from lms.catalog.models import Course
from lms.customization import services
from lms.db import db
from lms.facilitation import services as facilitation
from lms.packages import bundled
from lms.packages.access import files_url
from lms.packages.models import PackageImport
from lms.packages.services import import_package
from lms.reports import certificates
from tests.builders.cmi5 import cmi5_zip
from tests.builders.policy import policy_pdf
from tests.builders.scorm import PACKAGES, SCORM12, zip_package
from tests.builders.tincan import tincan_zip
from tests.conftest import sign_in
from tests.factories import (
    PASSWORD,
    certify,
    make_administrator,
    make_agency,
    make_cpt_entry,
    make_officer,
    make_person,
    make_post_staff,
    make_published_course,
    make_sub_affiliation,
)

ROLES = (
    "anonymous",
    "officer",
    "dispatcher",
    "npo",
    "lp_admin",
    "training_manager",
    "post_staff",
)
SIGNED_IN_ROLES = ROLES[1:]


@dataclass(frozen=True)
class Redirect:
    """A redirect whose Location's path starts with `to`."""

    to: str

    def __repr__(self) -> str:
        return f"302 -> {self.to}"


Outcome = int | Redirect
SIGN_IN = Redirect("/sign-in")
DASHBOARD = Redirect("/dashboard")


def every(outcome: Outcome, **by_role: Outcome) -> dict[str, Outcome]:
    """`outcome` for every role but those named."""
    unknown = set(by_role) - set(ROLES)
    assert not unknown, f"no such roles: {unknown}"
    return {role: by_role.get(role, outcome) for role in ROLES}


@dataclass(frozen=True)
class Case:
    """One request: `url` (and a Redirect's `to`) filled in from `World.ids`."""

    endpoint: str
    method: str
    url: str
    expected: dict[str, Outcome]


def get(endpoint: str, url: str, expected: dict[str, Outcome]) -> Case:
    return Case(endpoint, "GET", url, expected)


def post(endpoint: str, url: str, expected: dict[str, Outcome]) -> Case:
    return Case(endpoint, "POST", url, expected)


PUBLIC = every(200)
SIGNED_IN = every(200, anonymous=SIGN_IN)
STAFF_ONLY = every(403, anonymous=SIGN_IN, post_staff=200)
# An agency's administration: its LP administrators and POST staff.
ADMINISTRATION_OF_A = every(403, anonymous=SIGN_IN, lp_admin=200, post_staff=200)
ADMINISTRATION_OF_B = every(403, anonymous=SIGN_IN, lp_admin=404, post_staff=200)
# An agency's compliance: its LP administrators and training managers, and POST staff.
COMPLIANCE_OF_A = every(403, anonymous=SIGN_IN, lp_admin=200, training_manager=200, post_staff=200)
COMPLIANCE_OF_B = every(403, anonymous=SIGN_IN, lp_admin=404, training_manager=404, post_staff=200)
# Pages of the officer's own registration: nobody else's.
OFFICERS_OWN = every(404, anonymous=SIGN_IN, officer=200)
# An agency's customization of a course: its LP administrators and training managers only.
CUSTOMIZATION_OF_A = every(404, anonymous=SIGN_IN, lp_admin=200, training_manager=200)
# A published policy PDF: the people of its agency.
POLICY_OF_A = every(200, anonymous=SIGN_IN, post_staff=404)
NOBODY_SIGNED_IN = every(404, anonymous=SIGN_IN)
# A manager's page for something that is not the agency's (or not anybody's): 404 to POST
# staff too.
NOT_OF_B = every(403, anonymous=SIGN_IN, lp_admin=404, training_manager=404, post_staff=404)
# An agency's course certification requests: its LP administrators and training managers.
PRESENTERS_OF_A = every(404, anonymous=SIGN_IN, lp_admin=200, training_manager=200)
PRESENTERS_OF_B = NOBODY_SIGNED_IN
# An agency's facilitated training: its training managers and LP administrators.
FACILITATION_OF_A = every(404, anonymous=SIGN_IN, lp_admin=200, training_manager=200)
CSRF_REFUSED = every(400)

PORTAL: list[Case] = [
    get("accounts.home", "/", every(DASHBOARD, anonymous=200)),
    get("accounts.sign_in", "/sign-in", PUBLIC),
    get("accounts.sign_up", "/sign-up", PUBLIC),
    get("accounts.request_access", "/request-access", PUBLIC),
    get("accounts.accept_invitation", "/invitations/{invitation_token}", PUBLIC),
    get("accounts.accept_invitation", "/invitations/no-such-token", every(404)),
    post("accounts.sign_out", "/sign-out", CSRF_REFUSED),
    get(
        "accounts.link_post_id",
        "/post-id",
        every(200, anonymous=SIGN_IN, officer=DASHBOARD, dispatcher=DASHBOARD, lp_admin=DASHBOARD),
    ),
    get("accounts.dashboard", "/dashboard", SIGNED_IN),
    get("accounts.change_password", "/account/password", SIGNED_IN),
    get("accounts.bulletin_list", "/bulletins", SIGNED_IN),
    get("accounts.bulletin_page", "/bulletins/{bulletin}", SIGNED_IN),
    get("accounts.bulletin_pdf", "/bulletins/{bulletin}/pdf", SIGNED_IN),
    get("accounts.bulletin_page", "/bulletins/999999", every(404, anonymous=SIGN_IN)),
    get("health.healthz", "/healthz", PUBLIC),
    # Agency administration.
    get(
        "admin.agency_list",
        "/agencies/",
        every(403, anonymous=SIGN_IN, lp_admin=Redirect("/agencies/{agency_a}/"), post_staff=200),
    ),
    get("admin.new_agency", "/agencies/new", STAFF_ONLY),
    get("admin.agency_overview", "/agencies/{agency_a}/", ADMINISTRATION_OF_A),
    get("admin.agency_overview", "/agencies/{agency_b}/", ADMINISTRATION_OF_B),
    get(
        "admin.agency_overview",
        "/agencies/999999/",
        every(403, anonymous=SIGN_IN, lp_admin=404, post_staff=404),
    ),
    post("admin.add_npo", "/agencies/{agency_a}/npo", CSRF_REFUSED),
    post("admin.add_npo", "/agencies/{agency_b}/npo", CSRF_REFUSED),
    post("admin.create_sub_affiliation", "/agencies/{agency_a}/sub-affiliations", CSRF_REFUSED),
    get(
        "admin.sub_affiliation_page",
        "/agencies/{agency_a}/sub-affiliations/{sub_a}",
        ADMINISTRATION_OF_A,
    ),
    get(
        "admin.sub_affiliation_page",
        "/agencies/{agency_b}/sub-affiliations/{sub_b}",
        ADMINISTRATION_OF_B,
    ),
    get(
        "admin.sub_affiliation_page",
        "/agencies/{agency_a}/sub-affiliations/{sub_b}",
        every(403, anonymous=SIGN_IN, lp_admin=404, post_staff=404),
    ),
    post(
        "admin.rename_sub_affiliation",
        "/agencies/{agency_a}/sub-affiliations/{sub_a}/rename",
        CSRF_REFUSED,
    ),
    post(
        "admin.move_sub_affiliation",
        "/agencies/{agency_a}/sub-affiliations/{sub_a}/move",
        CSRF_REFUSED,
    ),
    get("admin.person_page", "/agencies/{agency_a}/people/{officer_a}", ADMINISTRATION_OF_A),
    get("admin.person_page", "/agencies/{agency_b}/people/{officer_b}", ADMINISTRATION_OF_B),
    get(
        "admin.person_page",
        "/agencies/{agency_a}/people/{officer_b}",
        every(403, anonymous=SIGN_IN, lp_admin=404, post_staff=404),
    ),
    post("admin.move_person", "/agencies/{agency_a}/people/{officer_a}", CSRF_REFUSED),
    post("admin.set_roles", "/agencies/{agency_a}/people/{officer_a}/roles", CSRF_REFUSED),
    # Compliance and training records.
    get("training.agency_compliance", "/agencies/{agency_a}/compliance", COMPLIANCE_OF_A),
    get("training.agency_compliance", "/agencies/{agency_b}/compliance", COMPLIANCE_OF_B),
    get(
        "training.agency_compliance_export",
        "/agencies/{agency_a}/compliance.csv",
        COMPLIANCE_OF_A,
    ),
    get(
        "training.agency_compliance_export",
        "/agencies/{agency_b}/compliance.csv",
        COMPLIANCE_OF_B,
    ),
    get("training.agency_entries_export", "/agencies/{agency_a}/entries.csv", COMPLIANCE_OF_A),
    get("training.agency_entries_export", "/agencies/{agency_b}/entries.json", COMPLIANCE_OF_B),
    get("training.training_profile", "/profile", SIGNED_IN),
    get("training.profile_export", "/profile/entries.csv", SIGNED_IN),
    get("training.profile_export", "/profile/entries.json", SIGNED_IN),
    get("dashboard.agency_dashboard", "/agencies/{agency_a}/dashboard", COMPLIANCE_OF_A),
    get("dashboard.agency_dashboard", "/agencies/{agency_b}/dashboard", COMPLIANCE_OF_B),
    get("reports.activity", "/agencies/{agency_a}/activity", COMPLIANCE_OF_A),
    get("reports.activity", "/agencies/{agency_b}/activity?status=completed", COMPLIANCE_OF_B),
    get("reports.activity_export", "/agencies/{agency_a}/activity.csv", COMPLIANCE_OF_A),
    get("reports.activity_export", "/agencies/{agency_b}/activity.csv", COMPLIANCE_OF_B),
    get(
        "reports.person_activity",
        "/agencies/{agency_a}/people/{officer_a}/activity",
        COMPLIANCE_OF_A,
    ),
    get(
        "reports.person_activity",
        "/agencies/{agency_b}/people/{officer_b}/activity",
        COMPLIANCE_OF_B,
    ),
    get(
        "reports.person_activity",  # A's officer asked for under B
        "/agencies/{agency_b}/people/{officer_a}/activity",
        NOT_OF_B,
    ),
    get(
        "reports.registration_activity",
        "/agencies/{agency_a}/registrations/{scorm_registration}",
        COMPLIANCE_OF_A,
    ),
    get(
        "reports.registration_activity",
        "/agencies/{agency_b}/registrations/{scorm_registration}",
        NOT_OF_B,
    ),
    get(
        "reports.statement",
        "/agencies/{agency_a}/statements/00000000-0000-4000-8000-000000000000",
        NOT_OF_B,
    ),
    # Completion certificates: the verify page is public; the PDFs and the zip are the
    # learner's own, or their agency's managers' and POST staff's.
    get("certificates.verify_form", "/verify", PUBLIC),
    get("certificates.verify", "/verify/{certificate_code}", PUBLIC),
    get("certificates.verify", "/verify/AAAA-BBBB-CCCC-DDDD-EEEE-FFFF", every(404)),
    get("certificates.own_certificate", "/profile/certificates/{entry_a}.pdf", OFFICERS_OWN),
    get(
        "certificates.learner_certificate",
        "/agencies/{agency_a}/certificates/{entry_a}.pdf",
        COMPLIANCE_OF_A,
    ),
    get(
        "certificates.learner_certificate",
        "/agencies/{agency_b}/certificates/{entry_b}.pdf",
        COMPLIANCE_OF_B,
    ),
    get(
        "certificates.learner_certificate",  # B's officer asked for under A
        "/agencies/{agency_a}/certificates/{entry_b}.pdf",
        NOT_OF_B,
    ),
    get("certificates.course_certificates", "/agencies/{agency_a}/certificates", COMPLIANCE_OF_A),
    get("certificates.course_certificates", "/agencies/{agency_b}/certificates", COMPLIANCE_OF_B),
    get(
        "certificates.course_certificates_zip",
        "/agencies/{agency_a}/certificates.zip?course={scorm_course}&since=2026-01-01"
        "&until=2026-12-31",
        COMPLIANCE_OF_A,
    ),
    get(
        "certificates.course_certificates_zip",
        "/agencies/{agency_b}/certificates.zip?course={scorm_course}&since=2026-01-01"
        "&until=2026-12-31",
        COMPLIANCE_OF_B,
    ),
    # The catalog and registrations.
    get("catalog.course_catalog", "/courses", SIGNED_IN),
    post("catalog.register", "/courses/{scorm_course}/register", CSRF_REFUSED),
    post("catalog.drop", "/registrations/{scorm_registration}/drop", CSRF_REFUSED),
    get(
        "player.launch_registration",
        "/registrations/{scorm_registration}/launch",
        every(
            404, anonymous=SIGN_IN, officer=Redirect("/registrations/{scorm_registration}/scorm")
        ),
    ),
    get(
        "scorm.attempts_page",
        "/registrations/{scorm_registration}/scorm/attempts",
        OFFICERS_OWN,
    ),
    get("cmi5.course_page", "/cmi5/registrations/{cmi5_registration}", OFFICERS_OWN),
    post("cmi5.launch_au", "/cmi5/registrations/{cmi5_registration}/launch", CSRF_REFUSED),
    post("cmi5.fetch", "/cmi5/fetch/no-such-token", every(404)),
    get("tincan.launch_page", "/tincan/registrations/{tincan_registration}", OFFICERS_OWN),
    post(
        "tincan.launch_activity",
        "/tincan/registrations/{tincan_registration}/launch",
        CSRF_REFUSED,
    ),
    get("tincan.status", "/tincan/registrations/{tincan_registration}/status", OFFICERS_OWN),
    # Agency customizations (agency A's LP administrator is sworn).
    get("customization.editor", "/agency/customizations/{custom_course}", CUSTOMIZATION_OF_A),
    get("customization.editor", "/agency/customizations/{scorm_course}", NOBODY_SIGNED_IN),
    post(
        "customization.save_question",
        "/agency/customizations/{custom_course}/questions/q01",
        CSRF_REFUSED,
    ),
    post(
        "customization.upload_policy", "/agency/customizations/{custom_course}/policy", CSRF_REFUSED
    ),
    get(
        "customization.draft_policy",
        "/agency/customizations/{custom_course}/policy",
        CUSTOMIZATION_OF_A,
    ),
    get("customization.version_policy", "/agency/policies/{policy_a}", POLICY_OF_A),
    get("customization.version_policy", "/agency/policies/{policy_b}", NOBODY_SIGNED_IN),
    get(
        "customization.publish",
        "/agency/customizations/{custom_course}/publish",
        CUSTOMIZATION_OF_A,
    ),
    get(
        "customization.versions",
        "/agency/customizations/{custom_course}/versions",
        CUSTOMIZATION_OF_A,
    ),
    get(
        "customization.version",
        "/agency/customizations/{custom_course}/versions/1",
        CUSTOMIZATION_OF_A,
    ),
    get(
        "customization.compare",
        "/agency/customizations/{custom_course}/compare?older=1&newer=1",
        CUSTOMIZATION_OF_A,
    ),
    post(
        "customization.restore",
        "/agency/customizations/{custom_course}/versions/1/restore",
        CSRF_REFUSED,
    ),
    get(
        "customization.preview_page",
        "/agency/customizations/{custom_course}/preview",
        CUSTOMIZATION_OF_A,
    ),
    post(
        "customization.preview_launch",
        "/agency/customizations/{custom_course}/preview",
        CSRF_REFUSED,
    ),
    get(
        "customization.preview_return",
        "/agency/customizations/{custom_course}/preview/return",
        PUBLIC,
    ),
    post("customization.preview_fetch", "/agency/preview/fetch/no-such-token", every(404)),
    get(
        "customization.record", "/agency/customizations/{custom_course}/record", CUSTOMIZATION_OF_A
    ),
    get(
        "customization.record_csv",
        "/agency/customizations/{custom_course}/record.csv",
        CUSTOMIZATION_OF_A,
    ),
    # Facilitated courses and rosters (agency A's).
    get("facilitation.presentations", "/agency/presentations", FACILITATION_OF_A),
    get(
        "facilitation.presentation",
        "/agency/presentations/{presentation_a}",
        FACILITATION_OF_A,
    ),
    get("facilitation.presentation", "/agency/presentations/{presentation_b}", NOBODY_SIGNED_IN),
    get("facilitation.roster", "/agency/rosters/{roster_a}", FACILITATION_OF_A),
    get("facilitation.roster", "/agency/rosters/{roster_b}", NOBODY_SIGNED_IN),
    get("facilitation.access", "/agency/facilitated-access", FACILITATION_OF_A),
    get("facilitation.materials_page", "/facilitated/{scorm_course}", NOBODY_SIGNED_IN),
    # Course certification requests (presenters: an agency's LP administrators and training
    # managers; request A is returned, so it may be modified; POST staff review).
    get("catalog.certification_requests", "/agency/certification-requests", PRESENTERS_OF_A),
    get(
        "catalog.new_certification_request",
        "/agency/certification-requests/new",
        PRESENTERS_OF_A,
    ),
    get(
        "catalog.certification_request",
        "/agency/certification-requests/{certification_a}",
        PRESENTERS_OF_A,
    ),
    get(
        "catalog.certification_request",
        "/agency/certification-requests/{certification_b}",
        PRESENTERS_OF_B,
    ),
    get(
        "catalog.modify_certification_request",
        "/agency/certification-requests/{certification_a}/modify",
        PRESENTERS_OF_A,
    ),
    get(
        "catalog.modify_certification_request",
        "/agency/certification-requests/{certification_b}/modify",
        PRESENTERS_OF_B,
    ),
    get(
        "catalog.certification_outline",
        "/agency/certification-requests/{certification_a}/outline",
        PRESENTERS_OF_A,
    ),
    get(
        "catalog.certification_outline",
        "/agency/certification-requests/{certification_b}/outline",
        PRESENTERS_OF_B,
    ),
    get("catalog.staff_certification_requests", "/staff/certification-requests", STAFF_ONLY),
    get(
        "catalog.staff_certification_requests",
        "/staff/certification-requests?status=returned",
        STAFF_ONLY,
    ),
    get(
        "catalog.review_certification_request",
        "/staff/certification-requests/{certification_b}",
        STAFF_ONLY,
    ),
    get(
        "catalog.staff_certification_outline",
        "/staff/certification-requests/{certification_a}/outline",
        STAFF_ONLY,
    ),
    get(
        "catalog.review_certification_request",
        "/staff/certification-requests/999999",
        every(403, anonymous=SIGN_IN, post_staff=404),
    ),
    post(
        "catalog.approve_certification_request",
        "/staff/certification-requests/{certification_b}/approve",
        CSRF_REFUSED,
    ),
    post(
        "catalog.return_certification_request",
        "/staff/certification-requests/{certification_b}/return",
        CSRF_REFUSED,
    ),
    post(
        "catalog.put_certification_in_catalog",
        "/staff/certification-requests/{certification_b}/catalog",
        CSRF_REFUSED,
    ),
    # POST staff.
    get("staff.access_request_list", "/staff/access-requests", STAFF_ONLY),
    get("staff.access_request_page", "/staff/access-requests/{access_request}", STAFF_ONLY),
    post("staff.approve", "/staff/access-requests/{access_request}/approve", CSRF_REFUSED),
    post("staff.deny", "/staff/access-requests/{access_request}/deny", CSRF_REFUSED),
    get("staff.credential_list", "/staff/lrs-credentials", STAFF_ONLY),
    post("staff.create_credential", "/staff/lrs-credentials", CSRF_REFUSED),
    post(
        "staff.revoke_credential",
        "/staff/lrs-credentials/{credential_key}/revoke",
        CSRF_REFUSED,
    ),
    get("staff.bulletin_list", "/staff/bulletins", STAFF_ONLY),
    post("staff.publish_bulletin", "/staff/bulletins", CSRF_REFUSED),
    get("catalog.course_list", "/staff/courses", STAFF_ONLY),
    get("catalog.new_course", "/staff/courses/new", STAFF_ONLY),
    get("catalog.edit_course", "/staff/courses/{scorm_course}", STAFF_ONLY),
    get("imports.import_page", "/staff/packages", STAFF_ONLY),
    post("imports.upload", "/staff/packages", CSRF_REFUSED),
    get("imports.import_status_page", "/staff/packages/imports/{package_import}", STAFF_ONLY),
    get("imports.import_status", "/staff/packages/imports/{package_import}/status", STAFF_ONLY),
]

# Package content and the SCORM runtime, as the portal's host answers them: they are served
# from the content origin, so on the portal they are 404 to everyone, a real file token
# included; the player page sends its learner on to the content origin. Update these cases
# with the content origin's own tests in mind when those routes change.
CONTENT: list[Case] = [
    get("packages.package_file", "{officers_file_path}", every(404)),
    # The AU's returnURL, reached from the content origin's frame without the portal's cookie:
    # a link back to the course page (which checks), nothing of its own.
    get("cmi5.returned", "/cmi5/registrations/{cmi5_registration}/return", PUBLIC),
    get(
        "scorm.player_page",
        "/registrations/{scorm_registration}/scorm",
        every(
            404,
            anonymous=SIGN_IN,
            officer=Redirect("/registrations/{scorm_registration}/scorm/play"),
        ),
    ),
    get("scorm.player", "/registrations/{scorm_registration}/scorm/play", every(404)),
    post("scorm.open_session", "/registrations/{scorm_registration}/scorm/sessions", every(404)),
    post("scorm.commit", "/registrations/{scorm_registration}/scorm/commit", every(404)),
    post(
        "scorm.save_sequencing",
        "/registrations/{scorm_registration}/scorm/sequencing",
        every(404),
    ),
]

CASES = PORTAL + CONTENT


@dataclass
class World:
    ids: dict[str, object]
    clients: dict[str, FlaskClient]

    def url(self, case: Case) -> str:
        return case.url.format(**self.ids)


def _make_world(app: Flask, folder: Path) -> World:
    agency_a = make_agency("Agency A")
    agency_b = make_agency("Agency B")
    sub_a = make_sub_affiliation(agency_a, "Patrol")
    sub_b = make_sub_affiliation(agency_b, "Patrol")
    officer = make_officer(agency_a, email="officer@example.org")
    make_person(
        Role.DISPATCHER, agency=agency_a, email="dispatcher@example.org", post_id="D12-345-678"
    )
    make_person(Role.NPO, agency=agency_a, email="npo@example.org")
    make_administrator(agency_a, email="lp_admin@example.org")
    make_person(Role.TRAINING_MANAGER, agency=agency_a, email="training_manager@example.org")
    staff = make_post_staff(email="post_staff@example.org")
    officer_b = make_officer(agency_b, email="officer.b@example.org")
    _, invitation_token = agencies.add_npo(
        agency_a, email="invited@example.org", first_name="Ivy", last_name="Invited"
    )
    access_request = access_requests.submit(
        organisation_name="Harbor Patrol",
        contact_first_name="Hal",
        contact_last_name="Harbor",
        contact_email="hal@example.org",
        contact_phone="555-0100",
        reason="Training for our officers.",
    )
    (folder / "scorm").mkdir()
    scorm_course = make_published_course(
        zip_package(PACKAGES / SCORM12, folder / "scorm"), folder / "scorm"
    )
    (folder / "cmi5").mkdir()
    cmi5_course = make_published_course(cmi5_zip(folder / "cmi5", None), folder / "cmi5")
    (folder / "tincan").mkdir()
    tincan = import_package(
        tincan_zip(folder / "tincan"), app.extensions["content_store"], folder / "tincan" / "w"
    )
    tincan_course = db.session.get(Course, tincan.course_id)
    tincan_course.published = True
    db.session.commit()
    scorm_registration = catalog.register(officer, scorm_course.id)
    cmi5_registration = catalog.register(officer, cmi5_course.id)
    tincan_registration = catalog.register(officer, tincan_course.id)
    custom_course, policy_a, policy_b = _customized_course(folder, agency_a, agency_b)
    presentations, rosters = _rosters(scorm_course, officer, officer_b)
    certification_a, certification_b = _certification_requests(agency_a, agency_b, staff)
    package_import = PackageImport(
        requested_by_id=staff.id, file_name="course.zip", size=1, upload_name="course.zip"
    )
    db.session.add(package_import)
    db.session.commit()
    credential, _ = app.extensions["lrs"].create_credential("Route test", ["statements/read"])
    with unit_of_work.job():
        bulletin = bulletins.publish(
            staff,
            BulletinFields("Route test", dt.date(2026, 12, 1), "A bulletin."),
            policy_pdf("Bulletin"),
            "bulletin.pdf",
        )
    entry_a = make_cpt_entry(officer, scorm_course, "2026-03-04T10:00:00Z")
    entry_b = make_cpt_entry(officer_b, scorm_course, "2026-03-04T10:00:00Z")
    with unit_of_work.job():
        certificate_code = certificates.issue(entry_a).code

    clients = {"anonymous": app.test_client()}
    for role in SIGNED_IN_ROLES:
        clients[role] = app.test_client()
        sign_in(clients[role], f"{role}@example.org", PASSWORD)
    ids = {
        "agency_a": agency_a.id,
        "agency_b": agency_b.id,
        "sub_a": sub_a.id,
        "sub_b": sub_b.id,
        "officer_a": officer.id,
        "officer_b": officer_b.id,
        "invitation_token": invitation_token,
        "access_request": access_request.id,
        "scorm_course": scorm_course.id,
        "scorm_registration": scorm_registration.id,
        "scorm_version": scorm_registration.package_version_id,
        "cmi5_registration": cmi5_registration.id,
        "tincan_registration": tincan_registration.id,
        "package_import": package_import.id,
        "custom_course": custom_course.id,
        "policy_a": policy_a,
        "policy_b": policy_b,
        "presentation_a": presentations[0],
        "presentation_b": presentations[1],
        "roster_a": rosters[0],
        "roster_b": rosters[1],
        "certification_a": certification_a,
        "certification_b": certification_b,
        "credential_key": credential.key,
        "bulletin": bulletin.id,
        "entry_a": entry_a.id,
        "entry_b": entry_b.id,
        "certificate_code": certificate_code,
        "officers_file_path": urlsplit(
            files_url(officer, scorm_registration.package_version_id, "index.html")
        ).path,
    }
    return World(ids, clients)


def _certification_requests(agency_a, agency_b, staff) -> tuple[int, int]:
    """A certification request of agency A, returned to it, and one of agency B, submitted."""
    ids = []
    for agency in (agency_a, agency_b):
        presenter = make_person(Role.TRAINING_MANAGER, agency=agency)
        outline = certification.store_outline(policy_pdf("Outline"), "outline.pdf")
        fields = certification.RequestFields(
            "Tactical Communications",
            CertificationDelivery.DISTANCE,
            Decimal(4),
            set(),
            None,
            ["A"],
        )
        ids.append(certification.submit(presenter, fields, outline).id)
    certification.return_request(staff, ids[0], "Give the hours per topic.")
    db.session.commit()
    return ids[0], ids[1]


def _rosters(course: Course, officer_a, officer_b) -> tuple[list[int], list[int]]:
    """A presentation of the course by agency A and one by agency B, each with a roster."""
    certify(course, "1850-29001", "2")
    today = dt.date.today()
    presentations, rosters = [], []
    for officer in (officer_a, officer_b):
        manager = make_person(Role.TRAINING_MANAGER, agency=officer.agency)
        with unit_of_work.job():
            shown = facilitation.schedule(manager, course.id, today, today, location="Room 1")
            roster = facilitation.submit_roster(
                manager, shown.id, [facilitation.Entry(1, officer.post_id)], today, Decimal(1)
            )
            presentations.append(shown.id)
            rosters.append(roster.id)
    return presentations, rosters


def _customized_course(folder: Path, agency_a, agency_b) -> tuple[Course, int, int]:
    """A customizable cmi5 course (its folder in a content_packages/ of the test's own) that
    agencies A and B have each published; the ids of their versions."""
    (folder / "custom").mkdir()
    course = make_published_course(cmi5_zip(folder / "custom", None), folder / "custom")
    course.slug = "customizable-course"
    db.session.commit()
    versions = []
    for agency in (agency_a, agency_b):
        admin = make_administrator(agency)
        with unit_of_work.job():
            services.upload_policy(admin, course.id, policy_pdf(), "policy.pdf", 0)
            versions.append(services.publish(admin, course.id).id)
    return course, versions[0], versions[1]


@pytest.fixture
def world(app: Flask, tmp_path: Path, monkeypatch) -> World:
    sources = tmp_path / "content_packages" / "customizable-course"
    sources.mkdir(parents=True)
    (sources / "feedback.json").write_text(
        json.dumps({"version": "default", "questions": {"q01": {"correct": "c", "incorrect": "i"}}})
    )
    monkeypatch.setattr(bundled, "SOURCES", sources.parent)
    return _make_world(app, tmp_path)


def _outcome(response) -> Outcome:
    if response.status_code in (301, 302, 303, 307, 308):
        path = urlsplit(response.headers.get("Location", "")).path
        return Redirect(path)
    return response.status_code


def _matches(actual: Outcome, expected: Outcome, world: World) -> bool:
    if isinstance(expected, Redirect):
        to = expected.to.format(**world.ids)
        return isinstance(actual, Redirect) and actual.to.startswith(to)
    return actual == expected


def _rules(app: Flask) -> set[tuple[str, str]]:
    """(endpoint, method) of every rule to declare: GET for a rule that takes GET, else POST."""
    rules = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.startswith(("xapi.", "preview_xapi.")):
            continue
        rules.add((rule.endpoint, "GET" if "GET" in rule.methods else "POST"))
    return rules


def test_every_route_is_declared(app):
    declared = {(case.endpoint, case.method) for case in CASES}
    rules = _rules(app)
    assert sorted(rules - declared) == [], "routes missing from the table"
    assert sorted(declared - rules) == [], "the table names routes that no longer exist"


def test_each_case_requests_the_route_it_names(app, world):
    adapter = app.url_map.bind(app.config["SERVER_NAME"])
    for case in CASES:
        path = urlsplit(world.url(case)).path
        endpoint, _ = adapter.match(path, method=case.method)
        assert endpoint == case.endpoint, case


def test_every_role_gets_what_the_table_declares_and_never_a_500(world):
    server_errors, wrong = [], []
    for case in CASES:
        url = world.url(case)
        for role in ROLES:
            response = world.clients[role].open(url, method=case.method)
            actual = _outcome(response)
            response.close()
            request = f"{case.method} {case.url} as {role}"
            if actual == 500:
                server_errors.append(request)
            elif not _matches(actual, case.expected[role], world):
                wrong.append(f"{request}: {actual!r}, declared {case.expected[role]!r}")
    assert server_errors == [], "\n".join(server_errors)
    assert wrong == [], "\n".join(wrong)
