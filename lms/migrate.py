"""Alembic, driven from the application: the schema is upgraded on the app's own engine.

Each migration runs in a transaction of its own on the engine (DDL, outside the ORM session),
not in a unit of work (lms/unit_of_work.py): `lms db upgrade` is not one."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import current_app
from sqlalchemy import text

from lms.db import db

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


# Several processes may start at once: on PostgreSQL one upgrades while the others wait.
UPGRADE_LOCK_KEY = 7_100_251_004


def upgrade(revision: str = "head") -> None:
    with current_app.app_context(), db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": UPGRADE_LOCK_KEY}
            )
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(revision: str) -> None:
    with current_app.app_context(), db.engine.begin() as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def revision(message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    with db.engine.begin() as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
