"""The LRS's Python API: what lms/ uses, and nothing else does.

Record statements on behalf of a credential, query them with the HTTP filters, read every
statement in stored order from a cursor, and hear about statements once they are committed.
Read and write documents. Two extension points let the application add rules of its own
without the LRS knowing them: a statement check sees every write inside its transaction, a
request check sees every authenticated HTTP request before its resource answers.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Protocol

from sqlalchemy.engine import Connection, Engine

from lrs import credentials
from lrs.backend.engine import WRITE, no_writer_now, prepare_engine, take_write_lock
from lrs.backend.group_commit import GroupCommit
from lrs.credentials import Credential, IssuedCredential
from lrs.identifiers import activity_key, agent_key
from lrs.ops import command, documents, query
from lrs.ops.command import Attachment
from lrs.ops.documents import Document, Preconditions, Scope
from lrs.ops.query import StatementPage, StatementQuery

log = logging.getLogger(__name__)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
Listener = Callable[[list[int]], None]


@dataclass
class StatementWrite:
    """Statements about to be stored, as a statement check sees them.

    The check runs inside the write transaction, after the write lock is taken, so checks are
    serialised with every other statement write: what a check reads is what the writes before
    it left, and what it writes on `connection` commits with the statements or not at all.
    """

    credential: Credential
    # Validated and as sent (an id only if the sender gave one); not those already stored, so
    # a retried statement is not judged twice.
    statements: list[dict[str, Any]]
    connection: Connection
    followers: list[tuple[list[dict[str, Any]], Credential]] = field(default_factory=list)

    def record_after(self, statements: list[dict[str, Any]], credential: Credential) -> None:
        """Store these too, right after, in the same transaction; they pass the checks too."""
        from lrs import spec

        spec.check_storable(statements)
        self.followers.append((spec.validate_statements(statements, "2.0.0"), credential))

    def system_credential(self, key: str, name: str) -> Credential:
        """`LearningRecordStore.system_credential`, on this transaction's connection."""
        return credentials.system(self.connection, key, name)


@dataclass
class Recorded:
    """What a statement write stored: the ids of the statements sent, the sequence numbers of
    those newly stored (followers included), and the `stored` time of the newest of them (None
    if every statement was held already). Once it is committed, every statement stored up to
    that time is visible: the writer took its times after the write lock."""

    ids: list[str]
    seqs: list[int] = field(default_factory=list)
    newest_stored: dt.datetime | None = None


@dataclass(frozen=True)
class ResourceRequest:
    """An authenticated HTTP request, as a request check sees it before its resource answers."""

    credential: Credential
    # statements, state, activity_profile, agent_profile, activities or agents
    resource: str
    method: str
    params: Mapping[str, str]


class Transaction(Protocol):
    """An application's transaction the LRS joins instead of opening its own (the LMS's unit of
    work): what the LRS writes then commits with the application's rows, or not at all.

    `writing` and `reading` each hold one LRS operation, in a SAVEPOINT of the transaction, so a
    refused operation undoes only itself, as its own transaction would have; `writing` has the
    database's write lock before it yields. `after_commit` runs a callback once the whole
    transaction is committed (never if it is rolled back): listeners hear of statements then.
    """

    def writing(self) -> AbstractContextManager[Connection]: ...

    def reading(self) -> AbstractContextManager[Connection]: ...

    def after_commit(self, callback: Callable[[], None]) -> None: ...


# Raise an lrs.errors.LRSError (Forbidden, say) to refuse the statements or the request.
StatementCheck = Callable[[StatementWrite], None]
RequestCheck = Callable[[ResourceRequest], None]
# The scopes a credential may be given (`create_credential`).
CREDENTIAL_SCOPES = credentials.SCOPES
DOCUMENT_KINDS = (documents.STATE, documents.ACTIVITY_PROFILE, documents.AGENT_PROFILE)


def create_schema(engine: Engine) -> None:
    """Make the LRS's tables on a database that no migration history builds (a throwaway
    store of the application's own, such as a preview store); those already there are kept."""
    from lrs.backend.schema import metadata

    metadata.create_all(engine)


