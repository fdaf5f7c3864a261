"""The application factory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from lms import content_origin, errors, health, request_log, unit_of_work
from lms.config import (
    PROJECT_ROOT,
    Settings,
    load_or_create_secret_key,
    normalise_database_url,
    sqlite_url,
)
from lms.db import db, engine_options
from lms.extensions import csrf, login_manager
from lms.web import init_upload_limits


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application from environment variables, then `config` on top (tests use it)."""
    config = dict(config or {})
    settings = Settings.from_environment()
    instance_path = config.pop("LMS_INSTANCE_PATH", None) or settings.instance_path
    instance_path.mkdir(parents=True, exist_ok=True)

    app = unit_of_work.Portal(
        "lms",
        instance_path=str(instance_path),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "lms" / "static"),
    )
    environment = config.pop("LMS_ENV", settings.environment)
    development = environment in {"development", "test"}
    database_url = normalise_database_url(
        config.pop("DATABASE_URL", None) or settings.database_url or sqlite_url(instance_path)
    )
    app.config.update(
        LMS_ENV=environment,
        LMS_BASE_URL=settings.base_url,
        LMS_CONTENT_BASE_URL=settings.content_base_url,
        LRS_UNVERSIONED_REPLY=settings.lrs_unversioned_reply,
        SECRET_KEY=settings.secret_key or load_or_create_secret_key(instance_path),
        SQLALCHEMY_DATABASE_URI=database_url,
        SQLALCHEMY_ENGINE_OPTIONS=engine_options(
            database_url, pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow
        ),
        MAX_CONTENT_LENGTH=settings.max_content_length,
        LMS_MAX_PACKAGE_UPLOAD_BYTES=settings.max_package_upload_bytes,
        LMS_BRIDGE_AFTER_STORE=settings.bridge_after_store,
        LMS_PREVIEW_DATABASE_URL=settings.preview_database_url,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not development,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=not development,
        REMEMBER_COOKIE_DURATION=dt.timedelta(days=14),
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=12),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the signed-in session
    )
    app.config.update(config)

    request_log.configure_logging(settings.log_level)
    db.init_app(app)
    content_origin.init_app(app)  # first: on the content host nothing else answers
    init_upload_limits(app)  # before the CSRF check, which reads the body
    csrf.init_app(app)
    login_manager.init_app(app)
    request_log.init_app(app)
    errors.init_app(app)
    _register_blueprints(app)
    _subscribe_hooks()
    _mount_lrs(app)
    _start_bridge(app)
    _register_template_globals(app)
    unit_of_work.init_app(app)  # last: its commit runs before the other after-request functions
    return app


def _mount_lrs(app: Flask) -> None:
    """The LRS answers under /xapi, on the app's database, and joins the unit of work of the
    request, command or job it is called in (lms/unit_of_work.py), on the unit's connection.

    What it opens on its own (its statement streams, and any use outside an application
    context) is on the app's engine on PostgreSQL; on SQLite on an engine of its own, because
    it opens those transactions itself (BEGIN IMMEDIATE for writes), which the app's sessions,
    left to pysqlite, must not inherit.
    """
    from sqlalchemy import create_engine

    from lrs.api import LearningRecordStore
    from lrs.backend.engine import prepare_engine
    from lrs.http.blueprint import create_blueprint

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    reply = app.config["LRS_UNVERSIONED_REPLY"]
    if url.startswith("sqlite"):
        engine = prepare_engine(create_engine(url, **app.config["SQLALCHEMY_ENGINE_OPTIONS"]))
        source: Any = engine
    else:
        source = lambda: db.engine  # noqa: E731
    store = LearningRecordStore(
        source,
        app.config["LMS_BASE_URL"],
        unversioned_reply=reply,
        joined=unit_of_work.lrs_transaction,
    )
    store.secret_key = app.config["SECRET_KEY"]  # signs its more links, the same in every process
    app.extensions["lrs"] = store
    from lms.player.cmi5.checks import attach as attach_player_checks

    attach_player_checks(store)
    from lms.customization.delivery import check_statements as check_customized

    store.add_statement_check(check_customized)
    blueprint = create_blueprint(store)
    csrf.exempt(blueprint)
    app.register_blueprint(blueprint, url_prefix="/xapi")
    _mount_preview_lrs(app)


