"""The bridge's cursor: how far in the LRS's stored order it has read, and what it skipped."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import UTCDateTime, db, utcnow


class BridgeCursor(db.Model):
    __tablename__ = "bridge_cursor"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    # The seq of the last statement read; every statement after it is still to be read.
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    entries_made: Mapped[int] = mapped_column(Integer, default=0)
    entries_removed: Mapped[int] = mapped_column(Integer, default=0)
    skipped_unknown_person: Mapped[int] = mapped_column(Integer, default=0)
    skipped_uncertified: Mapped[int] = mapped_column(Integer, default=0)
    # Completions or rosters whose authority was not entitled to the credit they claim.
    skipped_unentitled: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
