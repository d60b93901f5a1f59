"""Checkout throughput on PostgreSQL with 1 and 4 gunicorn workers, every order sharing one
budgeted promotion and two uncapped ones, and how much of the run connections wait for locks.

Run: .venv/bin/python bench/checkout_throughput.py [--seconds 20] [--rounds 2] [--clients 8]
Goal (issue 18, bench 11): 4 workers place at least 1.9x the orders per second of 1 worker on
this 2-core machine, fewer than 10% of lock samples find an app connection waiting for a lock,
and the budget is never exceeded (its row's counter equals the discounts its orders recorded).

The store is a PostgreSQL database of its own (`--database`, dropped and made again on every
run) on `--server` (default postgresql://postgres@127.0.0.1:5432, trust). Three promotions
apply to every order, all `stacking: always`: $3 off under a budget far above what a run
spends (capped: its row's counters are taken at the end of each order), free shipping and a
free tote (uncapped: no campaign row is written by an order). Orders are `POST
/api/v1/redemptions` (one new shopper, order reference and Idempotency-Key each; two items and
$5 shipping), sent over `--clients` connections by wrk (one thread, a Lua script writing each
request's body; `apt-get install wrk`) or, with `--generator threads` or without wrk, by as many
Python threads with http.client, one connection per request either way as gunicorn's sync
workers close them. The app is create_app with rate limits off (`create_checkout_app`, served
from bench/ by gunicorn in a session of its own). Rounds alternate 1 and 4 workers; each figure
is the median of its rounds, every round after a warm-up of `--warmup` seconds.

Lock waits: a separate connection reads pg_stat_activity every 20 ms during each timed window
and counts the samples in which at least one of the app's connections (application_name
`promoshop-bench-checkout`) has wait_event_type 'Lock' (a row or transaction lock; not
LWLocks or I/O), and also the share of active app connections waiting.

CPU: each round prints where the timed window's CPU went, per order placed: the gunicorn
processes, the app's PostgreSQL backends, the load generator, the sampler (its client and its
backend), and how many of the machine's cores this bench, other processes and nothing used.
Four workers can only double one worker's orders when the machine has its second core to
give: read the ratio with the "other processes" figure of its rounds.
"""
from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

APP_NAME = "promoshop-bench-checkout"
GOAL_RATIO = 1.9
GOAL_LOCK_SHARE = 0.10
BUDGET = 10_000_000_000        # minor units: far more than any run spends, so every order gets it
SECRET_KEY = "bench-secret-key-not-for-production-0123456789"
ORDER = {
    "items": [
        {"sku": "BEANS-ETHIOPIA", "name": "Ethiopia", "unit_price": 2000, "quantity": 2, "categories": ["coffee"]},
        {"sku": "GEAR-DRIPPER", "name": "Dripper", "unit_price": 2500, "quantity": 1, "categories": ["brewing-gear"]},
    ],
    "shipping": 500,
}
CAMPAIGNS = [
    {"id": "budgeted-3-off", "name": "$3 off, budgeted", "kind": "promotion", "stacking": "always",
     "effect": {"type": "amount_off_order", "amount": 300}, "limits": {"budget": BUDGET}},
    {"id": "free-shipping", "name": "Free shipping", "kind": "promotion", "stacking": "always",
     "effect": {"type": "shipping"}},
    {"id": "tote-with-gear", "name": "Free tote with brewing gear", "kind": "promotion", "stacking": "always",
     "eligibility": {"fact": "cart.lines", "items": {"categories": ["brewing-gear"]}},
     "effect": {"type": "free_gift", "gift": {"sku": "MERCH-TOTE", "name": "Canvas Tote", "price": 1800,
                                              "categories": ["merch"]}}},
]


def create_checkout_app():
    """What gunicorn serves: the real app, rate limits off (one key sends every order)."""
    from app import create_app
    return create_app({"RATELIMIT_ENABLED": False})


def database_url(server: str, database: str, *, driver: str = "postgresql+psycopg") -> str:
    rest = server.split("://", 1)[1]
    return f"{driver}://{rest}/{database}"


def psql(server: str, database: str, sql: str) -> str:
    return subprocess.run(["psql", database_url(server, database, driver="postgresql"), "-Atc", sql],
                          check=True, capture_output=True, text=True).stdout.strip()


def environment(server: str, database: str, instance: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url(server, database) + f"?application_name={APP_NAME}",
        "PROMOSHOP_INSTANCE_PATH": str(instance),
        "PROMOSHOP_SECRET_KEY": SECRET_KEY,
        "PROMOSHOP_DEMO_MODE": "false",
        "PROMOSHOP_STORE_TIMEZONE": "UTC",
    }


