"""The catalog's forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
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
    Audience,
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
    certification_number = StringField(
        "Course Certification Number",
        description="4-digit presenter, a dash, 5-digit course: 1850-21796.",
        validators=[DataRequired(REQUIRED), Length(max=10)],
    )
    cpt_hours = DecimalField(
        "CPT hours",
        places=2,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(0, 200, "CPT hours are between 0 and 200."),
        ],
    )
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
