"""The `lms` command: Flask's own commands (run, shell, routes) plus the project's."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup, with_appcontext

from lms.app import create_app


@click.group(cls=FlaskGroup, create_app=create_app)
def main() -> None:
    """The Learning Portal and its Learning Record Store."""


@main.group()
def db() -> None:
    """The database schema."""


@db.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Migrate the database to REVISION (the newest by default)."""
    from lms import migrate

    migrate.upgrade(revision)
    click.echo(f"database upgraded to {revision}")


@db.command("downgrade")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Migrate the database back to REVISION."""
    from lms import migrate

    migrate.downgrade(revision)
    click.echo(f"database downgraded to {revision}")


@db.command("revision")
@click.option("-m", "--message", required=True)
@with_appcontext
def db_revision(message: str) -> None:
    """Write a migration for what the models changed (for developers)."""
    from lms import migrate

    migrate.revision(message)


@main.group()
def demo() -> None:
    """Demonstration data."""


@demo.command("load")
@with_appcontext
def demo_load() -> None:
    """Load the demo agencies and people (idempotent) and print the accounts."""
    from lms import demo as demo_data

    created = demo_data.load()
    click.echo(f"demo data: {created} new records")
    click.echo("Demo accounts (e-mail / password / roles):")
    for account in demo_data.ACCOUNTS:
        click.echo(f"  {account.email:<28} {account.password:<22} {account.describe()}")
