"""The gate, the pin and delivery, as an AU sees them over HTTP: learners start only once their
agency has published; the AU reads its agency's feedback and policy through xAPI
(launchParameters, an Activity Profile document per version); every statement of the attempt
names the version and the policy's hash; a learner who started on one version finishes on it."""

from __future__ import annotations

import hashlib

from lms.customization.models import VersionPin
from lms.db import db
from tests.builders.cmi5_client import statements_of
from tests.builders.policy import policy_pdf
from tests.lms.customization.conftest import launch_parameters, publish

VERSION = "/xapi/extensions/customization-version"
POLICY = "/xapi/extensions/policy-sha256"


def _feedback(au):
    where = launch_parameters(au)["feedback"]
    return au.xapi("GET", "/activities/profile", query_string=where)


def test_a_learner_cannot_start_until_the_agency_publishes(app, world, learner_of):
    learner = learner_of(world.agency)
    page = learner.client.get(learner.course_page)
    assert page.status_code == 403
    assert "Your agency has not published its customization" in page.get_data(as_text=True)
    assert learner.launch_response().status_code == 403
    assert learner.sessions() == []
    publish(world.admin, world.course)
    assert learner.client.get(learner.course_page).status_code == 200


def test_the_au_reads_its_agencys_published_feedback_and_policy_through_xapi(
    app, world, learner_of
):
    policy = policy_pdf("Capitol City policy")
    version = publish(
        world.admin, world.course, {"q01": ("Capitol: unit first.", "Capitol: no.")}, policy
    )
    au = learner_of(world.agency).launch().start()
    parameters = launch_parameters(au)
    base = app.config["LMS_BASE_URL"]
    assert parameters["feedback"]["activityId"] == f"{base}/courses/{world.course.id}/feedback"
    assert parameters["customization"]["number"] == 1
    assert parameters["policy"]["sha256"] == hashlib.sha256(policy).hexdigest()
    assert parameters["policy"]["url"] == f"{base}/agency/policies/{version.id}"
    read = _feedback(au)
    assert read.status_code == 200
    document = read.get_json()
    assert document["questions"]["q01"] == {
        "correct": "Capitol: unit first.",
        "incorrect": "Capitol: no.",
    }
    assert document["questions"]["q02"]["correct"] == "Right: always."  # POST's default
    for method in ("PUT", "POST", "DELETE"):
        changed = au.xapi(
            method, "/activities/profile", query_string=parameters["feedback"], json={}
        )
        assert changed.status_code == 403, method
    pdf = au.client.get(f"/agency/policies/{version.id}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data == policy


def test_each_agencys_learner_gets_their_own_agencys_customization(app, world, learner_of):
    publish(world.admin, world.course, {"q01": ("Capitol's text.", "Capitol's wrong.")})
    valley = publish(
        world.other_admin, world.course, {"q01": ("Valley's text.", "Valley's wrong.")}
    )
    capitol_learner = learner_of(world.agency)
    capitol = capitol_learner.launch().start()
    assert _feedback(capitol).get_json()["questions"]["q01"]["correct"] == "Capitol's text."
    valley_learner = learner_of(world.other_agency)
    valley_au = valley_learner.launch().start()
    assert _feedback(valley_au).get_json()["questions"]["q01"]["correct"] == "Valley's text."
    assert (
        launch_parameters(valley_au)["customization"]["agency"] == world.other_agency.agency_number
    )
    # Another agency's policy is not theirs to open.
    assert valley_learner.client.get(f"/agency/policies/{valley.id}").status_code == 200
    capitol_version = launch_parameters(capitol)["policy"]["url"].rsplit("/", 1)[1]
    assert valley_learner.client.get(f"/agency/policies/{capitol_version}").status_code == 404


def test_every_statement_names_the_version_and_policy_and_others_are_refused(
    app, world, learner_of
):
    version = publish(world.admin, world.course)
    learner = learner_of(world.agency)
    au = learner.launch().start()
    base = app.config["LMS_BASE_URL"]
    extensions = au.launch_data["contextTemplate"]["extensions"]
    assert extensions[f"{base}{VERSION}"]["number"] == version.number
    assert extensions[f"{base}{POLICY}"] == version.policy_sha256
    launched = statements_of(app, learner.registration)[0]
    assert launched["context"]["extensions"][f"{base}{POLICY}"] == version.policy_sha256

    initialized = au.statement("initialized")
    assert au.send(initialized).status_code == 204
    forged = au.statement("completed")
    forged["context"]["extensions"][f"{base}{VERSION}"] = {"id": "x", "number": 9, "agency": "1"}
    refused = au.send(forged)
    assert refused.status_code == 403
    assert "customization-version" in refused.get_data(as_text=True)
    bare = au.statement("completed")
    del bare["context"]["extensions"][f"{base}{POLICY}"]
    assert au.send(bare).status_code == 403
    assert au.send(au.statement("completed")).status_code == 204
    stored = [s["verb"]["id"].rsplit("/", 1)[1] for s in statements_of(app, learner.registration)]
    # The refused ones were not stored; the portal's satisfied follow the AU's completed.
    assert stored[:3] == ["launched", "initialized", "completed"]
    assert set(stored[3:]) == {"satisfied"}


def test_a_learner_who_started_on_one_version_finishes_on_it(app, world, learner_of, client):
    first = publish(world.admin, world.course, {"q01": ("Version one.", "One, wrong.")})
    started = learner_of(world.agency)
    started.launch().start()
    second = publish(world.admin, world.course, {"q01": ("Version two.", "Two, wrong.")})
    again = started.launch().start()
    assert launch_parameters(again)["customization"]["number"] == 1
    assert _feedback(again).get_json()["questions"]["q01"]["correct"] == "Version one."
    assert db.session.get(VersionPin, started.registration.id).version_id == first.id

    newcomer = learner_of(world.agency)
    fresh = newcomer.launch().start()
    assert launch_parameters(fresh)["customization"]["number"] == 2
    assert _feedback(fresh).get_json()["questions"]["q01"]["correct"] == "Version two."
    assert launch_parameters(fresh)["policy"]["sha256"] == second.policy_sha256


def test_the_course_back_online_gates_every_learner_until_published_again(app, world, learner_of):
    from lms import unit_of_work
    from lms.customization import services

    publish(world.admin, world.course)
    learner = learner_of(world.agency)
    learner.launch().start()
    with unit_of_work.job():
        services.on_course_published(world.course.id, True)
    page = learner.client.get(learner.course_page)
    assert page.status_code == 403
    assert "reviewing" in page.get_data(as_text=True)
    publish(world.admin, world.course)
    resumed = learner.launch().start()
    assert launch_parameters(resumed)["customization"]["number"] == 1  # still the one begun
