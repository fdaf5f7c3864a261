"""The web upload queue: the upload streamed to disk, the import run off the request thread.

An upload becomes a `PackageImport` row, and a worker thread of the process that received it
runs the import (lms.packages.pipeline), writing its progress to the row: every process can then
say how it is going. A worker that stops (the process killed, the machine restarted) leaves a
row whose heartbeat goes stale; the next worker that looks takes it over, clears what the
stopped one stored, and starts it again.

The worker's units of work (docs/architecture.md, "The transaction contract"), each one
`unit_of_work.job()`: claiming an import (so that its "running" shows before the long work
starts); the import itself, whose version is recorded and the import marked done in that one
unit, both or neither; marking it failed, saying why. Its progress is written beside them, on a
connection of its own (`_heartbeat`).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from flask import Flask
from sqlalchemy import ColumnElement, and_, or_, select, update

from lms import unit_of_work
from lms.accounts.models import Person
from lms.db import db, utcnow
from lms.packages.interfaces import (
    ImportNotFound,
    ImportTakenOver,
    NoRoomForUpload,
    PackageRejected,
    UploadRefused,
    UploadTooLarge,
)
from lms.packages.models import PackageImport, PackageVersion, attempt_content_prefix
from lms.packages.pipeline import import_package

log = logging.getLogger(__name__)

UPLOAD_CHUNK_BYTES = 1024 * 1024
ACCEPTED_SUFFIXES = (".zip", ".xml")
# A worker reports at least this often while it works; one silent for STALE_AFTER has stopped.
HEARTBEAT_SECONDS = 0.5
STALE_AFTER = dt.timedelta(minutes=2)
MAX_ATTEMPTS = 3
# Room the disk must keep beside an upload: the unpacked copy needs about as much again.
FREE_SPACE_FACTOR = 2
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


def upload_folder(instance_path: str | Path) -> Path:
    return Path(instance_path) / "imports" / "uploads"


def work_folder(instance_path: str | Path) -> Path:
    return Path(instance_path) / "imports"


def checked_file_name(raw: str) -> str:
    """The uploaded file's own name (browsers may send a path), a zip or a cmi5.xml."""
    name = PurePosixPath(raw.replace("\\", "/")).name.strip()
    if not name or "\x00" in name:
        raise UploadRefused("Choose a package file (a .zip, or a cmi5.xml) to import.")
    if len(name) > 255:
        raise UploadRefused("The package file's name is longer than 255 characters.")
    if not name.lower().endswith(ACCEPTED_SUFFIXES):
        raise UploadRefused(
            f"{name}: a package is a .zip file (SCORM, cmi5 or Tin Can) or a bare cmi5.xml."
        )
    return name


def receive_upload(
    stream: IO[bytes],
    *,
    file_name: str,
    declared_length: int | None,
    person: Person,
    folder: Path,
    limit: int,
) -> PackageImport:
    """Copy the upload to `folder` in chunks (never all of it in memory) and queue its import
    (the row added to the unit of work; `start_worker_after_commit` has it run once committed).

    `declared_length` is the request's Content-Length for a raw upload (the copy must match
    it), None when the size is only known at the end (a form's file part)."""
    from werkzeug.exceptions import ClientDisconnected

    name = checked_file_name(file_name)
    if declared_length is not None and declared_length > limit:
        raise UploadTooLarge(
            f"{name} is {human_size(declared_length)}; "
            f"the largest package accepted is {human_size(limit)}."
        )
    folder.mkdir(parents=True, exist_ok=True)
    needed = (declared_length or 0) * FREE_SPACE_FACTOR
    if needed and shutil.disk_usage(folder).free < needed:
        raise NoRoomForUpload(
            f"The server has too little free disk space to import {name} "
            f"({human_size(declared_length or 0)}); nothing was kept."
        )
    token = uuid.uuid4().hex
    suffix = PurePosixPath(name).suffix.lower()
    partial = folder / f"{token}.part"
    received = 0
    try:
        with partial.open("wb") as target:
            while chunk := stream.read(UPLOAD_CHUNK_BYTES):
                received += len(chunk)
                if received > limit:
                    raise UploadTooLarge(
                        f"{name} is larger than {human_size(limit)}, the largest package accepted."
                    )
                target.write(chunk)
        if declared_length is not None and received != declared_length:
            raise UploadRefused(
                f"The upload of {name} stopped after {human_size(received)} of "
                f"{human_size(declared_length)}; nothing was kept. Please send it again."
            )
        if received == 0:
            raise UploadRefused(f"{name} is empty.")
        os.replace(partial, folder / f"{token}{suffix}")
    except ClientDisconnected:
        partial.unlink(missing_ok=True)
        raise UploadRefused(
            f"The upload of {name} stopped after {human_size(received)}; nothing was kept."
        ) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    job = PackageImport(
        token=token,
        requested_by_id=person.id,
        file_name=name,
        size=received,
        upload_name=f"{token}{suffix}",
        status=QUEUED,
        stage=QUEUED,
    )
    db.session.add(job)
    try:
        db.session.flush()
    except BaseException:
        (folder / f"{token}{suffix}").unlink(missing_ok=True)
        raise
    return job


