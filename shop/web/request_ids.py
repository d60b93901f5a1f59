"""One id per request, to find a request's log lines from what a shopper or an integrator saw.

Every response carries ``X-Request-Id``. A client (or the proxy in front) may send its own id
so its logs and ours share it; it is kept only when it is sane: at most 128 characters from
letters, digits and ``-_.:+=/``, so it can go into logs and headers as it is. Otherwise (or
without one) the request gets a new random id. Log lines written during the request carry it
(shop/web/logs.py) and /api/ error bodies repeat it as ``error.request_id`` (shop/web/errors.py).
"""

from __future__ import annotations

import re
import uuid

from flask import Flask, Response, g, has_request_context, request

HEADER = "X-Request-Id"
MAX_LENGTH = 128
_SANE = re.compile(rf"[A-Za-z0-9_.:+=/-]{{1,{MAX_LENGTH}}}")


def is_sane(candidate: str | None) -> bool:
    return candidate is not None and _SANE.fullmatch(candidate) is not None


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    """This request's id; None outside a request (CLI commands, the worker)."""
    if not has_request_context():
        return None
    request_id = g.get("request_id")
    if request_id is None:                      # before the first before_request hook ran
        sent = request.headers.get(HEADER)
        request_id = g.request_id = sent if is_sane(sent) else new_request_id()
    return request_id


def _assign() -> None:
    current_request_id()


def _echo(response: Response) -> Response:
    response.headers[HEADER] = current_request_id() or new_request_id()
    return response


def init_request_ids(app: Flask) -> None:
    """Call before the other hooks, so theirs log lines already carry the id."""
    app.before_request_funcs.setdefault(None, []).insert(0, _assign)
    app.after_request(_echo)
