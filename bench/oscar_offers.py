"""Against a peer: django-oscar's offer Applicator and promoshop on the same 20-line basket with
100 equivalent offers.

Run: .venv/bin/python bench/oscar_offers.py [--offers 100] [--repeats 30] [--rounds 5]
Goal (issue 9): promoshop's evaluation at least 10x faster. The two sides are timed in
interleaved rounds (issue 18): Oscar runs in its own process, waiting between rounds, so load on
the machine falls on both alike; each figure is the median over all rounds.

Oscar is installed into its own virtual environment, bench/.venv-oscar, from the project's
`bench` extra (pyproject.toml: django-oscar and Django, pinned). The first run does it for you:
`python -m venv bench/.venv-oscar` and, from the repository root,
`bench/.venv-oscar/bin/pip install -e '.[bench]'` (from PyPI); a later run installs again only
when the venv's versions differ from the extra's pins. Never install the extra into .venv. Oscar
runs headless on an in-memory SQLite database (bench/oscar_side.py). The offers are the kind both
can express: "5% off product X when the basket has at least one X", offer n on product n % 40 of
40 products, combinable with each other; the basket holds products 0-19, so with 100 offers 60
concern its lines (offers 0-19, 40-59 and 80-99) and 40 do not. Oscar side:
Range of one product, COUNT condition of 1, PERCENTAGE benefit, exclusive=False; promoshop side:
promotion with a percent_off_items effect on that SKU and a cart.lines eligibility rule.
What only one side can say (promoshop's tiers, schedules, formulas, budgets; Oscar's
multibuy/fixed-price benefits, which exist in both in other shapes) is not in this comparison.
Timed: Oscar's Applicator().apply(basket) on a basket loaded fresh (its offers come from the
database each time, as in a request); promoshop's pure evaluate() over the 100 campaigns, and
Engine.validate on a SQLite file with a warm worker (candidates from the index, live counters).
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import tomllib
import venv
from decimal import Decimal
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import synthetic  # noqa: E402

from promo.core.applicator import Candidate, evaluate  # noqa: E402

GOAL_FACTOR = 10.0
OSCAR_VENV = BENCH / ".venv-oscar"


# Is every `name==version` pin of the extra (exact pins only) installed at that version? Run by the
# Oscar venv's python.
PROBE = """
import importlib.metadata, sys
for pin in sys.argv[1:]:
    name, _, version = pin.partition("==")
    try:
        found = importlib.metadata.version(name.strip())
    except importlib.metadata.PackageNotFoundError:
        sys.exit(1)
    if version and found != version.strip():
        sys.exit(1)
import oscar
"""


def bench_extra() -> list[str]:
    """The `bench` optional dependencies of pyproject.toml: what the Oscar venv holds."""
    with (ROOT / "pyproject.toml").open("rb") as pyproject:
        return tomllib.load(pyproject)["project"]["optional-dependencies"]["bench"]


def oscar_python() -> Path:
    python = OSCAR_VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {OSCAR_VENV} (once)...", flush=True)
        venv.create(OSCAR_VENV, with_pip=True)
    pins = [pin.split(";")[0].strip() for pin in bench_extra()]
    probe = subprocess.run([str(python), "-c", PROBE, *pins], capture_output=True)
    if probe.returncode != 0:
        print(f"installing the bench extra ({', '.join(pins)}) into {OSCAR_VENV}: pip install -e '.[bench]'",
              flush=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-e", ".[bench]"], cwd=ROOT, check=True)
    return python


def definitions(offers: int) -> list[dict]:
    lines = synthetic.CART_LINES
    return [
        {"id": f"offer-{n:03d}", "name": f"Offer {n}", "kind": "promotion",
         "eligibility": {"fact": "cart.lines", "items": {"skus": [synthetic.sku(n % (2 * lines))]}},
         "effect": {"type": "percent_off_items", "percent": 5, "items": {"skus": [synthetic.sku(n % (2 * lines))]}}}
        for n in range(offers)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=30, help="per side and round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    oscar_side = subprocess.Popen([str(oscar_python()), str(BENCH / "oscar_side.py"), str(args.offers),
                                   str(args.repeats)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def oscar_round() -> dict:
        oscar_side.stdin.write("round\n")
        oscar_side.stdin.flush()
        return json.loads(oscar_side.stdout.readline())

    cart = synthetic.cart()
    try:
        assert json.loads(oscar_side.stdout.readline()) == {"ready": True}
        with tempfile.TemporaryDirectory() as directory:
            engine = synthetic.open_store(Path(directory) / "offers.db", definitions(args.offers))
            context = engine.context(page="cart")
            campaigns = [engine.parse(d) for d in definitions(args.offers)]
            # No cap on the number of offers, as Oscar has none.
            pure = lambda: evaluate([Candidate(c) for c in campaigns], cart, synthetic.SHOPPER, context,  # noqa: E731
                                    max_offers=args.offers)
            evaluation = pure()
            engine.max_offers = args.offers
            engine.validate(synthetic.SHOPPER, cart, (), context)
            timings: dict[str, list[float]] = {"oscar": [], "pure": [], "validate": []}
            for _ in range(args.rounds):   # Oscar, then promoshop, round after round
                oscar = oscar_round()
                timings["oscar"] += oscar["timings_ms"]
                timings["pure"] += [synthetic.median_ms(pure, 1) for _ in range(args.repeats)]
                timings["validate"] += [synthetic.median_ms(lambda: engine.validate(synthetic.SHOPPER, cart, (), context), 1)
                                        for _ in range(args.repeats)]
    finally:
        oscar_side.stdin.close()
        oscar_side.wait(timeout=60)
    oscar["median_ms"] = statistics.median(timings["oscar"])
    pure_ms, validate_ms = statistics.median(timings["pure"]), statistics.median(timings["validate"])

    print(f"{args.offers} offers, {synthetic.CART_LINES}-line basket")
    print(f"{'':<44}{'median ms':>10}{'applied':>9}{'discount':>10}")
    print(f"{'django-oscar ' + 'Applicator().apply':<44}{oscar['median_ms']:>10.2f}{oscar['applied']:>9}"
          f"{Decimal(oscar['discount']):>10.2f}")
    print(f"{'promoshop evaluate() (pure)':<44}{pure_ms:>10.2f}{len(evaluation.applied):>9}"
          f"{evaluation.discount / 100:>10.2f}")
    print(f"{'promoshop Engine.validate (SQLite, indexed)':<44}{validate_ms:>10.2f}")
    for name, value in (("evaluate()", pure_ms), ("Engine.validate", validate_ms)):
        factor = oscar["median_ms"] / value
        print(f"promoshop {name} is {factor:,.0f}x faster (goal >= {GOAL_FACTOR:.0f}x): "
              f"{'met' if factor >= GOAL_FACTOR else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
