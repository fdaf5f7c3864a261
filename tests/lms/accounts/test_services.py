"""People: sign-up, sign-in with throttling, POST-ID."""

from __future__ import annotations

import datetime as dt

import pytest

from lms.accounts import passwords, services
from lms.accounts.interfaces import (
    EmailAlreadyUsed,
    InvalidPostId,
    InvalidSignIn,
    NotAChoice,
    PostIdAlreadyLinked,
    PostIdNotLinked,
    Role,
    TooManyFailedSignIns,
)
from lms.accounts.models import Person, SignInThrottle
from lms.db import db, utcnow
from tests.factories import PASSWORD, make_agency, make_officer, make_person


def sign_up(agency_id: int, **overrides):
    fields = {
        "email": "New.Officer@Example.org ",
        "first_name": " Dana ",
        "last_name": "Ortiz",
        "password": PASSWORD,
        "agency_id": agency_id,
        "role": Role.PEACE_OFFICER,
    }
    return services.sign_up(**{**fields, **overrides})


def test_sign_up_creates_an_officer_of_the_agency(app):
    agency = make_agency()
    person = sign_up(agency.id)
    assert person.email == "new.officer@example.org"
    assert person.first_name == "Dana"
    assert person.agency_id == agency.id
    assert person.roles == {Role.PEACE_OFFICER}
    assert person.post_id is None
    assert person.password_hash.startswith("$argon2id$")
    assert PASSWORD not in person.password_hash


def test_sign_up_refuses_an_email_already_used_whatever_its_case(app):
    agency = make_agency()
    sign_up(agency.id)
    with pytest.raises(EmailAlreadyUsed) as raised:
        sign_up(agency.id, email="NEW.OFFICER@example.org")
    assert raised.value.field == "email"


def test_sign_up_refuses_roles_granted_by_others(app):
    agency = make_agency()
    with pytest.raises(InvalidSignIn) as raised:
        sign_up(agency.id, role=Role.LP_ADMINISTRATOR)
    assert raised.value.field == "role"
    assert db.session.query(Person).count() == 0


def test_sign_up_is_only_for_agencies_in_the_post_program(app):
    outside = make_agency(in_post_program=False)
    with pytest.raises(NotAChoice) as raised:
        sign_up(outside.id)
    assert raised.value.field == "agency_id"


def test_authenticate_accepts_the_right_password_any_email_case(app):
    officer = make_officer(email="pat@example.org")
    assert services.authenticate(" PAT@example.org", PASSWORD).id == officer.id


def test_authenticate_refuses_a_wrong_password_and_an_unknown_address_alike(app):
    make_officer(email="pat@example.org")
    with pytest.raises(InvalidSignIn) as wrong:
        services.authenticate("pat@example.org", "not the password")
    with pytest.raises(InvalidSignIn) as unknown:
        services.authenticate("nobody@example.org", PASSWORD)
    assert wrong.value.message == unknown.value.message


def test_an_invited_person_cannot_sign_in_before_setting_a_password(app):
    make_person(Role.NPO, agency=make_agency(), email="npo@example.org", password=None)
    with pytest.raises(InvalidSignIn):
        services.authenticate("npo@example.org", "")


def test_sign_in_slows_down_after_five_failures(app):
    make_officer(email="pat@example.org")
    start = utcnow()
    for attempt in range(5):
        with pytest.raises(InvalidSignIn):
            services.authenticate(
                "pat@example.org", "wrong", now=start + dt.timedelta(seconds=attempt)
            )
    with pytest.raises(TooManyFailedSignIns) as raised:
        services.authenticate("pat@example.org", PASSWORD, now=start + dt.timedelta(seconds=10))
    assert 0 < raised.value.retry_after_seconds <= 30


