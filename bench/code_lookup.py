"""Code lookup: validating one entered code with 10M codes stored against 1k codes stored.

Run: .venv/bin/python bench/code_lookup.py [--codes 10000000] [--lookups 300]
Goal (issue 9): at most 1.2x. Both stores are SQLite files with the same campaigns; the big one
gets its codes through a bench-only fast path (sqlite3 executemany of sorted ready-made codes,
synchronous off while loading), because generating them through the engine is what
bench/bulk_generation.py measures. Each lookup validates a different stored code (drawn at
random, so the pages it needs are not the previous lookup's) through Engine.validate, and
Engine.get_code is timed as the bare index lookup.
"""
from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic  # noqa: E402

GOAL_RATIO = 1.2
CAMPAIGN = {"id": "mailing", "name": "Mailing codes", "kind": "bulk", "codes": {"pattern": "MAIL-##########"},
            "effect": {"type": "percent_off_order", "percent": 10}, "limits": {"per_code": 1}}
BATCH = 200_000


def load_codes(path: Path, count: int) -> float:
    """Insert `count` codes of the mailing campaign; returns the seconds it took."""
    started = time.perf_counter()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous = OFF")
    codes = sorted(synthetic.code_for(n) for n in range(count))
    created = synthetic.CREATED.strftime("%Y-%m-%d %H:%M:%S.%f")
    for start in range(0, count, BATCH):
        connection.executemany(
            "INSERT INTO codes (code, campaign_id, status, redeemed_count, created_at) VALUES (?, 'mailing', 'active', 0, ?)",
            ((code, created) for code in codes[start:start + BATCH]),
        )
        connection.commit()
    connection.close()
    return time.perf_counter() - started


def timed_lookups(engine, codes: list[str], cart, context) -> dict[str, float]:
    validate, get = [], []
    for code in codes:
        start = time.perf_counter()
        evaluation = engine.validate(None, cart, [code], context)
        validate.append(time.perf_counter() - start)
        assert evaluation.codes[code].campaign_id == "mailing", evaluation.codes[code]  # found, evaluated
        start = time.perf_counter()
        engine.get_code(code)
        get.append(time.perf_counter() - start)
    return {"validate": sorted(validate)[len(validate) // 2] * 1e3, "get_code": sorted(get)[len(get) // 2] * 1e3}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=10_000_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--lookups", type=int, default=300)
    args = parser.parse_args()

    cart = synthetic.cart()
    random.seed(9)
    with tempfile.TemporaryDirectory() as directory:
        stores = {}
        for label, count in (("big", args.codes), ("small", args.small)):
            path = Path(directory) / f"{label}.db"
            engine = synthetic.open_store(path, [CAMPAIGN] + synthetic.campaigns(50, 50))
            seconds = load_codes(path, count)
            size = path.stat().st_size / 1e6
            print(f"{label:>6}: {count:>11,} codes loaded in {seconds:.1f} s ({count / seconds:,.0f} rows/s), "
                  f"database {size:,.0f} MB")
            stores[label] = (engine, [synthetic.code_for(random.randrange(count)) for _ in range(args.lookups)])

        results = {label: {"validate": [], "get_code": []} for label in stores}
        for round_number in range(3):  # interleaved, so machine load falls on both alike
            for label, (engine, codes) in stores.items():
                context = engine.context(page="cart")
                part = codes[round_number::3]
                for name, value in timed_lookups(engine, part, cart, context).items():
                    results[label][name].append(value)

    print(f"\n{'':<10}{args.codes:>12,} codes{args.small:>10,} codes{'ratio':>9}  goal <= {GOAL_RATIO}x")
    verdicts = []
    for name in ("validate", "get_code"):
        big = sorted(results["big"][name])[1]
        small = sorted(results["small"][name])[1]
        ratio = big / small
        verdicts.append(ratio)
        print(f"{name:<10}{big:>15.3f} ms{small:>13.3f} ms{ratio:>8.2f}x  {'met' if ratio <= GOAL_RATIO else 'MISSED'}")
    print(f"validate ratio {verdicts[0]:.2f}x (goal <= {GOAL_RATIO}x): {'met' if verdicts[0] <= GOAL_RATIO else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
