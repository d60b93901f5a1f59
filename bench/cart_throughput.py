"""Cart-update throughput under gunicorn: 1,000 active campaigns and a 20-line cart, against the
same cart fragment rendered without promotions; plus p50/p99 latency of cart update, the checkout
page, placing an order and the wallet, memory per worker and HTML bytes per page.

Run: .venv/bin/python bench/cart_throughput.py [--campaigns 1000] [--seconds 10] [--workers 2] [--orders 100]
Goal (issue 18): the cart update reaches at least 80% of the baseline's requests per second with
1,000 campaigns, at least 60% with 10,000 (`--campaigns 10000`). The baseline does the same work
but the promotions: the same session handling, the same products read (only the cart's SKUs, on
both sides), the same fragment rendered and compressed; the engine answers it with no offers.

The load generator is wrk (Debian package `wrk`; install it with `apt-get install wrk`). Without
it the bench says so and drives the server with a bounded httpx client (threads), whose own
CPU use on a 2-core machine makes both figures lower; the ratio is still side by side.
The store is a SQLite file: the catalogue of bench/synthetic.py (2,000 products), the campaign
mix of bench/synthetic.py (of 1,000 campaigns, 50 can touch the cart), served by bench/benchapp.py
(the real app plus the bench-only baseline route).

Placing an order is `POST /checkout` as the checkout form sends it with htmx (name, email, the
form's checkout_token and csrf_token; answered with HX-Redirect to the confirmation), which calls
Engine.redeem and records the order. Every order is placed from a fresh session holding its own
20-line cart and checkout token, made before the timing starts, so no order is a replay of
another; they are sent one at a time by an httpx client (wrk cannot give each request its own
session), after the other figures are taken, so those are measured as before: guests first, then
the signed-in bench shopper (whose per-customer limits fill up after a few orders, as they would).
"""
from __future__ import annotations

import argparse
import math
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import synthetic  # noqa: E402

GOAL_RATIOS = {1_000: 0.8, 10_000: 0.6}   # campaigns -> least share of the baseline's requests/s
SECRET_KEY = "bench-secret-key-not-for-production-0123456789"
UPDATE = ("/cart/update", "POST")
BASELINE = ("/bench/cart/update-without-promotions", "POST")
PAGES = ["/", "/cart", "/checkout", "/wallet", "/deals", "/shop", f"/products/{synthetic.sku(0)}"]
START_TIMEOUT = 300    # seconds for gunicorn's first answer
REQUEST_TIMEOUT = 120  # seconds, for wrk and gunicorn: the 2,000-product /shop page takes 12-30 s
ORDER_CONTACT = {"name": "Bench Shopper", "email": "bench@example.com"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(directory: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PROMOSHOP_INSTANCE_PATH": str(directory),
        "DATABASE_URL": f"sqlite:///{directory / 'bench.db'}",
        "PROMOSHOP_SECRET_KEY": SECRET_KEY,
        "PROMOSHOP_DEMO_MODE": "false",
        "PROMOSHOP_STORE_TIMEZONE": "UTC",
    }


class OrderSession:
    """A fresh session for placing one order: its cookie holds a 20-line cart and a checkout
    token, as showing the checkout form leaves it; `form` is what that form then posts."""

    def __init__(self, cookie: str, csrf: str, token: str):
        self.cookie, self.form = cookie, {**ORDER_CONTACT, "checkout_token": token, "csrf_token": csrf}


def prepare_store(directory: Path, campaigns: int, touching: int,
                  orders: int = 0) -> tuple[dict[str, tuple[str, str]], dict[str, list[OrderSession]]]:
    """Migrate and fill the database; returns (session cookie, CSRF token) for a guest and the
    signed-in bench shopper, each with the 20-line cart, and `orders` fresh order sessions for
    each of them."""
    os.environ.update(server_environment(directory))
    from benchapp import create_bench_app
    from flask import session
    from flask_wtf.csrf import generate_csrf

    from shop.storefront.checkout import TOKEN_KEY
    from shop.storefront.model import cart_state

    app = create_bench_app()
    from shop.web.extensions import promo_engine

    synthetic.fill(promo_engine(app), synthetic.campaigns(campaigns, touching))
    cart = synthetic.cart()
    state = cart_state.SessionCart(items={line.sku: line.quantity for line in cart.lines})
    sessions = {}
    for who, customer_id in (("guest", None), ("signed-in", synthetic.SHOPPER.id)):
        with app.test_request_context("/"):
            cart_state.save(session, state)
            if customer_id is not None:
                session["customer_id"] = customer_id
            token = generate_csrf()
            cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
        sessions[who] = (f"{app.config['SESSION_COOKIE_NAME']}={cookie}", token)
    order_sessions: dict[str, list[OrderSession]] = {"guest": [], "signed-in": []}
    for who, customer_id in (("guest", None), ("signed-in", synthetic.SHOPPER.id)):
        for _ in range(orders):
            with app.test_request_context("/"):
                cart_state.save(session, state)
                if customer_id is not None:
                    session["customer_id"] = customer_id
                session[TOKEN_KEY] = secrets.token_hex(16)
                csrf = generate_csrf()
                cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
                order_sessions[who].append(OrderSession(f"{app.config['SESSION_COOKIE_NAME']}={cookie}", csrf,
                                                        session[TOKEN_KEY]))
    return sessions, order_sessions


def start_server(directory: Path, port: int, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--timeout", str(REQUEST_TIMEOUT),
         "--chdir", str(BENCH), "--log-level", "warning", "benchapp:create_bench_app()"],
        env=server_environment(directory),
    )
    # A worker's first page parses every campaign: with 10,000 on a loaded machine, minutes. The
    # probe waits for its answer: one given up on stays queued for a sync worker, and probes
    # every 5 s would pile up faster than a loaded worker serves them.
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=REQUEST_TIMEOUT).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer within {START_TIMEOUT} s")


