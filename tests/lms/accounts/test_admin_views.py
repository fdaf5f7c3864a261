"""Agency administration pages: what an administrator can do, and that it stops at their agency."""

from __future__ import annotations

import pytest

from lms.accounts.interfaces import Role
from lms.accounts.models import Invitation, Person, SubAffiliation
from lms.db import db
from tests.conftest import csrf_token, sign_in
from tests.factories import (
    PASSWORD,
    make_administrator,
    make_agency,
    make_officer,
    make_person,
    make_post_staff,
    make_sub_affiliation,
)


@pytest.fixture
def world(app):
    """Two agencies, each with an administrator, an officer and a sub-affiliation."""
    own, other = make_agency("Capitol City PD"), make_agency("Valley County SO")
    return {
        "own": own,
        "other": other,
        "admin": make_administrator(own, email="admin@example.org"),
        "other_admin": make_administrator(other, email="other.admin@example.org"),
        "officer": make_officer(own, email="officer@example.org"),
        "other_officer": make_officer(other),
        "sub": make_sub_affiliation(own, "Patrol"),
        "other_sub": make_sub_affiliation(other, "Jail"),
    }


def signed_in(client, email):
    sign_in(client, email, PASSWORD)
    return csrf_token(client, "/dashboard")


def agency_requests(agency, sub, person):
    """Every agency-administration request, for the given agency and its records."""
    base = f"/agencies/{agency.id}"
    return [
        ("GET", f"{base}/", {}),
        ("POST", f"{base}/npo", {"first_name": "A", "last_name": "B", "email": "new@example.org"}),
        ("POST", f"{base}/sub-affiliations", {"name": "New", "parent_id": ""}),
        ("GET", f"{base}/sub-affiliations/{sub.id}", {}),
        ("POST", f"{base}/sub-affiliations/{sub.id}/rename", {"name": "Renamed"}),
        ("POST", f"{base}/sub-affiliations/{sub.id}/move", {"parent_id": ""}),
        ("GET", f"{base}/people/{person.id}", {}),
        ("POST", f"{base}/people/{person.id}", {"sub_affiliation_id": ""}),
        ("POST", f"{base}/people/{person.id}/roles", {"roles": "training_manager"}),
    ]


def snapshot():
    return (
        db.session.query(Person).count(),
        sorted((s.id, s.name, s.parent_id) for s in db.session.query(SubAffiliation)),
        sorted((p.id, p.sub_affiliation_id) for p in db.session.query(Person)),
    )


def test_another_agencys_administrator_gets_404_on_every_page_and_changes_nothing(client, world):
    token = signed_in(client, "other.admin@example.org")
    before = snapshot()
    for method, url, data in agency_requests(world["own"], world["sub"], world["officer"]):
        response = client.open(url, method=method, data={**data, "csrf_token": token})
        assert response.status_code == 404, (method, url)
    db.session.expire_all()
    assert snapshot() == before


def test_records_of_another_agency_are_404_even_under_ones_own_agency(client, world):
    token = signed_in(client, "admin@example.org")
    own = world["own"].id
    for url in (
        f"/agencies/{own}/sub-affiliations/{world['other_sub'].id}",
        f"/agencies/{own}/people/{world['other_officer'].id}",
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, data={"csrf_token": token}).status_code in (404, 405)
    response = client.post(
        f"/agencies/{own}/people/{world['officer'].id}",
        data={"csrf_token": token, "sub_affiliation_id": world["other_sub"].id},
    )
    assert response.status_code == 422
    db.session.refresh(world["officer"])
    assert world["officer"].sub_affiliation_id is None


def test_an_officer_gets_403_on_every_administration_page(client, world):
    token = signed_in(client, "officer@example.org")
    for method, url, data in agency_requests(world["own"], world["sub"], world["officer"]):
        response = client.open(url, method=method, data={**data, "csrf_token": token})
        assert response.status_code == 403, (method, url)
    assert client.get("/agencies/").status_code == 403


