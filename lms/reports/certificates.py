"""Completion certificates: one per CPT entry's statement, with a verification code anyone can
check at /verify/<code>, rendered as a PDF (fpdf2, a Unicode TTF font, a QR code of the URL).

- The code is 15 bytes from `secrets` (120 bits) in base32, grouped by four for reading; it is
  never derived from the person or the entry, so it cannot be guessed from them.
- A certificate is issued once per statement (get-or-create by statement_id, the unique
  constraint settling two simultaneous requests in a SAVEPOINT), and copies what it certifies
  (name, POST-ID, agency, course, number, date, hours) at issue: the PDF and the verify page
  show what was certified, whatever changes later.
- Its standing is asked of the LRS: a voided statement revokes it (recorded in revoked_at the
  first time it is seen); a completion no longer on the holder's Training Profile for another
  reason (its course re-judged, the statement unknown) makes it "not valid" while that lasts.
- A course's certificates for a date range come as one zip of at most ZIP_LIMIT PDFs, written
  to a temporary file.

docs/certificates.md is the page for people.
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import hashlib
import io
import logging
import os
import re
import secrets
import tempfile
import threading
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO

import segno
from flask import current_app
from fpdf import FPDF
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from lms.accounts.models import Agency, Person
from lms.catalog.models import Course
from lms.db import db, utcnow
from lms.reports.interfaces import BadReportFilter, ReportNotFound
from lms.reports.models import Certificate
from lms.training.models import CptEntry
from lms.training.services import agency_for_compliance, format_hours
from lms.unit_of_work import writing_savepoint
from lrs.errors import NotFound as StatementNotFound

log = logging.getLogger(__name__)
# fpdf2 subsets the font for every PDF and fontTools logs each step of it at INFO: a page of log
# lines per certificate, and half of the time it takes to make one.
logging.getLogger("fontTools").setLevel(logging.WARNING)

# 15 random bytes: 120 bits, 24 base32 characters, shown as six groups of four.
CODE_BYTES = 15
_CODE_LENGTH = 24
_CODE_ALPHABET = re.compile(r"[^A-Z2-7]")
# The most certificates one zip holds; a wider range is refused (422), asking for a narrower one.
ZIP_LIMIT = 1000
# The Unicode font: Debian's fonts-dejavu-core. Without it, a core font and Latin-1 text.
FONT_FILE = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FALLBACK_FONT = "helvetica"
# What the embedded font keeps of DejaVu Sans: Latin (Vietnamese included), Greek, Cyrillic,
# punctuation. A font of fewer glyphs is parsed and subset in a few milliseconds per PDF.
_FONT_RANGES = (
    (0x20, 0x7E),
    (0xA0, 0x24F),
    (0x370, 0x52F),
    (0x1E00, 0x1EFF),
    (0x2000, 0x206F),
    (0x20AC, 0x20AC),
    (0x2116, 0x2116),
    (0x2122, 0x2122),
)
_LATIN_1 = frozenset(range(0x20, 0x7F)) | frozenset(range(0xA0, 0x100))


class Standing(enum.StrEnum):
    VALID = "valid"
    REVOKED = "revoked"  # the completion's statement was voided
    NOT_VALID = "not valid"  # the completion is no longer on the holder's Training Profile

    @property
    def label(self) -> str:
        return {
            Standing.VALID: "Valid",
            Standing.REVOKED: "Revoked",
            Standing.NOT_VALID: "Not valid",
        }[self]


@dataclass(frozen=True)
class Verification:
    certificate: Certificate
    standing: Standing


# --- The code --------------------------------------------------------------------------------


def new_code() -> str:
    """A fresh verification code: 120 bits from the operating system's cryptographic source."""
    text = base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode("ascii")
    return _grouped(text)


def _grouped(text: str) -> str:
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def normalise_code(typed: str) -> str | None:
    """The code as stored, from what a person typed (any case, spaces or dashes anywhere);
    None if it cannot be a code."""
    letters = _CODE_ALPHABET.sub("", typed.upper().replace("0", "O").replace("1", "I"))
    return _grouped(letters) if len(letters) == _CODE_LENGTH else None


def verify_url(code: str) -> str:
    return f"{current_app.config['LMS_BASE_URL'].rstrip('/')}/verify/{code}"


# --- Which entries a person may have a certificate of ------------------------------------------


def own_entry(person: Person, entry_id: int) -> CptEntry:
    entry = db.session.get(CptEntry, entry_id)
    if entry is None or entry.person_id != person.id:
        raise ReportNotFound("You have no completion with this number.", "entry_id")
    return entry