def get_import(import_id: int) -> PackageImport:
    job = db.session.get(PackageImport, import_id)
    if job is None:
        raise ImportNotFound("No such import.", "import_id")
    return job


def recent_imports(limit: int = 20) -> list[PackageImport]:
    return list(
        db.session.scalars(select(PackageImport).order_by(PackageImport.id.desc()).limit(limit))
    )


def is_stalled(job: PackageImport, now: dt.datetime | None = None) -> bool:
    """Queued, or running without a heartbeat for a while: a worker should take it."""
    now = now or utcnow()
    if job.status == QUEUED:
        return True
    return job.status == RUNNING and (
        job.heartbeat_at is None or job.heartbeat_at < now - STALE_AFTER
    )


# --- The worker ----------------------------------------------------------------------------

_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="package-import")
# One run waiting to start is enough: it will see every import queued before it starts.
_waiting = threading.Semaphore(1)


def start_worker_after_commit(app: Flask) -> None:
    """Start the worker once the current unit of work is committed (the queued import is then
    there for it to see); not at all if the unit is rolled back."""
    # The unit of work's after-commit list, the one the LRS's listeners use (lms/unit_of_work.py).
    unit_of_work.after_commit(lambda: start_worker(app))


def start_worker(app: Flask) -> None:
    """Have this process's worker thread run the imports waiting for one (returns at once)."""
    if not _waiting.acquire(blocking=False):
        return  # a run is already asked for: it will see the new import too

    def run() -> None:
        _waiting.release()
        with app.app_context():
            process_queue(app)

    _executor.submit(run)


def process_queue(app: Flask) -> int:
    """Run every import that waits for a worker and whose upload this machine holds; returns
    how many it ran."""
    ran = 0
    try:
        while (job := _claim_next(upload_folder(app.instance_path))) is not None:
            _run(app, job)
            ran += 1
    finally:
        db.session.remove()
    return ran


def _stalled_condition(now: dt.datetime) -> ColumnElement[bool]:
    return or_(
        PackageImport.status == QUEUED,
        and_(
            PackageImport.status == RUNNING,
            or_(
                PackageImport.heartbeat_at.is_(None),
                PackageImport.heartbeat_at < now - STALE_AFTER,
            ),
        ),
    )


@dataclass(frozen=True)
class Claim:
    """An import a worker took, and which of its attempts this is (the worker owns the import
    while the row still shows this attempt)."""

    import_id: int
    attempt: int
    file_name: str
    upload_name: str
    token: str

    def content_prefix(self, attempt: int | None = None) -> str:
        return attempt_content_prefix(self.token, attempt or self.attempt)


def _claim_next(folder: Path) -> Claim | None:
    """Take one waiting import, atomically: of several workers, exactly one gets it."""
    now = utcnow()
    with unit_of_work.job():
        candidates = db.session.execute(
            select(PackageImport.id, PackageImport.upload_name)
            .where(_stalled_condition(now))
            .order_by(PackageImport.id)
            .limit(20)
        ).all()
    for import_id, upload_name in candidates:
        if not (folder / upload_name).exists():
            continue  # uploaded to another machine: its worker runs it
        # A unit of its own: the import shows as running before its long work starts.
        with unit_of_work.job():
            claimed = db.session.execute(
                update(PackageImport)
                .where(PackageImport.id == import_id, _stalled_condition(now))
                .values(
                    status=RUNNING,
                    heartbeat_at=now,
                    attempts=PackageImport.attempts + 1,
                    stage="starting",
                    done_bytes=0,
                    total_bytes=0,
                )
            )
            job = db.session.get(PackageImport, import_id) if claimed.rowcount == 1 else None
            claim = (
                Claim(job.id, job.attempts, job.file_name, job.upload_name, job.token)
                if job is not None
                else None
            )
        if claim is not None:
            return claim
    return None


