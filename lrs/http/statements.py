"""The Statement resource (xAPI Communication §2.1): PUT, POST, GET and HEAD."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from flask import Response, g, url_for

from lrs import spec
from lrs.api import LearningRecordStore
from lrs.errors import BadRequest, Forbidden
from lrs.http.attachments import check_attachments, multipart_response, read_statement_body
from lrs.http.context import XapiRequest, agent_param
from lrs.http.paging import MoreLinks
from lrs.ops import formats, query
from lrs.ops.query import MAX_PAGE, StatementQuery
from lrs.signatures import check_signatures

FILTERS = {
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
}
SINGLE = {"statementId", "voidedStatementId"}
SINGLE_EXTRAS = {"format", "attachments"}


# xAPI writes booleans `true` and `false`; TinCanPython sends Python's own `True` and `False`
# (str() of a bool), which mean nothing else, so they are understood too (docs/conformance.md).
BOOLEANS = {"true": True, "false": False, "True": True, "False": False}


def _bool(params: dict[str, str], name: str) -> bool:
    value = params.get(name, "false")
    if value not in BOOLEANS:
        raise BadRequest(f"{name}: must be true or false, not {value!r}.")
    return BOOLEANS[value]


def _json_response(document: Any, status: int = 200) -> Response:
    return Response(json.dumps(document), status=status, mimetype="application/json")


def put(lrs: LearningRecordStore, request: XapiRequest) -> Response:
    statement_id = request.params.get("statementId")
    if statement_id is None:
        raise BadRequest("statementId: PUT needs the statement's id as a parameter.")
    unknown = set(request.params) - {"statementId"}
    if unknown:
        raise BadRequest(f"{sorted(unknown)[0]}: not a parameter of PUT statements.")
    statement_id = spec.validate_uuid(statement_id, "statementId")
    payload, attachments = read_statement_body(request)
    if not isinstance(payload, dict):
        raise BadRequest("$: PUT takes one statement object.")
    if "id" in payload and str(payload["id"]).lower() != statement_id:
        raise BadRequest("$.id: differs from the statementId parameter.")
    payload = {**payload, "id": payload.get("id", statement_id)}
    _store(lrs, request, [payload], attachments)
    return Response(status=204)


def post(lrs: LearningRecordStore, request: XapiRequest) -> Response:
    if request.params:
        raise BadRequest(f"{sorted(request.params)[0]}: not a parameter of POST statements.")
    payload, attachments = read_statement_body(request)
    ids = _store(lrs, request, payload, attachments)
    return _json_response(ids)


def _store(
    lrs: LearningRecordStore, request: XapiRequest, payload: Any, attachments: dict
) -> list[str]:
    credential = request.credential
    if credential is None or not credential.can_write_statements():
        raise Forbidden("This credential may not write statements.")
    statements = spec.validate_statements(payload, request.version)
    _check_limits(request, statements)
    check_attachments(statements, attachments)
    check_signatures(statements, attachments)
    # Through the group commit, with the other clients' writes of the moment (lrs.api).
    recorded = lrs.record_statements(
        statements,
        credential,
        version=request.version,
        attachments=attachments,
        validated=True,
        join=False,
    )
    if recorded.newest_stored is not None:
        # Committed: every statement stored up to it is visible (no probe needed).
        g.consistent_through = recorded.newest_stored
    return recorded.ids


def _check_limits(request: XapiRequest, statements: list[dict[str, Any]]) -> None:
    """A credential issued for one agent and registration writes only about them."""
    credential = request.credential
    if credential is None:
        return
    for index, statement in enumerate(statements):
        if credential.agent is not None:
            from lrs.identifiers import ifi_of

            if ifi_of(statement.get("actor") or {}) != ifi_of(credential.agent):
                raise Forbidden(f"$[{index}].actor: this credential writes only for its own agent.")
        if credential.registration is not None:
            registration = (statement.get("context") or {}).get("registration", "")
            if str(registration).lower() != credential.registration:
                raise Forbidden(
                    f"$[{index}].context.registration: this credential writes only for "
                    f"registration {credential.registration}."
                )


def get(lrs: LearningRecordStore, request: XapiRequest, accept_language: str | None) -> Response:
    credential = request.credential
    if credential is None or not credential.can_read_own_statements():
        raise Forbidden("This credential may not read statements.")
    params = request.params
    unknown = set(params) - FILTERS - SINGLE - {"more"}
    if unknown:
        raise BadRequest(f"{sorted(unknown)[0]}: not a parameter of GET statements.")
    mine = None if credential.can_read_all_statements() else credential.id
    more_links = MoreLinks(lrs.secret_key)
    statement_query = None
    if not SINGLE & set(params):
        statement_query = _query_from(params, mine, request.version, more_links)
        if "more" in params and statement_query.extra:
            params = dict(zip(("format", "attachments"), statement_query.extra, strict=True))
    statement_format = params.get("format", "exact")
    if statement_format not in ("exact", "ids", "canonical"):
        raise BadRequest(f"format: must be exact, ids or canonical, not {statement_format!r}.")
    with_attachments = _bool(params, "attachments")

    with lrs.reading() as connection:
        if statement_query is None:
            document = _single(connection, params, mine)
            statements = [document]
        else:
            found = query.page(connection, statement_query)
            statements = found.statements
            more = ""
            if found.next_query is not None:
                more = url_for(".statements", more=more_links.encode(found.next_query))
            document = {"statements": statements, "more": more}
        shape = _shaper(connection, statement_format, accept_language)
        if "statements" in document:
            document["statements"] = [shape(s) for s in statements]
        else:
            document = shape(document)
        rows = query.attachments_for(connection, statements) if with_attachments else []

    if with_attachments:
        body, content_type = multipart_response(document, rows)
        response = Response(body, content_type=content_type)
    else:
        response = _json_response(document)
    if "statements" not in document:
        response.last_modified = _parse(document["stored"])
    return response


def _single(connection: Any, params: dict[str, str], mine: int | None) -> dict[str, Any]:
    if "statementId" in params and "voidedStatementId" in params:
        raise BadRequest("statementId and voidedStatementId cannot be asked for together.")
    extra = set(params) - SINGLE - SINGLE_EXTRAS
    if extra:
        raise BadRequest(f"{sorted(extra)[0]}: not allowed with statementId or voidedStatementId.")
    name = "statementId" if "statementId" in params else "voidedStatementId"
    statement_id = spec.validate_uuid(params[name], name)
    statement = query.get_one(connection, statement_id, voided=name == "voidedStatementId")
    if mine is not None and not query.sent_with(connection, statement_id, mine):
        raise Forbidden("This credential reads only the statements it sent.")
    return statement


def _query_from(
    params: dict[str, str], mine: int | None, version: str, more_links: MoreLinks
) -> StatementQuery:
    if "more" in params:
        if len(params) > 1:
            raise BadRequest("more: send it alone, as the more link gives it.")
        return more_links.decode(params["more"], mine)
    agent = None
    if "agent" in params:
        agent = agent_param(params, version, groups=True)
    limit_text = params.get("limit", "0")
    if not (limit_text.isascii() and limit_text.isdigit()):
        raise BadRequest(f"limit: must be a whole number of 0 or more, not {limit_text!r}.")
    if "verb" in params:
        spec.validate_iri(params["verb"], "verb")
    if "activity" in params:
        spec.validate_iri(params["activity"], "activity")
    return StatementQuery(
        agent=agent,
        verb=params.get("verb"),
        activity=params.get("activity"),
        registration=spec.validate_uuid(params["registration"], "registration")
        if "registration" in params
        else None,
        related_activities=_bool(params, "related_activities"),
        related_agents=_bool(params, "related_agents"),
        since=spec.parse_timestamp(params["since"], "since", version)
        if "since" in params
        else None,
        until=spec.parse_timestamp(params["until"], "until", version)
        if "until" in params
        else None,
        limit=_limit(limit_text),
        ascending=_bool(params, "ascending"),
        credential_id=mine,
        extra=(params.get("format", "exact"), params.get("attachments", "false")),
    )


def _shaper(connection: Any, statement_format: str, accept_language: str | None) -> Any:
    if statement_format == "ids":
        return formats.as_ids
    if statement_format == "canonical":
        return formats.Canonical(connection, accept_language).statement
    return lambda statement: statement


def _limit(text: str) -> int:
    """The page size asked for; any larger than the LRS's page is its page (0 is too), however
    many digits it has (Python refuses to read an int of more than 4,300)."""
    digits = text.lstrip("0")
    return int(digits or 0) if len(digits) <= len(str(MAX_PAGE)) else MAX_PAGE


def _parse(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
