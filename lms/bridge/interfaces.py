"""The bridge's contract: what a pass (or a course's re-judging) reports.

The bridge raises no errors of its own: a statement it cannot credit is skipped and counted by
reason (lms/bridge/rules.py), and a pass that fails for any other reason is rolled back whole by
its unit of work and tried again by the next (lms/bridge/services.py)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PassResult:
    """What one pass, a catch-up or a re-judging read, made, removed and skipped (by reason),
    and the cursor's place after it."""

    read: int = 0
    made: int = 0
    removed: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    cursor: int = 0
