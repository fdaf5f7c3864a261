"""Agency administration: scope, sub-affiliations, learners, NPO users."""

from __future__ import annotations

import pytest

from lms.accounts import agencies, invitations
from lms.accounts.interfaces import (
    NotAChoice,
    NotFound,
    Role,
    RoleNotAssignable,
    SubAffiliationConflict,
)
from lms.db import db
from tests.factories import (
    make_administrator,
    make_agency,
    make_officer,
    make_post_staff,
    make_sub_affiliation,
)


def test_an_administrator_reaches_only_their_own_agency(app):
    own, other = make_agency(), make_agency()
    administrator = make_administrator(own)
    assert agencies.agency_for(administrator, own.id) == own
    with pytest.raises(NotFound):
        agencies.agency_for(administrator, other.id)
    assert agencies.agencies_visible_to(administrator) == [own]


def test_post_staff_reach_every_agency(app):
    first, second = make_agency("Alpha PD"), make_agency("Beta SO")
    staff = make_post_staff()
    assert agencies.agency_for(staff, second.id) == second
    assert agencies.agencies_visible_to(staff) == [first, second]


def test_an_officer_administers_nothing(app):
    agency = make_agency()
    officer = make_officer(agency)
    with pytest.raises(NotFound):
        agencies.agency_for(officer, agency.id)
    assert agencies.agencies_visible_to(officer) == []


def test_sub_affiliations_form_a_tree_in_order(app):
    agency = make_agency()
    patrol = make_sub_affiliation(agency, "Patrol")
    make_sub_affiliation(agency, "Night shift", patrol)
    make_sub_affiliation(agency, "Day shift", patrol)
    make_sub_affiliation(agency, "Investigations")
    tree = [(sub.name, depth) for sub, depth in agencies.sub_affiliation_tree(agency)]
    assert tree == [("Investigations", 0), ("Patrol", 0), ("Day shift", 1), ("Night shift", 1)]


def test_sibling_sub_affiliations_need_different_names(app):
    agency = make_agency()
    make_sub_affiliation(agency, "Patrol")
    with pytest.raises(SubAffiliationConflict) as raised:
        make_sub_affiliation(agency, "patrol")
    assert raised.value.field == "name"


def test_a_parent_must_belong_to_the_same_agency(app):
    agency, other = make_agency(), make_agency()
    foreign = make_sub_affiliation(other, "Theirs")
    with pytest.raises(NotAChoice) as raised:
        agencies.create_sub_affiliation(agency, "Ours", foreign.id)
    assert raised.value.field == "parent_id"


def test_rename_a_sub_affiliation(app):
    agency = make_agency()
    sub = make_sub_affiliation(agency, "Patrl")
    agencies.rename_sub_affiliation(agency, sub.id, "Patrol ")
    db.session.refresh(sub)
    assert sub.name == "Patrol"


def test_move_a_sub_affiliation_with_its_children(app):
    agency = make_agency()
    field_ops = make_sub_affiliation(agency, "Field Operations")
    patrol = make_sub_affiliation(agency, "Patrol")
    make_sub_affiliation(agency, "Night shift", patrol)
    agencies.move_sub_affiliation(agency, patrol.id, field_ops.id)
    tree = [(sub.name, depth) for sub, depth in agencies.sub_affiliation_tree(agency)]
    assert tree == [("Field Operations", 0), ("Patrol", 1), ("Night shift", 2)]
    agencies.move_sub_affiliation(agency, patrol.id, None)
    assert [(s.name, d) for s, d in agencies.sub_affiliation_tree(agency)][1] == ("Patrol", 0)


def test_a_sub_affiliation_cannot_move_under_its_own_descendant(app):
    agency = make_agency()
    patrol = make_sub_affiliation(agency, "Patrol")
    night = make_sub_affiliation(agency, "Night shift", patrol)
    with pytest.raises(SubAffiliationConflict):
        agencies.move_sub_affiliation(agency, patrol.id, night.id)
    with pytest.raises(SubAffiliationConflict):
        agencies.move_sub_affiliation(agency, patrol.id, patrol.id)
    db.session.refresh(patrol)
    assert patrol.parent_id is None


