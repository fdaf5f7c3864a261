"""Training Profile entries in a layout another records system can import (docs/training.md).

CSV: one header row, then one row per entry, UTF-8, comma-separated, RFC 4180 quoting. JSON:
an object with the layout's name and version, when it was made, and the same entries as objects
with the same keys. Dates are ISO 8601 (YYYY-MM-DD), times ISO 8601 in UTC, hours decimals.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from typing import Any

from lms.accounts.models import Person
from lms.spreadsheets import safe_cell
from lms.training.cycles import Cycle
from lms.training.models import CptEntry

LAYOUT = "lms-cpt-entries"
LAYOUT_VERSION = 1
COLUMNS = (
    "post_id",
    "last_name",
    "first_name",
    "agency_number",
    "course_certification_number",
    "course_title",
    "completion_date",
    "cycle",
    "cpt_hours",
    "course_hours",
    "source",
    "mandates",
    "psp_category",
    "statement_id",
    "recorded_at",
)


def row(entry: CptEntry, person: Person) -> dict[str, Any]:
    return {
        "post_id": entry.post_id or "",
        "last_name": person.last_name,
        "first_name": person.first_name,
        "agency_number": person.agency.agency_number if person.agency else "",
        "course_certification_number": entry.certification_number,
        "course_title": entry.title,
        "completion_date": entry.completed_on.isoformat(),
        "cycle": Cycle(entry.cycle_start).label.replace("–", "-"),
        "cpt_hours": str(entry.credited_hours),
        "course_hours": str(entry.hours),
        "source": entry.source,
        "mandates": " ".join(entry.mandates),
        "psp_category": entry.psp_category or "",
        "statement_id": entry.statement_id,
        "recorded_at": entry.recorded_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
    }


def as_csv(rows: Iterable[dict[str, Any]], columns: tuple[str, ...] = COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for item in rows:
        writer.writerow({key: safe_cell(item[key]) for key in columns})
    return out.getvalue()


def as_json(rows: Iterable[dict[str, Any]]) -> str:
    return json.dumps(
        {
            "layout": LAYOUT,
            "version": LAYOUT_VERSION,
            "exported_at": dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z"),
            "entries": list(rows),
        },
        indent=1,
    )
