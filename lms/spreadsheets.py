"""CSV for spreadsheets: cells a spreadsheet will not run as formulas, and CSV written in
chunks so that an export of any length streams in bounded memory."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Text a spreadsheet would run as a formula starts with an apostrophe (CSV injection)."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def csv_chunks(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    rows_per_chunk: int = 1000,
    *,
    made_safe: bool = False,
) -> Iterator[str]:
    """The header, then the rows, as CSV text in chunks of `rows_per_chunk` rows; every text
    cell made safe, unless the rows' maker says it has (`made_safe`: it knows which cells are
    free text, and a long export saves the check of every other one)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    waiting = 0
    for row in rows:
        writer.writerow(row if made_safe else [safe_cell(cell) for cell in row])
        waiting += 1
        if waiting >= rows_per_chunk:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
            waiting = 0
    yield out.getvalue()
