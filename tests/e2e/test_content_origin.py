"""A hostile course package cannot act as the portal for whoever opens it.

The package is generated here: its page's script tries what an author's script could try on a
portal that served it from its own origin (read a portal page with the visitor's cookies and
its CSRF token, read the framing portal page, frame a portal page, post the LRS credential
form for scope "all" with a stolen or a guessed token), then writes what it achieved into its
own page. It is opened by a POST staff member (who may create LRS credentials) and by a
learner, as a SCORM 1.2 SCO (framed by the player, whose API it still uses) and as a Tin Can
activity (framed by a portal page). Nothing may have been read, and no credential made.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from lms.accounts.interfaces import Role
from lms.accounts.models import Person, RoleGrant
from lms.db import db
from lms.player.scorm.models import ScoAttempt
from tests.builders.scorm import zip_package
from tests.e2e.helpers import sign_in
from tests.factories import make_published_course, make_registration

pytestmark = pytest.mark.e2e

DISPATCHER = ("dispatcher@example.org", "dispatcher-demo-2026")
STOLEN_CREDENTIAL = "hostile-stolen-token"
GUESSED_CREDENTIAL = "hostile-guessed-token"

# What the package's page runs. PORTAL is put in when the package is made (the author would
# know the portal's address).
HOSTILE_SCRIPT = """
const PORTAL = "%(portal)s";
const report = {origin: location.origin, reads: {}, posts: {}, windows: {}, scorm: {}};
const CSRF = /name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"/;

function show() {
  document.getElementById("report").textContent = JSON.stringify(report);
}

function scorm() {
  let api = null;
  try {
    api = window.parent.API;  // a cross-origin parent throws: no SCORM there
  } catch (error) {
    return;
  }
  if (!api) return;
  report.scorm.initialize = api.LMSInitialize("");
  report.scorm.location = api.LMSSetValue("cmi.core.lesson_location", "hostile-was-here");
  report.scorm.status = api.LMSSetValue("cmi.core.lesson_status", "incomplete");
  report.scorm.commit = api.LMSCommit("");
}

async function read(name, path) {
  try {
    const response = await fetch(PORTAL + path, {credentials: "include"});
    const text = await response.text();
    const token = CSRF.exec(text);
    report.reads[name] = {
      read: true, status: response.status, html: text.slice(0, 120),
      csrf: token ? token[1] || token[2] : null,
    };
  } catch (error) {
    report.reads[name] = {read: false, error: String(error)};
  }
}

async function post(name, credentialName, token) {
  const body = new URLSearchParams({csrf_token: token, name: credentialName, scopes: "all"});
  try {
    const response = await fetch(PORTAL + "/staff/lrs-credentials",
      {method: "POST", credentials: "include", body: body});
    report.posts[name] = {read: true, status: response.status};
  } catch (error) {
    // The request may still have gone out: only its answer is hidden. The server decides.
    report.posts[name] = {read: false, error: String(error)};
  }
  await fetch(PORTAL + "/staff/lrs-credentials",
    {method: "POST", mode: "no-cors", credentials: "include", body: body}).catch(() => null);
}

function submitForm(credentialName, token) {
  // A plain form, posted into a frame of its own, as a hidden attack would.
  return new Promise((resolve) => {
    const target = document.createElement("iframe");
    target.name = "sink-" + credentialName;
    target.onload = () => resolve();
    document.body.appendChild(target);
    const form = document.createElement("form");
    form.method = "post";
    form.action = PORTAL + "/staff/lrs-credentials";
    form.target = target.name;
    for (const [key, value] of [["csrf_token", token], ["name", credentialName + "-form"],
                                ["scopes", "all"]]) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = key;
      input.value = value;
      form.appendChild(input);
    }
    document.body.appendChild(form);
    form.submit();
    setTimeout(resolve, 3000);
  });
}

function windows() {
  for (const [name, other] of [["parent", window.parent], ["top", window.top]]) {
    try {
      const html = other.document.documentElement.outerHTML;
      report.windows[name] = {
        read: true, origin: other.location.origin, csrf: /csrf/i.test(html),
      };
    } catch (error) {
      report.windows[name] = {read: false};
    }
  }
}

function frame() {
  return new Promise((resolve) => {
    const portal = document.createElement("iframe");
    portal.src = PORTAL + "/staff/lrs-credentials";
    const done = () => {
      try {
        const html = portal.contentDocument.documentElement.outerHTML;
        report.windows.framed = {read: true, csrf: /csrf/i.test(html)};
      } catch (error) {
        report.windows.framed = {read: false};
      }
      resolve();
    };
    portal.onload = done;
    document.body.appendChild(portal);
    setTimeout(done, 3000);
  });
}

(async function () {
  scorm();
  await read("credentials", "/staff/lrs-credentials");
  await read("dashboard", "/dashboard");
  const stolen = report.reads.credentials.csrf || report.reads.dashboard.csrf;
  if (stolen) {
    await post("stolen", "%(stolen)s", stolen);
    await submitForm("%(stolen)s", stolen);
  }
  await post("guessed", "%(guessed)s", "guessed-token");
  await submitForm("%(guessed)s", "guessed-token");
  windows();
  await frame();
  report.done = true;
  show();
})();
"""

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pursuit review</title></head>
<body><h1>Pursuit review</h1><pre id="report"></pre>
<script>%s</script></body></html>
"""

SCORM_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="test.e2e.hostile" version="1"
          xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="ORG">
    <organization identifier="ORG">
      <title>Pursuit Review</title>
      <item identifier="REVIEW" identifierref="RES"><title>Review</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="RES" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/>
    </resource>
  </resources>