def learner_entry(actor: Person, agency_id: int, entry_id: int) -> CptEntry:
    """A completion of a person of the agency, for its LP administrators and training managers
    (their own agency) and POST staff (any); 404 otherwise."""
    agency = agency_for_compliance(actor, agency_id)
    entry = db.session.get(CptEntry, entry_id)
    holder = db.session.get(Person, entry.person_id) if entry is not None else None
    if holder is None or holder.agency_id != agency.id:
        raise ReportNotFound("No completion with this number in this agency.", "entry_id")
    return entry


# --- Issuing ----------------------------------------------------------------------------------


def issue(entry: CptEntry) -> Certificate:
    """The entry's certificate: the one already issued for its statement, or a new one."""
    found = _issued([entry.statement_id]).get(entry.statement_id)
    return found if found is not None else _create(entry)


def issue_all(entries: list[CptEntry]) -> list[tuple[CptEntry, Certificate]]:
    issued = _issued([entry.statement_id for entry in entries])
    return [(entry, issued.get(entry.statement_id) or _create(entry)) for entry in entries]


def _issued(statement_ids: list[str]) -> dict[str, Certificate]:
    found: dict[str, Certificate] = {}
    for start in range(0, len(statement_ids), 500):
        chunk = statement_ids[start : start + 500]
        for certificate in db.session.scalars(
            select(Certificate).where(Certificate.statement_id.in_(chunk))
        ):
            found[certificate.statement_id] = certificate
    return found


def _create(entry: CptEntry) -> Certificate:
    """Insert the certificate in a SAVEPOINT: if a simultaneous request issued it first, the
    unique statement_id refuses this one and theirs is returned (the same code for both)."""
    holder = db.session.get(Person, entry.person_id)
    agency = db.session.get(Agency, holder.agency_id) if holder and holder.agency_id else None
    for _ in range(3):  # a code already taken (2^-120 odds) is drawn again
        certificate = Certificate(
            code=new_code(),
            statement_id=entry.statement_id,
            person_id=entry.person_id,
            course_id=entry.course_id,
            holder_name=holder.full_name if holder else "",
            post_id=entry.post_id or (holder.post_id if holder else None),
            agency_name=agency.name if agency else "",
            course_title=entry.title,
            certification_number=entry.certification_number,
            completed_on=entry.completed_on,
            hours=entry.hours,
            issued_at=utcnow(),
        )
        try:
            with writing_savepoint():
                db.session.add(certificate)
                db.session.flush()
        except IntegrityError:
            theirs = db.session.scalar(
                select(Certificate).where(Certificate.statement_id == entry.statement_id)
            )
            if theirs is not None:
                return theirs
            continue
        return certificate
    raise RuntimeError("Could not draw an unused certificate code.")  # pragma: no cover


# --- Verifying --------------------------------------------------------------------------------


def verification(typed_code: str) -> Verification:
    """The certificate with this code and how it stands now; ReportNotFound if none has it."""
    code = normalise_code(typed_code)
    certificate = (
        db.session.scalar(select(Certificate).where(Certificate.code == code)) if code else None
    )
    if certificate is None:
        raise ReportNotFound(f"No certificate has the code {typed_code.strip()[:40]}.", "code")
    return Verification(certificate, standing(certificate))


def standing(certificate: Certificate) -> Standing:
    """Revoked once its statement is voided (a voided statement stays voided: recorded the first
    time it is seen); not valid while its completion is off the holder's profile otherwise."""
    if certificate.revoked_at is not None:
        return Standing.REVOKED
    store = current_app.extensions["lrs"]
    try:
        store.get(certificate.statement_id)
    except StatementNotFound:
        try:
            store.get(certificate.statement_id, voided=True)
        except StatementNotFound:
            return Standing.NOT_VALID
        with writing_savepoint():
            certificate.revoked_at = utcnow()
            db.session.flush()
        return Standing.REVOKED
    on_profile = db.session.scalar(
        select(CptEntry.id).where(CptEntry.statement_id == certificate.statement_id)
    )
    return Standing.VALID if on_profile is not None else Standing.NOT_VALID


# --- A course's certificates ------------------------------------------------------------------


@dataclass(frozen=True)
class CourseRange:
    agency: Agency
    course: Course
    since: dt.date
    until: dt.date


