"""The active set's fingerprint: the one query every engine call makes to learn whether the
parsed campaigns it holds are still current (promo.services.active), with and without the
covering index on campaigns (status, kind, version, updated_at).

Run: .venv/bin/python bench/active_set.py [--campaigns 10000] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]
SQLite in a temporary file; with --postgres also PostgreSQL, in a schema of its own that is
dropped afterwards. No goal of its own: it shows what the index buys bench 7's pages, which
ask this query on every engine call.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, event, func, insert, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from promo.services.active import _active  # noqa: E402
from promo.storage.models import CampaignRow, metadata  # noqa: E402

INDEX = "ix_campaigns_status_kind_version_updated_at"
KINDS = ("promotion", "coupon", "bulk", "referral")
SCHEMA = "bench_active_set"


def fill(engine, campaigns: int) -> None:
    metadata.create_all(engine)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(insert(CampaignRow), [
            {"id": f"c{i}", "name": f"Campaign {i}", "kind": KINDS[i % len(KINDS)], "definition": {},
             "status": "paused" if i % 7 == 0 else "active", "version": 1 + i % 3, "created_at": now,
             "updated_at": now}
            for i in range(campaigns)])


def per_query_ms(engine, rounds: int = 300) -> float:
    query = _active(select(func.count(), func.coalesce(func.sum(CampaignRow.version), 0),
                           func.max(CampaignRow.updated_at)))
    with Session(engine) as session:
        for _ in range(20):
            session.execute(query).one()
        started = time.perf_counter()
        for _ in range(rounds):
            session.execute(query).one()
        return (time.perf_counter() - started) / rounds * 1000


def measure(name: str, engine, campaigns: int) -> None:
    fill(engine, campaigns)
    indexed = per_query_ms(engine)
    with engine.begin() as connection:
        connection.execute(text(f"DROP INDEX {INDEX}"))
    bare = per_query_ms(engine)
    print(f"{name:<12}{indexed:>10.2f} ms{bare:>12.2f} ms{bare / indexed:>9.2f}x")


def postgres_engine(url: str):
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def use_schema(connection, _record):
        with connection.cursor() as cursor:
            cursor.execute(f"SET search_path TO {SCHEMA}")

    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    return engine


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaigns", type=int, default=10_000)
    parser.add_argument("--postgres", help="also measure on this PostgreSQL database (a schema of its own)")
    args = parser.parse_args()
    print(f"active-set fingerprint query, {args.campaigns:,} campaigns (1 in 7 paused)")
    print(f"{'database':<12}{'with index':>13}{'without':>15}{'ratio':>10}")
    with tempfile.TemporaryDirectory() as folder:
        measure("SQLite", create_engine(f"sqlite:///{folder}/active.db"), args.campaigns)
    if args.postgres:
        engine = postgres_engine(args.postgres)
        try:
            measure("PostgreSQL", engine, args.campaigns)
        finally:
            with engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA {SCHEMA} CASCADE"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