def _owned(job_id: int, attempt: int) -> ColumnElement[bool]:
    return and_(
        PackageImport.id == job_id,
        PackageImport.status == RUNNING,
        PackageImport.attempts == attempt,
    )


def _heartbeat(job_id: int, attempt: int) -> Callable[[str, int, int], None]:
    """The import's progress callback: writes the stage and bytes to the row, at most every
    HEARTBEAT_SECONDS, on a connection of its own, each report committed at once.

    Not a `unit_of_work.job()`, on purpose: the progress must be visible to the polling page
    while the import's own unit is still open (its version not yet recorded), and S3 transfers
    report from threads of their own, which have no app context (nor session) to open a unit
    in. It writes nothing but the progress of the row this attempt owns."""
    last = 0.0
    lock = threading.Lock()  # S3 transfers report from threads of their own,
    engine = db.engine  # which have no app context to find the engine in

    def report(stage: str, done: int, total: int) -> None:
        nonlocal last
        with lock:
            now = time.monotonic()
            if now - last < HEARTBEAT_SECONDS and done < total:
                return
            last = now
            with engine.begin() as connection:
                written = connection.execute(
                    update(PackageImport)
                    .where(_owned(job_id, attempt))
                    .values(stage=stage, done_bytes=done, total_bytes=total, heartbeat_at=utcnow())
                )
            if written.rowcount != 1:
                raise ImportTakenOver(job_id)

    return report


def _run(app: Flask, job: Claim) -> None:
    job_id, attempt = job.import_id, job.attempt
    upload = upload_folder(app.instance_path) / job.upload_name
    store = app.extensions["content_store"]

    def mark_done(version: PackageVersion) -> None:
        # In the transaction that records the version: both happen, or neither.
        marked = db.session.execute(
            update(PackageImport)
            .where(_owned(job_id, attempt))
            .values(
                status=DONE,
                stage="recorded",
                package_version_id=version.id,
                finished_at=utcnow(),
                message=f"Imported as version {version.version} of the course.",
            )
        )
        if marked.rowcount != 1:
            raise ImportTakenOver(job_id)

    try:
        for stopped in range(1, attempt):
            store.delete_prefix(job.content_prefix(stopped))  # what stopped attempts stored
        if attempt > MAX_ATTEMPTS:
            raise PackageRejected(
                f"{job.file_name}: the import stopped {MAX_ATTEMPTS} times before it finished; "
                "nothing was recorded. Check the server's log, then send the package again."
            )
        # One unit: the version recorded and the import marked done, both or neither.
        with unit_of_work.job():
            import_package(
                upload,
                store,
                work_folder(app.instance_path),
                progress=_heartbeat(job_id, attempt),
                content_prefix=job.content_prefix(),
                on_recorded=mark_done,
                file_name=job.file_name,
            )
    except ImportTakenOver:
        log.warning("package import %s was taken over by another worker", job_id)
        return  # the other worker owns the upload and the stored files now
    except PackageRejected as error:
        owner = _fail(job_id, attempt, error.message)
    except Exception as error:
        log.exception("package import %s failed", job_id)
        # Stored, then not committed (the unit's commit failed): the files go too.
        store.delete_prefix(job.content_prefix())
        owner = _fail(
            job_id,
            attempt,
            f"{job.file_name}: the import failed ({type(error).__name__}: {error}); "
            "nothing was recorded. Please try again.",
        )
    else:
        owner = True
    if owner:
        upload.unlink(missing_ok=True)


def _fail(job_id: int, attempt: int, message: str) -> bool:
    """Mark the import failed, saying why (a unit of its own, after the import's was rolled
    back); False if it was no longer this attempt's to mark."""
    with unit_of_work.job():
        failed = db.session.execute(
            update(PackageImport)
            .where(_owned(job_id, attempt))
            .values(status=FAILED, message=message, finished_at=utcnow())
        )
    return failed.rowcount == 1


def human_size(count: int) -> str:
    """1234567 -> '1.2 MB' (decimal units, as browsers and file managers show them)."""
    if count < 1000:
        return f"{count} bytes"
    value = float(count)
    for unit in ("KB", "MB", "GB"):
        value /= 1000
        if value < 1000:
            return f"{value:.1f} {unit}"
    return f"{value / 1000:.1f} TB"
