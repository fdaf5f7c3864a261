"""The /xapi blueprint: version, authentication, CORS and errors for every resource."""

from __future__ import annotations

import datetime as dt
import json
import logging

from flask import Blueprint, Response, g, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from lrs import spec
from lrs.api import EPOCH, LearningRecordStore, ResourceRequest
from lrs.errors import (
    RETRY_AFTER_SECONDS,
    BadRequest,
    LRSError,
    Unauthorized,
    database_unavailable,
)
from lrs.http import context, documents, resources, statements
from lrs.http.context import VERSION_HEADER, XapiRequest

log = logging.getLogger(__name__)

ALLOWED_METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"]
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, PUT, POST, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": (
        "Authorization, Content-Type, Content-Length, If-Match, If-None-Match, "
        "X-Experience-API-Version, X-Experience-API-Hash, Accept-Language"
    ),
    "Access-Control-Expose-Headers": (
        "ETag, Last-Modified, Content-Type, X-Experience-API-Version, "
        "X-Experience-API-Consistent-Through"
    ),
    "Access-Control-Max-Age": "86400",
}


def consistent_through(lrs: LearningRecordStore) -> dt.datetime:
    """X-Experience-API-Consistent-Through (xAPI Communication §2.1.3), asked before anything
    else of a statements request is read (`LearningRecordStore.consistent_through`): every
    statement stored up to it is among those the request can see. The Unix epoch when the
    database does not answer."""
    try:
        return lrs.consistent_through()
    except SQLAlchemyError:
        return EPOCH


def _header_time(moment: dt.datetime) -> str:
    """Truncated to the millisecond, never rounded up."""
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def create_blueprint(lrs: LearningRecordStore, name: str = "xapi") -> Blueprint:
    bp = Blueprint(name, __name__)

    def xapi() -> XapiRequest:
        return g.xapi

    @bp.before_request
    def _prepare() -> ResponseReturnValue | None:
        if request.method == "OPTIONS":
            return Response(status=204)
        if request.endpoint == f"{bp.name}.statements" and request.method in ("GET", "HEAD"):
            g.consistent_through = consistent_through(lrs)  # before the request reads anything
        xreq = context.from_flask(request)
        xreq.version = lrs.unversioned_reply
        g.xapi = xreq
        if request.endpoint == f"{bp.name}.about":
            return None
        xreq.version = context.negotiate_version(xreq.headers.get(VERSION_HEADER))
        if xreq.alternate and xreq.version != "1.0.3":
            # xAPI 2.0 dropped the alternate request syntax (2.0 §4.1.7, 1.0.3 §1.3 only).
            raise BadRequest("method: xAPI 2.0.0 has no alternate request syntax; use 1.0.3.")
        pair = context.basic_credentials(xreq.headers)
        credential = lrs.authenticate(*pair) if pair else None
        if credential is None:
            raise Unauthorized("Send a valid LRS key and secret with HTTP Basic authentication.")
        xreq.credential = credential
        context.refuse_unstorable(xreq)
        resource = (request.endpoint or "").rpartition(".")[2]
        if resource:
            lrs.check_request(ResourceRequest(credential, resource, xreq.method, xreq.params))
        return None

    @bp.after_request
    def _headers(response: Response) -> Response:
        xreq = g.get("xapi")
        response.headers[VERSION_HEADER] = xreq.version if xreq else lrs.unversioned_reply
        response.headers.update(CORS_HEADERS)
        # No xAPI answer may be reused from a cache. Without this a document's GET carries only
        # Last-Modified, and RFC 9111 §4.2.2 lets a browser keep it fresh for a tenth of its
        # age: TinCanJS's synchronous GET right after its own PUT read the old content from
        # Chromium's cache without asking the LRS. no-store also keeps learners' records out of
        # disk caches.
        response.headers.setdefault("Cache-Control", "no-store")
        if request.endpoint == f"{bp.name}.statements":
            moment = g.get("consistent_through") or consistent_through(lrs)
            response.headers["X-Experience-API-Consistent-Through"] = _header_time(moment)
        if response.status_code == 401:
            response.headers["WWW-Authenticate"] = 'Basic realm="LRS"'
        return response

    @bp.errorhandler(LRSError)
    def _lrs_error(error: LRSError) -> ResponseReturnValue:
        return _error(error.status, error.message)

    @bp.errorhandler(DBAPIError)
    def _database_error(error: DBAPIError) -> ResponseReturnValue:
        if not database_unavailable(error):
            raise error  # a bug: the application's own 500
        log.warning("database unavailable: %s", error.orig)
        response = _error(503, "The database is busy or restarting; nothing was stored. Try again.")
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @bp.errorhandler(spec.ValidationError)
    def _invalid(error: spec.ValidationError) -> ResponseReturnValue:
        return _error(400, str(error))

    @bp.route("/about", methods=ALLOWED_METHODS)
    def about() -> ResponseReturnValue:
        if xapi().method not in ("GET", "HEAD"):
            return _error(405, "The About resource answers GET only.")
        return Response(
            json.dumps({"version": list(context.SUPPORTED_VERSIONS), "extensions": {}}),
            mimetype="application/json",
        )

    @bp.route("/statements", endpoint="statements", methods=ALLOWED_METHODS)
    def statements_resource() -> ResponseReturnValue:
        xreq = xapi()
        handlers = {
            "PUT": lambda: statements.put(lrs, xreq),
            "POST": lambda: statements.post(lrs, xreq),
            "GET": lambda: statements.get(lrs, xreq, xreq.headers.get("Accept-Language")),
            "HEAD": lambda: statements.get(lrs, xreq, xreq.headers.get("Accept-Language")),
        }
        if xreq.method not in handlers:
            return _error(405, f"The Statement resource does not answer {xreq.method}.")
        return handlers[xreq.method]()

    def documents_route(path: str, endpoint: str, resource: documents.Resource) -> None:
        def view() -> ResponseReturnValue:
            return documents.handle(lrs, resource, xapi())

        bp.add_url_rule(path, endpoint, view, methods=ALLOWED_METHODS)

    documents_route("/activities/state", "state", documents.STATE)
    documents_route("/activities/profile", "activity_profile", documents.ACTIVITY_PROFILE)
    documents_route("/agents/profile", "agent_profile", documents.AGENT_PROFILE)

    @bp.route("/activities", methods=ALLOWED_METHODS)
    def activities() -> ResponseReturnValue:
        if xapi().method not in ("GET", "HEAD"):
            return _error(405, "The Activities resource answers GET only.")
        return resources.activity(lrs, xapi())

    @bp.route("/agents", methods=ALLOWED_METHODS)
    def agents() -> ResponseReturnValue:
        if xapi().method not in ("GET", "HEAD"):
            return _error(405, "The Agents resource answers GET only.")
        return resources.person(lrs, xapi())

    return bp


def _error(status: int, message: str) -> Response:
    return Response(json.dumps({"error": message}), status=status, mimetype="application/json")
