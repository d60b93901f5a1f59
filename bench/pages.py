"""Offer pages: home, deals, wallet and a product page in a store of 1,000 active campaigns, of
which 50 are shown on those pages, against a store holding only those 50.

Run: .venv/bin/python bench/pages.py [--campaigns 1000] [--shown 50] [--many 500] [--repeats 20]
Goal: at most 3x per page. A third store (issue 18) has as many campaigns but shows `--many` of
them on these pages (the rest unshown, as in the big store): what a store that lists many offers
pays, printed against the 50-offer store with no goal of its own. Both stores are SQLite files with the catalogue of bench/synthetic.py
(2,000 products) and the same 50 listed offers (automatic promotions and public codes, on the
cart's items, storewide and for the shopper's segment); the big store adds offers none of these
pages may show (on products outside the cart): hidden codes, promotions listed only on product
pages of another category, only in the cart and checkout, or only to another audience. The
signed-in bench shopper holds three codes of their own and has the 20-line cart. Each page is
requested through the real app (Flask's test client, so no network or server in the figure)
with warm workers: campaigns parsed and indexed once, as a running app has. Rounds alternate the
two stores so load falls on both.
"""
from __future__ import annotations

import argparse
import gc
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic  # noqa: E402

GOAL_RATIO = 3.0
SECRET_KEY = "bench-secret-key-not-for-production-0123456789"
WALLET_CAMPAIGN = {"id": "thanks", "name": "Thank-you codes", "kind": "bulk", "codes": {"pattern": "THANKS-########"},
                   "visibility": {"listed": False}, "effect": {"type": "amount_off_order", "amount": 500},
                   "limits": {"per_code": 1}}
WALLET_CODES = 3
# (path, signed in?): the deals page is the same for everyone and is timed as a guest sees it.
PAGES = (("/", True), ("/deals", False), ("/wallet", True), (f"/products/{synthetic.sku(0)}", True))


def shown(number: int) -> dict:
    """An offer every page lists: one of the cart's offers; every fifth a listed public code."""
    definition = synthetic.touching(number)
    if number % 5 == 1:
        return {**definition, "kind": "coupon", "code": f"SHOWN-{number:05d}"}
    return definition


def unshown(number: int) -> dict:
    """An offer home, deals and wallet never show, on a product outside the cart (so that the
    wallet's cart price, which the candidate index already narrows, is the same in both stores)."""
    shape = number % 4
    other = synthetic.CART_LINES + number % (synthetic.CATALOGUE - synthetic.CART_LINES)
    base = {"id": f"unshown-{number:05d}", "name": f"Unshown offer {number}", "kind": "promotion",
            "effect": {"type": "percent_off_items", "percent": 3, "items": {"skus": [synthetic.sku(other)]}}}
    if shape == 0:
        return {**base, "kind": "coupon", "code": f"HIDDEN-{number:05d}", "visibility": {"listed": False}}
    if shape == 1:
        return {**base, "visibility": {"pages": ["product"], "categories": [synthetic.category(150 + number % 50)]}}
    if shape == 2:
        return {**base, "visibility": {"pages": ["cart", "checkout"]}}
    return {**base, "visibility": {"audience": {"fact": "customer.segment", "is": f"segment-{number % 50}"}}}


def campaigns(total: int, shown_count: int) -> list[dict]:
    return [shown(n) for n in range(shown_count)] + [unshown(n) for n in range(total - shown_count)]


def open_app(directory: Path, definitions: list[dict]):
    """The real app on its own SQLite file, filled; returns (app, guest client, shopper client)."""
    from app import create_app
    from shop.storefront.model import cart_state
    from shop.storefront.model.customer import CUSTOMER_KEY
    from shop.web.extensions import promo_engine

    directory.mkdir()
    app = create_app({"INSTANCE_PATH": str(directory), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory / 'bench.db'}",
                      "SECRET_KEY": SECRET_KEY, "DEMO_MODE": False, "STORE_TIMEZONE": "UTC"})
    engine = promo_engine(app)
    synthetic.fill(engine, definitions)
    engine.create_campaign(WALLET_CAMPAIGN)
    engine.generate_codes(WALLET_CAMPAIGN["id"], WALLET_CODES)
    for number in range(WALLET_CODES):
        engine.publish(WALLET_CAMPAIGN["id"], synthetic.SHOPPER.id, source_id=f"bench-{number}")
    guest, shopper = app.test_client(), app.test_client()
    with shopper.session_transaction() as session:
        session[CUSTOMER_KEY] = synthetic.SHOPPER.id
        cart_state.save(session, cart_state.SessionCart(items={line.sku: line.quantity for line in synthetic.cart().lines}))
    return app, guest, shopper


