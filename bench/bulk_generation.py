"""Bulk generation: Engine.generate_codes making and storing 1M codes, against a raw bulk insert
of 1M ready-made rows into the same kind of database.

Run: .venv/bin/python bench/bulk_generation.py [--count 1000000] [--batch 10000]
Goal (issue 9): at most 1.5x; also codes per second and peak memory. Each side runs in its own
child process on its own fresh SQLite file (same schema, same unique index on codes.code, same
batch size with one transaction per batch), so neither inherits the other's index or memory.
Peak memory is the child's peak resident set (getrusage ru_maxrss) above what it started with.
The raw side gets its rows drawn beforehand (not timed) and inserts them with sqlite3's
executemany: no random drawing, no collision check, no ORM.
"""
from __future__ import annotations

import argparse
import multiprocessing
import resource
import secrets
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic  # noqa: E402

GOAL_RATIO = 1.5
CAMPAIGN = {"id": "mailing", "name": "Mailing codes", "kind": "bulk", "codes": {"pattern": "MAIL-##########"},
            "effect": {"type": "percent_off_order", "percent": 10}, "limits": {"per_code": 1}}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(path: str, count: int, batch: int, results) -> None:
    engine = synthetic.open_store(Path(path), [CAMPAIGN], catalogue=False)
    start_rss = peak_rss_mb()
    started = time.perf_counter()
    made = engine.generate_codes("mailing", count, batch_size=batch)
    seconds = time.perf_counter() - started
    results.put(("generate", made, seconds, peak_rss_mb() - start_rss))


def raw_insert(path: str, count: int, batch: int, results) -> None:
    synthetic.open_store(Path(path), [CAMPAIGN], catalogue=False)
    created = synthetic.CREATED.strftime("%Y-%m-%d %H:%M:%S.%f")
    rows = list({"MAIL-" + "".join(secrets.choice(synthetic.CODE_ALPHABET) for _ in range(10)) for _ in range(count)})
    rows = [(code, "mailing", "active", 0, created) for code in rows]
    connection = sqlite3.connect(path, timeout=30)
    connection.execute("PRAGMA synchronous = NORMAL")  # what promo's engine sets on file databases
    start_rss = peak_rss_mb()
    started = time.perf_counter()
    for offset in range(0, len(rows), batch):
        connection.executemany(
            "INSERT INTO codes (code, campaign_id, status, redeemed_count, created_at) VALUES (?, ?, ?, ?, ?)",
            rows[offset:offset + batch],
        )
        connection.commit()
    seconds = time.perf_counter() - started
    connection.close()
    results.put(("raw insert", len(rows), seconds, peak_rss_mb() - start_rss))


def run(target, path: Path, count: int, batch: int) -> tuple:
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    child = context.Process(target=target, args=(str(path), count, batch, results))
    child.start()
    outcome = results.get()
    child.join()
    return outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        outcomes = [run(generate, Path(directory) / "generated.db", args.count, args.batch),
                    run(raw_insert, Path(directory) / "raw.db", args.count, args.batch)]
    print(f"{'':<12}{'codes':>11}{'seconds':>9}{'codes/s':>11}{'peak MB':>9}")
    for name, made, seconds, memory in outcomes:
        print(f"{name:<12}{made:>11,}{seconds:>9.1f}{made / seconds:>11,.0f}{memory:>9.1f}")
    ratio = outcomes[0][2] / outcomes[1][2]
    print(f"generate/raw time ratio {ratio:.2f}x (goal <= {GOAL_RATIO}x): {'met' if ratio <= GOAL_RATIO else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
