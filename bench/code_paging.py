"""Code paging: a campaign of 1M codes, its first page and its page 1000, against the first page
of a campaign of 1,000 codes.

Run: .venv/bin/python bench/code_paging.py [--codes 1000000] [--small 1000] [--page 1000] [--limit 100]
Goal: at most 1.5x, both for page 1000 against the first page and for the big campaign against
the small one, for every way codes are paged: `Engine.list_codes` (the API's GET
/campaigns/<id>/codes; with and without its `prefix`) and the console's codes page
(promo/services/reports.py), each with the campaign filter. The `total` a first page counts reads
every matching code, so it is timed on its own row (no goal: it grows with the campaign, and the
API counts it only on the first page or when asked). The store is the real app's SQLite file
(schema from the migrations); the big campaign's codes come through bench/code_lookup.py's
fast path, the small one's through Engine.generate_codes. Rounds alternate the sides so load
falls on all alike.
"""
from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import code_lookup  # noqa: E402
import synthetic  # noqa: E402

GOAL_RATIO = 1.5
SMALL = {"id": "small", "name": "Small mailing", "kind": "bulk", "codes": {"pattern": "ZZ-##########"},
         "effect": {"type": "percent_off_order", "percent": 5}}
ROUNDS = 5


def open_app(directory: Path):
    from app import create_app
    from shop.web.extensions import promo_engine

    app = create_app({"INSTANCE_PATH": str(directory), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory / 'codes.db'}",
                      "SECRET_KEY": "bench-secret-key-not-for-production-0123456789", "DEMO_MODE": False})
    engine = promo_engine(app)
    engine.create_campaign(code_lookup.CAMPAIGN)
    engine.create_campaign(SMALL)
    return app, engine


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--page", type=int, default=1000)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    logging.disable(logging.INFO)  # the migrations' log lines

    big, small = code_lookup.CAMPAIGN["id"], SMALL["id"]
    with tempfile.TemporaryDirectory() as directory:
        app, engine = open_app(Path(directory))
        seconds = code_lookup.load_codes(Path(directory) / "codes.db", args.codes)
        engine.generate_codes(small, args.small)
        print(f"{args.codes:,} codes loaded in {seconds:.1f} s; {args.small:,} in the small campaign")
        # The cursor of page N: the last code of page N-1 in code order.
        ordered = sorted(code_lookup.code_for(n) for n in range(args.codes))
        cursor = ordered[(args.page - 1) * args.limit - 1]
        expected = ordered[(args.page - 1) * args.limit:args.page * args.limit]
        prefixes = {big: "MAIL-", small: "ZZ-"}

        ways = {
            "Engine.list_codes": lambda campaign, after: engine.list_codes(
                campaign, limit=args.limit, after=after, count_total=False),
            "Engine.list_codes, prefix": lambda campaign, after: engine.list_codes(
                campaign, prefix=prefixes[campaign], limit=args.limit, after=after, count_total=False),
            "console codes page": lambda campaign, after: engine.reports.search_codes(
                "", campaign_id=campaign, after=after, limit=args.limit),
        }
        sides = {"small first": (small, None), "big first": (big, None), f"big page {args.page}": (big, cursor)}
        figures = {}
        with app.app_context():
            for name, page in ways.items():
                assert [c.code for c in page(big, cursor).codes] == expected, name  # the right page
                times = {side: [] for side in sides}
                for _ in range(ROUNDS):
                    for side, (campaign, after) in sides.items():
                        times[side].append(synthetic.median_ms(lambda page=page, campaign=campaign, after=after: page(campaign, after),
                                                               max(1, args.repeats // ROUNDS)))
                figures[name] = {side: sorted(values)[ROUNDS // 2] for side, values in times.items()}
            counted = {}
            for label, campaign in (("small", small), ("big", big)):
                counted[label] = synthetic.median_ms(
                    lambda campaign=campaign: engine.list_codes(campaign, limit=args.limit, count_total=True), max(3, args.repeats // 4))

    later = f"page {args.page:,}"
    print(f"\n{'':<27}{f'{args.small:,} codes':>13}{f'{args.codes:,} codes':>17}{later:>12}"
          f"{'p' + str(args.page) + '/p1':>10}{'big/small':>11}  goal <= {GOAL_RATIO}x ({args.limit} codes a page)")
    worst = 0.0
    for name, result in figures.items():
        small_first, big_first, big_later = result.values()
        by_page, by_size = big_later / big_first, big_first / small_first
        worst = max(worst, by_page, by_size)
        verdict = "met" if max(by_page, by_size) <= GOAL_RATIO else "MISSED"
        print(f"{name:<27}{small_first:>10.2f} ms{big_first:>14.2f} ms{big_later:>9.2f} ms"
              f"{by_page:>9.2f}x{by_size:>10.2f}x  {verdict}")
    print(f"{'first page with its total':<27}{counted['small']:>10.2f} ms{counted['big']:>14.2f} ms"
          f"{'':>12}{'':>10}{counted['big'] / counted['small']:>10.2f}x  (no goal: counting reads every code)")
    print(f"worst paging ratio {worst:.2f}x (goal <= {GOAL_RATIO}x): {'met' if worst <= GOAL_RATIO else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
