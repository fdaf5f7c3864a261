"""The `more` links of statement queries (xAPI 1.0.3 Communication §2.1.3, StatementResult).

A token carries the whole query of the first page and the position reached, so that any process
can answer the next page. It is signed with the LRS's secret key: a client can neither edit one
nor bring one from another LRS, and whatever it sends instead is refused with 400. Each field is
checked again on the way in as well, so that a token from an older layout is refused too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from itsdangerous import BadData, URLSafeSerializer

from lrs.errors import BadRequest
from lrs.ops.query import StatementQuery

SALT = "lrs.statements.more"
REFUSED = "more: this is not a more link this LRS gave (send it as it came, alone)."
_OPTIONAL_TEXT = ("verb", "activity", "registration")
_FLAGS = ("related_activities", "related_agents", "ascending")
_POSITIONS = ("after_seq", "through_seq")
_MOMENTS = ("since", "until")
FIELDS = frozenset(("agent", "limit", "extra", *_OPTIONAL_TEXT, *_FLAGS, *_POSITIONS, *_MOMENTS))


class MoreLinks:
    """Tokens for the next page of a query, signed with `secret_key`."""

    def __init__(self, secret_key: str | bytes) -> None:
        self._serializer = URLSafeSerializer(secret_key, salt=SALT)

    def encode(self, statement_query: StatementQuery) -> str:
        state = asdict(statement_query)
        state.pop("credential_id")  # whoever follows the link reads as their own credential
        for name in _MOMENTS:
            if state[name] is not None:
                state[name] = state[name].isoformat()
        return self._serializer.dumps(state)

    def decode(self, token: str, credential_id: int | None) -> StatementQuery:
        """The query the token continues, for `credential_id`; 400 naming `more` otherwise."""
        try:
            state = self._serializer.loads(token)
        except BadData:
            raise BadRequest(REFUSED) from None
        if not isinstance(state, dict) or state.keys() != FIELDS:
            raise BadRequest(REFUSED)
        return StatementQuery(
            agent=_agent(state["agent"]),
            verb=_optional_text(state["verb"]),
            activity=_optional_text(state["activity"]),
            registration=_optional_text(state["registration"]),
            related_activities=_flag(state["related_activities"]),
            related_agents=_flag(state["related_agents"]),
            since=_moment(state["since"]),
            until=_moment(state["until"]),
            limit=_count(state["limit"]),
            ascending=_flag(state["ascending"]),
            credential_id=credential_id,
            after_seq=_position(state["after_seq"]),
            through_seq=_position(state["through_seq"]),
            extra=_extra(state["extra"]),
        )


def _agent(value: Any) -> dict[str, Any] | None:
    if value is None or isinstance(value, dict):
        return value
    raise BadRequest(REFUSED)


def _optional_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise BadRequest(REFUSED)


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise BadRequest(REFUSED)


def _count(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise BadRequest(REFUSED)


def _position(value: Any) -> int | None:
    return None if value is None else _count(value)


def _moment(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise BadRequest(REFUSED) from None
    if moment.tzinfo is None:
        raise BadRequest(REFUSED)
    return moment


def _extra(value: Any) -> tuple[str, ...]:
    if (
        isinstance(value, list)
        and len(value) == 2
        and value[0] in ("exact", "ids", "canonical")
        and value[1] in ("true", "false")
    ):
        return tuple(value)
    raise BadRequest(REFUSED)
