"""Agencies as their administrators see them: scope, sub-affiliations, NPO users, learners."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.accounts import invitations
from lms.accounts.interfaces import (
    AgencyNumberTaken,
    NotAChoice,
    NotFound,
    Role,
    RoleNotAssignable,
    SubAffiliationConflict,
)
from lms.accounts.models import Agency, Person, RoleGrant, SubAffiliation
from lms.accounts.services import add_person
from lms.db import db


def agencies_visible_to(actor: Person) -> list[Agency]:
    """POST staff see every agency; an LP administrator sees their own."""
    query = select(Agency).order_by(Agency.name)
    if not actor.is_post_staff:
        if not actor.administers_agency:
            return []
        query = query.where(Agency.id == actor.agency_id)
    return list(db.session.scalars(query))


def agency_for(actor: Person, agency_id: int) -> Agency:
    """The agency, if the actor may administer it; otherwise NotFound, as if it did not exist."""
    allowed = actor.is_post_staff or (actor.administers_agency and actor.agency_id == agency_id)
    agency = db.session.get(Agency, agency_id) if allowed else None
    if agency is None:
        raise NotFound("No such agency.")
    return agency


def create_agency(*, name: str, agency_number: str, in_post_program: bool) -> Agency:
    """Add an agency."""
    agency_number = agency_number.strip().upper()
    taken = db.session.scalar(select(Agency.id).where(Agency.agency_number == agency_number))
    if taken is not None:
        raise AgencyNumberTaken()
    agency = Agency(name=name.strip(), agency_number=agency_number, in_post_program=in_post_program)
    db.session.add(agency)
    db.session.flush()
    return agency


def next_non_post_agency_number() -> str:
    """Agencies outside the POST program are numbered NP00001, NP00002, … (ours)."""
    count = db.session.scalar(
        select(func.count()).select_from(Agency).where(Agency.agency_number.like("NP%"))
    )
    number = (count or 0) + 1
    while db.session.scalar(select(Agency.id).where(Agency.agency_number == f"NP{number:05d}")):
        number += 1
    return f"NP{number:05d}"


def people_of(agency: Agency) -> list[Person]:
    return list(
        db.session.scalars(
            select(Person)
            .where(Person.agency_id == agency.id)
            .order_by(Person.last_name, Person.first_name)
        )
    )


def person_of(agency: Agency, person_id: int) -> Person:
    person = db.session.get(Person, person_id)
    if person is None or person.agency_id != agency.id:
        raise NotFound("No such person in this agency.", "person_id")
    return person


def get_sub_affiliation(agency: Agency, sub_affiliation_id: int) -> SubAffiliation:
    """The agency's sub-affiliation a page's address names; NotFound if it is not the agency's."""
    sub = db.session.get(SubAffiliation, sub_affiliation_id)
    if sub is None or sub.agency_id != agency.id:
        raise NotFound("No such sub-affiliation in this agency.", "sub_affiliation_id")
    return sub


def sub_affiliation_of(agency: Agency, sub_affiliation_id: int, field: str) -> SubAffiliation:
    """The agency's sub-affiliation a form's `field` chose; NotAChoice if it is not the agency's."""
    sub = db.session.get(SubAffiliation, sub_affiliation_id)
    if sub is None or sub.agency_id != agency.id:
        raise NotAChoice("Choose a sub-affiliation of this agency.", field)
    return sub


