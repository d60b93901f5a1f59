"""Against a peer: django-oscar's offer Applicator and promoshop on the same 20-line basket with
100 equivalent offers.

Run: .venv/bin/python bench/oscar_offers.py [--offers 100] [--repeats 30]
Goal (issue 9): promoshop's evaluation at least 10x faster.

Oscar is installed into its own virtual environment, bench/.venv-oscar, from
bench/requirements-oscar.txt (created on the first run: `python -m venv` + pip from PyPI), and
runs headless on an in-memory SQLite database (bench/oscar_side.py). The offers are the kind both
can express: "5% off product X when the basket has at least one X", X being one of 40 products
(so half of the offers concern the basket's 20 lines), combinable with each other. Oscar side:
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
import subprocess
import sys
import tempfile
import venv
from decimal import Decimal
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import synthetic  # noqa: E402

from promo.applicator import Candidate, evaluate  # noqa: E402

GOAL_FACTOR = 10.0
OSCAR_VENV = BENCH / ".venv-oscar"


def oscar_python() -> Path:
    python = OSCAR_VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {OSCAR_VENV} and installing django-oscar from PyPI (once)...", flush=True)
        venv.create(OSCAR_VENV, with_pip=True)
    probe = subprocess.run([str(python), "-c", "import oscar"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(BENCH / "requirements-oscar.txt")],
                       check=True)
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
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()

    result = subprocess.run([str(oscar_python()), str(BENCH / "oscar_side.py"), str(args.offers), str(args.repeats)],
                            capture_output=True, text=True, check=True)
    oscar = json.loads(result.stdout.strip().splitlines()[-1])

    cart = synthetic.cart()
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
        pure_ms = synthetic.median_ms(pure, args.repeats)
        validate_ms = synthetic.median_ms(lambda: engine.validate(synthetic.SHOPPER, cart, (), context), args.repeats)

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
