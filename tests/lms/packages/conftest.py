"""Content stores to test against: a local folder, and S3 on a real S3-compatible server.

The server is moto in server mode (`python -m moto.server`), started once per test session on
127.0.0.1 and a free port, and only when a test asks for it.
"""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from lms.packages.content_store import ContentStore, LocalContentStore, S3ContentStore

S3_REGION = "us-east-1"
DUMMY_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
SERVER_START_SECONDS = 20.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def answers(host: str, port: int) -> bool:
    connection = http.client.HTTPConnection(host, port, timeout=0.5)
    try:
        connection.request("GET", "/moto-api/")
        connection.getresponse().read()
    except OSError:
        return False
    finally:
        connection.close()
    return True


@pytest.fixture(scope="session")
def s3_endpoint_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a moto S3 server process, killed when the session ends."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("moto") / "server.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(  # noqa: S603 (our own interpreter, fixed arguments)
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while not answers("127.0.0.1", port):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"moto server did not start on port {port}:\n{log_path.read_text()}")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def s3_client(s3_endpoint_url: str) -> Any:
    """A boto3 S3 client for the moto server, with dummy credentials of its own."""
    session = boto3.session.Session(region_name=S3_REGION, **DUMMY_CREDENTIALS)
    return session.client(
        "s3", endpoint_url=s3_endpoint_url, config=Config(s3={"addressing_style": "path"})
    )


@pytest.fixture
def s3_bucket(s3_client: Any) -> str:
    """A new, empty bucket for one test."""
    name = f"lms-content-{uuid.uuid4().hex[:12]}"
    s3_client.create_bucket(Bucket=name)
    return name


@pytest.fixture(params=["local", "s3"])
def content_store(request: pytest.FixtureRequest, tmp_path: Path) -> ContentStore:
    """Each store in turn; behaviour tests taking this run once per store."""
    if request.param == "local":
        return LocalContentStore(tmp_path / "content")
    bucket = request.getfixturevalue("s3_bucket")
    client = request.getfixturevalue("s3_client")
    return S3ContentStore(bucket, prefix="lms/", client=client)
