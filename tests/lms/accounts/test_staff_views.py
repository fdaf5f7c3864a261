"""POST staff decide access requests; the approved agency's first administrator is invited."""

from __future__ import annotations

import re

import pytest

from lms import unit_of_work
from lms.accounts import access_requests
from lms.accounts.interfaces import Role
from lms.accounts.models import AccessRequest, Agency, Person
from lms.db import db
from tests.conftest import csrf_token, post_form, sign_in
from tests.factories import PASSWORD, make_administrator, make_agency, make_post_staff

REQUEST = {
    "organisation_name": "Harbor Port Security",
    "contact_first_name": "Riley",
    "contact_last_name": "Adams",
    "contact_email": "riley@example.net",
    "contact_phone": "555-0100",
    "reason": "Mutual aid.",
}


@pytest.fixture
def pending(app):
    make_post_staff(email="staff@example.org")
    with unit_of_work.job():
        return access_requests.submit(**REQUEST)


def test_staff_see_pending_requests(client, pending):
    sign_in(client, "staff@example.org", PASSWORD)
    page = client.get("/staff/access-requests").get_data(as_text=True)
    assert "Harbor Port Security" in page and "pending" in page


def test_approval_shows_a_one_time_link_that_makes_the_first_administrator(client, pending):
    sign_in(client, "staff@example.org", PASSWORD)
    token = csrf_token(client, f"/staff/access-requests/{pending.id}")
    response = client.post(
        f"/staff/access-requests/{pending.id}/approve", data={"csrf_token": token}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    link = re.search(r"http://lms\.test(/invitations/[\w-]+)", page)
    assert link, page
    agency = db.session.query(Agency).filter_by(name="Harbor Port Security").one()
    assert not agency.in_post_program

    newcomer = client.application.test_client()
    response = post_form(
        newcomer, link.group(1), {"password": "harbor admin pw", "confirm": "harbor admin pw"}
    )
    assert response.status_code == 302
    assert newcomer.get("/agencies/").headers["Location"] == f"/agencies/{agency.id}/"
    assert "Harbor Port Security" in newcomer.get(f"/agencies/{agency.id}/").get_data(as_text=True)


def test_deny_records_the_decision_and_creates_nothing(client, pending):
    sign_in(client, "staff@example.org", PASSWORD)
    token = csrf_token(client, f"/staff/access-requests/{pending.id}")
    response = client.post(
        f"/staff/access-requests/{pending.id}/deny",
        data={"csrf_token": token, "note": "Not eligible"},
    )
    assert response.status_code == 302
    db.session.refresh(pending)
    assert (pending.status, pending.decision_note) == ("denied", "Not eligible")
    assert db.session.query(Agency).count() == 0


def test_a_decided_request_cannot_be_decided_again(client, pending):
    sign_in(client, "staff@example.org", PASSWORD)
    token = csrf_token(client, f"/staff/access-requests/{pending.id}")
    client.post(f"/staff/access-requests/{pending.id}/deny", data={"csrf_token": token})
    response = client.post(
        f"/staff/access-requests/{pending.id}/approve", data={"csrf_token": token}
    )
    assert response.status_code == 409
    assert "already been decided" in response.get_data(as_text=True)
    assert db.session.query(Agency).count() == 0


def test_approval_of_a_contact_who_has_an_account_changes_nothing(client, pending):
    make_administrator(make_agency(), email="riley@example.net")
    sign_in(client, "staff@example.org", PASSWORD)
    token = csrf_token(client, f"/staff/access-requests/{pending.id}")
    response = client.post(
        f"/staff/access-requests/{pending.id}/approve", data={"csrf_token": token}
    )
    assert response.status_code == 409
    assert "already exists" in response.get_data(as_text=True)
    db.session.refresh(pending)
    assert pending.status == "pending"
    assert db.session.query(Agency).filter_by(in_post_program=False).count() == 0


def test_an_overlong_note_is_refused_beside_the_note(client, pending):
    sign_in(client, "staff@example.org", PASSWORD)
    token = csrf_token(client, f"/staff/access-requests/{pending.id}")
    response = client.post(
        f"/staff/access-requests/{pending.id}/deny", data={"csrf_token": token, "note": "x" * 2001}
    )
    assert response.status_code == 422
    assert 'id="note-error"' in response.get_data(as_text=True)
    db.session.refresh(pending)
    assert pending.status == "pending"


def test_administrators_and_officers_cannot_decide_requests(client, pending):
    make_administrator(make_agency(), email="admin@example.org")
    sign_in(client, "admin@example.org", PASSWORD)
    token = csrf_token(client, "/dashboard")
    assert client.get("/staff/access-requests").status_code == 403
    assert client.get(f"/staff/access-requests/{pending.id}").status_code == 403
    response = client.post(
        f"/staff/access-requests/{pending.id}/approve", data={"csrf_token": token}
    )
    assert response.status_code == 403
    assert db.session.query(AccessRequest).one().status == "pending"
    assert (
        db.session.query(Person)
        .filter(Person.role_grants.any(role=str(Role.LP_ADMINISTRATOR)))
        .count()
        == 1
    )


def test_an_unknown_request_is_404(client, pending):
    sign_in(client, "staff@example.org", PASSWORD)
    assert client.get("/staff/access-requests/999999").status_code == 404


def test_staff_create_an_lrs_credential_and_see_its_secret_once(client, pending):
    import base64

    sign_in(client, "staff@example.org", PASSWORD)
    token = csrf_token(client, "/staff/lrs-credentials")
    response = client.post(
        "/staff/lrs-credentials",
        data={
            "csrf_token": token,
            "name": "Dispatch simulator",
            "scopes": ["statements/write", "state"],
        },
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    key = re.search(r'class="credential-key">(\w+)<', page).group(1)
    secret = re.search(r'class="credential-secret">([\w-]+)<', page).group(1)
    basic = base64.b64encode(f"{key}:{secret}".encode()).decode()
    headers = {"Authorization": f"Basic {basic}", "X-Experience-API-Version": "2.0.0"}
    # The credential writes but may not read statements.
    assert client.get("/xapi/statements", headers=headers).status_code == 403
    listing = client.get("/staff/lrs-credentials").get_data(as_text=True)
    assert key in listing and secret not in listing

    client.post(f"/staff/lrs-credentials/{key}/revoke", data={"csrf_token": token})
    assert client.get("/xapi/statements", headers=headers).status_code == 401


def test_the_credential_list_shows_a_revoked_credential_without_its_revoke_button(
    app, client, pending
):
    store = app.extensions["lrs"]
    kept, _ = store.create_credential("Range tablet", ["statements/write"])
    ended, _ = store.create_credential("Old kiosk", ["all"])
    sign_in(client, "staff@example.org", PASSWORD)
    token = csrf_token(client, "/staff/lrs-credentials")
    response = client.post(f"/staff/lrs-credentials/{ended.key}/revoke", data={"csrf_token": token})
    assert response.status_code == 302
    page = client.get("/staff/lrs-credentials").get_data(as_text=True)
    assert f"Credential {ended.key} revoked" in page
    rows = {key: row for row, key in re.findall(r"(<tr>.*?<code>(\w+)</code>.*?</tr>)", page, re.S)}
    assert "revoked" in rows[ended.key] and "Revoke</button>" not in rows[ended.key]
    assert "active" in rows[kept.key] and "Revoke</button>" in rows[kept.key]


def test_revoking_an_unknown_or_revoked_key_is_404_and_changes_nothing(app, client, pending):
    store = app.extensions["lrs"]
    live, secret = store.create_credential("Range tablet", ["all"])
    sign_in(client, "staff@example.org", PASSWORD)
    token = csrf_token(client, "/staff/lrs-credentials")
    response = client.post("/staff/lrs-credentials/abc/revoke", data={"csrf_token": token})
    assert response.status_code == 404
    assert "no active credential with key abc" in response.get_data(as_text=True)
    assert store.authenticate(live.key, secret) is not None
    client.post(f"/staff/lrs-credentials/{live.key}/revoke", data={"csrf_token": token})
    again = client.post(f"/staff/lrs-credentials/{live.key}/revoke", data={"csrf_token": token})
    assert again.status_code == 404


def test_a_credential_needs_a_name_and_a_scope(client, pending):
    sign_in(client, "staff@example.org", PASSWORD)
    token = csrf_token(client, "/staff/lrs-credentials")
    response = client.post("/staff/lrs-credentials", data={"csrf_token": token, "name": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="name-error"' in page and 'id="scopes-error"' in page
    response = client.post(
        "/staff/lrs-credentials", data={"csrf_token": token, "name": "x", "scopes": "everything"}
    )
    assert response.status_code == 422


def test_only_post_staff_manage_lrs_credentials(client, pending):
    make_administrator(make_agency(), email="admin@example.org")
    sign_in(client, "admin@example.org", PASSWORD)
    token = csrf_token(client, "/dashboard")
    assert client.get("/staff/lrs-credentials").status_code == 403
    response = client.post(
        "/staff/lrs-credentials", data={"csrf_token": token, "name": "x", "scopes": "all"}
    )
    assert response.status_code == 403
    assert (
        client.post("/staff/lrs-credentials/abc/revoke", data={"csrf_token": token}).status_code
        == 403
    )
