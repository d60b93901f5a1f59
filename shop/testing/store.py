"""A promoshop store under test: started in a subprocess, or one already running, driven
through its /_test endpoints (docs/testing.md). Used by the pytest plugin; usable on its own:

    with StoreProcess.start(scenario, tmp_dir) as store:
        store.reset()
        store.freeze("2026-12-01T16:30:00-05:00")
"""
from __future__ import annotations

import json
import os
import secrets
import selectors
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from . import REPO_ROOT
from .server import READY

TOKEN_HEADER = "X-Test-Token"
START_TIMEOUT = 120.0     # seconds: creating the schema and importing the app on a busy machine
REQUEST_TIMEOUT = 120.0   # a reset generates codes; generous, it answers in well under a second


class StoreError(RuntimeError):
    """The store did not start, or refused a /_test call; the message says what it answered."""


@dataclass
class Store:
    """The store's address and token, with the /_test calls a test needs."""

    url: str
    token: str
    scenario: str | None = None

    def call(self, path: str, body: dict[str, Any] | None = None, *, method: str = "POST") -> dict[str, Any]:
        data = json.dumps(body or {}).encode() if method == "POST" else None
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method,
                                         headers={TOKEN_HEADER: self.token, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")
            try:
                detail = json.loads(detail).get("error", detail)
            except (ValueError, AttributeError):
                pass
            raise StoreError(f"{method} {path} answered {error.code}: {detail}") from None

    def reset(self, scenario: str | os.PathLike[str] | None = None, *, now: datetime | str | None = None) -> dict[str, Any]:
        """Wipe the store and load ``scenario`` (the store's own pack by default), releasing the
        clock, or freezing it at ``now`` first so the pack's relative dates follow it."""
        body: dict[str, Any] = {}
        chosen = scenario if scenario is not None else self.scenario
        if chosen is not None:
            body["scenario"] = str(chosen)
        if now is not None:
            body["now"] = _iso(now)
        return self.call("/_test/reset", body)

    def freeze(self, moment: datetime | str) -> datetime:
        return _moment(self.call("/_test/clock", {"now": _iso(moment)}))

    def advance(self, seconds: float | timedelta) -> datetime:
        amount = seconds.total_seconds() if isinstance(seconds, timedelta) else seconds
        return _moment(self.call("/_test/clock", {"advance_seconds": amount}))

    def release(self) -> datetime:
        return _moment(self.call("/_test/clock", {"now": None}))

    def now(self) -> datetime:
        return _moment(self.call("/_test/clock", method="GET"))


def _iso(moment: datetime | str) -> str:
    return moment.isoformat() if isinstance(moment, datetime) else moment


def _moment(answer: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(answer["now"])


class StoreProcess:
    """The app in a subprocess (werkzeug, threaded) on a socket bound here, in test mode, with
    its own SQLite database and instance folder in ``directory``."""

    def __init__(self, process: subprocess.Popen[str], listener: socket.socket, store: Store, log: Path) -> None:
        self.process = process
        self._listener = listener
        self.store = store
        self.log = log

    @classmethod
    def start(cls, scenario: str | os.PathLike[str], directory: Path, *, extra_env: dict[str, str] | None = None) -> StoreProcess:
        directory.mkdir(parents=True, exist_ok=True)
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)
        token = secrets.token_hex(16)
        scenario_path = Path(scenario).resolve()
        env = {
            **os.environ,
            "PROMOSHOP_ENV": "development",
            "PROMOSHOP_TEST_MODE": "true",
            "PROMOSHOP_TEST_TOKEN": token,
            "PROMOSHOP_DEMO_MODE": "true",
            "PROMOSHOP_SECRET_KEY": secrets.token_hex(32),
            "PROMOSHOP_INSTANCE_PATH": str(directory),
            "PROMOSHOP_SCENARIO": str(scenario_path),
            "PROMOSHOP_BANNER_CACHE_DIR": str(directory / "banners"),
            "DATABASE_URL": f"sqlite:///{directory / 'promoshop.db'}",
            # Rate limits in the server's memory, so a reset clears them and no two stores share counts.
            "REDIS_URL": "",
            **(extra_env or {}),
        }
        log = directory / "server.log"
        with log.open("w") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-m", "shop.testing.server", "--fd", str(listener.fileno())],
                cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True,
                pass_fds=(listener.fileno(),),
            )
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        started = cls(process, listener, Store(url=url, token=token, scenario=str(scenario_path)), log)
        try:
            started._wait_until_ready()
        except BaseException:
            started.stop()
            raise
        return started

    def _wait_until_ready(self) -> None:
        """Block on the server's "ready" line (or its exit), never on a polling loop."""
        assert self.process.stdout is not None
        deadline = time.monotonic() + START_TIMEOUT
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not selector.select(timeout=remaining):
                    raise StoreError(f"the store did not start within {START_TIMEOUT:.0f} s; its log: {self.log}\n"
                                     f"{self._log_tail()}")
                line = self.process.stdout.readline()
                if not line:
                    self.process.wait(timeout=10)
                    raise StoreError(f"the store exited with status {self.process.returncode} while starting:\n"
                                     f"{self._log_tail()}")
                if line.strip() == READY:
                    return

    def _log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._listener.close()

    def __enter__(self) -> Store:
        return self.store

    def __exit__(self, *exc: object) -> None:
        self.stop()
