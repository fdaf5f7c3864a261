"""The `lms` command: Flask's own commands (run, shell, routes) plus the project's."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from flask.cli import FlaskGroup, run_command, with_appcontext

from lms import unit_of_work
from lms.app import create_app
from lms.config import served_address


@click.group(cls=FlaskGroup, create_app=create_app)
def main() -> None:
    """The Learning Portal and its Learning Record Store."""


@click.command("run", params=run_command.params, help=run_command.help)
@click.pass_context
def run(ctx: click.Context, **options: object) -> None:
    """Flask's development server, with the portal's address made from one setting:
    LMS_BASE_URL when it is set (and then its port, unless --port asks for another, which is
    reported loudly), otherwise the address served on."""
    port_given = ctx.get_parameter_source("port") not in (
        click.core.ParameterSource.DEFAULT,
        None,
    )
    served = served_address(
        os.environ.get("LMS_BASE_URL"),
        str(options["host"]),
        int(str(options["port"])),
        https=options.get("cert") is not None,
        port_given=port_given,
    )
    os.environ["LMS_BASE_URL"] = served.base_url  # read by create_app, in this process only
    options["port"] = served.port
    if served.mismatch:
        click.secho(f"\n{'=' * 78}\n{served.mismatch}\n{'=' * 78}\n", fg="red", err=True)
    click.echo(f"The portal's address (LMS_BASE_URL): {served.base_url}", err=True)
    ctx.invoke(run_command, **options)


main.add_command(run)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to bind.")
@click.option("--port", type=int, default=None, help="The port (default: LMS_BASE_URL's, or 8000).")
@click.option("--workers", type=click.IntRange(1), default=2, show_default=True)
@click.option("--threads", type=click.IntRange(1), default=4, show_default=True)
@click.option("--timeout", type=click.IntRange(1), default=60, show_default=True)
def serve(host: str, port: int | None, workers: int, threads: int, timeout: int) -> None:
    """The production server: gunicorn processes serving the app. The portal's address is
    LMS_BASE_URL, as for `lms run` (the address bound when it is unset, said loudly)."""
    configured = os.environ.get("LMS_BASE_URL")
    served = served_address(
        configured, host, port or 8000, https=False, port_given=port is not None
    )
    if served.mismatch:
        click.secho(f"\n{'=' * 78}\n{served.mismatch}\n{'=' * 78}\n", fg="red", err=True)
    if not configured:
        click.secho(
            f"LMS_BASE_URL is not set: using {served.base_url}. A portal that learners reach "
            f"by another address (its public https name) must set LMS_BASE_URL to it.",
            fg="yellow",
            err=True,
        )
    os.environ["LMS_BASE_URL"] = served.base_url
    click.echo(f"The portal's address (LMS_BASE_URL): {served.base_url}", err=True)

    _gunicorn(create_app, f"{host}:{served.port}", workers, threads, timeout, accesslog=None)


def _gunicorn(
    load: Callable[[], object],
    bind: str,
    workers: int,
    threads: int,
    timeout: int,
    accesslog: str | None,
) -> None:
    """Serve the WSGI app that `load` makes (in each worker) under gunicorn until stopped."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # type: ignore[misc]  # gunicorn's documented extension
        def load_config(self) -> None:
            self.cfg.set("bind", bind)
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("timeout", timeout)
            self.cfg.set("accesslog", accesslog)
            if "control_socket_disable" in self.cfg.settings:  # gunicorn 25.1+: not wanted
                self.cfg.set("control_socket_disable", True)

        def load(self) -> object:
            return load()

    Server().run()


# The migrations run DDL in transactions of their own (lms/migrate.py), not in a unit of work.
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
@unit_of_work.command
def demo_load() -> None:
    """Load the demo agencies and people (idempotent) and print the accounts."""
    from lms import demo as demo_data
    from lms.domain import DomainError

    try:
        created = demo_data.load()
    except DomainError as error:  # the unit of work is rolled back: nothing of it is kept
        raise click.ClickException(f"demo data not loaded: {error.message}") from None
    click.echo(f"demo data: {created} new records")
    click.echo("Demo accounts (e-mail / password / roles):")
    for account in demo_data.ACCOUNTS:
        click.echo(f"  {account.email:<28} {account.password:<22} {account.describe()}")


@main.group()
def lrs() -> None:
    """The Learning Record Store."""


@lrs.command("serve")
@click.option(
    "--database-url",
    envvar="LRS_DATABASE_URL",
    required=True,
    help="The LRS's own database (env LRS_DATABASE_URL); its tables are made if missing.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to bind.")
