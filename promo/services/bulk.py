"""Streaming bulk-code insertion: batches of random codes, collisions skipped and re-drawn.

Only one batch of codes is in memory at a time, and each batch commits in its own short
transaction, so a million-code run never holds SQLite's write lock for long and checkouts keep
flowing while it runs.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from promo.core.campaign import CodePattern
from promo.core.codes import draw_codes
from promo.core.errors import Conflict
from promo.services.giftcards import log_issued
from promo.storage.database import insert_ignoring_conflicts
from promo.storage.models import CodeRow

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
    INSERT ... ON CONFLICT DO NOTHING and the shortfall is drawn again. Codes with a
    `gift_balance` (gift cards) get their ledger's ``issue`` entry in the batch's transaction.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    done = 0
    while done < count:
        wanted = min(batch_size, count - done)
        with sessions() as session, session.begin():
            insert_batch = _batch_inserter(session, campaign_id, gift_balance, now)
            inserted = 0
            drawn: set[str] = set()
            for _ in range(MAX_ROUNDS_PER_BATCH):
                fresh = set(draw_codes(pattern, wanted - inserted))
                drawn |= fresh
                inserted += insert_batch(fresh)
                if inserted == wanted:
                    break
            else:
                raise Conflict(
                    f"could not draw {wanted} unused codes in {MAX_ROUNDS_PER_BATCH} rounds; "
                    "the code pattern's keyspace is too crowded",
                    code="keyspace_too_small",
                )
            if gift_balance is not None and gift_balance > 0:
                log_issued(session, campaign_id, drawn, now)
        done += inserted
        if progress is not None:
            progress(done, count)
    return done


def _batch_inserter(session: Session, campaign_id: str, gift_balance: int | None, now: datetime) -> Callable[[set[str]], int]:
    """A function inserting new codes of one batch, skipping taken ones; it returns how many it stored.

    On SQLite the rows go to the driver's executemany as plain tuples: SQLAlchemy's per-row
    parameter processing (the same created_at converted a million times) cost more than
    SQLite's inserts. sqlite3 reports the rows an executemany changed, so skipped duplicates
    are not counted. PostgreSQL keeps INSERT ... RETURNING, whose rows are the ones stored.
    """
    dialect = session.get_bind().dialect
    if dialect.name == "sqlite":
        created_at = codes.c.created_at.type.dialect_impl(dialect).bind_processor(dialect)
        stamp = created_at(now) if created_at is not None else now
        statement = (
            f"INSERT INTO {codes.name} (code, campaign_id, status, redeemed_count, gift_balance, created_at) "
            "VALUES (?, ?, 'active', 0, ?, ?) ON CONFLICT DO NOTHING"
        )
        connection = session.connection()

        def insert_sqlite(fresh: set[str]) -> int:
            rows = [(code, campaign_id, gift_balance, stamp) for code in fresh]
            return connection.exec_driver_sql(statement, rows).rowcount

        return insert_sqlite

    statement = insert_ignoring_conflicts(codes, dialect.name).returning(codes.c.id)

    def insert_returning(fresh: set[str]) -> int:
        rows = [
            {"code": code, "campaign_id": campaign_id, "status": "active", "redeemed_count": 0,
             "gift_balance": gift_balance, "created_at": now}
            for code in fresh
        ]
        return len(session.execute(statement, rows).all())

    return insert_returning
