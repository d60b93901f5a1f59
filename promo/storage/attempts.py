"""Wrong codes counted in aggregate: one row per (UTC day, source), its count going up.

Code guessing is the attack a store sees most (a giveaway of 700 codes drew 1.6 M requests), so
the audit log must not get a row per guess, yet the store should know how many wrong codes came
in, when, and through which door. This table is that aggregate: each wrong code adds 1 to its
day's row for its source ("storefront", or "api:<key prefix>" for the key that sent it) with an
``INSERT ... ON CONFLICT DO UPDATE``, so a day of guessing is one row per source however many
guesses it holds. The audit log itself stays append-only: the rate limiter adds a
``code_guessing_blocked`` row each time a session or an IP uses up its budget (shop/web/rate_limits.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import BigInteger, Date, String, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from .database import dialect_of
from .models import Base, UTCDateTime

STOREFRONT = "storefront"
MAX_SOURCE = 40


class WrongCodeTallyRow(Base):
    __tablename__ = "wrong_code_tallies"

    day: Mapped[date] = mapped_column(Date, primary_key=True)           # UTC
    source: Mapped[str] = mapped_column(String(MAX_SOURCE), primary_key=True)
    wrong_codes: Mapped[int] = mapped_column(BigInteger)
    first_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)


@dataclass(frozen=True)
class WrongCodeTally:
    day: date
    source: str
    wrong_codes: int
    first_at: datetime
    last_at: datetime


def api_source(key_prefix: str) -> str:
    return f"api:{key_prefix}"[:MAX_SOURCE]


def count_wrong_codes(session: Session, source: str, *, at: datetime, count: int = 1) -> None:
    """Add ``count`` wrong codes to the (day of ``at`` in UTC, ``source``) row, making it if needed."""
    if count < 1:
        return
    at = at.astimezone(UTC)
    table = WrongCodeTallyRow.__table__
    values = {"day": at.date(), "source": source[:MAX_SOURCE], "wrong_codes": count, "first_at": at, "last_at": at}
    dialect = dialect_of(session)
    if dialect == "postgresql":
        insert = postgresql.insert(table)
    elif dialect == "sqlite":
        insert = sqlite.insert(table)
    else:  # pragma: no cover - promo supports these two
        raise NotImplementedError(f"promo supports SQLite and PostgreSQL, not {dialect}")
    statement = insert.values(values).on_conflict_do_update(
        index_elements=["day", "source"],
        set_={"wrong_codes": table.c.wrong_codes + insert.excluded.wrong_codes, "last_at": insert.excluded.last_at},
    )
    session.execute(statement)


def wrong_code_tallies(session: Session, *, since: date | None = None) -> list[WrongCodeTally]:
    """Every tally (from ``since`` on), newest day first, then by source."""
    query = select(WrongCodeTallyRow).order_by(WrongCodeTallyRow.day.desc(), WrongCodeTallyRow.source)
    if since is not None:
        query = query.where(WrongCodeTallyRow.day >= since)
    return [WrongCodeTally(row.day, row.source, row.wrong_codes, row.first_at, row.last_at)
            for row in session.scalars(query)]
