"""A real HTTP webhook receiver on 127.0.0.1 (http.server in a thread) for the webhook tests."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    """Records every POST; answers `status` (after `delay` seconds).

    ``Receiver(up=False)`` holds its port without accepting connections, so every attempt is
    refused like a receiver that is down, and no other process can take the port before
    ``come_up()``. ``Receiver(hold_answers=True)`` records each POST and answers nothing
    until the receiver is closed: a receiver slower than any timeout, whatever the machine.
    """

    def __init__(self, status: int = 200, delay: float = 0.0, *, up: bool = True, hold_answers: bool = False) -> None:
        self.status = status
        self.delay = delay
        self.received: list[Received] = []
        self._answer = threading.Event()
        if not hold_answers:
            self._answer.set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append(Received({k: v for k, v in self.headers.items()}, body))
                receiver._answer.wait()
                time.sleep(receiver.delay)
                self.send_response(receiver.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler, bind_and_activate=False)
        self._server.daemon_threads = True
        self._server.server_bind()                # the port is ours from here on
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}/hooks"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._up = up

    def __enter__(self) -> Receiver:
        if self._up:
            self._serve()
        return self

    def come_up(self) -> None:
        """Start accepting connections on the port that refused them so far."""
        self._serve()

    def _serve(self) -> None:
        self._server.server_activate()            # listen(): connections are accepted from now on
        self._thread.start()

    def __exit__(self, *exc: object) -> None:
        self._answer.set()                        # let held answers go, so their threads end
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()

    def event_ids(self) -> list[str]:
        return [r.headers["Promoshop-Event-Id"] for r in self.received]
