"""The portal's address: one setting (LMS_BASE_URL) that `lms run` and `lms serve` honour, the
address served on when it is unset, and a loud message when requests name another host."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from base64 import b64encode
from pathlib import Path

import pytest

from lms.config import served_address

LMS = str(Path(sys.executable).with_name("lms"))


@pytest.mark.parametrize(
    ("configured", "host", "port", "given", "base", "served_port", "mismatch"),
    [
        (None, "127.0.0.1", 5181, True, "http://127.0.0.1:5181", 5181, False),
        (None, "0.0.0.0", 8000, True, "http://127.0.0.1:8000", 8000, False),  # noqa: S104
        (None, "::1", 8000, True, "http://[::1]:8000", 8000, False),
        ("http://127.0.0.1:5183", "127.0.0.1", 5000, False, "http://127.0.0.1:5183", 5183, False),
        ("http://127.0.0.1:5000", "127.0.0.1", 5182, True, "http://127.0.0.1:5000", 5182, True),
        ("http://localhost", "127.0.0.1", 80, True, "http://localhost", 80, False),
        # Behind a proxy: the public name's port is not this process's to compare.
        ("https://lp.example.gov", "127.0.0.1", 8000, True, "https://lp.example.gov", 8000, False),
    ],
)
def test_the_base_url_is_the_setting_or_else_the_address_served(
    configured, host, port, given, base, served_port, mismatch
):
    served = served_address(configured, host, port, https=False, port_given=given)
    assert served.base_url == base
    assert served.port == served_port
    assert (served.mismatch is not None) is mismatch
    if mismatch:
        assert str(port) in served.mismatch and configured in served.mismatch


def test_requests_for_another_host_are_reported_once_and_loudly(app, client, caplog):
    caplog.set_level(logging.ERROR, logger="lms.content_origin")
    base = app.config["LMS_BASE_URL"]
    client.get("/healthz", base_url=base)
    assert not [r for r in caplog.records if "LMS_BASE_URL" in r.getMessage()]
    client.get("/healthz", base_url="http://lp.elsewhere.test:5181")
    client.get("/healthz", base_url="http://lp.elsewhere.test:5181")
    said = [r for r in caplog.records if "LMS_BASE_URL" in r.getMessage()]
    assert len(said) == 1
    assert "lp.elsewhere.test:5181" in said[0].getMessage()
    assert base in said[0].getMessage()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LMS_BASE_URL", "PORT")}
    env.update(
        LMS_INSTANCE_PATH=str(tmp_path / "instance"),
        LMS_ENV="development",
        LMS_CONTENT_BASE_URL="",
        DATABASE_URL="",
        **extra,
    )
    return env


def _lms(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 (our own command)
        [LMS, *args], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout


def _stored_authority_home_page(base: str, key: str, secret: str) -> str:
    """POST a statement to the running server and read back its authority's home page."""
    auth = "Basic " + b64encode(f"{key}:{secret}".encode()).decode()
    headers = {
        "Authorization": auth,
        "X-Experience-API-Version": "2.0.0",
        "Content-Type": "application/json",
    }
    statement_id = str(uuid.uuid4())
    body = {
        "id": statement_id,
        "actor": {"mbox": "mailto:someone@example.gov"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": "http://example.gov/activities/a"},
    }
    request = urllib.request.Request(  # noqa: S310 (a local test server)
        f"{base}/xapi/statements", json.dumps(body).encode(), headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10):  # noqa: S310
        pass
    request = urllib.request.Request(  # noqa: S310 (a local test server)
        f"{base}/xapi/statements?statementId={statement_id}", headers=headers
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        return json.load(answer)["authority"]["account"]["homePage"]


def _wait_until_up(base: str, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server stopped: {server.stderr.read()}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{base} did not answer within 30 s")


@pytest.fixture
def instance_env(tmp_path: Path) -> dict[str, str]:
    env = _environment(tmp_path)
    _lms(env, "db", "upgrade")
    return env


def _credential(env: dict[str, str]) -> tuple[str, str]:
    made = json.loads(_lms(env, "lrs", "credential", "create", "probe", "--scope", "all"))
    return made["key"], made["secret"]


@pytest.mark.parametrize("command", ["run", "serve"])
def test_statements_name_the_port_the_portal_is_served_on(instance_env, command):
    key, secret = _credential(instance_env)
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 (our own command)
        [LMS, command, "--port", str(port)],
        env=instance_env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server)
        assert _stored_authority_home_page(base, key, secret) == base
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_base_url_naming_another_port_is_said_loudly_at_start(instance_env):
    port = _free_port()
    env = {**instance_env, "LMS_BASE_URL": "http://127.0.0.1:5000"}
    server = subprocess.Popen(  # noqa: S603 (our own command)
        [LMS, "run", "--port", str(port)],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        _wait_until_up(f"http://127.0.0.1:{port}", server)
    finally:
        server.terminate()
        server.wait(timeout=30)
    said = server.stderr.read()
    assert "LMS_BASE_URL is http://127.0.0.1:5000 but this server listens on port" in said
    assert f"make it http://127.0.0.1:{port}" in said
