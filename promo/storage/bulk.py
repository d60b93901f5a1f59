"""Streaming bulk-code insertion: batches of random codes, collisions skipped and re-drawn.

Only one batch of codes is in memory at a time, and each batch commits in its own short
transaction, so a million-code run never holds SQLite's write lock for long and checkouts keep
flowing while it runs.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from ..campaign import CodePattern
from ..codes import draw_code
from ..errors import Conflict
from .database import insert_ignoring_conflicts
from .models import CodeRow

Progress = Callable[[int, int], None]

# With at most 1 in 10^6 of the keyspace in use, a drawn code collides with probability
# <= 10^-6; needing this many rounds to fill one batch means something else is wrong.
MAX_ROUNDS_PER_BATCH = 20

codes = CodeRow.__table__


def insert_random_codes(
    sessions: sessionmaker[Session],
    campaign_id: str,
    pattern: CodePattern,
    count: int,
    *,
    now: datetime,
    batch_size: int = 10_000,
    progress: Progress | None = None,
    gift_balance: int | None = None,
) -> int:
    """Insert `count` new unique codes for the campaign; returns how many were inserted (= count).

    Codes that collide with stored ones (of any campaign) are skipped by
    INSERT ... ON CONFLICT DO NOTHING and the shortfall is drawn again.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    done = 0
    while done < count:
        wanted = min(batch_size, count - done)
        with sessions() as session, session.begin():
            dialect = session.get_bind().dialect.name
            statement = insert_ignoring_conflicts(codes, dialect).returning(codes.c.id)
            inserted = 0
            for _ in range(MAX_ROUNDS_PER_BATCH):
                fresh = {draw_code(pattern) for _ in range(wanted - inserted)}
                rows = [
                    {
                        "code": code,
                        "campaign_id": campaign_id,
                        "status": "active",
                        "redeemed_count": 0,
                        "gift_balance": gift_balance,
                        "created_at": now,
                    }
                    for code in fresh
                ]
                inserted += len(session.execute(statement, rows).all())
                if inserted == wanted:
                    break
            else:
                raise Conflict(
                    f"could not draw {wanted} unused codes in {MAX_ROUNDS_PER_BATCH} rounds; "
                    "the code pattern's keyspace is too crowded",
                    code="keyspace_too_small",
                )
        done += inserted
        if progress is not None:
            progress(done, count)
    return done
