"""Non-POST agencies ask for access; POST staff decide; the first administrator is invited."""

from __future__ import annotations

import datetime as dt

import pytest

from lms import unit_of_work
from lms.accounts import access_requests, invitations
from lms.accounts.interfaces import (
    AccessRequestAlreadyDecided,
    AccountsError,
    EmailAlreadyUsed,
    InvitationInvalid,
    Role,
)
from lms.accounts.models import AccessRequest, Agency, Invitation, Person
from lms.db import db, utcnow
from tests.factories import make_agency, make_person, make_post_staff

REQUEST = {
    "organisation_name": "Harbor Port Security",
    "contact_first_name": "Riley",
    "contact_last_name": "Adams",
    "contact_email": "Riley@Example.net",
    "contact_phone": "555-0100",
    "reason": "Mutual aid.",
}


def test_a_request_waits_for_a_decision(app):
    request = access_requests.submit(**REQUEST)
    assert request.status == "pending"
    assert request.contact_email == "riley@example.net"
    assert access_requests.all_requests() == [request]


def test_approval_creates_the_agency_and_invites_its_first_administrator(app):
    staff = make_post_staff()
    request = access_requests.submit(**REQUEST)
    agency, token = access_requests.approve(request.id, staff, "Welcome")
    assert agency.name == "Harbor Port Security"
    assert agency.in_post_program is False
    assert agency.agency_number == "NP00001"
    administrator = db.session.query(Person).filter_by(email="riley@example.net").one()
    assert administrator.agency_id == agency.id
    assert administrator.roles == {Role.LP_ADMINISTRATOR}
    assert not administrator.is_active
    db.session.refresh(request)
    assert (request.status, request.decided_by_id, request.agency_id) == (
        "approved",
        staff.id,
        agency.id,
    )
    person = invitations.accept(token, "a new strong password")
    assert person.id == administrator.id and person.is_active


def test_a_request_is_decided_once(app):
    staff = make_post_staff()
    request = access_requests.submit(**REQUEST)
    access_requests.deny(request.id, staff, "Not eligible")
    with pytest.raises(AccessRequestAlreadyDecided):
        access_requests.approve(request.id, staff)
    assert db.session.query(Agency).count() == 0


def test_approval_that_fails_changes_nothing(app):
    staff = make_post_staff()
    make_person(Role.PEACE_OFFICER, agency=make_agency(), email="riley@example.net")
    request = access_requests.submit(**REQUEST)
    db.session.commit()
    with pytest.raises(EmailAlreadyUsed), unit_of_work.job():
        access_requests.approve(request.id, staff)
    db.session.refresh(request)
    assert request.status == "pending"
    assert db.session.query(Agency).filter_by(in_post_program=False).count() == 0
    assert db.session.query(Invitation).count() == 0


def test_an_invitation_link_works_once(app):
    person = make_person(Role.NPO, agency=make_agency(), password=None)
    token = invitations.invite(person)
    db.session.commit()
    invitations.accept(token, "first password here")
    with pytest.raises(InvitationInvalid):
        invitations.accept(token, "second password here")


def test_an_invitation_expires_after_a_week(app):
    person = make_person(Role.NPO, agency=make_agency(), password=None)
    token = invitations.invite(person, now=utcnow() - dt.timedelta(days=7, seconds=1))
    db.session.commit()
    with pytest.raises(InvitationInvalid):
        invitations.find_open_invitation(token)


def test_an_unknown_token_is_refused(app):
    with pytest.raises(InvitationInvalid):
        invitations.find_open_invitation("made-up")


def test_a_weak_password_leaves_the_invitation_open(app):
    person = make_person(Role.NPO, agency=make_agency(), password=None)
    token = invitations.invite(person)
    db.session.commit()
    with pytest.raises(AccountsError) as raised:
        invitations.accept(token, "short")
    assert raised.value.field == "password"
    assert invitations.find_open_invitation(token).used_at is None
    assert db.session.query(AccessRequest).count() == 0
