"""Where codes are drawn from a campaign's pattern, and the keyspace rule that guards it.

A campaign may hold at most 1 in 10^6 of its pattern's possible codes (promo.codes.max_codes),
so guessing one stays hopeless. Every way a code is drawn from a pattern comes through here:
bulk generation checks its whole count with ``check_room`` before streaming batches, and the
codes drawn one at a time (gift cards issued singly, referral codes, referral and points
rewards) are drawn by ``draw_new_code``, which checks the room for one more code first. Codes
given whole (a gift card printed elsewhere) are not drawn and not checked: nobody guesses them
from the pattern.

On PostgreSQL ``draw_new_code`` holds a transaction-scoped advisory lock per campaign while it
counts and inserts, so racing single draws cannot together pass the limit. An advisory lock
rather than the campaign's row: checkouts update that row's counters, and a row lock here
could deadlock with them.
"""
from __future__ import annotations

import hashlib
from datetime import datetime
from typing import cast

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session

from promo.core.campaign import CodePattern
from promo.core.codes import check_capacity, check_pattern, draw_code
from promo.core.errors import Conflict
from promo.storage.database import dialect_of, insert_ignoring_conflicts
from promo.storage.models import CodeRow

# With at most 1 in 10^6 of the keyspace in use a draw collides with probability <= 10^-6;
# this many collisions in a row means something else is wrong.
MAX_DRAWS = 8
codes = cast(Table, CodeRow.__table__)


def check_room(session: Session, campaign_id: str, pattern: CodePattern, requested: int) -> None:
    """Refuse (InvalidRequest ``keyspace_too_small``, or ``invalid_code_pattern``) drawing
    `requested` more codes when the campaign's codes would fill too much of the keyspace."""
    check_pattern(pattern)
    existing = session.scalar(select(func.count()).select_from(CodeRow).where(CodeRow.campaign_id == campaign_id)) or 0
    check_capacity(pattern, existing, requested)


def draw_new_code(session: Session, campaign_id: str, pattern: CodePattern, *, now: datetime,
                  holder_id: str | None = None, gift_balance: int | None = None,
                  expires_at: datetime | None = None) -> CodeRow:
    """Insert one new active code of the campaign drawn from `pattern` and return its row.
    A drawn code that exists already (in any campaign) is drawn again."""
    _lock_campaign_codes(session, campaign_id)
    check_room(session, campaign_id, pattern, 1)
    for _ in range(MAX_DRAWS):
        code = draw_code(pattern)
        inserted = session.execute(
            insert_ignoring_conflicts(codes, dialect_of(session)).returning(codes.c.id),
            {"code": code, "campaign_id": campaign_id, "status": "active", "holder_id": holder_id,
             "redeemed_count": 0, "gift_balance": gift_balance, "created_at": now, "expires_at": expires_at},
        ).scalar()
        if inserted is not None:   # None: the code existed already (rowcount is not reliable here)
            return session.get_one(CodeRow, inserted)
    raise Conflict("could not draw an unused code; try again", code="busy")


def _lock_campaign_codes(session: Session, campaign_id: str) -> None:
    if dialect_of(session) != "postgresql":
        return   # SQLite: every write transaction holds the database's write lock already
    key = int.from_bytes(hashlib.sha256(f"promo.codes:{campaign_id}".encode()).digest()[:8], "big", signed=True)
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
