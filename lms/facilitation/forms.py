"""The facilitation area's forms: scheduling a presentation, a roster, a correction, access."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

REQUIRED = "This field is required."


def _checkboxes(label: str) -> SelectMultipleField:
    return SelectMultipleField(
        label,
        coerce=int,
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=True,
    )


class ScheduleForm(FlaskForm):
    course_id = SelectField("Course", coerce=int, choices=[], validators=[InputRequired(REQUIRED)])
    starts_on = DateField("Starts on", validators=[InputRequired(REQUIRED)])
    ends_on = DateField("Ends on", validators=[InputRequired(REQUIRED)])
    location = StringField("Location", validators=[Length(max=200)])
    facilitated_at_agency = BooleanField("Facilitated at the agency")


class RosterForm(FlaskForm):
    attendees = TextAreaField(
        "Attendees' POST-IDs",
        validators=[Length(max=50_000)],
        description=(
            "One per line; a line may add the date attended and the hours: "
            "B12-345-678, 2026-11-20, 2"
        ),
    )
    people = _checkboxes("Or choose people of your agency")
    csv = FileField(
        "Or upload a CSV", description="A header line with post_id, and optionally date and hours."
    )
    default_date = DateField("Date attended (for lines without one)", validators=[Optional()])
    default_hours = DecimalField(
        "Hours (for lines without them)", places=2, validators=[Optional(), NumberRange(min=0)]
    )


class CorrectionForm(FlaskForm):
    attendees = TextAreaField(
        "The roster as it should be",
        validators=[InputRequired(REQUIRED), Length(max=50_000)],
        description="Every attendee, one per line: POST-ID, date, hours.",
    )
    reason = TextAreaField(
        "Why it is corrected", validators=[InputRequired(REQUIRED), Length(max=2000)]
    )


class AccessForm(FlaskForm):
    course_id = SelectField("Course", coerce=int, choices=[], validators=[InputRequired(REQUIRED)])
    people = _checkboxes("People of your agency")
    sub_affiliation_id = SelectField("Or everyone of a sub-affiliation", coerce=int, choices=[])