def test_post_staff_administer_every_agency(client, world):
    make_post_staff(email="staff@example.org")
    token = signed_in(client, "staff@example.org")
    listing = client.get("/agencies/").get_data(as_text=True)
    assert "Capitol City PD" in listing and "Valley County SO" in listing
    for method, url, data in agency_requests(
        world["other"], world["other_sub"], world["other_officer"]
    ):
        response = client.open(url, method=method, data={**data, "csrf_token": token})
        assert response.status_code in (200, 302), (method, url, response.status_code)


def test_administrator_lands_on_their_own_agency(client, world):
    signed_in(client, "admin@example.org")
    response = client.get("/agencies/")
    assert response.headers["Location"] == f"/agencies/{world['own'].id}/"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Capitol City PD" in page and "Patrol" in page
    assert "Valley County SO" not in page and "Jail" not in page


def test_administrator_creates_a_nested_sub_affiliation(client, world):
    token = signed_in(client, "admin@example.org")
    url = f"/agencies/{world['own'].id}/sub-affiliations"
    response = client.post(
        url, data={"csrf_token": token, "name": "Night shift", "parent_id": world["sub"].id}
    )
    assert response.status_code == 302
    night = db.session.query(SubAffiliation).filter_by(name="Night shift").one()
    assert night.parent_id == world["sub"].id


def test_a_duplicate_sub_affiliation_name_is_refused_beside_the_name(client, world):
    token = signed_in(client, "admin@example.org")
    url = f"/agencies/{world['own'].id}/sub-affiliations"
    response = client.post(url, data={"csrf_token": token, "name": "Patrol", "parent_id": ""})
    assert response.status_code == 422
    assert "already there" in response.get_data(as_text=True)
    assert db.session.query(SubAffiliation).filter_by(name="Patrol").count() == 1


def test_a_parent_from_another_agency_is_refused(client, world):
    token = signed_in(client, "admin@example.org")
    url = f"/agencies/{world['own'].id}/sub-affiliations"
    response = client.post(
        url, data={"csrf_token": token, "name": "Sneaky", "parent_id": world["other_sub"].id}
    )
    assert response.status_code == 422
    assert 'id="parent_id-error"' in response.get_data(as_text=True)
    assert db.session.query(SubAffiliation).filter_by(name="Sneaky").count() == 0


def test_administrator_renames_and_moves_a_sub_affiliation(client, world):
    token = signed_in(client, "admin@example.org")
    base = f"/agencies/{world['own'].id}/sub-affiliations"
    field_ops = make_sub_affiliation(world["own"], "Field Operations")
    assert (
        client.post(
            f"{base}/{world['sub'].id}/rename",
            data={"csrf_token": token, "name": "Patrol Division"},
        ).status_code
        == 302
    )
    response = client.post(
        f"{base}/{world['sub'].id}/move", data={"csrf_token": token, "parent_id": field_ops.id}
    )
    assert response.status_code == 302
    db.session.refresh(world["sub"])
    assert (world["sub"].name, world["sub"].parent_id) == ("Patrol Division", field_ops.id)


def test_moving_a_sub_affiliation_under_its_own_child_is_refused(client, world):
    token = signed_in(client, "admin@example.org")
    child = make_sub_affiliation(world["own"], "Night shift", world["sub"])
    url = f"/agencies/{world['own'].id}/sub-affiliations/{world['sub'].id}/move"
    response = client.post(url, data={"csrf_token": token, "parent_id": child.id})
    assert response.status_code == 422
    assert "cannot move under itself" in response.get_data(as_text=True)


def test_administrator_moves_a_learner(client, world):
    token = signed_in(client, "admin@example.org")
    url = f"/agencies/{world['own'].id}/people/{world['officer'].id}"
    response = client.post(url, data={"csrf_token": token, "sub_affiliation_id": world["sub"].id})
    assert response.status_code == 302
    db.session.refresh(world["officer"])
    assert world["officer"].sub_affiliation_id == world["sub"].id


