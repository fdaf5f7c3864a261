"""`lms demo load`: the demonstration agencies, accounts and courses, created once."""

from __future__ import annotations

from sqlalchemy import select

from lms import demo, unit_of_work
from lms.accounts.models import Person, SubAffiliation
from lms.db import db


def test_demo_accounts_belong_to_their_agencys_sub_affiliation(app):
    with unit_of_work.job():
        demo.load()
    officer = db.session.scalar(select(Person).where(Person.email == "officer@example.org"))
    assert officer.sub_affiliation is not None
    assert officer.sub_affiliation.name == "Patrol"
    assert officer.sub_affiliation.agency_id == officer.agency_id


def test_loading_the_demo_again_creates_nothing(app):
    with unit_of_work.job():
        assert demo.load() > 0
    sub_affiliations = db.session.scalar(select(db.func.count()).select_from(SubAffiliation))
    with unit_of_work.job():
        assert demo.load() == 0
    assert db.session.scalar(select(db.func.count()).select_from(SubAffiliation)) == (
        sub_affiliations
    )
