"""The sign-in throttle under simultaneous attempts: each attempt is counted in the database
before its password is checked, so a burst of guesses gets no more checks than one at a time."""

from __future__ import annotations

import threading

import pytest
from flask import Flask

from lms.accounts import passwords, services
from lms.accounts.interfaces import TooManyFailedSignIns
from lms.accounts.models import SignInThrottle
from lms.db import db, utcnow
from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_officer

ATTEMPTS = 24


def _count_password_checks(monkeypatch) -> list[str]:
    checked: list[str] = []
    lock = threading.Lock()
    real = passwords.verify_password

    def counting(password_hash: str | None, password: str) -> bool:
        with lock:
            checked.append(password)
        return real(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", counting)
    return checked


def _simultaneously(app: Flask, email: str, password: str, attempts: int) -> list[int]:
    """`attempts` sign-ins from as many browsers, sent at the same moment; their statuses."""
    clients = [app.test_client() for _ in range(attempts)]
    tokens = [csrf_token(client) for client in clients]
    start = threading.Barrier(attempts)
    statuses: list[int] = []
    lock = threading.Lock()

    def attempt(index: int) -> None:
        start.wait()
        response = clients[index].post(
            "/sign-in", data={"csrf_token": tokens[index], "email": email, "password": password}
        )
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return sorted(statuses)


def test_simultaneous_wrong_passwords_each_count_and_the_rest_are_throttled(app, monkeypatch):
    make_officer(email="pat@example.org")
    checked = _count_password_checks(monkeypatch)

    statuses = _simultaneously(app, "pat@example.org", "wrong password", ATTEMPTS)

    free = services.FREE_FAILURES
    assert statuses == [422] * free + [429] * (ATTEMPTS - free)
    db.session.expire_all()
    throttle = db.session.get(SignInThrottle, "pat@example.org")
    assert len(checked) == throttle.failures == free


def test_after_a_burst_the_right_password_waits_then_signs_in_and_clears_the_count(
    app, monkeypatch
):
    make_officer(email="pat@example.org")
    _simultaneously(app, "pat@example.org", "wrong password", ATTEMPTS)
    throttle = db.session.get(SignInThrottle, "pat@example.org")
    assert throttle is not None
    later = throttle.last_failure_at + services.FIRST_DELAY
    assert services.authenticate("pat@example.org", PASSWORD, now=later).email == "pat@example.org"
    db.session.expire_all()
    assert db.session.get(SignInThrottle, "pat@example.org") is None


def test_a_count_beyond_any_doubling_still_waits_the_longest_delay(app):
    make_officer(email="pat@example.org")
    now = utcnow()
    db.session.add(SignInThrottle(email="pat@example.org", failures=5000, last_failure_at=now))
    db.session.commit()
    with pytest.raises(TooManyFailedSignIns) as refused:
        services.authenticate("pat@example.org", PASSWORD, now=now)
    assert refused.value.retry_after_seconds == services.LONGEST_DELAY.total_seconds() + 1
