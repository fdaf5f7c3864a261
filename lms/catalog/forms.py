"""The catalog's forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DecimalField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from lms.catalog.interfaces import (
    OUTLINE_MAX_BYTES,
    Audience,
    CertificationDelivery,
    Completion,
    CreditRule,
    Delivery,
    Mandate,
    PspCategory,
)

REQUIRED = "This field is required."


def _checkboxes(
    label: str, choices: list[tuple[str, str]], **kwargs: object
) -> SelectMultipleField:
    return SelectMultipleField(
        label,
        choices=choices,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        **kwargs,
    )


def _certification_number() -> StringField:
    return StringField(
        "Course Certification Number",
        description="4-digit presenter, a dash, 5-digit course: 1850-21796.",
        validators=[DataRequired(REQUIRED), Length(max=10)],
    )


def _cpt_hours() -> DecimalField:
    return DecimalField(
        "CPT hours",
        places=2,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(0, 200, "CPT hours are between 0 and 200."),
        ],
    )


class CourseForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(REQUIRED), Length(max=200)])
    slug = StringField(
        "Short name",
        description="Lower-case letters, digits and dashes; used in addresses.",
        validators=[
            DataRequired(REQUIRED),
            Length(max=80),
            Regexp(
                r"^[a-z0-9]+(-[a-z0-9]+)*$", message="Use lower-case letters, digits and dashes."
            ),
        ],
    )
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)])
    audience = _checkboxes(
        "Who may register",
        [(a.value, a.label) for a in Audience],
        validators=[DataRequired("Choose who the course is for.")],
    )
    delivery = RadioField(
        "Delivery",
        choices=[
            (Delivery.DISTANCE.value, "Distance"),
            (Delivery.FACILITATED.value, "Facilitated"),
        ],
        validators=[DataRequired(REQUIRED)],
    )
    published = BooleanField("Published in the catalog")
    certification_number = _certification_number()
    cpt_hours = _cpt_hours()
    credit_rule = SelectField(
        "Credit rule",
        choices=[(r.value, r.label) for r in CreditRule],
        validators=[DataRequired(REQUIRED)],
    )
    completion = SelectField(
        "Completed when the learner has",
        choices=[(c.value, c.label) for c in Completion],
        default=Completion.COMPLETED.value,
        validators=[DataRequired(REQUIRED)],
    )
    psp_category = SelectField(
        "Perishable Skills Program category",
        choices=[("", "(none)")] + [(p.value, p.label) for p in PspCategory],
        validators=[Optional()],
    )
    mandates = _checkboxes("Mandates met", [(m.value, m.label) for m in Mandate])


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Search", validators=[Optional(), Length(max=100)])
    audience = SelectField(
        "For",
        choices=[("", "Everyone")] + [(a.value, a.label) for a in Audience],
        validators=[Optional()],
    )
    delivery = SelectField(
        "Delivery",
        choices=[
            ("", "Any"),
            (Delivery.DISTANCE.value, "Distance"),
            (Delivery.FACILITATED.value, "Facilitated"),
        ],
        validators=[Optional()],
    )


class CertificationRequestForm(FlaskForm):
    """A presenter's request that POST certify a course (new, or modified to resubmit)."""

    title = StringField("Course title", validators=[DataRequired(REQUIRED), Length(max=200)])
    delivery = RadioField(
        "Delivery",
        choices=[(d.value, d.label) for d in CertificationDelivery],
        validators=[DataRequired(REQUIRED)],
    )
    hours = DecimalField(
        "Hours requested",
        places=2,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(0.25, 200, "Hours requested are between 0.25 and 200."),
        ],
    )
    outline = FileField(
        "Expanded course outline (PDF)",
        description=f"A PDF file of at most {OUTLINE_MAX_BYTES // (1024 * 1024)} MB.",
        validators=[FileRequired("Choose the outline's PDF file.")],
    )
    mandates = _checkboxes(
        "Mandates the course asks to meet", [(m.value, m.label) for m in Mandate]
    )
    psp_category = SelectField(
        "Perishable Skills Program category",
        choices=[("", "(none)")] + [(p.value, p.label) for p in PspCategory],
        validators=[Optional()],
    )
    instructors = TextAreaField(
        "Instructors",
        description="One name per line.",
        validators=[DataRequired("Name at least one instructor."), Length(max=5000)],
    )


class ResubmitForm(CertificationRequestForm):
    """The same request modified: a new outline is optional (the one on file is kept)."""

    outline = FileField(
        "A new expanded course outline (PDF)",
        description="Leave empty to keep the outline on file. A PDF file of at most "
        f"{OUTLINE_MAX_BYTES // (1024 * 1024)} MB.",
        validators=[Optional()],
    )
    comments = TextAreaField("Comments for POST", validators=[Optional(), Length(max=5000)])


class ApproveForm(FlaskForm):
    certification_number = _certification_number()
    cpt_hours = _cpt_hours()


class ReturnForm(FlaskForm):
    comments = TextAreaField(
        "Comments for the presenter",
        description="What the presenter should change before resubmitting.",
        validators=[DataRequired("Say what the presenter should change."), Length(max=5000)],
    )
