"""Bad input anywhere gets 400 or 422 with a message naming the field, and changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.accounts import access_requests
from lms.accounts.models import AccessRequest, Agency, Invitation, Person, SubAffiliation
from lms.db import db
from lms.packages.models import PackageImport
from tests.conftest import csrf_token, sign_in
from tests.factories import (
    PASSWORD,
    make_agency,
    make_officer,
    make_post_staff,
    make_sub_affiliation,
)

# Values no field accepts: a NUL character, more than any field's length, both.
GARBAGE = ["\x00", "x" * 5000, "x\x00" * 3000]


@pytest.fixture
def staff_client(client):
    agency = make_agency()
    make_post_staff(email="staff@example.org")
    officer = make_officer(agency)
    sub = make_sub_affiliation(agency, "Patrol")
    request = access_requests.submit(
        organisation_name="Harbor",
        contact_first_name="R",
        contact_last_name="A",
        contact_email="r@example.net",
        contact_phone="1",
        reason="r",
    )
    db.session.commit()  # the test's own unit of work: the requests below read it
    sign_in(client, "staff@example.org", PASSWORD)
    client.ids = {"agency": agency.id, "person": officer.id, "sub": sub.id, "request": request.id}
    return client


def every_post_url(app, ids):
    """Each POST rule of the portal, its arguments filled with real ids (the LRS's own
    resources answer bad input by the xAPI's rules, tested in tests/lrs)."""
    values = {
        "agency_id": ids["agency"],
        "person_id": ids["person"],
        "sub_id": ids["sub"],
        "request_id": ids["request"],
        "token": "not-a-token",
        "key": "no-such-key",
        # Register and drop take no fields: an id that does not exist is their bad input.
        "course_id": 999_999,
        "registration_id": 999_999,
        "question_id": "q01",
        "presentation_id": 999_999,
        "roster_id": 999_999,
        "number": 1,
    }
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(("xapi.", "preview_xapi.")):
            continue
        if "POST" in rule.methods and rule.endpoint != "accounts.sign_out":
            urls.append(rule.build({name: values[name] for name in rule.arguments})[1])
    return urls


def row_counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Agency, Person, SubAffiliation, AccessRequest, Invitation, PackageImport)
    )


def test_every_post_endpoint_refuses_garbage_without_a_500_or_a_write(app, staff_client):
    token = csrf_token(staff_client, "/dashboard")
    urls = every_post_url(app, staff_client.ids)
    assert len(urls) >= 10
    fields = [
        "email",
        "password",
        "confirm",
        "first_name",
        "last_name",
        "agency_id",
        "role",
        "post_id",
        "name",
        "parent_id",
        "sub_affiliation_id",
        "organisation_name",
        "contact_first_name",
        "contact_last_name",
        "contact_email",
        "contact_phone",
        "reason",
        "note",
    ]
    before = row_counts()
    for url in urls:
        for value in GARBAGE:
            response = staff_client.post(
                url, data={"csrf_token": token, **dict.fromkeys(fields, value)}
            )
            assert response.status_code in (400, 404, 422), (url, value[:20], response.status_code)
            body = response.get_data(as_text=True)
            if response.status_code == 422:  # the form again, with errors beside their fields
                assert 'class="error" id="' in body, (url, value[:20])
            elif response.status_code == 400:
                assert "The field" in body, (url, value[:20])
    db.session.expire_all()
    assert row_counts() == before


def test_a_nul_character_is_refused_naming_the_field(staff_client):
    token = csrf_token(staff_client, "/dashboard")
    response = staff_client.post(
        "/request-access", data={"csrf_token": token, "organisation_name": "Har\x00bor"}
    )
    assert response.status_code == 400
    assert "organisation_name" in response.get_data(as_text=True)


def test_a_non_numeric_select_value_is_refused_beside_the_field(staff_client):
    token = csrf_token(staff_client, "/dashboard")
    ids = staff_client.ids
    response = staff_client.post(
        f"/agencies/{ids['agency']}/people/{ids['person']}",
        data={"csrf_token": token, "sub_affiliation_id": "abc"},
    )
    assert response.status_code == 422
    assert 'id="sub_affiliation_id-error"' in response.get_data(as_text=True)


def test_a_unique_clash_found_only_by_the_database_is_a_409_naming_the_field(app, client):
    from sqlalchemy.exc import IntegrityError

    make_officer(email="taken@example.org")

    @app.get("/race")
    def race():
        db.session.add(Person(email="taken@example.org", first_name="A", last_name="B"))
        db.session.commit()
        raise AssertionError("unreachable")

    response = client.get("/race")
    assert response.status_code == 409
    assert "email" in response.get_data(as_text=True)
    assert db.session.query(Person).count() == 1
    assert IntegrityError
