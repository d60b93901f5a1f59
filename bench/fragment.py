"""The 20-line cart fragment: its size on the wire and the time to render it.

Run: .venv/bin/python bench/fragment.py [--campaigns 1000] [--repeats 200]
Goal (issue 18): a 20-line cart update's htmx fragment is at most 8 kB on the wire (compressed as
the client accepts), and rendering it takes at most half of what it took before (commit a2f2659,
which rendered it through the layout's context processor with four forms per line and Babel
called for every amount).

The store is bench/cart_throughput.py's (bench/synthetic.py's catalogue and campaigns). Bytes are
what `POST /cart/update` answers a guest's htmx request with; render time is
shop.storefront.cart.respond given the already priced cart (the engine's work left out), the
median of `--repeats`, in a warm process.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import cart_throughput  # noqa: E402

GOAL_BYTES = 8_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaigns", type=int, default=1_000)
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as name:
        sessions, _ = cart_throughput.prepare_store(Path(name), args.campaigns, 50)
        from benchapp import create_bench_app

        from shop.storefront.cart import Outcome, respond
        from shop.storefront.model.customer import current_customer
        from shop.storefront.model.priced_cart import load_session_cart, price_cart

        app = create_bench_app()
        client = app.test_client(use_cookies=False)
        request_headers = cart_throughput.headers(sessions["guest"], "POST")
        wire, html = {}, b""
        for encoding in ("identity", "gzip", "br"):
            response = client.post(cart_throughput.UPDATE[0], data=cart_throughput.BODY,
                                   headers={**request_headers, "Accept-Encoding": encoding})
            assert response.status_code == 200, response.status_code
            wire[encoding] = (len(response.get_data()), response.headers.get("Content-Encoding", "none"))
            if encoding == "identity":
                html = response.get_data()

        with app.test_request_context(cart_throughput.UPDATE[0], method="POST", headers=request_headers):
            app.preprocess_request()
            state = load_session_cart()
            priced = price_cart(state, current_customer(), with_gift_cards=True)
            timings = []
            for _ in range(args.repeats):
                started = time.perf_counter()
                respond(Outcome(state, priced=priced))
                timings.append(time.perf_counter() - started)

    print(f"20-line cart fragment ({args.campaigns:,} campaigns): {html.count(b'<form')} forms, "
          f"{html.count(b'csrf_token')} CSRF tokens")
    for encoding, (size, sent_as) in wire.items():
        print(f"  Accept-Encoding: {encoding:<9}{size:>8,} bytes (Content-Encoding: {sent_as})")
    smallest = min(size for size, _ in wire.values())
    print(f"on the wire: {smallest:,} bytes (goal <= {GOAL_BYTES:,}): {'met' if smallest <= GOAL_BYTES else 'MISSED'}")
    print(f"render (respond, cart already priced): median {statistics.median(timings) * 1e3:.2f} ms, "
          f"p90 {sorted(timings)[int(len(timings) * 0.9)] * 1e3:.2f} ms over {args.repeats}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
