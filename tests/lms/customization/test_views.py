"""The customization pages over HTTP: the editor for a sworn LP administrator and read-only for
the others, the autosave's answers (saved, stale, refused) beside the field, the policy upload,
publishing, versions, preview (recording nothing) and the agency's record with its CSV."""

from __future__ import annotations

import csv
import html
import io
import json
import re

from sqlalchemy import func, select

from lms.accounts.interfaces import Role
from lms.catalog.models import Registration
from lms.customization.models import CustomizationVersion, DraftFeedback
from lms.db import db
from lms.player.models import LaunchSession
from tests.builders.cmi5_client import AU
from tests.builders.policy import policy_pdf
from tests.conftest import csrf_token, sign_in
from tests.factories import PASSWORD, make_officer, make_person, make_sub_affiliation
from tests.lms.customization.conftest import non_sworn_admin, publish, save

JSON = {"Accept": "application/json"}


def _editor(client, course):
    return f"/agency/customizations/{course.id}"


def _save(client, course, question_id, correct, incorrect, revision, **headers):
    token = csrf_token(client, _editor(client, course))
    return client.post(
        f"/agency/customizations/{course.id}/questions/{question_id}",
        data={
            f"{question_id}-csrf_token": token,
            f"{question_id}-correct": correct,
            f"{question_id}-incorrect": incorrect,
            f"{question_id}-revision": revision,
        },
        headers=headers,
    )


def _signed_in(client, person):
    sign_in(client, person.email, PASSWORD)
    return client


def test_the_sworn_administrator_edits_and_autosaves_question_by_question(app, world, client):
    _signed_in(client, world.admin)
    page = client.get(_editor(client, world.course)).get_data(as_text=True)
    assert "What do you say first?" in page and "Your unit number" in page
    assert "POST's default: Right: the unit first." in page
    assert 'name="q01-correct"' in page and "0 of 3" in page
    saved = _save(client, world.course, "q01", "Ours.", "Ours, wrong.", 0, **JSON)
    assert saved.status_code == 200
    assert saved.get_json() == {
        "saved": True,
        "revision": 1,
        "done": True,
        "progress": 1,
        "total": 3,
    }
    stale = _save(client, world.course, "q01", "Older page.", "", 0, **JSON)
    assert stale.status_code == 409
    assert "after you opened it" in json.dumps(stale.get_json())
    script = _save(client, world.course, "q01", "<script>x()</script>", "", 1, **JSON)
    assert script.status_code == 422
    assert "<script>" in script.get_json()["errors"]["q01-correct"][0]
    draft = db.session.scalar(select(DraftFeedback))
    db.session.refresh(draft)
    assert (draft.correct, draft.revision) == ("Ours.", 1)


def test_without_script_the_form_posts_and_shows_the_error_beside_the_field(app, world, client):
    _signed_in(client, world.admin)
    refused = _save(client, world.course, "q02", "x" * 10, "<iframe src=x>", 0)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    error = re.search(r'id="q02-incorrect-error"[^>]*>([^<]*)<', page).group(1)
    assert "&lt;iframe&gt;" in error
    assert db.session.scalar(select(func.count(DraftFeedback.id))) == 0
    done = _save(client, world.course, "q02", "Fine.", "Also fine.", 0)
    assert done.status_code == 303 and done.headers["Location"].endswith("#question-q02")


def test_a_non_sworn_administrator_reads_with_the_reason_and_cannot_save(app, world, client):
    clerk = non_sworn_admin(world.agency)
    _signed_in(client, clerk)
    page = client.get(_editor(client, world.course)).get_data(as_text=True)
    assert "sworn peace officer may edit" in page
    assert "<textarea" not in page
    token = csrf_token(client, _editor(client, world.course))
    refused = client.post(
        f"/agency/customizations/{world.course.id}/questions/q01",
        data={"q01-csrf_token": token, "q01-correct": "x", "q01-incorrect": "", "q01-revision": 0},
    )
    assert refused.status_code == 403
    assert db.session.scalar(select(func.count(DraftFeedback.id))) == 0


def test_people_who_may_not_see_it_get_404(app, world, client):
    _signed_in(client, make_officer(world.agency))
    assert client.get(_editor(client, world.course)).status_code == 404
    assert client.get(f"/agency/customizations/{world.course.id}/record").status_code == 404