def courses_completed_in(agency: Agency) -> list[Course]:
    """The courses people of the agency have completions of, by title."""
    completed = (
        select(CptEntry.course_id)
        .join(Person, Person.id == CptEntry.person_id)
        .where(Person.agency_id == agency.id)
        .distinct()
    )
    return list(db.session.scalars(select(Course).where(Course.id.in_(completed))))


def course_range(
    actor: Person, agency_id: int, course: str | None, since: str | None, until: str | None
) -> CourseRange:
    """The filters of a course's zip, checked: BadReportFilter names the field at fault."""
    agency = agency_for_compliance(actor, agency_id)
    if not course:
        raise BadReportFilter("Choose the course.", "course")
    found = db.session.get(Course, int(course)) if course.isdigit() else None
    if found is None:
        raise BadReportFilter("There is no such course.", "course")
    first = _date(since, "since", "the first completion date")
    last = _date(until, "until", "the last completion date")
    if first > last:
        raise BadReportFilter("The first date is after the last date.", "since")
    return CourseRange(agency, found, first, last)


def _date(value: str | None, field: str, what: str) -> dt.date:
    if not value:
        raise BadReportFilter(f"Give {what} (YYYY-MM-DD).", field)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadReportFilter(f"{value[:20]!r} is not a date (YYYY-MM-DD).", field) from None


def _in_range(chosen: CourseRange) -> Select[tuple[CptEntry]]:
    return (
        select(CptEntry)
        .join(Person, Person.id == CptEntry.person_id)
        .where(
            Person.agency_id == chosen.agency.id,
            CptEntry.course_id == chosen.course.id,
            CptEntry.completed_on >= chosen.since,
            CptEntry.completed_on <= chosen.until,
        )
    )


def entries_in(chosen: CourseRange) -> list[CptEntry]:
    """The completions in the range, oldest first; BadReportFilter if more than a zip holds."""
    count = db.session.scalar(select(func.count()).select_from(_in_range(chosen).subquery()))
    if count and count > ZIP_LIMIT:
        raise BadReportFilter(
            f"{count:,} certificates match; one zip holds at most {ZIP_LIMIT:,}. "
            "Choose a narrower date range.",
            "since",
        )
    query = _in_range(chosen).order_by(
        CptEntry.completed_on, Person.last_name, Person.first_name, CptEntry.id
    )
    return list(db.session.scalars(query))


def write_zip(entries: list[CptEntry]) -> IO[bytes]:
    """One PDF per completion in a zip written to a temporary file (removed when closed),
    positioned at its start."""
    target = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    try:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for entry, certificate in issue_all(entries):
                archive.writestr(member_name(certificate, entry.id), render_pdf(certificate))
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target


def member_name(certificate: Certificate, entry_id: int) -> str:
    holder = safe_name(certificate.holder_name) or "holder"
    return f"{certificate.completed_on.isoformat()}_{holder}_{entry_id}.pdf"


def zip_name(chosen: CourseRange) -> str:
    certified = chosen.course.certification
    number = safe_name(certified.certification_number if certified else chosen.course.title)
    dates = f"{chosen.since.isoformat()}_{chosen.until.isoformat()}"
    return f"certificates_{number or 'course'}_{dates}.zip"


def pdf_name(certificate: Certificate) -> str:
    course = safe_name(certificate.course_title)[:60].strip("-_") or "course"
    return f"certificate_{course}_{certificate.completed_on.isoformat()}.pdf"


