"""PostgreSQL at scale: validate and the 20-line cart update with 100k customers, 10k campaigns
and 10M codes, against a small store of the same shape (1k customers, 100 campaigns, 10k codes).

Run: .venv/bin/python bench/pg_scale.py [--reuse] [--validations 1000] [--updates 600] [--explain]
Goal (issue 18): the p99 of each at most 1.5x the small store's.

Both stores are PostgreSQL databases on 127.0.0.1:5432 (promoshop_scale_big, _small), built by
bench/scale_store.py: the migrated schema, COPY-loaded rows, indexes, VACUUM (ANALYZE). The big
one takes minutes to build; `--reuse` keeps both between runs (`--drop` removes them at the end).
Each store has 50 offers touching the bench cart and a tenth of its campaigns gated on customer
facts no customer meets; every customer is a regular with two past orders (each a redemption
with per-customer usage) and five published codes; the codes belong to bulk campaigns (one per
100,000 codes, 10% off, once per code).

Validate is Engine.validate of the 20-line cart with one code drawn at random from the store's
unpublished codes, for a customer drawn at random (their stored profile, read beforehand, as the
storefront does once per request). The cart update is `POST /cart/update` as htmx sends it
(one line's quantity; CSRF token; no compression asked), through Flask's test client on the real
app (no network or server in the figure), for a random signed-in customer whose session holds
the 20-line cart and a random unpublished code. Both stores live in this one process with warm
engines (campaigns parsed and indexed once); requests alternate store by store, so machine load
falls on both alike.
"""
from __future__ import annotations

import argparse
import gc
import logging
import math
import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale_store  # noqa: E402
import synthetic  # noqa: E402
from scale_store import Shape  # noqa: E402

GOAL_RATIO = 1.5
SECRET_KEY = "bench-secret-key-not-for-production-0123456789"
HTMX = {"HX-Request": "true", "HX-Target": "cart-items"}


@dataclass
class Store:
    label: str
    shape: Shape
    app: Any
    engine: Any
    client: Any
    csrf: tuple[str, str]     # (the raw token the session holds, the token the form sends)

    def random_customer(self, draw: random.Random) -> str:
        return scale_store.customer_id(draw.randrange(self.shape.customers))

    def random_code(self, draw: random.Random) -> str:
        return scale_store.code_for(draw.randrange(self.shape.published, self.shape.codes))


def open_store(label: str, name: str, shape: Shape) -> Store:
    from flask import session
    from flask_wtf.csrf import generate_csrf

    from app import create_app
    from shop.web.extensions import promo_engine

    app = create_app({"SQLALCHEMY_DATABASE_URI": scale_store.database_url(name), "DATABASE_AUTO_UPGRADE": True,
                      "SECRET_KEY": SECRET_KEY, "DEMO_MODE": False, "STORE_TIMEZONE": "UTC",
                      "RATELIMIT_ENABLED": False})
    with app.test_request_context("/"):
        token = generate_csrf()
        raw = session["csrf_token"]
    return Store(label, shape, app, promo_engine(app), app.test_client(), (raw, token))


def validate_once(store: Store, draw: random.Random) -> float:
    customer = store.engine.get_customer(store.random_customer(draw))
    code = store.random_code(draw)
    cart = synthetic.cart()
    context = store.engine.context(page="cart")
    started = time.perf_counter()
    evaluation = store.engine.validate(customer, cart, [code], context)
    elapsed = time.perf_counter() - started
    assert evaluation.codes[code].campaign_id.startswith("mailing-"), evaluation.codes[code]
    return elapsed


def update_once(store: Store, draw: random.Random) -> float:
    from shop.storefront.model import cart_state
    from shop.storefront.model.customer import CUSTOMER_KEY, SESSION_VERSION_KEY

    code = store.random_code(draw)
    lines = {line.sku: line.quantity for line in synthetic.cart().lines}
    with store.client.session_transaction() as session:
        session.clear()
        session[CUSTOMER_KEY] = store.random_customer(draw)
        session[SESSION_VERSION_KEY] = 0
        session["csrf_token"] = store.csrf[0]
        cart_state.save(session, cart_state.SessionCart(items=lines, codes=(code,)))
    form = {"sku": synthetic.sku(0), "quantity": str(2 + draw.randrange(3))}
    started = time.perf_counter()
    response = store.client.post("/cart/update", data=form, headers={**HTMX, "X-CSRFToken": store.csrf[1]})
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[:300])
    assert code in response.get_data(as_text=True), "the entered code is not in the fragment"
    return elapsed


def percentile_ms(seconds: list[float], fraction: float) -> float:
    """Nearest-rank percentile in milliseconds."""
    ordered = sorted(seconds)
    return ordered[max(0, math.ceil(len(ordered) * fraction) - 1)] * 1e3


def interleaved(stores: list[Store], action: Callable[[Store, random.Random], float], count: int,
                draw: random.Random) -> dict[str, list[float]]:
    """`count` timings per store, alternating store by store (and which one goes first)."""
    timings: dict[str, list[float]] = {store.label: [] for store in stores}
    for number in range(count):
        for store in (stores if number % 2 == 0 else stores[::-1]):
            timings[store.label].append(action(store, draw))
    return timings