PAGE_NAMES = {path: f"GET {path} ({'signed in' if signed_in else 'guest'})" for path, signed_in in PAGES}
# The engine's part of the home and deals pages on its own (the page figures include rendering
# and, on the home page, reading the 2,000-product catalogue).
ENGINE_CALLS = {
    "Engine.qualify, home (visible_only)": lambda engine: engine.qualify(
        synthetic.SHOPPER.id, NO_LINES, engine.context(page="home"), visible_only=True),
    "Engine.qualify, deals (visible_only)": lambda engine: engine.qualify(
        None, NO_LINES, engine.context(page="deals"), visible_only=True),
}
NO_LINES = synthetic.cart(0)


def engine_ms(app, call, repeats: int) -> float:
    from shop.web.extensions import promo_engine

    engine = promo_engine(app)
    return synthetic.median_ms(lambda: call(engine), repeats)


def page_ms(client, path: str, repeats: int) -> float:
    def get() -> None:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    return synthetic.median_ms(get, repeats)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaigns", type=int, default=1_000)
    parser.add_argument("--shown", type=int, default=50)
    parser.add_argument("--many", type=int, default=500, help="offers shown by the third store (0: no third store)")
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    logging.disable(logging.INFO)  # the migrations' log lines

    with tempfile.TemporaryDirectory() as directory:
        stores = {}
        layouts = [("all", campaigns(args.campaigns, args.shown)), ("shown", campaigns(args.shown, args.shown))]
        if args.many:
            layouts.append(("many", campaigns(args.campaigns, args.many)))
        for label, definitions in layouts:
            started = time.perf_counter()
            app, guest, shopper = open_app(Path(directory) / label, definitions)
            filled = time.perf_counter() - started
            first = {}
            for path, signed_in in PAGES:  # the first request parses and indexes the campaigns
                start = time.perf_counter()
                response = (shopper if signed_in else guest).get(path)
                first[path] = (time.perf_counter() - start) * 1e3
                assert response.status_code == 200, (label, path, response.status_code)
            stores[label] = (app, guest, shopper)
            print(f"{label:>6}: {len(definitions):>6} campaigns stored in {filled:.1f} s; first request "
                  + ", ".join(f"{path} {ms:.0f} ms" for path, ms in first.items()))

        # Both stores live in this one process, so the big store's parsed campaigns would make
        # every garbage collection slower for the small store's requests too (a worker holds
        # one store). Freezing what the setup left behind keeps collections to each request's
        # own garbage, as in a worker that has served its first requests.
        gc.collect()
        gc.freeze()
        rounds = 5
        times = {name: {label: [] for label in stores} for name in [*PAGE_NAMES.values(), *ENGINE_CALLS]}
        for _ in range(rounds):
            for path, signed_in in PAGES:
                for label, (_app, guest, shopper) in stores.items():
                    client = shopper if signed_in else guest
                    times[PAGE_NAMES[path]][label].append(page_ms(client, path, max(1, args.repeats // rounds)))
            for name, call in ENGINE_CALLS.items():
                for label, (app, _guest, _shopper) in stores.items():
                    times[name][label].append(engine_ms(app, call, max(1, args.repeats // rounds)))

    print(f"\n{'':<38}{args.campaigns:>8,} campaigns{args.shown:>10} alone{'ratio':>9}  goal <= {GOAL_RATIO:.0f}x")
    worst = 0.0
    for name in times:
        big, small = (sorted(times[name][label])[rounds // 2] for label in ("all", "shown"))
        ratio = big / small
        worst = max(worst, ratio)
        print(f"{name:<38}{big:>12.1f} ms{small:>11.1f} ms{ratio:>8.2f}x  {'met' if ratio <= GOAL_RATIO else 'MISSED'}")
    print(f"worst ratio {worst:.2f}x (goal <= {GOAL_RATIO:.0f}x): {'met' if worst <= GOAL_RATIO else 'MISSED'}")
    if args.many:
        print(f"\n{'':<38}{args.many:>8,} shown{args.shown:>14} shown{'ratio':>9}  (no goal)")
        for name in times:
            many, small = (sorted(times[name][label])[rounds // 2] for label in ("many", "shown"))
            print(f"{name:<38}{many:>12.1f} ms{small:>11.1f} ms{many / small:>8.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
