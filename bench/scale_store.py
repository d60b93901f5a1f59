"""PostgreSQL stores for bench/pg_scale.py: a big one (100k customers, 10k campaigns, 10M codes)
and a small one of the same shape, built once and kept between runs.

The schema comes from the app's own migrations (the app starts with DATABASE_AUTO_UPGRADE, which
runs `flask db upgrade`). The catalogue and campaigns go in through bench/synthetic.py's bulk
insert; customers, codes, publications and each customer's past orders (order, line,
redemption, redemption item, per-customer usage) are streamed in with COPY. While they load, the
tables' secondary indexes, unique constraints and foreign keys are dropped; they are rebuilt
afterwards from the definitions the migrations gave them (so the store ends with exactly the
migrated schema), and the database is vacuumed and analysed, as autovacuum would leave it.

A finished store carries a comment on its database naming its shape; `--reuse` keeps a store
whose comment matches and rebuilds any other.
"""
from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic  # noqa: E402

SERVER = "postgresql://postgres@127.0.0.1:5432"
CODES_PER_CUSTOMER = 5      # published to the customer: their wallet
ORDERS_PER_CUSTOMER = 2     # each redeemed USAGE_CAMPAIGN once
USAGE_CAMPAIGN = synthetic.touching(4)["id"]   # per_customer: 5, for the "regulars" segment
CREATED = "2026-01-01 00:00:00+00"
REFERRAL_CAMPAIGN = {"id": "friends", "name": "Refer a friend", "kind": "referral", "codes": {"pattern": "FRIEND-#######"},
                     "effect": {"type": "amount_off_order", "amount": 1000},
                     "referral": {"reward": {"type": "amount_off_order", "amount": 1000}}}
FRIENDS_PER_ADVOCATE = 10   # every 50th customer is an advocate; every 5th customer came by referral
LOADED_TABLES = ("customers", "codes", "publications", "orders", "order_lines", "redemptions",
                 "redemption_items", "customer_usage", "referrals")
SERIAL_TABLES = ("codes", "publications", "orders", "order_lines", "redemptions", "redemption_items", "referrals")
COPY_CHUNK = 100_000


@dataclass(frozen=True)
class Shape:
    customers: int
    campaigns: int
    codes: int

    @property
    def bulk_campaigns(self) -> int:
        """Campaigns holding the codes: one per 100,000 codes (10M codes: 100 campaigns)."""
        return max(1, self.codes // 100_000)

    @property
    def gated(self) -> int:
        return self.campaigns // 10

    @property
    def published(self) -> int:
        return self.customers * CODES_PER_CUSTOMER

    @property
    def advocates(self) -> int:
        return self.customers // (5 * FRIENDS_PER_ADVOCATE)

    def label(self) -> str:
        return (f"promoshop scale bench v2: customers={self.customers} campaigns={self.campaigns} "
                f"codes={self.codes}")


def database_url(name: str) -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def customer_id(number: int) -> str:
    return f"cust-{number:07d}"


def bulk_campaign_id(number: int, shape: Shape) -> str:
    return f"mailing-{number % shape.bulk_campaigns:03d}"


def definitions(shape: Shape) -> list[dict]:
    """50 offers touching the bench cart, a tenth gated on customer facts every customer here
    fails, the rest elsewhere, a referral programme, and the bulk campaigns the codes belong to."""
    bulk = [{"id": f"mailing-{n:03d}", "name": f"Mailing {n}", "kind": "bulk", "codes": {"pattern": "MAIL-##########"},
             "effect": {"type": "percent_off_order", "percent": 10}, "limits": {"per_code": 1}}
            for n in range(shape.bulk_campaigns)]
    return synthetic.campaigns(shape.campaigns - shape.bulk_campaigns - 1, 50, shape.gated) + [REFERRAL_CAMPAIGN] + bulk


def admin(sql: str, *params: object) -> list[tuple]:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        cursor = connection.execute(sql, params or None)
        return cursor.fetchall() if cursor.description else []


def built_shape(name: str) -> str | None:
    rows = admin("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", name)
    return rows[0][0] if rows else None


def ensure_store(name: str, shape: Shape, *, reuse: bool, say: Callable[[str], None] = print) -> float | None:
    """Build the store unless `reuse` and it is already built with this shape; returns the
    seconds the build took (None when reused)."""
    if reuse and built_shape(name) == shape.label():
        say(f"{name}: reusing ({shape.label()})")
        return None
    started = time.perf_counter()
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{name}"')
    migrate_and_fill_campaigns(name, shape)
    say(f"{name}: migrated, catalogue and {shape.campaigns:,} campaigns in {time.perf_counter() - started:.1f} s")
    with psycopg.connect(f"{SERVER}/{name}") as connection:
        connection.execute("SET maintenance_work_mem = '1GB'")
        rebuild = drop_secondary_structures(connection)
        connection.commit()
        step = time.perf_counter()
        copy_rows(connection, shape)
        connection.commit()
        say(f"{name}: COPY of {shape.customers:,} customers, {shape.codes:,} codes and their history "
            f"in {time.perf_counter() - step:.1f} s")
        step = time.perf_counter()
        for statement in rebuild:
            connection.execute(statement)
        for table in SERIAL_TABLES:   # new rows get the ids after the loaded ones
            connection.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT COALESCE(max(id), 0) + 1 FROM {table}), false)")
        connection.commit()
        say(f"{name}: indexes, unique constraints and foreign keys rebuilt in {time.perf_counter() - step:.1f} s")
        step = time.perf_counter()
        connection.autocommit = True
        connection.execute("VACUUM (ANALYZE)")
        say(f"{name}: VACUUM (ANALYZE) in {time.perf_counter() - step:.1f} s")
    admin(f"COMMENT ON DATABASE \"{name}\" IS '{shape.label()}'")
    return time.perf_counter() - started