def test_move_a_learner_between_sub_affiliations(app):
    agency = make_agency()
    officer = make_officer(agency)
    patrol = make_sub_affiliation(agency, "Patrol")
    agencies.move_learner(agency, officer.id, patrol.id)
    db.session.refresh(officer)
    assert officer.sub_affiliation_id == patrol.id
    agencies.move_learner(agency, officer.id, None)
    db.session.refresh(officer)
    assert officer.sub_affiliation_id is None


def test_learners_of_another_agency_cannot_be_moved(app):
    agency, other = make_agency(), make_agency()
    stranger = make_officer(other)
    patrol = make_sub_affiliation(agency, "Patrol")
    with pytest.raises(NotFound):
        agencies.move_learner(agency, stranger.id, patrol.id)
    theirs = make_sub_affiliation(other, "Theirs")
    own = make_officer(agency)
    with pytest.raises(NotAChoice):
        agencies.move_learner(agency, own.id, theirs.id)


def test_an_added_npo_is_invited_to_set_a_password(app):
    agency = make_agency()
    person, token = agencies.add_npo(
        agency, email="Clerk@Example.org", first_name="Robin", last_name="Hale"
    )
    assert person.roles == {Role.NPO}
    assert person.agency_id == agency.id
    assert not person.is_active
    invitation = invitations.find_open_invitation(token)
    assert invitation.person_id == person.id
    assert token not in invitation.token_hash


def test_non_post_agencies_are_numbered_in_sequence(app):
    assert agencies.next_non_post_agency_number() == "NP00001"
    agencies.create_agency(name="Port", agency_number="NP00001", in_post_program=False)
    assert agencies.next_non_post_agency_number() == "NP00002"


def test_an_administrator_makes_a_colleague_an_administrator_too(app):
    agency = make_agency()
    administrator = make_administrator(agency)
    officer = make_officer(agency)
    agencies.set_roles(administrator, agency, officer.id, {Role.LP_ADMINISTRATOR})
    db.session.refresh(officer)
    assert officer.roles == {Role.PEACE_OFFICER, Role.LP_ADMINISTRATOR}
    agencies.set_roles(administrator, agency, officer.id, {Role.TRAINING_MANAGER})
    db.session.refresh(officer)
    assert officer.roles == {Role.PEACE_OFFICER, Role.TRAINING_MANAGER}


def test_an_administrator_cannot_grant_learner_or_staff_roles(app):
    agency = make_agency()
    administrator = make_administrator(agency)
    officer = make_officer(agency)
    for role in (Role.POST_STAFF, Role.DISPATCHER):
        with pytest.raises(RoleNotAssignable):
            agencies.set_roles(administrator, agency, officer.id, {role})
    db.session.refresh(officer)
    assert officer.roles == {Role.PEACE_OFFICER}


def test_an_administrator_cannot_drop_their_own_administrator_role(app):
    agency = make_agency()
    administrator = make_administrator(agency)
    assert Role.LP_ADMINISTRATOR not in agencies.assignable_roles(administrator, administrator)
    agencies.set_roles(administrator, agency, administrator.id, set())
    db.session.refresh(administrator)
    assert Role.LP_ADMINISTRATOR in administrator.roles


def test_post_staff_change_learner_roles_but_a_person_keeps_one(app):
    agency = make_agency()
    staff = make_post_staff()
    officer = make_officer(agency)
    agencies.set_roles(staff, agency, officer.id, {Role.DISPATCHER})
    db.session.refresh(officer)
    assert officer.roles == {Role.DISPATCHER}
    with pytest.raises(RoleNotAssignable):
        agencies.set_roles(staff, agency, officer.id, set())
    with pytest.raises(RoleNotAssignable):
        agencies.set_roles(staff, agency, officer.id, {Role.POST_STAFF})