def test_each_further_failure_doubles_the_wait(app):
    make_officer(email="pat@example.org")
    now = utcnow()
    for _ in range(5):
        with pytest.raises(InvalidSignIn):
            services.authenticate("pat@example.org", "wrong", now=now)
    now += dt.timedelta(seconds=31)
    with pytest.raises(InvalidSignIn):
        services.authenticate("pat@example.org", "wrong", now=now)
    with pytest.raises(TooManyFailedSignIns) as raised:
        services.authenticate("pat@example.org", PASSWORD, now=now + dt.timedelta(seconds=1))
    assert 50 < raised.value.retry_after_seconds <= 60


def test_the_right_password_after_the_wait_signs_in_and_clears_the_failures(app):
    make_officer(email="pat@example.org")
    now = utcnow()
    for _ in range(5):
        with pytest.raises(InvalidSignIn):
            services.authenticate("pat@example.org", "wrong", now=now)
    services.authenticate("pat@example.org", PASSWORD, now=now + dt.timedelta(seconds=31))
    assert db.session.get(SignInThrottle, "pat@example.org") is None


def test_failures_are_forgotten_after_an_hour(app):
    make_officer(email="pat@example.org")
    now = utcnow()
    for _ in range(8):
        with pytest.raises((InvalidSignIn, TooManyFailedSignIns)):
            services.authenticate("pat@example.org", "wrong", now=now)
    later = now + dt.timedelta(hours=1, seconds=1)
    assert services.authenticate("pat@example.org", PASSWORD, now=later).email == "pat@example.org"


def test_throttling_also_covers_unknown_addresses(app):
    now = utcnow()
    for _ in range(5):
        with pytest.raises(InvalidSignIn):
            services.authenticate("ghost@example.org", "guess", now=now)
    with pytest.raises(TooManyFailedSignIns):
        services.authenticate("ghost@example.org", "guess", now=now)


def test_an_old_password_hash_is_upgraded_at_sign_in(app):
    from argon2 import PasswordHasher

    officer = make_officer(email="pat@example.org")
    officer.password_hash = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
    db.session.commit()
    services.authenticate("pat@example.org", PASSWORD)
    db.session.refresh(officer)
    assert not passwords.needs_rehash(officer.password_hash)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("A12-345-678", "A12-345-678"),
        ("a12345678", "A12-345-678"),
        (" z99-000-001 ", "Z99-000-001"),
    ],
)
def test_post_id_is_normalised(raw, expected):
    assert services.normalise_post_id(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "12-345-678", "A1-345-678", "AB2-345-678", "A12-345-6789", "A12 345 678"]
)
def test_malformed_post_id_is_refused(raw):
    with pytest.raises(InvalidPostId) as raised:
        services.normalise_post_id(raw)
    assert raised.value.field == "post_id"


def test_linking_a_post_id_records_it_and_when(app):
    person = make_person(Role.PEACE_OFFICER, agency=make_agency())
    before = utcnow()
    services.link_post_id(person, "c34-567-890")
    db.session.refresh(person)
    assert person.post_id == "C34-567-890"
    assert before <= person.post_id_linked_at <= utcnow()


def test_a_post_id_belongs_to_one_account(app):
    agency = make_agency()
    make_person(Role.PEACE_OFFICER, agency=agency, post_id="C34-567-890")
    other = make_person(Role.PEACE_OFFICER, agency=agency)
    with pytest.raises(PostIdAlreadyLinked):
        services.link_post_id(other, "C34567890")
    db.session.refresh(other)
    assert other.post_id is None


def test_a_linked_post_id_cannot_be_replaced(app):
    person = make_person(Role.PEACE_OFFICER, agency=make_agency(), post_id="C34-567-890")
    with pytest.raises(PostIdAlreadyLinked):
        services.link_post_id(person, "D11-111-111")


def test_an_officer_without_a_post_id_cannot_register_for_courses(app):
    officer = make_person(Role.PEACE_OFFICER, agency=make_agency())
    with pytest.raises(PostIdNotLinked):
        services.require_post_id(officer)
    services.link_post_id(officer, "E12-345-678")
    services.require_post_id(officer)


def test_npo_staff_need_no_post_id(app):
    npo = make_person(Role.NPO, agency=make_agency())
    services.require_post_id(npo)
    assert not services.needs_post_id(npo)
