"""The LRS's Python API: what lms/ uses, and nothing else does.

Record statements on behalf of a credential, query them with the HTTP filters, read every
statement in stored order from a cursor, and hear about statements once they are committed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.engine import Connection, Engine

from lrs import credentials
from lrs.backend.engine import WRITE, prepare_engine
from lrs.credentials import Credential
from lrs.ops import command, query
from lrs.ops.command import Attachment
from lrs.ops.query import StatementPage, StatementQuery

log = logging.getLogger(__name__)
Listener = Callable[[list[int]], None]


class LearningRecordStore:
    """One LRS over one database engine (given, or produced on demand by `engine_source`)."""

    def __init__(
        self,
        engine_source: Engine | Callable[[], Engine],
        base_url: str,
        *,
        unversioned_reply: str = "2.0.0",
    ) -> None:
        self._engine_source = engine_source
        self.base_url = base_url.rstrip("/")
        # The X-Experience-API-Version sent back to a request that named no (valid) version.
        self.unversioned_reply = unversioned_reply
        self._listeners: list[Listener] = []

    @property
    def engine(self) -> Engine:
        source = self._engine_source
        engine = source if isinstance(source, Engine) else source()
        return prepare_engine(engine)

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A write transaction: statements are numbered in the order they commit."""
        with self.engine.connect() as connection:
            connection.execution_options(**WRITE)
            with connection.begin():
                yield connection

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            yield connection

    def on_committed(self, listener: Listener) -> None:
        """Call `listener(seqs)` after statements are committed (never inside the transaction)."""
        self._listeners.append(listener)

    def notify(self, seqs: list[int]) -> None:
        for listener in self._listeners:
            try:
                listener(seqs)
            except Exception:  # a listener's failure never undoes what was stored
                log.exception("LRS listener failed after statements %s were stored", seqs)

    def record(
        self,
        statements: list[dict[str, Any]],
        credential: Credential,
        *,
        version: str = "2.0.0",
        attachments: dict[str, Attachment] | None = None,
        validated: bool = False,
    ) -> list[str]:
        """Validate and store statements as sent with `credential`; returns their ids."""
        if not validated:
            from lrs import spec

            statements = spec.validate_statements(statements, version)
        with self.writing() as connection:
            result = command.store(
                connection,
                statements,
                authority=credentials.authority_for(credential, self.base_url),
                credential_id=credential.id,
                version=version,
                attachments=attachments,
            )
        if result.stored_seqs:
            self.notify(result.stored_seqs)
        return result.ids

    def get(self, statement_id: str, *, voided: bool = False) -> dict[str, Any]:
        with self.reading() as connection:
            return query.get_one(connection, statement_id, voided=voided)

    def query(self, statement_query: StatementQuery) -> StatementPage:
        with self.reading() as connection:
            return query.page(connection, statement_query)

    def read_from(self, cursor: int, batch: int = 500) -> Iterator[tuple[int, dict[str, Any]]]:
        """(seq, statement) for every statement after `cursor`, in stored order, voided and
        voiding ones included; the connection is held only while the caller iterates."""
        with self.engine.connect() as connection:
            yield from query.stream(connection, cursor, batch)

    def newest_seq(self) -> int:
        with self.reading() as connection:
            return query.newest_seq(connection)

    def create_credential(
        self, name: str, scopes: list[str], **limits: Any
    ) -> tuple[Credential, str]:
        with self.writing() as connection:
            return credentials.create(connection, name, scopes, **limits)

    def system_credential(self, key: str, name: str) -> Credential:
        """The credential a system (the portal) records its own statements with; made on
        first use, the same in every process."""
        with self.reading() as connection:
            found = credentials.by_key(connection, key)
        if found is not None:
            return found
        with self.writing() as connection:
            return credentials.system(connection, key, name)

    def authenticate(self, key: str, secret: str) -> Credential | None:
        with self.reading() as connection:
            return credentials.authenticate(connection, key, secret)

    def with_connection(self, work: Callable[[Connection], Any], *, write: bool = False) -> Any:
        """Run `work(connection)` in one transaction (the HTTP layer's documents use this)."""
        with self.writing() if write else self.reading() as connection:
            return work(connection)
