"""The LRS served on its own, without the Learning Portal around it.

    DATABASE_URL=postgresql://… LRS_BASE_URL=https://lrs.example.org LRS_SECRET_KEY=… \
        flask --app lrs.app run

LRS_SECRET_KEY signs the `more` links; every process of one LRS needs the same (without it, each
process makes its own, and a more link works only in the process that gave it).

The schema is the one `lms db upgrade` builds (one migration history for both).
"""

from __future__ import annotations

import logging
import os

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from lrs.api import LearningRecordStore
from lrs.http.blueprint import create_blueprint

log = logging.getLogger(__name__)


def create_app(
    database_url: str | None = None, base_url: str | None = None, secret_key: str | None = None
) -> Flask:
    database_url = database_url or os.environ.get("DATABASE_URL") or "sqlite:///lrs.sqlite3"
    base_url = base_url or os.environ.get("LRS_BASE_URL") or "http://127.0.0.1:5000"
    secret_key = secret_key or os.environ.get("LRS_SECRET_KEY") or None
    app = Flask("lrs")
    engine = create_engine(database_url, pool_pre_ping=True)
    store = LearningRecordStore(engine, base_url, secret_key=secret_key)
    app.extensions["lrs"] = store
    app.register_blueprint(create_blueprint(store), url_prefix="/xapi")

    @app.get("/healthz")
    def healthz() -> ResponseReturnValue:
        """The process answers, and its database does too (503 when it does not)."""
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            log.exception("health check: the database does not answer")
            return jsonify(status="unavailable", database="unreachable"), 503
        return jsonify(status="ok", database="ok")

    return app