def safe_name(text: str) -> str:
    """ASCII letters, digits and - _ only (accents dropped, runs of others one dash)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9_]+", "-", ascii_text).strip("-")


# --- The PDF ----------------------------------------------------------------------------------

_font_lock = threading.Lock()
_font_cache: dict[str, tuple[Path, frozenset[int]] | None] = {}


def _unicode_font() -> tuple[Path, frozenset[int]] | None:
    """DejaVu Sans cut down to _FONT_RANGES and the code points it draws; None (and a warning,
    once a process) when the font is not installed. The cut is made once and kept in the
    instance folder (fonts/), named for the source file and the ranges, for every process."""
    key = str(FONT_FILE)
    with _font_lock:
        cached = _font_cache.get(key, ())
        if cached == () or (cached is not None and not cached[0].is_file()):
            cached = _font_cache[key] = _cut_font(
                FONT_FILE, Path(current_app.instance_path) / "fonts"
            )
        return cached


def _cut_font(source: Path, folder: Path) -> tuple[Path, frozenset[int]] | None:
    if not source.is_file():
        log.warning(
            "%s is missing (Debian package fonts-dejavu-core): certificates use %s, and "
            "letters outside Latin-1 lose their accents.",
            source,
            FALLBACK_FONT,
        )
        return None
    from fontTools import subset
    from fontTools.ttLib import TTFont

    found = source.stat()
    digest = hashlib.sha256(
        f"{source}|{found.st_size}|{found.st_mtime_ns}|{_FONT_RANGES}".encode()
    ).hexdigest()[:16]
    target = folder / f"{source.stem}-{digest}.ttf"
    if target.is_file():
        return target, frozenset(TTFont(str(target), lazy=True).getBestCmap())
    font = TTFont(str(source))
    options = subset.Options()
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.drop_tables = [*options.drop_tables, "FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(
        unicodes={code for low, high in _FONT_RANGES for code in range(low, high + 1)}
    )
    subsetter.subset(font)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".part", delete=False) as part:
        font.save(part)
    os.replace(part.name, target)  # another process cutting it at once writes the same bytes
    return target, frozenset(font.getBestCmap())


def printable(text: str, drawn: Iterable[int] | frozenset[int]) -> str:
    """The text with each character the font cannot draw replaced by its letter without
    accents (ễ → e), else by '?'."""
    out = []
    for ch in text:
        if ord(ch) in drawn:
            out.append(ch)
            continue
        base = "".join(
            c
            for c in unicodedata.normalize("NFKD", ch)
            if not unicodedata.combining(c) and ord(c) in drawn
        )
        out.append(base or "?")
    return "".join(out)


@lru_cache(maxsize=256)
def _qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=8, border=0)
    return buffer.getvalue()


def render_pdf(certificate: Certificate) -> bytes:
    """The certificate as a one-page US Letter landscape PDF, from what it copied at issue."""
    font = _unicode_font()
    pdf = FPDF(orientation="L", unit="mm", format="Letter")
    pdf.set_auto_page_break(False)
    pdf.set_margins(20, 18, 20)
    pdf.set_title(f"Certificate of completion: {certificate.course_title}")
    pdf.set_author("Learning Portal")
    pdf.set_creator("Learning Portal")
    pdf.set_creation_date(certificate.issued_at)
    if font is not None:
        path, drawn = font
        pdf.add_font("certificate", "", str(path))
        family = "certificate"
    else:
        drawn, family = _LATIN_1, FALLBACK_FONT

    def text(value: str) -> str:
        return printable(value, drawn)

    def line(size: float, value: str, height: float, *, color: int = 30) -> None:
        pdf.set_font(family, "", size)
        pdf.set_text_color(color)
        pdf.multi_cell(0, height, text(value), align="C", new_x="LMARGIN", new_y="NEXT")

    pdf.add_page()
    pdf.set_draw_color(40, 70, 120)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, pdf.w - 26, pdf.h - 26)
    pdf.set_y(24)
    line(12, "Learning Portal · POST continuing professional training", 7, color=90)
    line(30, "Certificate of Completion", 16)
    pdf.ln(4)
    line(13, "This certifies that", 8, color=90)
    line(24, certificate.holder_name, 12)
    post_id = certificate.post_id or "none"
    agency = f" · {certificate.agency_name}" if certificate.agency_name else ""
    line(12, f"POST-ID: {post_id}{agency}", 7)
    pdf.ln(3)
    line(13, "completed the course", 8, color=90)
    line(20, certificate.course_title, 10)
    pdf.ln(3)
    line(12, f"Course Certification Number: {certificate.certification_number}", 7)
    line(12, f"Completed on: {_long_date(certificate.completed_on)}", 7)
    line(12, f"CPT hours: {format_hours(certificate.hours)}", 7)

    url = verify_url(certificate.code)
    qr_size, bottom = 34.0, pdf.h - 22
    pdf.image(io.BytesIO(_qr_png(url)), x=pdf.w - 22 - qr_size, y=bottom - qr_size, w=qr_size)
    pdf.set_xy(22, bottom - 24)
    pdf.set_font(family, "", 10)
    pdf.set_text_color(60)
    width = pdf.w - 44 - qr_size - 6
    pdf.cell(
        width, 6, text(f"Verification code: {certificate.code}"), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_x(22)
    pdf.cell(width, 6, text(f"Verify at: {url}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(22)
    pdf.cell(width, 6, text(f"Issued on {_long_date(certificate.issued_at.date())}"))
    return bytes(pdf.output())


def _long_date(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"
