"""The demo agencies' customizations of Vehicle Pursuit Policy Update (lms demo load): Capitol City
Police Department has published its own, with its policy PDF; Valley County Sheriff's Office has
a draft it has not published, so its learners see the gate. Made through the customization's
services as their LP administrators would, idempotently."""

from __future__ import annotations

from fpdf import FPDF
from sqlalchemy import select

from lms.accounts.models import Person
from lms.catalog.models import Course
from lms.customization import services
from lms.db import db

COURSE_SLUG = "vehicle-pursuit-policy-update"
CAPITOL_ADMIN = "admin@example.org"
VALLEY_ADMIN = "valley.admin@example.org"

CAPITOL_FEEDBACK = {
    "q01": (
        "Right. General Order 4.12 uses the same definition: it is the driver's attempt to "
        "avoid arrest that makes it a pursuit, not your speed.",
        "Not quite. General Order 4.12, section 1, defines a pursuit by the driver's attempt "
        "to avoid arrest: high speed, evasive driving or a <strong>willful failure to "
        "yield</strong>. Re-read section 1 before your next shift.",
    ),
    "q09": (
        "Right. Capitol City officers weigh the offense and the need for immediate capture "
        "against the danger to the public, as section 3 of General Order 4.12 says.",
        "Not quite. Section 3 of General Order 4.12: the known offense and the need for "
        "immediate capture are weighed against the risk to officers, motorists and "
        "pedestrians, <em>downtown traffic included</em>.",
    ),
    "q10": (
        "Right. The Watch Commander expects you to keep weighing it until the pursuit ends.",
        "Not quite. The balancing test does not stop at the decision to pursue: you apply it "
        "continuously, and the Watch Commander will ask how you did.",
    ),
    "q17": (
        "Right. In Capitol City the secondary unit takes over the radio at once.",
        "Not quite. Our secondary unit follows at a safe distance and takes the radio, so "
        "the primary can drive (General Order 4.12, section 5).",
    ),
    "q40": (
        "Right. Any officer may end their own part, and the field supervisor may end it "
        "for everyone.",
        "Not quite. Under section 8, any involved officer may end their own participation, "
        "the primary may end the pursuit, and the field supervisor may order all units to "
        "terminate.",
    ),
    "q52": (
        "Right. Our Traffic Bureau files the CHP 187A within 30 days; send them your report "
        "before the end of your shift.",
        "Not quite. Every pursuit is reported to the CHP within 30 days (VC 14602.1); in "
        "Capitol City the Traffic Bureau files it from your report, due by the end of shift.",
    ),
}
VALLEY_FEEDBACK = {
    "q01": (
        "Right. The Sheriff's policy 314 defines a pursuit the same way.",
        "Not quite. Policy 314 defines a pursuit by the driver's attempt to avoid arrest.",
    ),
    "q46": (
        "Right. Valley County dispatch notifies the city or the CHP before the line is crossed.",
        "",
    ),
}


def policy_pdf(agency: str, order: str, sections: list[tuple[str, str]]) -> bytes:
    """A short policy document, made here: the demo's stand-in for an agency's own policy."""
    pdf = FPDF()
    pdf.set_title(f"{agency}: {order}")
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.multi_cell(0, 9, f"{agency}\n{order}: Vehicle Pursuits", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for heading, text in sections:
        pdf.set_font("helvetica", "B", 12)
        pdf.multi_cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", size=11)
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    return bytes(pdf.output())


CAPITOL_POLICY = [
    (
        "1. Definition",
        "A pursuit is an attempt to apprehend a driver who is trying to avoid arrest.",
    ),
    ("3. Initiating", "Officers weigh the offense and the need for capture against the danger."),
    ("5. Units", "No more than a primary and a secondary unit, unless a supervisor adds one."),
    ("8. Termination", "Any involved officer or the field supervisor may terminate a pursuit."),
    ("10. Reporting", "The Traffic Bureau files the CHP 187A within 30 days of every pursuit."),
]
VALLEY_POLICY = [
    ("Purpose", "This policy sets the Sheriff's Office rules for vehicle pursuits."),
    ("Initiating", "Deputies weigh the need for immediate capture against the danger."),
]


def _person(email: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.email == email))


def _customize(admin: Person, course: Course, feedback: dict, policy: bytes, name: str) -> None:
    for question_id, (correct, incorrect) in feedback.items():
        draft = services.workspace(admin, course.id).draft(question_id)
        services.save_feedback(
            admin,
            course.id,
            question_id,
            {"correct": correct, "incorrect": incorrect},
            draft.revision if draft else 0,
        )
    customization = services.workspace(admin, course.id).customization
    services.upload_policy(admin, course.id, policy, name, customization.policy_revision)


def load() -> int:
    """Make the demo customizations that are missing, in the caller's unit of work; how many."""
    course = db.session.scalar(select(Course).where(Course.slug == COURSE_SLUG))
    capitol, valley = _person(CAPITOL_ADMIN), _person(VALLEY_ADMIN)
    if course is None or capitol is None or valley is None:
        return 0
    created = 0
    if services.workspace(capitol, course.id).latest is None:
        pdf = policy_pdf("Capitol City Police Department", "General Order 4.12", CAPITOL_POLICY)
        _customize(capitol, course, CAPITOL_FEEDBACK, pdf, "CCPD General Order 4.12.pdf")
        services.publish(capitol, course.id)
        created += 1
    if services.workspace(valley, course.id).customization is None:
        pdf = policy_pdf("Valley County Sheriff's Office", "Policy 314", VALLEY_POLICY)
        _customize(valley, course, VALLEY_FEEDBACK, pdf, "VCSO Policy 314 (draft).pdf")
        created += 1
    return created