def test_administrator_adds_an_npo_and_sees_the_one_time_link(client, world):
    token = signed_in(client, "admin@example.org")
    url = f"/agencies/{world['own'].id}/npo"
    response = client.post(
        url,
        data={
            "csrf_token": token,
            "first_name": "Robin",
            "last_name": "Hale",
            "email": "robin@example.org",
        },
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "/invitations/" in page and "Robin Hale" in page
    robin = db.session.query(Person).filter_by(email="robin@example.org").one()
    assert robin.roles == {Role.NPO} and robin.agency_id == world["own"].id
    assert db.session.query(Invitation).filter_by(person_id=robin.id).count() == 1


def test_an_npo_with_a_bad_email_is_refused_and_not_added(client, world):
    token = signed_in(client, "admin@example.org")
    before = db.session.query(Person).count()
    response = client.post(
        f"/agencies/{world['own'].id}/npo",
        data={"csrf_token": token, "first_name": "Robin", "last_name": "", "email": "robin"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="last_name-error"' in page and 'id="email-error"' in page
    assert db.session.query(Person).count() == before


def test_an_npo_cannot_administer(client, world):
    make_person(Role.NPO, agency=world["own"], email="npo@example.org")
    signed_in(client, "npo@example.org")
    assert client.get(f"/agencies/{world['own'].id}/").status_code == 403


def test_non_numeric_ids_are_404_not_500(client, world):
    signed_in(client, "admin@example.org")
    assert client.get("/agencies/abc/").status_code == 404
    assert client.get(f"/agencies/{world['own'].id}/people/x").status_code == 404


def test_administrator_grants_the_training_manager_role_from_the_person_page(client, world):
    token = signed_in(client, "admin@example.org")
    base = f"/agencies/{world['own'].id}/people/{world['officer'].id}"
    page = client.get(base).get_data(as_text=True)
    assert "Training manager" in page and "POST staff" not in page
    response = client.post(f"{base}/roles", data={"csrf_token": token, "roles": "training_manager"})
    assert response.status_code == 302
    db.session.refresh(world["officer"])
    assert world["officer"].roles == {Role.PEACE_OFFICER, Role.TRAINING_MANAGER}


def test_a_role_outside_ones_reach_is_refused_beside_the_roles(client, world):
    token = signed_in(client, "admin@example.org")
    url = f"/agencies/{world['own'].id}/people/{world['officer'].id}/roles"
    response = client.post(url, data={"csrf_token": token, "roles": "post_staff"})
    assert response.status_code == 422
    assert 'id="roles-error"' in response.get_data(as_text=True)
    db.session.refresh(world["officer"])
    assert world["officer"].roles == {Role.PEACE_OFFICER}


def test_another_agencys_administrator_cannot_change_roles(client, world):
    token = signed_in(client, "other.admin@example.org")
    url = f"/agencies/{world['own'].id}/people/{world['officer'].id}/roles"
    response = client.post(url, data={"csrf_token": token, "roles": "lp_administrator"})
    assert response.status_code == 404
    db.session.refresh(world["officer"])
    assert world["officer"].roles == {Role.PEACE_OFFICER}


def test_post_staff_create_an_agency(client, world):
    make_post_staff(email="staff@example.org")
    token = signed_in(client, "staff@example.org")
    response = client.post(
        "/agencies/new",
        data={
            "csrf_token": token,
            "name": "Coast Rail PD",
            "agency_number": "91234",
            "in_post_program": "y",
        },
    )
    assert response.status_code == 302
    from lms.accounts.models import Agency

    agency = db.session.query(Agency).filter_by(agency_number="91234").one()
    assert agency.in_post_program and agency.name == "Coast Rail PD"
    again = client.post(
        "/agencies/new", data={"csrf_token": token, "name": "Dup", "agency_number": "91234"}
    )
    assert again.status_code == 422
    assert 'id="agency_number-error"' in again.get_data(as_text=True)


def test_an_administrator_cannot_create_agencies(client, world):
    token = signed_in(client, "admin@example.org")
    response = client.post(
        "/agencies/new", data={"csrf_token": token, "name": "X", "agency_number": "1"}
    )
    assert response.status_code == 403