def migrate_and_fill_campaigns(name: str, shape: Shape) -> None:
    from app import create_app
    from shop.web.extensions import promo_engine

    logging.disable(logging.INFO)   # the migrations' log lines
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(name), "DATABASE_AUTO_UPGRADE": True,
                      "SECRET_KEY": "bench", "DEMO_MODE": False, "STORE_TIMEZONE": "UTC"})
    synthetic.fill(promo_engine(app), definitions(shape))
    with app.app_context():
        from shop.web.extensions import db
        db.engine.dispose()


def drop_secondary_structures(connection: psycopg.Connection) -> list[str]:
    """Drop the loaded tables' foreign keys, unique constraints and plain indexes (primary keys
    stay); returns the statements that put them back, foreign keys last."""
    constraints = connection.execute(
        "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid::regclass::text = ANY(%s) AND contype IN ('f', 'u')", (list(LOADED_TABLES),)).fetchall()
    indexes = connection.execute(
        "SELECT index.relname, pg_get_indexdef(index.oid) FROM pg_index entry "
        "JOIN pg_class index ON index.oid = entry.indexrelid "
        "WHERE entry.indrelid::regclass::text = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = entry.indexrelid)",
        (list(LOADED_TABLES),)).fetchall()
    for table, name, _kind, _definition in constraints:
        connection.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        connection.execute(f'DROP INDEX "{name}"')
    return ([definition for _name, definition in indexes]
            + [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
               for table, name, kind, definition in sorted(constraints, key=lambda c: c[2] == "f")])


def copy_rows(connection: psycopg.Connection, shape: Shape) -> None:
    tables: dict[str, tuple[str, Callable[[Shape], Iterator[str]]]] = {
        "customers": ("id, email, name, segments, orders_count, total_spent, last_order_at, country, city, metadata, "
                      "accepts_marketing, session_version, created_at, updated_at", customer_lines),
        "codes": ("id, code, campaign_id, status, holder_id, redeemed_count, created_at", code_lines),
        "publications": ("id, campaign_id, customer_id, code_id, code, created_at", publication_lines),
        "orders": ("id, order_ref, customer_id, currency, status, subtotal, discount, shipping, shipping_discount, "
                   "total, created_at", order_lines),
        "order_lines": ("id, order_id, position, sku, name, unit_price, quantity, categories, collections, discount",
                        order_line_lines),
        "redemptions": ("id, order_id, customer_id, status, created_at", redemption_lines),
        "redemption_items": ("id, redemption_id, position, campaign_id, discount, shipping_discount, line_discounts, "
                             "order_value, usage_keys, status", redemption_item_lines),
        "customer_usage": ("campaign_id, customer_id, period_key, count", usage_lines),
        "codes ": ("id, code, campaign_id, status, holder_id, redeemed_count, created_at", referral_code_lines),
        "referrals": ("id, campaign_id, code_id, advocate_id, friend_id, order_id, status, created_at, converted_at",
                      referral_lines),
    }
    for table, (columns, lines) in tables.items():
        with connection.cursor().copy(f"COPY {table.strip()} ({columns}) FROM STDIN") as copy:
            chunk: list[str] = []
            for line in lines(shape):
                chunk.append(line)
                if len(chunk) == COPY_CHUNK:
                    copy.write("".join(chunk))
                    chunk = []
            copy.write("".join(chunk))


