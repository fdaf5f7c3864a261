"""An LRS credential, a client that speaks xAPI to the app's /xapi endpoint, and each document
resource in turn."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.lrs.helpers import RESOURCES

VERSIONS = ("1.0.3", "2.0.0")


class XapiClient:
    def __init__(self, client: Any, key: str, secret: str, version: str = "2.0.0") -> None:
        self.client = client
        self.version = version
        token = base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": version}

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        if "json" in kwargs:
            kwargs["data"] = json.dumps(kwargs.pop("json"))
            headers.setdefault("Content-Type", "application/json")
        return self.client.open(f"/xapi{path}", method=method, headers=headers, **kwargs)

    def post_statements(self, statements: Any) -> Any:
        return self.request("POST", "/statements", json=statements)

    def get_statements(self, **params: Any) -> Any:
        return self.request("GET", "/statements", query_string=params)


@pytest.fixture
def credential(app):
    return app.extensions["lrs"].create_credential("test suite", ["all"])


@pytest.fixture(params=VERSIONS)
def xapi(request, client, credential):
    created, secret = credential
    return XapiClient(client, created.key, secret, request.param)


@pytest.fixture(params=list(RESOURCES))
def resource(request):
    """Each of the three document resources in turn: (path, parameters of one, id parameter)."""
    return RESOURCES[request.param]
