"""The wallet page in bench 1's store against the demo store's wallet, side by side.

Run: .venv/bin/python bench/wallet.py [--campaigns 1000] [--repeats 40]
Goal (issue 18, point 5): the wallet's p50 in bench 1's store is at most 3x the demo wallet's.

Bench 1's store is bench/cart_throughput.py's: the 2,000-product catalogue of bench/synthetic.py
and 1,000 active campaigns of which 50 can touch the cart; its signed-in bench shopper has the
20-line cart. The demo store is scenarios/arabica.yaml with the VIP persona and the issue's
demo cart (two Ethiopia bags and a Kenya bag, HAPPY10 and BLCKFRDY entered). Both are SQLite
files served by the real app through Flask's test client (no network, no server), with warm
workers: campaigns parsed and indexed once, as a running app has. Requests alternate between
the two stores so load falls on both alike; p50 and p99 are of each side's own requests.
"""
from __future__ import annotations

import argparse
import gc
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic  # noqa: E402

GOAL_RATIO = 3.0
SECRET_KEY = "bench-secret-key-not-for-production-0123456789"
ROOT = Path(__file__).resolve().parent.parent
DEMO_CART = {"ARA-ETH-YIRG": 2, "ARA-KEN-NYERI": 1}
DEMO_CODES = ("HAPPY10", "BLCKFRDY")


def new_app(directory: Path, *, demo: bool):
    from app import create_app

    directory.mkdir()
    return create_app({"INSTANCE_PATH": str(directory), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory / 'bench.db'}",
                       "SECRET_KEY": SECRET_KEY, "DEMO_MODE": demo, "STORE_TIMEZONE": "UTC"})


def signed_in(app, customer_id: str, items: dict[str, int], codes: tuple[str, ...] = ()):
    from shop.storefront.model import cart_state
    from shop.storefront.model.customer import CUSTOMER_KEY

    client = app.test_client()
    with client.session_transaction() as session:
        session[CUSTOMER_KEY] = customer_id
        cart_state.save(session, cart_state.SessionCart(items=items, codes=codes))
    return client


def bench_store(directory: Path, campaigns: int, touching: int):
    from shop.web.extensions import promo_engine

    app = new_app(directory, demo=False)
    synthetic.fill(promo_engine(app), synthetic.campaigns(campaigns, touching))
    return signed_in(app, synthetic.SHOPPER.id, {line.sku: line.quantity for line in synthetic.cart().lines})


def demo_store(directory: Path):
    from promo.packs.scenario import load_pack, read_pack
    from shop.web.extensions import promo_engine

    app = new_app(directory, demo=True)
    load_pack(promo_engine(app), read_pack(ROOT / "scenarios" / "arabica.yaml"))
    return signed_in(app, "vip", DEMO_CART, DEMO_CODES)


def get_ms(client) -> float:
    start = time.perf_counter()
    response = client.get("/wallet")
    elapsed = (time.perf_counter() - start) * 1e3
    assert response.status_code == 200, response.status_code
    return elapsed


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaigns", type=int, default=1_000)
    parser.add_argument("--touching", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=40)
    args = parser.parse_args()
    logging.disable(logging.INFO)  # the migrations' log lines

    with tempfile.TemporaryDirectory() as directory:
        stores = {"bench 1's store": bench_store(Path(directory) / "bench", args.campaigns, args.touching),
                  "demo store": demo_store(Path(directory) / "demo")}
        for client in stores.values():
            get_ms(client)       # the first request parses and indexes the campaigns
        times: dict[str, list[float]] = {label: [] for label in stores}
        gc.collect()
        for _ in range(args.repeats):
            for label, client in stores.items():
                times[label].append(get_ms(client))

    print(f"GET /wallet, signed in, {args.repeats} requests each, alternating:")
    for label, values in times.items():
        print(f"  {label:>16}: p50 {statistics.median(values):6.1f} ms, p99 {percentile(values, 0.99):6.1f} ms")
    ratio = statistics.median(times["bench 1's store"]) / statistics.median(times["demo store"])
    met = ratio <= GOAL_RATIO
    print(f"ratio (p50): {ratio:.2f}x; goal <= {GOAL_RATIO:.0f}x: {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