def customer_lines(shape: Shape) -> Iterator[str]:
    # Every customer is a regular with two orders, like synthetic.SHOPPER: the gated offers rule
    # them all out, so both stores evaluate the same offers for any of them.
    for n in range(shape.customers):
        yield (f"{customer_id(n)}\tc{n}@example.com\tCustomer {n}\t[\"regulars\"]\t{ORDERS_PER_CUSTOMER}\t"
               f"{8_000 + n % 1_000}\t{CREATED}\tUS\tSpringfield\t{{}}\tt\t0\t{CREATED}\t{CREATED}\n")


def code_lines(shape: Shape) -> Iterator[str]:
    """Code n (id n + 1) is in bulk campaign n % bulk_campaigns; the first `published` are held,
    CODES_PER_CUSTOMER consecutive ones per customer."""
    for n in range(shape.codes):
        holder = customer_id(n // CODES_PER_CUSTOMER) if n < shape.published else "\\N"
        yield f"{n + 1}\t{synthetic.code_for(n)}\t{bulk_campaign_id(n, shape)}\tactive\t{holder}\t0\t{CREATED}\n"


def publication_lines(shape: Shape) -> Iterator[str]:
    for n in range(shape.published):
        yield (f"{n + 1}\t{bulk_campaign_id(n, shape)}\t{customer_id(n // CODES_PER_CUSTOMER)}\t{n + 1}\t"
               f"{synthetic.code_for(n)}\t{CREATED}\n")


def _orders(shape: Shape) -> Iterator[tuple[int, str]]:
    for n in range(shape.customers * ORDERS_PER_CUSTOMER):
        yield n + 1, customer_id(n // ORDERS_PER_CUSTOMER)


def order_lines(shape: Shape) -> Iterator[str]:
    for order, customer in _orders(shape):
        yield f"{order}\tB-{order}\t{customer}\tUSD\tplaced\t4000\t100\t595\t0\t4495\t{CREATED}\n"


def order_line_lines(shape: Shape) -> Iterator[str]:
    for order, _customer in _orders(shape):
        yield f"{order}\t{order}\t0\t{synthetic.sku(0)}\tProduct 0\t2000\t2\t[]\t[]\t100\n"


def redemption_lines(shape: Shape) -> Iterator[str]:
    for order, customer in _orders(shape):
        yield f"{order}\t{order}\t{customer}\tsucceeded\t{CREATED}\n"


def redemption_item_lines(shape: Shape) -> Iterator[str]:
    for order, _customer in _orders(shape):
        yield f"{order}\t{order}\t0\t{USAGE_CAMPAIGN}\t100\t0\t[]\t0\t[\"total\"]\tsucceeded\n"


def usage_lines(shape: Shape) -> Iterator[str]:
    for n in range(shape.customers):
        yield f"{USAGE_CAMPAIGN}\t{customer_id(n)}\ttotal\t{ORDERS_PER_CUSTOMER}\n"


def referral_code_lines(shape: Shape) -> Iterator[str]:
    """Advocate a (customer 5 * FRIENDS_PER_ADVOCATE * a) holds referral code id codes + a + 1."""
    for advocate in range(shape.advocates):
        holder = customer_id(advocate * 5 * FRIENDS_PER_ADVOCATE)
        yield f"{shape.codes + advocate + 1}\tFRIEND-{advocate:07d}\tfriends\tactive\t{holder}\t0\t{CREATED}\n"


def referral_lines(shape: Shape) -> Iterator[str]:
    """Every fifth customer came by an advocate's code and converted with their first order."""
    number = 0
    for advocate in range(shape.advocates):
        first = advocate * 5 * FRIENDS_PER_ADVOCATE
        for friend in range(first + 1, first + 5 * FRIENDS_PER_ADVOCATE, 5):
            number += 1
            yield (f"{number}\tfriends\t{shape.codes + advocate + 1}\t{customer_id(first)}\t{customer_id(friend)}\t"
                   f"{friend * ORDERS_PER_CUSTOMER + 1}\tconverted\t{CREATED}\t{CREATED}\n")
