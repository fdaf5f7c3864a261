"""lrs: a filter row per (agent, verb) pair of each statement held

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 23:20:00

A statement's agent and verb filter rows give it one `agent_verb` row per pair (the key the
SHA-256 of the agent's key, a space and the verb's key; narrow as the agent's row is), so that a
query with both filters reads one index range. Written here, seq range by seq range, for the
statements already held; the LRS writes them itself from now on (lrs.ops.indexing).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

KIND = "agent_verb"
STEP = 5000  # statements read and written at a time

index = sa.table(
    "lrs_statement_index",
    sa.column("seq", sa.BigInteger),
    sa.column("kind", sa.String),
    sa.column("key", sa.String),
    sa.column("narrow", sa.Boolean),
)


def upgrade() -> None:
    bind = op.get_bind()
    newest = bind.execute(sa.select(sa.func.max(index.c.seq))).scalar() or 0
    for start in range(0, newest, STEP):
        found = bind.execute(
            sa.select(index.c.seq, index.c.kind, index.c.key, index.c.narrow).where(
                index.c.seq > start,
                index.c.seq <= start + STEP,
                index.c.kind.in_(("agent", "verb")),
            )
        )
        agents: dict[int, list[tuple[str, bool]]] = defaultdict(list)
        verbs: dict[int, list[str]] = defaultdict(list)
        for seq, kind, key, narrow in found:
            if kind == "agent":
                agents[seq].append((key, narrow))
            else:
                verbs[seq].append(key)
        rows = [
            {
                "seq": seq,
                "kind": KIND,
                "key": hashlib.sha256(f"{agent} {verb}".encode()).hexdigest(),
                "narrow": narrow,
            }
            for seq, held in agents.items()
            for agent, narrow in held
            for verb in verbs.get(seq, ())
        ]
        if rows:
            bind.execute(index.insert(), rows)


def downgrade() -> None:
    op.execute(index.delete().where(index.c.kind == KIND))
