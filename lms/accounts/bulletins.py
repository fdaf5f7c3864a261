"""POST's bulletins: updates POST staff publish to every account (a title, a date, plain text,
an optional PDF), and who has read each one.

The PDF is checked by what it holds and stored in the content store under its SHA-256, as every
uploaded document is (lms.documents).
"""

from __future__ import annotations

from sqlalchemy import select

from lms import documents
from lms.accounts.interfaces import (
    BULLETIN_PDF_MAX_BYTES,
    BulletinFields,
    BulletinNotFound,
    BulletinRefused,
    BulletinView,
    OnlyStaffPublish,
)
from lms.accounts.models import Bulletin, BulletinRead, Person
from lms.db import db, utcnow

KEY_PREFIX = "bulletins"
FILE_NAME = "bulletin.pdf"
TITLE_MAX = 200
TEXT_MAX = 20_000


def publish(
    staff: Person,
    fields: BulletinFields,
    pdf: bytes | None,
    filename: str = "",
) -> Bulletin:
    """A new bulletin, seen by every account from now on. Only POST staff publish; the title
    and text are required; a PDF must be one, of at most 10 MB."""
    if not staff.is_post_staff:
        raise OnlyStaffPublish()
    title = (fields.title or "").strip()
    text = (fields.text or "").strip()
    if not title:
        raise BulletinRefused("Give the bulletin a title.", "title")
    if len(title) > TITLE_MAX:
        raise BulletinRefused(f"The title may be at most {TITLE_MAX} characters.", "title")
    if not text:
        raise BulletinRefused("Write the bulletin's text.", "text")
    if len(text) > TEXT_MAX:
        raise BulletinRefused(f"The text may be at most {TEXT_MAX:,} characters.", "text")
    if fields.published_on is None:
        raise BulletinRefused("Give the bulletin's date.", "published_on")
    bulletin = Bulletin(
        title=title, published_on=fields.published_on, text=text, created_by_id=staff.id
    )
    if pdf is not None:
        _attach_pdf(bulletin, pdf, filename)
    db.session.add(bulletin)
    db.session.flush()
    return bulletin


def _attach_pdf(bulletin: Bulletin, pdf: bytes, filename: str) -> None:
    stored = documents.store_pdf(
        pdf,
        filename,
        key_prefix=KEY_PREFIX,
        file_name=FILE_NAME,
        max_bytes=BULLETIN_PDF_MAX_BYTES,
        what="the PDF",
        error=BulletinRefused,
        field="pdf",
    )
    bulletin.pdf_key = stored.key
    bulletin.pdf_sha256 = stored.sha256
    bulletin.pdf_filename = stored.filename
    bulletin.pdf_size = stored.size


def _read_ids(person: Person) -> set[int]:
    return set(
        db.session.scalars(
            select(BulletinRead.bulletin_id).where(BulletinRead.person_id == person.id)
        )
    )


def list_for(person: Person, limit: int | None = None) -> list[BulletinView]:
    """Every bulletin, newest first (by its date, then the later published), each marked read
    or not for this person."""
    query = select(Bulletin).order_by(Bulletin.published_on.desc(), Bulletin.id.desc())
    if limit is not None:
        query = query.limit(limit)
    read = _read_ids(person)
    return [BulletinView(b, b.id in read) for b in db.session.scalars(query)]


def unread_count(person: Person) -> int:
    read = _read_ids(person)
    ids = db.session.scalars(select(Bulletin.id))
    return sum(1 for bulletin_id in ids if bulletin_id not in read)


def get(person: Person, bulletin_id: int) -> BulletinView:
    """The bulletin as this person sees it; BulletinNotFound if there is none."""
    bulletin = db.session.get(Bulletin, bulletin_id)
    if bulletin is None:
        raise BulletinNotFound("No such bulletin.")
    return BulletinView(bulletin, bulletin.id in _read_ids(person))


def mark_read(person: Person, bulletin_id: int) -> Bulletin:
    """The person has opened the bulletin: it is no longer new to them (once is enough)."""
    bulletin = get(person, bulletin_id).bulletin
    already = db.session.scalar(
        select(BulletinRead).where(
            BulletinRead.bulletin_id == bulletin.id, BulletinRead.person_id == person.id
        )
    )
    if already is None:
        db.session.add(BulletinRead(bulletin_id=bulletin.id, person_id=person.id, read_at=utcnow()))
        db.session.flush()
    return bulletin


def pdf_of(person: Person, bulletin_id: int) -> Bulletin:
    """The bulletin whose PDF the person asks for; BulletinNotFound if it has none."""
    bulletin = get(person, bulletin_id).bulletin
    if not bulletin.pdf_key:
        raise BulletinNotFound("This bulletin has no PDF.")
    return bulletin
