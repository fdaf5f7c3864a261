"""Alembic's environment: runs on the connection `lms db upgrade` hands it."""

from __future__ import annotations

from alembic import context

from lms import models_registry

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=models_registry.all_metadata(),
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