def sub_affiliation_tree(agency: Agency) -> list[tuple[SubAffiliation, int]]:
    """Every sub-affiliation of the agency with its depth, parents before their children."""
    rows = list(
        db.session.scalars(select(SubAffiliation).where(SubAffiliation.agency_id == agency.id))
    )
    children: dict[int | None, list[SubAffiliation]] = {}
    for sub in rows:
        children.setdefault(sub.parent_id, []).append(sub)
    ordered: list[tuple[SubAffiliation, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for sub in sorted(children.get(parent_id, []), key=lambda s: s.name.lower()):
            ordered.append((sub, depth))
            walk(sub.id, depth + 1)

    walk(None, 0)
    return ordered


def _ensure_name_free(
    agency: Agency, parent_id: int | None, name: str, except_id: int | None
) -> None:
    query = select(SubAffiliation.id).where(
        SubAffiliation.agency_id == agency.id,
        func.lower(SubAffiliation.name) == name.lower(),
        SubAffiliation.parent_id.is_(None)
        if parent_id is None
        else SubAffiliation.parent_id == parent_id,
    )
    found = db.session.scalar(query)
    if found is not None and found != except_id:
        raise SubAffiliationConflict("A sub-affiliation with this name is already there.", "name")


def create_sub_affiliation(agency: Agency, name: str, parent_id: int | None) -> SubAffiliation:
    name = name.strip()
    parent = sub_affiliation_of(agency, parent_id, "parent_id") if parent_id else None
    _ensure_name_free(agency, parent_id, name, None)
    sub = SubAffiliation(agency=agency, parent=parent, name=name)
    db.session.add(sub)
    db.session.flush()
    return sub


def rename_sub_affiliation(agency: Agency, sub_affiliation_id: int, name: str) -> SubAffiliation:
    sub = get_sub_affiliation(agency, sub_affiliation_id)
    name = name.strip()
    _ensure_name_free(agency, sub.parent_id, name, sub.id)
    sub.name = name
    db.session.flush()
    return sub


def move_sub_affiliation(
    agency: Agency, sub_affiliation_id: int, new_parent_id: int | None
) -> SubAffiliation:
    """Move a sub-affiliation (with everything under it) under another one, or to the top."""
    sub = get_sub_affiliation(agency, sub_affiliation_id)
    parent = sub_affiliation_of(agency, new_parent_id, "parent_id") if new_parent_id else None
    ancestor = parent
    while ancestor is not None:
        if ancestor.id == sub.id:
            raise SubAffiliationConflict(
                "A sub-affiliation cannot move under itself or under one of its own.", "parent_id"
            )
        ancestor = ancestor.parent
    _ensure_name_free(agency, new_parent_id, sub.name, sub.id)
    sub.parent = parent
    db.session.flush()
    return sub


def move_learner(agency: Agency, person_id: int, sub_affiliation_id: int | None) -> Person:
    """Place a person of the agency in one of its sub-affiliations, or in none."""
    person = person_of(agency, person_id)
    sub = (
        sub_affiliation_of(agency, sub_affiliation_id, "sub_affiliation_id")
        if sub_affiliation_id
        else None
    )
    person.sub_affiliation = sub
    db.session.flush()
    return person


def add_npo(agency: Agency, *, email: str, first_name: str, last_name: str) -> tuple[Person, str]:
    """Add a non-peace officer to the agency; returns the person and their invitation token."""
    person = add_person(
        email=email, first_name=first_name, last_name=last_name, roles={Role.NPO}, agency=agency
    )
    token = invitations.invite(person)
    db.session.flush()
    return person, token


def assignable_roles(actor: Person, person: Person) -> list[Role]:
    """The roles the actor may give or take away from the person (ours).

    POST staff manage every role but POST staff itself; an LP administrator manages the
    administrative roles within their agency, and cannot take away their own administrator role.
    """
    if actor.is_post_staff:
        return [role for role in Role if role is not Role.POST_STAFF]
    if actor.administers_agency and actor.agency_id == person.agency_id:
        if person.id == actor.id:
            return [Role.TRAINING_MANAGER]
        return [Role.LP_ADMINISTRATOR, Role.TRAINING_MANAGER]
    return []


def set_roles(actor: Person, agency: Agency, person_id: int, chosen: set[Role]) -> Person:
    """Give the person exactly `chosen` of the roles the actor manages; the rest stay."""
    person = person_of(agency, person_id)
    manageable = set(assignable_roles(actor, person))
    if not chosen <= manageable:
        raise RoleNotAssignable("You cannot give these roles.", "roles")
    kept = person.roles - manageable
    wanted = kept | chosen
    if not wanted:
        raise RoleNotAssignable("A person keeps at least one role.", "roles")
    person.role_grants = [g for g in person.role_grants if Role(g.role) in wanted] + [
        RoleGrant(role=str(role)) for role in sorted(wanted - person.roles)
    ]
    db.session.flush()
    return person
