"""Shared fixtures for the validation library's tests: one run per xAPI version."""

from __future__ import annotations

import pytest

from lrs.spec import VERSIONS


@pytest.fixture(params=VERSIONS)
def version(request: pytest.FixtureRequest) -> str:
    """Each test that takes `version` states a rule both versions share."""
    return request.param