class LearningRecordStore:
    """One LRS over one database engine (given, or produced on demand by `engine_source`).

    `secret_key` signs what the LRS hands out and must get back unchanged (the `more` links of
    statement queries). Every process of one deployment needs the same key; without one, each
    store makes its own random key, so its links are good only in the process that gave them.

    `joined`, if given, returns the application's transaction that LRS operations join at that
    moment (or None: the LRS opens its own). Streams (`read_from`, `read_about`) always read
    what is committed, on a connection of their own.
    """

    def __init__(
        self,
        engine_source: Engine | Callable[[], Engine],
        base_url: str,
        *,
        unversioned_reply: str = "2.0.0",
        secret_key: str | bytes | None = None,
        joined: Callable[[], Transaction | None] | None = None,
    ) -> None:
        self._engine_source = engine_source
        self._joined = joined
        self.base_url = base_url.rstrip("/")
        # The X-Experience-API-Version sent back to a request that named no (valid) version.
        self.unversioned_reply = unversioned_reply
        self.secret_key = secret_key or secrets.token_bytes(32)
        self._listeners: list[Listener] = []
        self._statement_checks: list[StatementCheck] = []
        self._request_checks: list[RequestCheck] = []
        # This process's group commit of statement writes (its counters tell how it groups).
        self.group_commit = GroupCommit(self._write_transaction, self._notify_group)

    @property
    def engine(self) -> Engine:
        source = self._engine_source
        engine = source if isinstance(source, Engine) else source()
        return prepare_engine(engine)

    def joined_transaction(self) -> Transaction | None:
        return self._joined() if self._joined is not None else None

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A write transaction (or a write in the joined one): statements are numbered in the
        order they commit."""
        joined = self.joined_transaction()
        if joined is not None:
            with joined.writing() as connection:
                yield connection
            return
        with self.engine.connect() as connection:
            connection.execution_options(**WRITE)
            with connection.begin():
                yield connection

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        joined = self.joined_transaction()
        if joined is not None:
            with joined.reading() as connection:
                yield connection
            return
        with self.engine.begin() as connection:
            yield connection

    def on_committed(self, listener: Listener) -> None:
        """Call `listener(seqs)` after statements are committed (never inside the transaction)."""
        self._listeners.append(listener)

    def add_statement_check(self, check: StatementCheck) -> None:
        """Call `check(write)` before statements are stored, inside their transaction."""
        if check not in self._statement_checks:
            self._statement_checks.append(check)

    def add_request_check(self, check: RequestCheck) -> None:
        """Call `check(request)` for every authenticated HTTP request before it is answered."""
        if check not in self._request_checks:
            self._request_checks.append(check)

    def check_request(self, request: ResourceRequest) -> None:
        for check in self._request_checks:
            check(request)

    def notify(self, seqs: list[int]) -> None:
        for listener in self._listeners:
            try:
                listener(seqs)
            except Exception:  # a listener's failure never undoes what was stored
                log.exception("LRS listener failed after statements %s were stored", seqs)

    def record(
        self, statements: list[dict[str, Any]], credential: Credential, **options: Any
    ) -> list[str]:
        """Validate and store statements as sent with `credential`; returns their ids once they
        are committed (`record_statements`, whose options these are)."""
        return self.record_statements(statements, credential, **options).ids

    def record_statements(
        self,
        statements: list[dict[str, Any]],
        credential: Credential,
        *,
        version: str = "2.0.0",
        attachments: dict[str, Attachment] | None = None,
        validated: bool = False,
        join: bool = True,
    ) -> Recorded:
        """Validate and store statements as sent with `credential`, once committed: their
        ids, the sequence numbers stored, and the `stored` time of the newest (`Recorded`).

        In the application's transaction if there is one (and `join`), committed with it;
        otherwise through the group commit (lrs.backend.group_commit): in one transaction with
        the other writes of the moment, each in a SAVEPOINT of its own. The HTTP resource
        passes `join=False`: a client's statements are the LRS's own business, whatever request
        of the application carries them."""
        if not validated:
            from lrs import spec

            spec.check_storable(statements)
            statements = spec.validate_statements(statements, version)

        joined = self.joined_transaction() if join else None
        if joined is None:
            return self.group_commit.run(
                lambda connection: self._store(
                    connection, statements, credential, version, attachments, locked=True
                ),
                len(statements),
            )
        with joined.writing() as connection:
            recorded = self._store(connection, statements, credential, version, attachments)
        seqs = recorded.seqs
        if seqs:
            joined.after_commit(lambda: self.notify(seqs))
        return recorded

    @contextmanager
    def _write_transaction(self) -> Iterator[Connection]:
        """A transaction of the LRS's own with the write lock taken, committed on leaving."""
        with self.engine.connect() as connection:
            connection.execution_options(**WRITE)
            with connection.begin():
                take_write_lock(connection)
                yield connection

    def _notify_group(self, results: list[Recorded]) -> None:
        seqs = [seq for recorded in results for seq in recorded.seqs]
        if seqs:
            self.notify(seqs)

    def _store(
        self,
        connection: Connection,
        statements: list[dict[str, Any]],
        credential: Credential,
        version: str,
        attachments: dict[str, Attachment] | None,
        *,
        locked: bool = False,
    ) -> Recorded:
        """Store validated statements under the write lock (taken here unless `locked`): the
        checks first, then the statements and the followers the checks asked for."""
        if not locked:
            take_write_lock(connection)
        recorded = Recorded(ids=[])
        pending = [(statements, credential, version, attachments)]
        first = True
        while pending:
            batch, author, batch_version, batch_attachments = pending.pop(0)
            if self._statement_checks:
                write = StatementWrite(
                    author, command.not_yet_stored(connection, batch), connection
                )
                for check in self._statement_checks:
                    check(write)
                pending.extend((s, c, "2.0.0", None) for s, c in write.followers)
            result = command.store(
                connection,
                batch,
                authority=credentials.authority_for(author, self.base_url),
                credential_id=author.id,
                version=batch_version,
                attachments=batch_attachments,
                voids_only_own=author.agent is not None,
            )
            recorded.seqs.extend(result.stored_seqs)
            recorded.newest_stored = result.newest_stored or recorded.newest_stored
            if first:
                recorded.ids, first = result.ids, False
        return recorded

    def record_many(
        self,
        statements: Iterable[dict[str, Any]],
        credential: Credential,
        *,
        batch: int = 1000,
        version: str = "2.0.0",
    ) -> int:
        """The bulk path: store statements from any iterable (a generator of millions holds
        `batch` of them at a time), each batch validated and stored by `record`, in a
        transaction of its own: statement checks see it, listeners hear of it once it is
        committed. Returns how many statements the LRS accepted (one already held, identical,
        counts once and is not stored again).

        A batch that is refused (an invalid statement, a conflict, a check's refusal) raises the
        LRS's error and stores nothing of itself; an invalid statement is named by its index in
        the whole iterable (`$[123456].actor`), any other refusal by the range of the batch.
        The batches before it stay stored: they are committed already. Never inside the
        application's transaction (a unit of work), which one commit could not keep bounded.
        """
        from lrs import spec
        from lrs.errors import LRSError

        if batch < 1:
            raise ValueError(f"batch: at least 1, not {batch}")
        if self.joined_transaction() is not None:
            raise RuntimeError(
                "record_many commits each batch itself: call it outside a unit of work"
            )
        source = iter(statements)
        accepted = 0
        while chunk := list(islice(source, batch)):
            try:
                spec.check_storable(chunk)
                spec.validate_statements(chunk, version)
            except spec.ValidationError as error:
                raise _shifted(error, accepted) from None
            try:
                stored = self.record(chunk, credential, version=version, validated=True)
            except LRSError as error:
                last = accepted + len(chunk) - 1
                raise type(error)(f"Statements $[{accepted}]–$[{last}]: {error.message}") from None
            accepted += len(stored)
        return accepted

    def get(self, statement_id: str, *, voided: bool = False) -> dict[str, Any]:
        with self.reading() as connection:
            return query.get_one(connection, statement_id, voided=voided)

    def query(self, statement_query: StatementQuery) -> StatementPage:
        with self.reading() as connection:
            return query.page(connection, statement_query)

    def read_from(
        self,
        cursor: int,
        batch: int = 500,
        *,
        verbs: tuple[str, ...] | None = None,
        until: int | None = None,
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        """(seq, statement) for every statement after `cursor` (up to `until`), in stored
        order, voided and voiding ones included, only those with one of `verbs` if given; the
        connection is held only while the caller iterates."""
        with self.engine.connect() as connection:
            yield from query.stream(connection, cursor, batch, verbs=verbs, until_seq=until)

    def read_about(
        self, activity_ids: list[str], verbs: tuple[str, ...], batch: int = 500
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        """(seq, statement) for the statements about these activities (as their object) with
        one of `verbs`, voided ones left out, in stored order; the connection is held only while
        the caller iterates."""
        with self.engine.connect() as connection:
            yield from query.about_activities(connection, activity_ids, verbs, batch)

    def consistent_through(self) -> dt.datetime:
        """The time up to which every statement stored is visible from now on (the value of
        X-Experience-API-Consistent-Through), on a connection of its own: ask it before a
        query's first read, and the query sees every statement stored up to it.

        Now, when no write holds the write lock (one that takes it later takes later `stored`
        times); while one does, the `stored` time of the newest statement committed (the
        writer took its times after that commit), or the Unix epoch if there is none."""
        moment = dt.datetime.now(dt.UTC)
        with self.engine.connect() as connection:
            if no_writer_now(connection):
                return moment
            with connection.begin():
                return query.newest_stored(connection) or EPOCH

    def newest_seq(self) -> int:
        with self.reading() as connection:
            return query.newest_seq(connection)

    def create_credential(
        self, name: str, scopes: list[str], **limits: Any
    ) -> tuple[Credential, str]:
        with self.writing() as connection:
            return credentials.create(connection, name, scopes, **limits)

    def list_credentials(self) -> list[IssuedCredential]:
        """Every credential, oldest first, revoked and expired ones included; never a secret."""
        with self.reading() as connection:
            return credentials.list_issued(connection)

    def revoke_credential(self, key: str) -> None:
        """End the active credential with this key at once: its key and secret stop working.
        Raises lrs.errors.NoSuchCredential if no active credential has this key."""
        with self.writing() as connection:
            credentials.revoke(connection, key)

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

    def put_document(
        self,
        kind: str,
        document_id: str,
        content: bytes,
        *,
        content_type: str = documents.JSON,
        activity_id: str | None = None,
        agent: dict[str, Any] | None = None,
        registration: str | None = None,
    ) -> None:
        """Create or replace a document (`kind` is state, activity_profile or agent_profile),
        whatever is held: the application writing its own documents needs no precondition."""
        scope = _scope(kind, activity_id, agent, registration)
        with self.writing() as connection:
            documents.put(connection, scope, document_id, content_type, content, Preconditions())

    def get_document(
        self,
        kind: str,
        document_id: str,
        *,
        activity_id: str | None = None,
        agent: dict[str, Any] | None = None,
        registration: str | None = None,
    ) -> Document | None:
        scope = _scope(kind, activity_id, agent, registration)
        with self.reading() as connection:
            return documents.get(connection, scope, document_id)

    def with_connection(self, work: Callable[[Connection], Any], *, write: bool = False) -> Any:
        """Run `work(connection)` in one transaction (the HTTP layer's documents use this)."""
        with self.writing() if write else self.reading() as connection:
            return work(connection)


def _scope(
    kind: str, activity_id: str | None, agent: dict[str, Any] | None, registration: str | None
) -> Scope:
    if kind not in DOCUMENT_KINDS:
        raise ValueError(f"kind: one of {', '.join(DOCUMENT_KINDS)}, not {kind!r}")
    return Scope(
        kind,
        activity_key(activity_id) if activity_id else "",
        (agent_key(agent) or "") if agent else "",
        registration.lower() if registration else "",
    )


_INDEX = re.compile(r"\$\[(\d+)\]")


def _shifted(error: Any, offset: int) -> Exception:
    """A batch's validation error (an lrs.spec.ValidationError), its statements' indexes counted
    from the start of the whole load (`record_many`)."""
    from lrs import spec

    def shift(text: str) -> str:
        return _INDEX.sub(lambda found: f"$[{int(found.group(1)) + offset}]", text)

    return spec.ValidationError(shift(error.path), shift(error.message))
