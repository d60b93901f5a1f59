"""`bash scripts/serve` as an operator runs it: the release step, 2 gunicorn workers and the
worker on a PostgreSQL database of their own and Redis; orders placed through the web workers
reach a webhook receiver, signed the Standard Webhooks way; SIGTERM stops every process."""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import make_url, text
from sqlalchemy.pool import NullPool
from standardwebhooks import Webhook

from app import create_app
from promo.storage.database import make_engine
from shop.web.extensions import db, promo_engine
from tests.support.apikit import coupon, make_keys
from tests.support.promo_testing import postgres_url
from tests.support.receiver import Receiver

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
# Two web workers, not the default five of a 2-core machine: enough to show the setting is obeyed
# and several processes serve one database; each worker boots the app, about 2.5 s of CPU.
WORKERS = 2
ORDERS = 12


class Arrivals(list):
    """The receiver's record of POSTs, which a test can wait on (no sleeping)."""

    def __init__(self) -> None:
        super().__init__()
        self._changed = threading.Condition()

    def append(self, item) -> None:
        with self._changed:
            super().append(item)
            self._changed.notify_all()

    def wait_for(self, count: int, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: len(self) >= count, timeout)


@pytest.fixture
def own_database() -> Iterator[str]:
    """A PostgreSQL database made for this test (scripts/serve upgrades it), dropped after."""
    url = make_url(postgres_url())
    name = f"serve_{secrets.token_hex(6)}"
    admin = make_engine(url.render_as_string(hide_password=False), poolclass=NullPool,
                        isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def listening_socket() -> Iterator[socket.socket]:
    """Already listening, so requests wait in its backlog until gunicorn takes them over."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    sock.set_inheritable(True)
    yield sock
    sock.close()


def serve(env: dict[str, str], listener: socket.socket, log: Path) -> subprocess.Popen:
    return subprocess.Popen(["bash", "scripts/serve"], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                            stdout=open(log.with_suffix(".out"), "w"), stderr=open(log, "w"),
                            pass_fds=(listener.fileno(),), start_new_session=True)


def wait_until_served(url: str, process: subprocess.Popen, log: Path, seconds: float = 300) -> httpx.Response:
    """The socket already listens, so a request waits in its backlog until gunicorn takes it;
    each wait is cut short only to notice a serve that ended instead."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"scripts/serve ended with {process.returncode}:\n{log.read_text()}"
        try:
            return httpx.get(url, timeout=10)
        except httpx.TimeoutException:
            continue
    raise AssertionError(f"scripts/serve did not answer within {seconds:.0f} s:\n{log.read_text()}")


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def json_lines(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]


def test_serve_runs_the_stack_and_the_worker_delivers_signed_webhooks(tmp_path, own_database, listening_socket):
    env = {**os.environ, "DATABASE_URL": own_database, "PROMOSHOP_WEB_WORKERS": str(WORKERS),
           "PROMOSHOP_BIND": f"fd://{listening_socket.fileno()}", "PROMOSHOP_LOG_FORMAT": "json",
           "PROMOSHOP_SECRET_KEY": "s" * 40, "PROMOSHOP_DEMO_MODE": "false",
           "PROMOSHOP_INSTANCE_PATH": str(tmp_path / "served"),
           # The receiver listens on 127.0.0.1, which webhooks refuse unless the operator allows it.
           "PROMOSHOP_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1"}
    url = f"http://127.0.0.1:{listening_socket.getsockname()[1]}"
    log = tmp_path / "serve.log"
    process = serve(env, listening_socket, log)
    try:
        ready = wait_until_served(f"{url}/readyz", process, log)
        assert ready.status_code == 200, (ready.text, log.read_text())

        app = create_app({"INSTANCE_PATH": str(tmp_path / "seed"), "SQLALCHEMY_DATABASE_URI": own_database,
                          "SECRET_KEY": "x" * 40, "DEMO_MODE": False, "TESTING": True,
                          "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1"})
        key = make_keys(app)["all"]
        with app.app_context():
            promo_engine().create_campaign(coupon(), actor="test")
        with Receiver() as receiver:
            receiver.received = Arrivals()
            with app.app_context():
                _, secret = promo_engine().webhooks.create(receiver.url, ["redemption.succeeded"], actor="test")

            def place(number: int) -> httpx.Response:
                body = {"order": {"id": f"O-{number}", "items": [{"sku": "BEANS", "unit_price": 2000, "quantity": 2}]},
                        "codes": ["HAPPY10"]}
                return httpx.post(f"{url}/api/v1/redemptions", json=body, timeout=60,
                                  headers={"Authorization": f"Bearer {key}", "X-Request-Id": f"order-{number}",
                                           "Idempotency-Key": f"order-{number}"})

            with ThreadPoolExecutor(WORKERS * 2) as pool:
                answers = list(pool.map(place, range(ORDERS)))
            assert [a.status_code for a in answers] == [201] * ORDERS, answers[0].text
            assert [a.headers["X-Request-Id"] for a in answers] == [f"order-{n}" for n in range(ORDERS)]

            assert receiver.received.wait_for(ORDERS, timeout=120), log.read_text()
        with app.app_context():
            db.engine.dispose()

        delivered = {Webhook(secret).verify(r.body, r.headers)["data"]["order"]["order_ref"] for r in receiver.received}
        assert delivered == {f"O-{n}" for n in range(ORDERS)}

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 143
        assert not group_alive(process.pid), "a process of scripts/serve outlived it"

        lines = json_lines(log)
        booted = [line for line in lines if line["message"].startswith("Booting worker")]
        assert len(booted) == WORKERS
        served = {line["request_id"] for line in lines if line["logger"] == "gunicorn.access"}
        assert {f"order-{n}" for n in range(ORDERS)} <= served
    finally:
        if group_alive(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