@click.option("--port", type=int, default=8100, show_default=True)
@click.option("--base-url", envvar="LRS_BASE_URL", default=None, help="Its public address.")
@click.option("--workers", type=click.IntRange(1), default=2, show_default=True)
@click.option("--threads", type=click.IntRange(1), default=4, show_default=True)
@click.option("--timeout", type=click.IntRange(1), default=60, show_default=True)
def lrs_serve(
    database_url: str,
    host: str,
    port: int,
    base_url: str | None,
    workers: int,
    threads: int,
    timeout: int,
) -> None:
    """The LRS alone, without the portal: its own WSGI app (lrs.app) under gunicorn, on its
    own database, at <base url>/xapi/. Credentials: `lms lrs credential create --database-url`."""
    import secrets

    from lrs.app import create_app as create_lrs_app

    url, engine = _standalone_engine(database_url)
    engine.dispose()
    base = (base_url or f"http://{host}:{port}").rstrip("/")
    # Every worker signs its `more` links with the same key: LRS_SECRET_KEY, or one made now
    # for this run (links then last as long as the run).
    key = os.environ.get("LRS_SECRET_KEY") or secrets.token_hex(32)
    click.echo(f"The LRS's address: {base}/xapi/", err=True)
    _gunicorn(
        lambda: create_lrs_app(url, base, key),
        f"{host}:{port}",
        workers,
        threads,
        timeout,
        accesslog="-",
    )


@lrs.group()
def credential() -> None:
    """LRS credentials (HTTP Basic key and secret)."""


def _standalone_engine(database_url: str) -> tuple[str, Any]:
    """The database URL of an LRS served alone, normalised, and an engine on it with the LRS's
    tables made if missing."""
    from sqlalchemy import create_engine

    from lms.config import normalise_database_url
    from lrs.api import create_schema

    url = normalise_database_url(database_url)
    engine = create_engine(url)
    create_schema(engine)
    return url, engine


def _credential_store(database_url: str | None) -> Any:
    """The portal's LRS, or that of `lms lrs serve` on `database_url`."""
    from flask import current_app

    from lrs.api import LearningRecordStore

    if database_url is None:
        return current_app.extensions["lrs"]
    # The base URL names the authority of statements stored; a credential store stores none.
    return LearningRecordStore(_standalone_engine(database_url)[1], "http://lrs.invalid")


STANDALONE = click.option(
    "--database-url",
    default=None,
    help="The database of an LRS served alone (`lms lrs serve`); default: the portal's.",
)


@credential.command("create")
@click.argument("name")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    help="statements/write, statements/read, statements/read/mine, state, profile, define, "
    "all/read or all; repeat for several.",
)
@STANDALONE
@with_appcontext
@unit_of_work.command
def credential_create(name: str, scopes: tuple[str, ...], database_url: str | None) -> None:
    """Create a credential and print it as one JSON object with `key` and `secret`."""
    import json

    from lrs.errors import LRSError

    store = _credential_store(database_url)
    try:
        created, secret = store.create_credential(name, list(scopes))
    except LRSError as error:
        raise click.UsageError(error.message) from None
    click.echo(
        json.dumps(
            {
                "key": created.key,
                "secret": secret,
                "name": created.name,
                "scopes": sorted(created.scopes),
            }
        )
    )


@credential.command("revoke")
@click.argument("key")
@STANDALONE
@with_appcontext
@unit_of_work.command
def credential_revoke(key: str, database_url: str | None) -> None:
    """Revoke a credential: its key and secret stop working at once."""
    from lrs.errors import NoSuchCredential

    try:
        _credential_store(database_url).revoke_credential(key)
    except NoSuchCredential:
        raise click.UsageError(f"no active credential with key {key}") from None
    click.echo(f"revoked {key}")


@main.group()
def packages() -> None:
    """Course packages (SCORM 1.2, SCORM 2004, cmi5, Tin Can)."""