def set_up(server: str, database: str, instance: Path) -> str:
    """A fresh database with the schema, the three promotions and a redeem key (returned)."""
    psql(server, "postgres", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    psql(server, "postgres", f'CREATE DATABASE "{database}"')
    os.environ.update(environment(server, database, instance))
    from app import create_app
    from shop.api.framework.auth import create_api_key
    from shop.web.extensions import promo_engine

    app = create_app({"DATABASE_AUTO_UPGRADE": True, "RATELIMIT_ENABLED": False})
    with app.app_context():
        engine = promo_engine(app)
        for campaign in CAMPAIGNS:
            engine.create_campaign(campaign)
        return create_api_key("checkout bench", ("redeem", "read"))[1]


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--chdir", str(BENCH), "--log-level", "warning", "checkout_throughput:create_checkout_app()"],
        # A session of its own: Linux's autogroups share the CPU between sessions, so the
        # workers do not share one with the load generator and this process.
        env=env, start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 90 s")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


class Load:
    """`clients` threads placing orders until told to stop; counts what succeeded."""

    def __init__(self, port: int, key: str, clients: int, label: str):
        self.port, self.key, self.clients, self.label = port, key, clients, label
        self.numbers = itertools.count()
        self.placed = 0
        self.failed: dict[int, int] = {}
        self.counting = False
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(clients)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=120)

    def _run(self) -> None:
        while not self.stopping.is_set():
            number = next(self.numbers)
            headers = {"Authorization": f"Bearer {self.key}", "Content-Type": "application/json",
                       "Idempotency-Key": f"{self.label}-{number}"}
            body = json.dumps({"customer": {"id": f"{self.label}-{number}"},
                               "order": {**ORDER, "id": f"{self.label}-{number}"}})
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            try:
                connection.request("POST", "/api/v1/redemptions", body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except OSError:
                status = 0
            finally:
                connection.close()
            with self.lock:
                if not self.counting:
                    continue
                if status == 201:
                    self.placed += 1
                else:
                    self.failed[status] = self.failed.get(status, 0) + 1


WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer {key}"
wrk.headers["Content-Type"] = "application/json"
local number = 0
local threads = {{}}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  placed = 0
  failed = {{}}
end
function request()
  number = number + 1
  local ref = "{label}-" .. id .. "-" .. number
  wrk.headers["Idempotency-Key"] = ref
  return wrk.format(nil, nil, nil, [[{head}]] .. ref .. [[{middle}]] .. ref .. [[{tail}]])
end
function response(status, headers, body)
  if status == 201 then
    placed = placed + 1
  else
    failed[status] = (failed[status] or 0) + 1
  end
end
function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    io.write("placed " .. thread:get("placed") .. "\\n")
    for status, count in pairs(thread:get("failed")) do
      io.write("failed " .. status .. " " .. count .. "\\n")
    end
  end
  io.write("duration_us " .. summary.duration .. "\\n")
  io.write("socket_errors " .. (summary.errors.connect + summary.errors.read + summary.errors.write
                                + summary.errors.timeout) .. "\\n")
end
"""


class WrkLoad:
    """The same orders as `Load`, sent by wrk (one thread, `clients` connections; a Lua script
    gives each request its own shopper, order reference and Idempotency-Key). wrk is C: the load
    generator then takes a small share of the 2 cores the workers need, and its CPU is measured
    on its own."""

    def __init__(self, port: int, key: str, clients: int, label: str, directory: Path):
        self.port, self.clients, self.label, self.directory = port, clients, label, directory
        self.key = key

    def run(self, seconds: float, tag: str) -> tuple[int, dict[int, int], float, float]:
        """Orders for `seconds`: (placed, failed by status, elapsed s, wrk's CPU seconds)."""
        marker = "@ORDER@"
        head, middle, tail = json.dumps({"customer": {"id": marker}, "order": {**ORDER, "id": marker}}).split(marker)
        script = self.directory / f"orders-{self.label}-{tag}.lua"
        script.write_text(WRK_SCRIPT.format(key=self.key, label=f"{self.label}{tag}", head=head, middle=middle,
                                            tail=tail))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = subprocess.run(
            ["wrk", "-t1", f"-c{self.clients}", f"-d{max(1, round(seconds))}s", "--timeout", "120s",
             "-s", str(script), f"http://127.0.0.1:{self.port}/api/v1/redemptions"],
            check=True, capture_output=True, text=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        placed, failed, elapsed = 0, {}, float(seconds)
        for line in result.stdout.splitlines():
            words = line.split()
            if words[:1] == ["placed"]:
                placed += int(words[1])
            elif words[:1] == ["failed"]:
                failed[int(words[1])] = failed.get(int(words[1]), 0) + int(words[2])
            elif words[:1] == ["duration_us"]:
                elapsed = int(words[1]) / 1e6
            elif words[:1] == ["socket_errors"] and int(words[1]):
                failed[0] = int(words[1])
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        return placed, failed, elapsed, cpu


class LockSampler:
    """Samples pg_stat_activity for the app's connections every `interval` seconds (about 0.25 ms
    of CPU a sample, half of it the backend's: at 20 ms, about 1% of a core)."""

    def __init__(self, url: str, interval: float = 0.02):
        import psycopg
        self.connection = psycopg.connect(url, autocommit=True)
        self.interval = interval
        self.samples = 0
        self.waiting_samples = 0
        self.active = 0
        self.waiting = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join()
        self.connection.close()

    def _run(self) -> None:
        query = ("SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'), count(*) FILTER (WHERE state = 'active') "
                 "FROM pg_stat_activity WHERE application_name = %s")
        while not self.stopping.is_set():
            waiting, active = self.connection.execute(query, (APP_NAME,)).fetchone()
            self.samples += 1
            self.waiting_samples += waiting > 0
            self.waiting += waiting
            self.active += active
            time.sleep(self.interval)


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (all its threads) so far; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, every core."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / TICK, sum(values[:8]) / TICK


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(entry.joinpath("stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                pass
    return found


class CpuSplit:
    """Where the CPU of a timed window went: the gunicorn processes (app), the app's PostgreSQL
    backends, the load generator (wrk, or this process's threads), this process (the lock
    sampler's client), the sampler's backend, and the rest of the machine (other sessions)."""

    def __init__(self, server: subprocess.Popen, sampler: LockSampler):
        self.sampler = sampler
        self.app = [server.pid, *children(server.pid)]
        rows = sampler.connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (APP_NAME,)).fetchall()
        self.backends = [pid for (pid,) in rows]
        self.sampler_backend = sampler.connection.info.backend_pid
        self.start = self._read()

    def _read(self) -> dict[str, float]:
        busy, total = machine_busy()
        return {
            "app": sum(cpu_seconds(pid) for pid in self.app),
            "postgres": sum(cpu_seconds(pid) for pid in self.backends),
            "client": cpu_seconds(os.getpid()),
            "sampler": cpu_seconds(self.sampler_backend),
            "busy": busy, "total": total,
        }

    def stop(self, orders: int, generator: float | None) -> dict[str, float]:
        """`generator`: wrk's CPU seconds (None: the load generator is this process's threads)."""
        end = self._read()
        spent = {name: end[name] - self.start[name] for name in end}
        spent["generator"] = generator or 0.0
        ours = spent["app"] + spent["postgres"] + spent["client"] + spent["sampler"] + spent["generator"]
        per_order = {name: 1000 * spent[name] / max(1, orders)
                     for name in ("app", "postgres", "client", "sampler", "generator")}
        return {**per_order, "cores": ours / max(1e-9, spent["total"]) * (os.cpu_count() or 1),
                "others": max(0.0, spent["busy"] - ours) / max(1e-9, spent["total"]) * (os.cpu_count() or 1),
                "idle": max(0.0, spent["total"] - spent["busy"]) / max(1e-9, spent["total"]) * (os.cpu_count() or 1)}


def measure(env: dict[str, str], sampler_url: str, key: str, workers: int, args: argparse.Namespace,
            label: str) -> dict[str, Any]:
    port = free_port()
    server = start_server(env, port, workers)
    try:
        if args.generator == "wrk":
            wrk = WrkLoad(port, key, args.clients, label, Path(args.instance))
            wrk.run(args.warmup, "warm")
            sampler = LockSampler(sampler_url)
            split = CpuSplit(server, sampler)
            sampler.start()
            placed, failed, elapsed, generator_cpu = wrk.run(args.seconds, "timed")
            cpu = split.stop(placed, generator_cpu)
            sampler.stop()
        else:
            load = Load(port, key, args.clients, label)
            load.start()
            time.sleep(args.warmup)
            sampler = LockSampler(sampler_url)
            with load.lock:
                load.counting = True
            split = CpuSplit(server, sampler)
            started = time.monotonic()
            sampler.start()
            time.sleep(args.seconds)
            with load.lock:
                load.counting = False
                placed, failed = load.placed, dict(load.failed)
            elapsed = time.monotonic() - started
            cpu = split.stop(placed, None)
            sampler.stop()
            load.stop()
    finally:
        stop_server(server)
    return {
        "workers": workers,
        "orders_per_s": placed / elapsed,
        "placed": placed,
        "failed": failed,
        "lock_share": sampler.waiting_samples / max(1, sampler.samples),
        "waiting_share": sampler.waiting / max(1, sampler.active),
        "samples": sampler.samples,
        "cpu": cpu,
    }


def free_port() -> int:
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def check_budget(server: str, database: str) -> tuple[bool, str]:
    """The budgeted row's counters against what its orders recorded, and the store's own check."""
    used, granted, orders = psql(server, database, (
        "SELECT c.budget_used, coalesce(sum(i.discount + i.shipping_discount), 0), count(i.id) FROM campaigns c "
        "LEFT JOIN redemption_items i ON i.campaign_id = c.id AND i.status = 'succeeded' "
        "WHERE c.id = 'budgeted-3-off' GROUP BY c.budget_used")).split("|")
    exact = int(used) == int(granted) <= BUDGET
    return exact, f"budget_used {int(used):,} = recorded discounts {int(granted):,} over {int(orders):,} orders"


def store_check(server: str, database: str, instance: Path) -> str:
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "flask"), "--app", "app", "promo", "check"],
                            env=environment(server, database, instance), cwd=ROOT, capture_output=True, text=True)
    return (result.stdout or result.stderr).strip().splitlines()[0] if (result.stdout or result.stderr) else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20, help="timed seconds per round and worker count")
    parser.add_argument("--warmup", type=float, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--generator", choices=("wrk", "threads"), default="wrk" if shutil.which("wrk") else "threads",
                        help="wrk (default when installed) or Python http.client threads")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="promoshop_bench_checkout")
    parser.add_argument("--instance", default="/tmp/promoshop-bench-checkout")
    args = parser.parse_args()

    instance = Path(args.instance)
    instance.mkdir(parents=True, exist_ok=True)
    key = set_up(args.server, args.database, instance)
    env = environment(args.server, args.database, instance)
    sampler_url = database_url(args.server, args.database, driver="postgresql")
    generator = f"wrk, 1 thread, {args.clients} connections" if args.generator == "wrk" else f"{args.clients} client threads"
    print(f"PostgreSQL database {args.database}; {generator}; {args.rounds} rounds of "
          f"{args.seconds:g} s per worker count (after {args.warmup:g} s warm-up); load {os.getloadavg()[0]:.1f}")

    runs: dict[int, list[dict[str, Any]]] = {1: [], 4: []}
    for round_number in range(args.rounds):
        for workers in (1, 4):
            run = measure(env, sampler_url, key, workers, args, label=f"r{round_number}w{workers}")
            runs[workers].append(run)
            print(f"  round {round_number + 1}, {workers} worker{'s' if workers > 1 else ''}: "
                  f"{run['orders_per_s']:.1f} orders/s ({run['placed']} placed, failed {run['failed'] or 'none'}); "
                  f"lock-wait samples {run['lock_share']:.1%} of {run['samples']}, "
                  f"active connections waiting {run['waiting_share']:.1%}; load {os.getloadavg()[0]:.1f}")
            cpu = run["cpu"]
            generator = (f"wrk {cpu['generator']:.2f}, bench process (sampler) {cpu['client']:.2f}"
                         if args.generator == "wrk" else f"bench process (load threads, sampler) {cpu['client']:.2f}")
            print(f"    CPU ms per order: app {cpu['app']:.2f}, PostgreSQL {cpu['postgres']:.2f}, "
                  f"{generator}, sampler's backend {cpu['sampler']:.2f}; cores: "
                  f"this bench {cpu['cores']:.2f}, other processes {cpu['others']:.2f}, idle {cpu['idle']:.2f}")

    one = statistics.median(run["orders_per_s"] for run in runs[1])
    four = statistics.median(run["orders_per_s"] for run in runs[4])
    lock_share = max(statistics.median(run["lock_share"] for run in runs[w]) for w in (1, 4))
    ratio = four / one if one else 0.0
    exact, budget = check_budget(args.server, args.database)
    print(f"orders/s: 1 worker {one:.1f}, 4 workers {four:.1f}: {ratio:.2f}x (goal >= {GOAL_RATIO}x: "
          f"{'met' if ratio >= GOAL_RATIO else 'not met'})")
    print(f"lock-wait samples (median per worker count, the larger): {lock_share:.1%} "
          f"(goal < {GOAL_LOCK_SHARE:.0%}: {'met' if lock_share < GOAL_LOCK_SHARE else 'not met'})")
    print(f"budget: {budget} ({'exact' if exact else 'NOT exact'}); flask promo check: "
          f"{store_check(args.server, args.database, instance)}")


if __name__ == "__main__":
    main()