def statements_of(store: Store, action: Callable[[], object]) -> list[tuple[str, Any]]:
    from sqlalchemy import event

    from shop.web.extensions import db

    captured: list[tuple[str, Any]] = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        captured.append((statement, parameters))

    with store.app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return captured


def explain(store: Store, draw: random.Random) -> None:
    """EXPLAIN ANALYZE every SELECT of one validate and one cart update on this store, slowest first."""
    from shop.web.extensions import db

    for name, action in (("validate", validate_once), ("cart update", update_once)):
        statements = statements_of(store, lambda action=action: action(store, draw))
        print(f"\n{name} on the {store.label} store: {len(statements)} statements")
        plans = []
        with store.app.app_context(), db.engine.connect() as connection:
            for statement, parameters in statements:
                if not statement.lstrip().upper().startswith("SELECT"):
                    continue
                rows = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).fetchall()
                plan = "\n".join(row[0] for row in rows)
                took = float(plan.rsplit("Execution Time: ", 1)[1].split()[0])
                plans.append((took, statement, plan))
            connection.rollback()
        for took, statement, plan in sorted(plans, key=lambda p: -p[0])[:6]:
            print(f"\n--- {took:.3f} ms: {' '.join(statement.split())[:300]}\n{plan}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--campaigns", type=int, default=10_000)
    parser.add_argument("--codes", type=int, default=10_000_000)
    parser.add_argument("--small-customers", type=int, default=1_000)
    parser.add_argument("--small-campaigns", type=int, default=100)
    parser.add_argument("--small-codes", type=int, default=10_000)
    parser.add_argument("--validations", type=int, default=1_000, help="per store")
    parser.add_argument("--updates", type=int, default=600, help="per store")
    parser.add_argument("--reuse", action="store_true", help="keep stores already built with this shape")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE one validate and update per store")
    parser.add_argument("--drop", action="store_true", help="drop both databases at the end")
    parser.add_argument("--database-prefix", default="promoshop_scale", help="databases <prefix>_big and _small")
    args = parser.parse_args()
    logging.disable(logging.INFO)

    shapes = {"big": Shape(args.customers, args.campaigns, args.codes),
              "small": Shape(args.small_customers, args.small_campaigns, args.small_codes)}
    names = {label: f"{args.database_prefix}_{label}" for label in ("big", "small")}
    for label, name in names.items():
        seconds = scale_store.ensure_store(name, shapes[label], reuse=args.reuse)
        if seconds is not None:
            print(f"{name}: built in {seconds:.0f} s")
    stores = [open_store(label, names[label], shapes[label]) for label in names]
    draw = random.Random(7)
    for store in stores:   # every engine parses and indexes its campaigns once, as a warm worker has
        started = time.perf_counter()
        validate_once(store, draw)
        update_once(store, draw)
        print(f"{store.label:>6}: first validate and cart update {time.perf_counter() - started:.1f} s")
    interleaved(stores, validate_once, 20, draw)
    interleaved(stores, update_once, 20, draw)
    if args.explain:
        for store in stores:
            explain(store, draw)
    counts = {store.label: len(statements_of(store, lambda store=store: update_once(store, draw))) for store in stores}
    # Both stores live in this process: freezing what set-up left (10,000 parsed campaigns)
    # keeps each collection to its request's own garbage, as in a worker serving one store.
    gc.collect()
    gc.freeze()

    results = {"validate": interleaved(stores, validate_once, args.validations, draw),
               "cart update": interleaved(stores, update_once, args.updates, draw)}
    big, small = shapes["big"], shapes["small"]
    print(f"\nbig: {big.customers:,} customers, {big.campaigns:,} campaigns, {big.codes:,} codes; "
          f"small: {small.customers:,}, {small.campaigns:,}, {small.codes:,}. "
          f"SQL statements per cart update: {counts['big']} and {counts['small']}")
    print(f"{'':<24}{'big p50':>10}{'p99':>10}{'small p50':>12}{'p99':>10}{'p50 ratio':>11}{'p99 ratio':>11}"
          f"  goal: p99 <= {GOAL_RATIO}x")
    worst = 0.0
    for name, timings in results.items():
        figures = {label: (percentile_ms(t, 0.5), percentile_ms(t, 0.99)) for label, t in timings.items()}
        ratio = figures["big"][1] / figures["small"][1]
        worst = max(worst, ratio)
        title = f"{name} (n={len(timings['big'])})"
        print(f"{title:<24}{figures['big'][0]:>8.1f}ms{figures['big'][1]:>8.1f}ms"
              f"{figures['small'][0]:>10.1f}ms{figures['small'][1]:>8.1f}ms"
              f"{figures['big'][0] / figures['small'][0]:>10.2f}x{ratio:>10.2f}x  "
              f"{'met' if ratio <= GOAL_RATIO else 'MISSED'}")
    print(f"load average over the last 5 minutes: {os.getloadavg()[1]:.1f}")
    print(f"worst p99 ratio {worst:.2f}x (goal <= {GOAL_RATIO}x): {'met' if worst <= GOAL_RATIO else 'MISSED'}")
    if args.drop:
        for store in stores:
            store.engine._sessions.kw["bind"].dispose()
        for name in names.values():
            scale_store.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