def headers(auth: tuple[str, str], method: str) -> dict[str, str]:
    found = {"Cookie": auth[0]}
    found["Accept-Encoding"] = "gzip, br"   # as browsers send it: the responses go out compressed
    if method == "POST":
        found.update({"X-CSRFToken": auth[1], "HX-Request": "true", "HX-Target": "cart-items",
                      "Content-Type": "application/x-www-form-urlencoded"})
    return found


BODY = f"sku={synthetic.sku(0)}&quantity=2"


class Run:
    def __init__(self, requests: int, seconds: float, p50: float, p99: float):
        self.requests, self.seconds, self.p50, self.p99 = requests, seconds, p50, p99

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def wrk_run(base: str, path: str, method: str, auth, seconds: int, connections: int, directory: Path) -> Run:
    script = directory / "request.lua"
    lines = [f'wrk.method = "{method}"']
    if method == "POST":
        lines.append(f'wrk.body = "{BODY}"')
    lines += [f'wrk.headers["{name}"] = "{value}"' for name, value in headers(auth, method).items()]
    script.write_text("\n".join(lines) + "\n")
    output = subprocess.run(
        # wrk's own timeout is 2 s: a slower answer would count as a socket error, not a latency.
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", f"{REQUEST_TIMEOUT}s", "--latency",
         "-s", str(script), base + path],
        capture_output=True, text=True, check=True,
    ).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise SystemExit(f"{path} answered errors under load:\n{output}")
    total = int(re.search(r"(\d+) requests in ([\d.]+)(m?s)", output).group(1))
    duration = re.search(r"requests in ([\d.]+)(m?s)", output)
    elapsed = float(duration.group(1)) / (1000 if duration.group(2) == "ms" else 1)
    return Run(total, elapsed, _wrk_ms(output, "50%"), _wrk_ms(output, "99%"))


def _wrk_ms(output: str, label: str) -> float:
    value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", output).groups()
    return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]