</manifest>
"""

TINCAN_MANIFEST = """<?xml version="1.0" encoding="utf-8"?>
<tincan xmlns="http://projecttincan.com/tincan.xsd">
  <activities>
    <activity id="https://lms.example.org/tincan/pursuit-review"
              type="http://adlnet.gov/expapi/activities/course">
      <name lang="en-US">Pursuit Review</name>
      <launch lang="en-US">index.html</launch>
    </activity>
  </activities>
</tincan>
"""


def _hostile_package(folder: Path, portal: str, standard: str) -> Path:
    folder.mkdir(parents=True)
    script = HOSTILE_SCRIPT % {
        "portal": portal,
        "stolen": STOLEN_CREDENTIAL,
        "guessed": GUESSED_CREDENTIAL,
    }
    (folder / "index.html").write_text(PAGE % script)
    if standard == "scorm12":
        (folder / "imsmanifest.xml").write_text(SCORM_MANIFEST)
    else:
        (folder / "tincan.xml").write_text(TINCAN_MANIFEST)
    return folder


def _registered(live_app: Flask, tmp_path: Path, standard: str, as_staff: bool) -> int:
    """The hostile package imported and published, the demo dispatcher registered for it (and
    made POST staff too, when the visitor is to be staff)."""
    with live_app.app_context():
        source = _hostile_package(tmp_path / "hostile", live_app.config["LMS_BASE_URL"], standard)
        (tmp_path / "import").mkdir(parents=True, exist_ok=True)
        course = make_published_course(
            zip_package(source, tmp_path / "import"), tmp_path / "import"
        )
        person = db.session.scalar(select(Person).where(Person.email == DISPATCHER[0]))
        if as_staff:
            person.role_grants.append(RoleGrant(role=str(Role.POST_STAFF)))
            db.session.commit()
        registration_id = make_registration(person, course).id
        db.session.remove()
        return registration_id


def _report(page: Page, frame_selector: str) -> dict[str, Any]:
    report = page.frame_locator(frame_selector).locator("#report")
    expect(report).to_contain_text('"done":true', timeout=20_000)
    return json.loads(report.text_content() or "{}")


def _credential_names(live_app: Flask) -> list[str]:
    with live_app.app_context():
        listed = live_app.extensions["lrs"].list_credentials()
    return [credential.name for credential in listed]


def _assert_nothing_of_the_portal(report: dict[str, Any], portal: str) -> None:
    assert report["origin"] != portal  # the package runs on the content origin
    for name, outcome in report["reads"].items():
        assert outcome["read"] is False, (name, outcome)  # CORS hides every portal answer
    assert not any(outcome.get("csrf") for outcome in report["reads"].values())
    for name, outcome in report["posts"].items():
        assert outcome["read"] is False, (name, outcome)
    assert "stolen" not in report["posts"]  # no token to steal
    for name, window in report["windows"].items():
        # A window it can read is one of its own origin (the SCORM player page), which holds
        # nothing of the portal.
        assert not window["read"] or (window["origin"] != portal and not window["csrf"]), name
    assert report["windows"]["framed"]["read"] is False  # the portal may not be framed by it


@pytest.mark.parametrize("as_staff", [True, False], ids=["post-staff", "learner"])
def test_a_hostile_scorm_package_reads_and_submits_nothing_of_the_portal_but_saves_its_data(
    new_page, live_app: Flask, live_server: str, tmp_path: Path, as_staff: bool
) -> None:
    registration_id = _registered(live_app, tmp_path, "scorm12", as_staff)
    page = new_page()
    sign_in(page, *DISPATCHER)
    page.goto(f"/registrations/{registration_id}/launch")
    report = _report(page, "#sco-frame")

    _assert_nothing_of_the_portal(report, live_server)
    assert report["windows"]["parent"]["read"]  # the player, same origin: API discovery works
    assert report["scorm"] == {
        "initialize": "true",
        "location": "true",
        "status": "true",
        "commit": "true",
    }
    expect(page.locator("#save-status")).to_have_text("All progress saved.")
    with live_app.app_context():
        [attempt] = db.session.scalars(
            select(ScoAttempt).where(ScoAttempt.registration_id == registration_id)
        ).all()
        assert json.loads(attempt.cmi)["cmi"]["core"]["lesson_location"] == "hostile-was-here"
        db.session.remove()
    names = _credential_names(live_app)
    assert not [name for name in names if name.startswith("hostile")], names
    if as_staff:
        # The visitor could have made one: the page is there, with its form, for them.
        page.goto("/staff/lrs-credentials")
        expect(page.get_by_role("heading", name="New credential")).to_be_visible()
        expect(page.locator("table")).not_to_contain_text(re.compile("hostile"))


@pytest.mark.parametrize("as_staff", [True, False], ids=["post-staff", "learner"])
def test_a_hostile_tin_can_package_framed_by_the_portal_reads_nothing_of_it(
    new_page, live_app: Flask, live_server: str, tmp_path: Path, as_staff: bool
) -> None:
    registration_id = _registered(live_app, tmp_path, "tincan", as_staff)
    page = new_page()
    sign_in(page, *DISPATCHER)
    page.goto(f"/tincan/registrations/{registration_id}")
    page.get_by_role("button", name=re.compile("^Start")).click()
    report = _report(page, "#tincan-frame")

    _assert_nothing_of_the_portal(report, live_server)
    assert report["windows"]["parent"]["read"] is False  # the portal page framing it
    assert report["windows"]["top"]["read"] is False
    names = _credential_names(live_app)
    assert not [name for name in names if name.startswith("hostile")], names