def _mount_preview_lrs(app: Flask) -> None:
    """The preview store (lms/customization/preview.py): an LRS of its own, on a database of
    its own (LMS_PREVIEW_DATABASE_URL; by default a SQLite file in the instance folder), under
    /preview/xapi. It holds nothing of record: the bridge does not listen to it, no check of the
    portal's judges it, and its tables are made on first use, not by the migrations."""
    import threading

    from sqlalchemy import create_engine

    from lrs.api import LearningRecordStore, create_schema
    from lrs.backend.engine import prepare_engine
    from lrs.http.blueprint import create_blueprint

    url = normalise_database_url(
        app.config.get("LMS_PREVIEW_DATABASE_URL")
        or f"sqlite:///{Path(app.instance_path) / 'preview-lrs.sqlite'}"
    )
    made: list[Any] = []
    lock = threading.Lock()

    def engine() -> Any:
        with lock:
            if not made:
                created = prepare_engine(create_engine(url, **engine_options(url)))
                create_schema(created)
                made.append(created)
        return made[0]

    store = LearningRecordStore(
        engine, app.config["LMS_BASE_URL"], unversioned_reply=app.config["LRS_UNVERSIONED_REPLY"]
    )
    store.secret_key = app.config["SECRET_KEY"]
    app.extensions["preview_lrs"] = store
    blueprint = create_blueprint(store, name="preview_xapi")
    csrf.exempt(blueprint)
    app.register_blueprint(blueprint, url_prefix="/preview/xapi")


def _start_bridge(app: Flask) -> None:
    """Statements become CPT entries right after they are stored (in a thread of this
    process); `lms bridge` catches up on anything a stopped process left."""
    from lms.bridge.services import start_with

    if app.config["LMS_BRIDGE_AFTER_STORE"]:
        start_with(app)


def _subscribe_hooks() -> None:
    """Areas that act on another's events subscribe here, so the announcing area imports
    none of them (docs/foundation.md, "Extension points")."""
    from lms.bridge.services import add_follower, rejudge_course
    from lms.catalog.services import (
        add_publication_hook,
        add_registration_hook,
        add_rule_change_hook,
    )
    from lms.customization import delivery
    from lms.customization.preview import may_preview_files
    from lms.customization.services import on_course_published
    from lms.facilitation.services import may_fetch_materials
    from lms.packages.services import on_registered as give_package_version
    from lms.player.cmi5.registrations import on_registered as evaluate_move_on
    from lms.player.cmi5.services import add_context_source, add_launch_parameters_source
    from lms.player.launch import add_content_access_rule, add_launch_rule
    from lms.reports import activity

    add_registration_hook(give_package_version)  # first: the player's hooks need the version
    add_registration_hook(evaluate_move_on)
    add_rule_change_hook(rejudge_course)
    add_publication_hook(on_course_published)
    add_launch_rule(delivery.launch_refusal)
    add_launch_parameters_source(delivery.launch_parameters)
    add_context_source(delivery.context_extensions)
    add_content_access_rule(may_preview_files)
    add_content_access_rule(may_fetch_materials)
    add_follower(activity.catch_up)  # the reports' projection, in the bridge's thread


def _register_blueprints(app: Flask) -> None:
    from lms.accounts.admin_views import bp as admin_bp
    from lms.accounts.staff_views import bp as staff_bp
    from lms.accounts.views import bp as accounts_bp
    from lms.catalog.views import bp as catalog_bp
    from lms.customization.views import bp as customization_bp
    from lms.facilitation.views import bp as facilitation_bp
    from lms.packages.content_store import content_store_from_config
    from lms.packages.staff_views import bp as imports_bp
    from lms.packages.views import bp as packages_bp
    from lms.player.cmi5.views import bp as cmi5_bp
    from lms.player.scorm.views import bp as scorm_bp
    from lms.player.tincan.views import bp as tincan_bp
    from lms.player.views import bp as player_bp
    from lms.reports.certificate_views import bp as certificates_bp
    from lms.reports.dashboard_views import bp as dashboard_bp
    from lms.reports.views import bp as reports_bp
    from lms.training.views import bp as training_bp

    app.register_blueprint(health.bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(catalog_bp)
    app.register_blueprint(packages_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(player_bp)
    app.register_blueprint(cmi5_bp)
    app.register_blueprint(tincan_bp)
    app.register_blueprint(scorm_bp)
    app.register_blueprint(customization_bp)
    app.register_blueprint(facilitation_bp)
    app.register_blueprint(training_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(certificates_bp)
    app.extensions["content_store"] = content_store_from_config(app.config, Path(app.instance_path))


def _register_template_globals(app: Flask) -> None:
    from lms.accounts.interfaces import Role
    from lms.packages.upload_queue import human_size
    from lms.reports.learner_activity import format_duration
    from lms.training.services import format_hours

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals["Role"] = Role
    app.jinja_env.filters["human_size"] = human_size
    app.jinja_env.filters["hours"] = format_hours
    app.jinja_env.filters["duration"] = format_duration


@login_manager.user_loader
def _load_person(session_id: str) -> Any:
    """The session's person, unless the session ended with a sign-out or password change."""
    from lms.accounts.services import person_for_session

    return person_for_session(session_id)
