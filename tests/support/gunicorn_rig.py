"""A real deployment in miniature for the hardening tests: gunicorn with several workers on a
fresh PostgreSQL schema, a seeded single-use code pool and a budget campaign, an API key."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
from sqlalchemy.orm import Session

from app import create_app
from promo.services.consistency import Problem, find_problems
from shop.web.extensions import db
from tests.support.apikit import ApiClient, bulk, coupon, make_keys
from tests.support.promo_testing import isolated_database

REPO_ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
FAULT_SETTINGS = Path(__file__).with_name("gunicorn_faults.py")   # workers install the crash tests' injector
POOL_SIZE = 30
BUDGET = 5000           # cents; each 10 % coupon on a $40 order spends 400, so 12 orders fit
BUDGET_CODE = "BUDGET10"


@dataclass
class Deployment:
    url: str
    key: str
    codes: list[str]
    app: object          # an in-process app on the same schema, for checks
    process: subprocess.Popen
    env: dict[str, str]

    def problems(self) -> list[Problem]:
        with self.app.app_context(), Session(db.engine) as session:
            return find_problems(session)

    def flask_check(self) -> subprocess.CompletedProcess:
        """`flask promo check` as an operator runs it, against the served database."""
        flask = Path(sys.executable).parent / "flask"
        return subprocess.run([str(flask), "--app", "app", "promo", "check"], cwd=REPO_ROOT, env=self.env,
                              capture_output=True, text=True, timeout=120)


def _bound_socket() -> socket.socket:
    """A socket on a free port of 127.0.0.1 for gunicorn (--bind fd://N). The port is held from
    the moment it is chosen, so no other process (another test run's server) can take it before
    gunicorn serves on it, and nothing else can answer the health check."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.set_inheritable(True)
    return sock


def _wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s")


@contextmanager
def deployment(tmp_path: Path, *, workers: int = 4, fault_env: dict[str, str] | None = None) -> Iterator[Deployment]:
    with isolated_database("postgresql", tmp_path) as database:
        app = create_app({"INSTANCE_PATH": str(tmp_path / "seed"), "SECRET_KEY": "x" * 40, "TESTING": True,
                          "DEMO_MODE": False, **database.app_config()})
        api = ApiClient(app, make_keys(app))
        api.ok("POST", "/campaigns", 201, json=bulk("single", "ONE-########"))
        api.ok("POST", "/campaigns/single/codes", 201, json={"count": POOL_SIZE})
        codes = [c["code"] for c in api.ok("GET", "/campaigns/single/codes?limit=100")["codes"]]
        api.ok("POST", "/campaigns", 201, json=coupon("budget", BUDGET_CODE, limits={"budget": BUDGET}))
        listener = _bound_socket()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        env = {**os.environ, "DATABASE_URL": f"{database.url}?options={quote('-csearch_path=' + database.schema)}",
               "PROMOSHOP_SECRET_KEY": "y" * 40, "PROMOSHOP_DEMO_MODE": "false",
               "PROMOSHOP_INSTANCE_PATH": str(tmp_path / "served"), **(fault_env or {})}
        env.pop("REDIS_URL", None)
        with listener:                            # gunicorn keeps its own copy of the socket
            process = subprocess.Popen(
                [str(GUNICORN), "--workers", str(workers), "--bind", f"fd://{listener.fileno()}", "--timeout", "60",
                 "--graceful-timeout", "5", "--config", str(FAULT_SETTINGS), "app:create_app()"],
                cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(tmp_path / "gunicorn.log", "w"),
                pass_fds=(listener.fileno(),),
            )
        try:
            _wait_until_up(url, process)
            yield Deployment(url, api.keys["redeem"], codes, app, process, env)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
            with app.app_context():
                db.engine.dispose()
