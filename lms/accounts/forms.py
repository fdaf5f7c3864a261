"""The accounts area's forms. Every field is checked here; the services check the rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from lms.accounts import passwords
from lms.accounts.interfaces import SELF_CHOSEN_ROLES

REQUIRED = "This field is required."


def _strong_password(form: FlaskForm, field: PasswordField) -> None:
    problem = passwords.password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def _name(label: str) -> StringField:
    return StringField(label, validators=[DataRequired(REQUIRED), Length(max=100)])


def _email(label: str = "E-mail address") -> EmailField:
    return EmailField(
        label,
        validators=[
            DataRequired(REQUIRED),
            Length(max=254),
            Email("Enter an e-mail address like name@agency.gov.", check_deliverability=False),
        ],
    )


def _new_password(label: str = "Password") -> tuple[PasswordField, PasswordField]:
    return (
        PasswordField(label, validators=[DataRequired(REQUIRED), _strong_password]),
        PasswordField(
            "Repeat the password",
            validators=[DataRequired(REQUIRED), EqualTo("password", "The passwords differ.")],
        ),
    )


def _optional_id(value: object) -> int | None:
    """A select's value: '' (none) becomes None; anything else must be a whole number."""
    if value in (None, "", "0"):
        return None
    return int(str(value))


class SignInForm(FlaskForm):
    email = _email()
    password = PasswordField("Password", validators=[DataRequired(REQUIRED), Length(max=256)])


class SignUpForm(FlaskForm):
    first_name = _name("First name")
    last_name = _name("Last name")
    email = _email()
    agency_id = SelectField("Agency", coerce=int, validators=[DataRequired("Choose your agency.")])
    role = RadioField(
        "I am a",
        choices=[(str(role), role.label) for role in SELF_CHOSEN_ROLES],
        validators=[DataRequired("Choose peace officer or dispatcher.")],
    )
    password, confirm = _new_password()


class PostIdForm(FlaskForm):
    post_id = StringField(
        "POST-ID",
        description="A letter and eight digits, like A12-345-678.",
        validators=[DataRequired(REQUIRED), Length(max=20)],
    )


class AcceptInvitationForm(FlaskForm):
    password, confirm = _new_password()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired(REQUIRED), Length(max=256)]
    )
    password, confirm = _new_password("New password")


class AccessRequestForm(FlaskForm):
    organisation_name = StringField(
        "Organisation", validators=[DataRequired(REQUIRED), Length(max=200)]
    )
    contact_first_name = _name("Your first name")
    contact_last_name = _name("Your last name")
    contact_email = _email("Your e-mail address")
    contact_phone = StringField(
        "Your phone number", validators=[DataRequired(REQUIRED), Length(max=40)]
    )
    reason = TextAreaField(
        "Why does your organisation need access?",
        validators=[DataRequired(REQUIRED), Length(max=4000)],
    )


class DecisionForm(FlaskForm):
    note = TextAreaField("Note (optional)", validators=[Optional(), Length(max=2000)])


class NpoForm(FlaskForm):
    first_name = _name("First name")
    last_name = _name("Last name")
    email = _email()


class SubAffiliationForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(REQUIRED), Length(max=120)])
    parent_id = SelectField("Inside", coerce=_optional_id, validate_choice=True)


class RenameSubAffiliationForm(FlaskForm):
    name = StringField("New name", validators=[DataRequired(REQUIRED), Length(max=120)])


class MoveSubAffiliationForm(FlaskForm):
    parent_id = SelectField("Move inside", coerce=_optional_id, validate_choice=True)


class MoveLearnerForm(FlaskForm):
    sub_affiliation_id = SelectField("Sub-affiliation", coerce=_optional_id, validate_choice=True)


class RolesForm(FlaskForm):
    roles = SelectMultipleField(
        "Roles",
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=True,
    )


class AgencyForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(REQUIRED), Length(max=200)])
    agency_number = StringField(
        "Agency number", validators=[DataRequired(REQUIRED), Length(max=20)]
    )
    in_post_program = BooleanField("In the POST program", default=True)


class CredentialForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(REQUIRED), Length(max=200)])
    scopes = SelectMultipleField(
        "Scopes",
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired("Choose at least one scope.")],
    )


class BulletinForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(REQUIRED), Length(max=200)])
    published_on = DateField("Date", validators=[DataRequired("Give the date, like 2026-12-03.")])
    text = TextAreaField(
        "Text",
        description="Plain text; a blank line starts a new paragraph.",
        validators=[DataRequired(REQUIRED), Length(max=20_000)],
    )
    pdf = FileField("PDF (optional)", description="At most 10 MB.")


class ConfirmForm(FlaskForm):
    """A button that changes something: only its CSRF token is checked."""