@packages.command("import")
@click.argument("package_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
@unit_of_work.command
def packages_import(package_file: Path) -> None:
    """Import PACKAGE_FILE (a zip, or a bare cmi5.xml); the last line printed is one JSON object
    with the course id, the package version and the standard."""
    import json

    from flask import current_app

    from lms.packages.content_store import content_store_from_config
    from lms.packages.interfaces import PackageRejected
    from lms.packages.services import import_package

    instance = Path(current_app.instance_path)
    store = content_store_from_config(current_app.config, instance)
    bars: dict[str, object] = {}

    def progress(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = click.progressbar(length=max(total, 1), label=stage, file=sys.stderr)
            bar.__enter__()
            bars[stage] = bar
        bar.update(done - bar.pos)  # type: ignore[attr-defined]

    try:
        result = import_package(package_file, store, instance / "imports", progress=progress)
    except PackageRejected as error:
        raise click.ClickException(f"rejected: {error.message}") from None
    finally:
        for bar in bars.values():
            bar.__exit__(None, None, None)  # type: ignore[attr-defined]
    click.echo(json.dumps(result.as_json()))


@packages.command("build")
@click.argument("names", nargs=-1)
@click.option("--check", is_flag=True, help="Also read each package by the importer's rules.")
@click.option("--force", is_flag=True, help="Build again even if the sources did not change.")
def packages_build(names: tuple[str, ...], check: bool, force: bool) -> None:
    """Build the bundled courses of content_packages/ (NAMES, or all) into package zips under
    build/content_packages/; the same sources give the same bytes."""
    import tempfile

    from lms.packages import bundled

    failed = 0
    try:
        courses = bundled.find(names)
    except bundled.BuildFailed as error:
        raise click.ClickException(error.message) from None
    with tempfile.TemporaryDirectory(prefix="lms-build-check-") as work:
        for course in courses:
            try:
                built = bundled.build(course, force=force)
                line = f"{built.path}  sha256 {built.sha256}" + ("  (unchanged)" * built.reused)
                if check:
                    parsed = bundled.check(built, Path(work))
                    line += f"  checked: {parsed.standard}" + (
                        f" {parsed.edition}" if parsed.edition else ""
                    )
                    line += "".join(f"\n  warning: {warning}" for warning in parsed.warnings)
                click.echo(line)
            except bundled.BuildFailed as error:
                failed += 1
                click.echo(f"{course.slug}: {error.message}", err=True)
    if failed:
        raise click.ClickException(f"{failed} of {len(courses)} courses failed")


@main.command("bridge")
@click.option("--follow", is_flag=True, help="Keep running: read new statements as they come.")
@click.option(
    "--interval", default=1.0, show_default=True, help="Seconds between looks (--follow)."
)
@with_appcontext  # not one unit of work: catch_up commits each pass as its own
def bridge_command(follow: bool, interval: float) -> None:
    """Turn the statements stored since the last run into CPT entries, then let the bridge's
    followers (the reports' activity projection) read them; prints one JSON object with what the
    bridge read, made, removed and skipped (with --follow: after the first look, and after
    every look that read something)."""
    import json
    import time

    from lms.bridge.services import catch_up, run_followers

    first = True
    while True:
        done = catch_up()
        run_followers()  # the readers that follow it (the reports' activity projection)
        if done.read or first:
            first = False
            click.echo(
                json.dumps(
                    {
                        "read": done.read,
                        "made": done.made,
                        "removed": done.removed,
                        "skipped": done.skipped,
                        "cursor": done.cursor,
                    }
                )
            )
        if not follow:
            return
        time.sleep(interval)


@main.group()
def cmi5() -> None:
    """cmi5 sessions and waivers."""


@cmi5.command("abandon-stale")
@click.option(
    "--idle-minutes",
    type=click.IntRange(min=0),
    default=240,
    show_default=True,
    help="Abandon sessions whose AU has sent nothing for this long.",
)
@with_appcontext
@unit_of_work.command
def cmi5_abandon_stale(idle_minutes: int) -> None:
    """Record abandoned for sessions left open (cmi5 §9.3.6); run it from cron."""
    import datetime as dt

    from lms.player.cmi5 import services

    count = services.abandon_stale(dt.timedelta(minutes=idle_minutes))
    click.echo(f"abandoned {count} session{'' if count == 1 else 's'}")


@cmi5.command("waive")
@click.argument("registration")
@click.argument("au_id")
@click.option(
    "--reason",
    required=True,
    help="Tested Out, Equivalent AU, Equivalent Outside Activity or Administrative.",
)
@with_appcontext
@unit_of_work.command
def cmi5_waive(registration: str, au_id: str, reason: str) -> None:
    """Waive the AU AU_ID (its id in cmi5.xml) for the registration REGISTRATION (its UUID,
    the xAPI registration): it counts as met (cmi5 §9.3.7)."""
    from lms.player.cmi5 import registrations
    from lms.player.interfaces import PlayerError

    try:
        registrations.waive(registrations.registration_by_uuid(registration), au_id, reason)
    except PlayerError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"waived {au_id} ({reason})")