def test_the_policy_upload_checks_the_file_and_says_why_beside_the_field(app, world, client):
    _signed_in(client, world.admin)
    url = f"/agency/customizations/{world.course.id}/policy"

    def upload(data: bytes, name: str):
        token = csrf_token(client, _editor(client, world.course))
        return client.post(
            url,
            data={"csrf_token": token, "revision": 0, "policy": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )

    refused = upload(b"just text, not a PDF", "policy.pdf")
    assert refused.status_code == 422
    error = re.search(r'id="policy-error"[^>]*>([^<]*)<', refused.get_data(as_text=True))
    assert "policy.pdf: this is not a PDF file" in error.group(1)
    data = policy_pdf()
    assert upload(data, "General Order.pdf").status_code == 303
    served = client.get(url)
    assert served.status_code == 200 and served.data == data
    assert served.headers["Content-Type"] == "application/pdf"


def test_publish_lists_the_defaults_then_makes_version_one(app, world, client):
    _signed_in(client, world.admin)
    publish_url = f"/agency/customizations/{world.course.id}/publish"
    page = client.get(publish_url).get_data(as_text=True)
    assert "Questions left at POST's default (3)" in page
    token = csrf_token(client, publish_url)
    refused = client.post(publish_url, data={"csrf_token": token})
    assert refused.status_code == 422 and "Upload the agency" in refused.get_data(as_text=True)
    publish(world.admin, world.course, {"q01": ("One.", "One, wrong.")})
    publish(world.admin, world.course, {"q01": ("Two.", "One, wrong.")})
    versions = client.get(f"/agency/customizations/{world.course.id}/versions")
    assert "Version 2" in versions.get_data(as_text=True)
    compare = client.get(f"/agency/customizations/{world.course.id}/compare?older=1&newer=2")
    text = compare.get_data(as_text=True)
    assert "1 question changed" in text and "One." in text and "Two." in text
    token = csrf_token(client, f"/agency/customizations/{world.course.id}/versions/1")
    restored = client.post(
        f"/agency/customizations/{world.course.id}/versions/1/restore", data={"csrf_token": token}
    )
    assert restored.status_code == 303
    assert "One." in client.get(_editor(client, world.course)).get_data(as_text=True)
    assert db.session.scalar(select(func.count(CustomizationVersion.id))) == 2


def test_preview_plays_the_draft_and_records_nothing(app, world, client):
    _signed_in(client, world.admin)
    save(world.admin, world.course, "q01", "Draft text.", "Draft, wrong.")
    store = app.extensions["lrs"]
    before = store.newest_seq()
    page = client.get(f"/agency/customizations/{world.course.id}/preview")
    assert "Nothing you do here is recorded" in page.get_data(as_text=True)
    token = csrf_token(client, f"/agency/customizations/{world.course.id}/preview")
    launched = client.post(
        f"/agency/customizations/{world.course.id}/preview",
        data={"csrf_token": token, "au_index": 0},
    )
    assert launched.status_code == 200
    url = html.unescape(
        re.search(
            r'<iframe id="au-frame"[^>]*src="([^"]+)"', launched.get_data(as_text=True)
        ).group(1)
    )
    au = AU(client, url)
    assert au.params["endpoint"].endswith("/preview/xapi")
    au.start()
    where = json.loads(au.launch_data["launchParameters"])["feedback"]
    feedback = au.xapi("GET", "/activities/profile", query_string=where).get_json()
    assert feedback["questions"]["q01"]["correct"] == "Draft text."
    assert au.say("initialized", "completed", "terminated") == [204, 204, 204]
    assert store.newest_seq() == before  # the portal's LRS heard nothing
    assert db.session.scalar(select(func.count(Registration.id))) == 0
    assert db.session.scalar(select(func.count(LaunchSession.id))) == 0
    preview = app.extensions["preview_lrs"]
    assert preview.newest_seq() >= 3


def test_the_agency_record_shows_and_exports_who_certified_which_version(
    app, world, client, learner_of
):
    version = publish(world.admin, world.course)
    patrol = make_sub_affiliation(world.agency, "Patrol")
    learner = learner_of(world.agency)
    learner.person.sub_affiliation_id = patrol.id
    db.session.commit()
    au = learner.launch().start()
    assert au.say("initialized") == [204]
    certification = au.statement("experienced", defined=False)
    certification["verb"] = {"id": "http://activitystrea.ms/schema/1.0/acknowledge"}
    assert au.send(certification).status_code == 204
    make_officer(world.agency, first_name="Never", last_name="Registered")
    manager = make_person(Role.TRAINING_MANAGER, agency=world.agency)
    _signed_in(client, manager)
    page = client.get(f"/agency/customizations/{world.course.id}/record").get_data(as_text=True)
    assert learner.person.last_name in page and "Registered" in page
    filtered = client.get(
        f"/agency/customizations/{world.course.id}/record?sub_affiliation={patrol.id}"
    ).get_data(as_text=True)
    assert learner.person.last_name in filtered and "Never" not in filtered
    exported = client.get(f"/agency/customizations/{world.course.id}/record.csv")
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    mine = next(r for r in rows if r["Last name"] == learner.person.last_name)
    assert mine["Certified version"] == str(version.number)
    assert mine["Policy SHA-256"] == version.policy_sha256
    assert mine["Sub-affiliation"] == "Patrol" and mine["Status"] == "in progress"
    other = _signed_in(client, world.other_admin)
    rows = list(
        csv.DictReader(
            io.StringIO(
                other.get(f"/agency/customizations/{world.course.id}/record.csv").get_data(
                    as_text=True
                )
            )
        )
    )
    assert learner.person.last_name not in {r["Last name"] for r in rows}