def httpx_run(base: str, path: str, method: str, auth, seconds: int, connections: int, directory: Path) -> Run:
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        mine = []
        with httpx.Client(base_url=base, headers=headers(auth, method), timeout=REQUEST_TIMEOUT) as http:
            while time.monotonic() < stop:
                started = time.perf_counter()
                response = http.request(method, path, content=BODY if method == "POST" else None)
                mine.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise SystemExit(f"{path} answered {response.status_code}")
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    ordered = sorted(latencies)
    return Run(len(ordered), elapsed, ordered[len(ordered) // 2] * 1e3, ordered[int(len(ordered) * 0.99)] * 1e3)


def percentile_ms(seconds: list[float], fraction: float) -> float:
    """Nearest-rank percentile in milliseconds (p99 of 100 orders: the 99th fastest)."""
    ordered = sorted(seconds)
    return ordered[max(0, math.ceil(len(ordered) * fraction) - 1)] * 1e3


def place_orders(base: str, orders: list[OrderSession]) -> Run:
    """POST /checkout once per fresh session, one at a time; each must place its order."""
    latencies = []
    started = time.monotonic()
    with httpx.Client(base_url=base, timeout=60) as http:
        for order in orders:
            request_headers = {"Cookie": order.cookie, "HX-Request": "true", "HX-Target": "checkout-body",
                               "X-CSRFToken": order.form["csrf_token"]}
            began = time.perf_counter()
            response = http.post("/checkout", data=order.form, headers=request_headers)
            latencies.append(time.perf_counter() - began)
            if response.status_code != 200 or "/checkout/confirmation/" not in response.headers.get("HX-Redirect", ""):
                raise SystemExit(f"POST /checkout did not place the order: HTTP {response.status_code} "
                                 f"{response.headers.get('HX-Redirect')!r}\n{response.text[:500]}")
    return Run(len(latencies), time.monotonic() - started, percentile_ms(latencies, 0.5),
               percentile_ms(latencies, 0.99))


def worker_memory_mb(master: int) -> list[float]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)
    return sizes


def report_throughput(args: argparse.Namespace, tool: str, runs: dict[str, list[Run]]) -> None:
    rps = {label: sum(r.requests for r in rs) / sum(r.seconds for r in rs) for label, rs in runs.items()}
    print(f"load: {tool}, {args.connections} connections; gunicorn {args.workers} sync workers; "
          f"{args.campaigns:,} active campaigns ({args.touching} can touch the cart); {synthetic.CART_LINES}-line cart")
    print(f"\n{'endpoint':<44}{'requests/s':>11}{'p50 ms':>9}{'p99 ms':>9}")
    for label, path in (("baseline", BASELINE[0] + " (no promotions)"), ("update", UPDATE[0] + " (promotions)")):
        runs_here = runs[label]
        print(f"{path:<44}{rps[label]:>11.1f}{statistics.median(r.p50 for r in runs_here):>9.1f}"
              f"{max(r.p99 for r in runs_here):>9.1f}")
    ratio = rps["update"] / rps["baseline"]
    goal = GOAL_RATIOS[1_000] if args.campaigns <= 1_000 else GOAL_RATIOS[10_000]
    print(f"cart update / baseline: {ratio:.0%} of the baseline's requests per second "
          f"(goal >= {goal:.0%} with {args.campaigns:,} campaigns): {'met' if ratio >= goal else 'MISSED'}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaigns", type=int, default=1_000)
    parser.add_argument("--touching", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=10, help="per round; two rounds per endpoint")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--throughput-only", action="store_true",
                        help="stop after the requests/s of the two endpoints (no latency, pages or orders)")
    parser.add_argument("--orders", type=int, default=100,
                        help="orders placed (POST /checkout, each from a fresh cart) per shopper, guest and signed in")
    args = parser.parse_args()

    if shutil.which("wrk"):
        drive, tool = wrk_run, "wrk (1 thread)"
    else:
        print("wrk is not installed (apt-get install wrk); using the bounded httpx client instead")
        drive, tool = httpx_run, "httpx client (threads)"
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        sessions, order_sessions = prepare_store(directory, args.campaigns, args.touching, args.orders)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(directory, port, args.workers)
        try:
            for path, method in (UPDATE, BASELINE):  # every worker parses and indexes once
                for _ in range(10 * args.workers):
                    response = httpx.request(method, base + path, headers=headers(sessions["guest"], method),
                                             content=BODY, timeout=REQUEST_TIMEOUT)
                    assert response.status_code == 200, (path, response.status_code, response.text[:300])
            runs: dict[str, list[Run]] = {"update": [], "baseline": []}
            for _ in range(2):  # alternate, so machine load falls on both alike
                for label, (path, method) in (("baseline", BASELINE), ("update", UPDATE)):
                    runs[label].append(drive(base, path, method, sessions["guest"], args.seconds,
                                             args.connections, directory))
            report_throughput(args, tool, runs)   # now: a slow page below must not lose these figures
            if args.throughput_only:
                return 0

            latency = {}
            for label, path, method in (("cart update (guest)", *UPDATE), ("cart update (signed in)", *UPDATE),
                                        ("checkout page", "/checkout", "GET"), ("wallet page", "/wallet", "GET")):
                who = "guest" if "guest" in label else "signed-in"
                latency[label] = drive(base, path, method, sessions[who], max(3, args.seconds // 2), 1, directory)
            memory = worker_memory_mb(server.pid)
            sizes = {}
            for page in PAGES:
                started = time.perf_counter()
                response = httpx.get(base + page, headers=headers(sessions["signed-in"], "GET"), timeout=120)
                sizes[page] = (response.status_code, response.num_bytes_downloaded, time.perf_counter() - started)
            started = time.perf_counter()
            fragment = httpx.post(base + UPDATE[0], headers=headers(sessions["guest"], "POST"), content=BODY)
            sizes["POST /cart/update (htmx fragment)"] = (fragment.status_code, fragment.num_bytes_downloaded,
                                                          time.perf_counter() - started)
            placed = {}
            if args.orders:  # last: the orders change the store the figures above were taken on
                for who in ("guest", "signed-in"):
                    placed[f"place order, {who.replace('-', ' ')}"] = place_orders(base, order_sessions[who])
        finally:
            server.terminate()
            server.wait(timeout=30)

    print(f"\nlatency, one connection at a time{'':<10}{'p50 ms':>9}{'p99 ms':>9}")
    for label, run in latency.items():
        print(f"{label:<43}{run.p50:>9.1f}{run.p99:>9.1f}")
    for label, run in placed.items():
        print(f"{label + f' ({run.requests} orders, httpx)':<43}{run.p50:>9.1f}{run.p99:>9.1f}")
    print(f"\nmemory per worker (RSS after the run): {', '.join(f'{m:.0f} MB' for m in memory)}")
    print("bytes per page on the wire, compressed (signed-in shopper with the 20-line cart), and one request's time:")
    for page, (status, size, seconds) in sizes.items():
        print(f"  {page:<42}{size:>9,} bytes  (HTTP {status}, {seconds * 1e3:,.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
