"""The customization area's forms: one question's feedback, the policy upload."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from lms.customization.interfaces import FEEDBACK_MAX_LENGTH

# The browser stops at the limit; the service checks it again (and the markup).
_LENGTH = Length(
    max=FEEDBACK_MAX_LENGTH, message=f"Feedback is at most {FEEDBACK_MAX_LENGTH} characters."
)


class FeedbackForm(FlaskForm):
    """One question's feedback; the form's prefix is the question's id."""

    correct = TextAreaField("Feedback for a right answer", validators=[_LENGTH])
    incorrect = TextAreaField("Feedback for a wrong answer", validators=[_LENGTH])
    revision = IntegerField(
        validators=[InputRequired(), NumberRange(min=0)], widget=HiddenField.widget
    )


class PolicyForm(FlaskForm):
    policy = FileField(
        "The agency's vehicle pursuit policy (PDF)",
        validators=[FileRequired("Choose the policy's PDF file.")],
        description=(
            "A PDF of at most 10 MB. Learners open it from the course and certify having read it."
        ),
    )
    revision = IntegerField(
        validators=[InputRequired(), NumberRange(min=0)], widget=HiddenField.widget
    )
