"""Banner render time per template vs. a cached serve (key hash + disk read), for a personal
code banner ("20% OFF", a code, a name) and an automatic promotion's (an offer in words, no code).

Run: .venv/bin/python bench/banners.py [--renders N] [--serves N]
Goal (issue 5): a cached serve costs at most 5% of a render.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

# Run as a script from anywhere: make the repository's packages importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from promo.banners import TEMPLATES, BannerCache, BannerFields, discount_label, render_banner  # noqa: E402

GOAL_RATIO = 0.05


def median_seconds(action, repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=10, help="renders per template")
    parser.add_argument("--serves", type=int, default=300, help="cached serves per template")
    args = parser.parse_args()

    personal = BannerFields(
        headline="Autumn roast week: fresh beans, bold savings",
        discount=discount_label("en_US", percent=20),
        code="AUTUMN20",
        expires_on=date(2025, 12, 31),
        share_url="https://shop.example/share/AUTUMN20",
        first_name="Anna",
    )
    # An automatic promotion: the offer in words on two lines, no code.
    automatic = BannerFields(
        headline="Three bags, one free",
        discount="BUY 3, CHEAPEST FREE",
        code=None,
        expires_on=None,
        share_url="https://shop.example/",
    )
    print(f"{'banner':<11}{'template':<10}{'size':>11}{'render ms':>12}{'cached ms':>12}{'cached/render':>15}  goal <= 5%")
    worst = 0.0
    with tempfile.TemporaryDirectory() as directory:
        cache = BannerCache(directory)
        for kind, fields in (("personal", personal), ("automatic", automatic)):
            for name, template in TEMPLATES.items():
                render_banner(template, fields)  # warm font and mask caches, as a running app would be
                render = median_seconds(lambda template=template, fields=fields: render_banner(template, fields), args.renders)
                cache.get_or_render(template, fields)  # store it
                served = median_seconds(lambda template=template, fields=fields: cache.get_or_render(template, fields),
                                        args.serves)
                ratio = served / render
                worst = max(worst, ratio)
                size = "x".join(map(str, template.size))
                print(f"{kind:<11}{name:<10}{size:>11}{render * 1e3:>12.2f}{served * 1e3:>12.3f}"
                      f"{ratio:>14.2%}  {'met' if ratio <= GOAL_RATIO else 'MISSED'}")
    print(f"worst cached/render ratio {worst:.2%} (goal <= {GOAL_RATIO:.0%}): "
          f"{'met' if worst <= GOAL_RATIO else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
