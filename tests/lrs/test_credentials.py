"""Credentials (lrs/credentials.py), through the LRS's API: expiry and revocation end
authentication; the list shows each credential's state and never its secret."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest


def test_an_expired_or_revoked_credential_no_longer_authenticates(app):
    store = app.extensions["lrs"]
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    expired, expired_secret = store.create_credential(
        "launch", ["statements/write"], expires_at=past
    )
    assert store.authenticate(expired.key, expired_secret) is None
    live, secret = store.create_credential("tool", ["all"])
    assert store.authenticate(live.key, secret) is not None
    assert store.authenticate(live.key, secret + "x") is None
    store.revoke_credential(live.key)
    assert store.authenticate(live.key, secret) is None


def test_credentials_are_listed_oldest_first_with_their_state_and_no_secret(app):
    store = app.extensions["lrs"]
    until = dt.datetime(2031, 5, 1, 12, 0, tzinfo=dt.UTC)
    tool, tool_secret = store.create_credential("Dispatch simulator", ["statements/write", "state"])
    launch, _ = store.create_credential(
        "launch",
        ["statements/write"],
        agent={"mbox": "mailto:learner@example.org"},
        registration="0F6E7D3C-5B1A-4F2E-9D8C-7B6A5F4E3D2C",
        expires_at=until,
    )
    store.revoke_credential(tool.key)
    listed = {c.key: c for c in store.list_credentials()}
    assert [c.key for c in store.list_credentials()][-2:] == [tool.key, launch.key]
    assert listed[tool.key].name == "Dispatch simulator"
    assert listed[tool.key].scopes == ("statements/write", "state")
    assert listed[tool.key].revoked_at is not None
    assert listed[tool.key].created_at is not None
    assert listed[launch.key].revoked_at is None
    assert listed[launch.key].expires_at == until
    assert listed[launch.key].agent == {"mbox": "mailto:learner@example.org"}
    assert listed[launch.key].registration == "0f6e7d3c-5b1a-4f2e-9d8c-7b6a5f4e3d2c"
    assert tool_secret not in repr(dataclasses.astuple(listed[tool.key]))


def test_revoking_an_unknown_or_already_revoked_key_raises_no_such_credential(app):
    from lrs.errors import NoSuchCredential, NotFound

    store = app.extensions["lrs"]
    with pytest.raises(NoSuchCredential, match="no active credential with key abc"):
        store.revoke_credential("abc")
    live, _ = store.create_credential("tool", ["all"])
    store.revoke_credential(live.key)
    with pytest.raises(NoSuchCredential) as raised:
        store.revoke_credential(live.key)
    assert isinstance(raised.value, NotFound) and raised.value.status == 404
