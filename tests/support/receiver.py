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
    """Records every POST; answers `status` with `body` (after `delay` seconds).

    ``Receiver(up=False)`` holds its port without accepting connections, so every attempt is
    refused like a receiver that is down, and no other process can take the port before
    ``come_up()``. ``Receiver(hold_answers=True)`` records each POST and answers nothing
    until the receiver is closed: a receiver slower than any timeout, whatever the machine.
    """

    def __init__(self, status: int = 200, delay: float = 0.0, *, up: bool = True, hold_answers: bool = False,
                 body: bytes = b"ok") -> None:
        self.status = status
        self.body = body
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
                self.send_header("Content-Length", str(len(receiver.body)))
                self.end_headers()
                self.wfile.write(receiver.body)

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


class Trickler:
    """A receiver that answers each POST one byte at a time, `interval` seconds apart: either
    inside its headers (``phase="headers"``: the status line, then a header `length` bytes long,
    then the rest) or inside its body (``phase="body"``: complete headers, then a body of
    `length` bytes). Uncut, an answer takes ``length * interval`` seconds, each byte coming long
    before any read timeout. ``outcomes`` says per request whether the client hung up first
    ("cut off") or took the whole answer ("finished"); ``answered`` is set after each.
    """

    def __init__(self, phase: str, *, interval: float = 0.1, length: int = 200) -> None:
        assert phase in ("headers", "body")
        self.received: list[Received] = []
        self.outcomes: list[str] = []
        self.answered = threading.Event()
        self._stop = threading.Event()
        trickler = self
        if phase == "headers":
            head, tail = b"HTTP/1.1 200 OK\r\nX-Slow: ", b"\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
        else:
            head, tail = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % length, b""

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                trickler.received.append(Received({k: v for k, v in self.headers.items()}, body))
                self.close_connection = True
                outcome = "finished"
                try:
                    self.wfile.write(head)
                    for _ in range(length):
                        if trickler._stop.wait(interval):
                            outcome = "stopped"
                            break
                        self.wfile.write(b"a")
                    else:
                        self.wfile.write(tail)
                except OSError:                         # broken pipe, reset: the client hung up
                    outcome = "cut off"
                trickler.outcomes.append(outcome)
                trickler.answered.set()

            def log_message(self, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass                                      # a hung-up client is what the tests make

        self._server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}/hooks"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Trickler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
