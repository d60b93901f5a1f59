"""HTTP errors as people and API clients should see them.

Browsers get a friendly HTML page; anything under ``/api/`` gets the JSON error envelope
``{"error": {"code": ..., "message": ..., "details": {...}, "request_id": ...}}``. ``api_error``
is the one place that shapes that envelope, so API blueprints should use it for their own errors
too. ``request_id`` is the response's X-Request-Id, for finding the request in the logs.
"""

import re
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from shop.web.htmx import is_htmx, toast_header
from shop.web.request_ids import current_request_id

API_PREFIX = "/api/"
_PATH_ERRORS = "promoshop.path_errors"   # app.extensions key: path prefix -> error handler

_TITLES = {
    400: "We couldn't accept that request",
    403: "That isn't allowed",
    404: "We couldn't find that page",
    405: "That action isn't available here",
    413: "That upload is too large",
    429: "Slow down a little",
    500: "Something went wrong on our side",
}

# Werkzeug's default descriptions are written for developers; these are for shoppers.
_MESSAGES = {
    404: "The page may have moved, or the link may be mistyped.",
    405: "This page can't be used that way. Try going back and using the buttons on the page.",
    500: "Please try again in a moment. If it keeps happening, let us know.",
}


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX) or request.path == API_PREFIX.rstrip("/")


def api_error(
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The JSON error envelope every ``/api/`` error uses."""
    response = jsonify({"error": {"code": code, "message": message, "details": details or {},
                                  "request_id": current_request_id()}})
    response.status_code = status
    if headers:
        response.headers.update(headers)
    return response


def _code_slug(exc: HTTPException) -> str:
    """'Method Not Allowed' -> 'method_not_allowed': a stable machine code from the status name."""
    return re.sub(r"[^a-z0-9]+", "_", exc.name.lower()).strip("_")


def _message(exc: HTTPException, for_api: bool) -> str:
    status = exc.code or 500
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if status == 413 and limit:
        return f"Requests can be at most {_human_bytes(limit)}."
    if for_api and status == 404:
        return "There is no API endpoint at this path."
    if for_api and status == 405:
        return f"{request.method} is not allowed on this endpoint."
    if not for_api and status in _MESSAGES:
        return _MESSAGES[status]
    return exc.description or "The request could not be completed."


def _details(exc: HTTPException) -> dict[str, Any]:
    details: dict[str, Any] = {}
    valid_methods = getattr(exc, "valid_methods", None)
    if valid_methods:
        details["allowed_methods"] = sorted(valid_methods)
    if exc.code == 413 and current_app.config.get("MAX_CONTENT_LENGTH"):
        details["max_bytes"] = current_app.config["MAX_CONTENT_LENGTH"]
    return details


def _human_bytes(size: int) -> str:
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)} MiB"
    if size >= 1024 and size % 1024 == 0:
        return f"{size // 1024} KiB"
    return f"{size} bytes"


def _passthrough_headers(exc: HTTPException) -> dict[str, str]:
    """Keep headers such as ``Allow`` (405) or ``Retry-After`` (429) from the exception."""
    return {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}


def register_path_errors(app: Flask, prefix: str, handler: Callable[[HTTPException], Response]) -> None:
    """Let another JSON dialect (shop/voucherify at /v1/) answer the HTTP errors of its paths in
    its own shape: unknown paths, wrong methods, oversized bodies and crashes alike."""
    app.extensions.setdefault(_PATH_ERRORS, {})[prefix] = handler


def handle_http_exception(exc: HTTPException) -> Response | tuple[str, int, dict[str, str]]:
    for prefix, handler in current_app.extensions.get(_PATH_ERRORS, {}).items():
        if request.path.startswith(prefix) or request.path == prefix.rstrip("/"):
            return handler(exc)
    status = exc.code or 500
    headers = _passthrough_headers(exc)
    if is_api_request():
        return api_error(status, _code_slug(exc), _message(exc, for_api=True), _details(exc), headers)
    title = _TITLES.get(status, exc.name)
    message = _message(exc, for_api=False)
    html = render_template("error.html", status=status, title=title, message=message)
    if is_htmx():
        # htmx swaps some 4xx answers (shop/web/htmx.py); an error page must not replace a
        # fragment, so it says what went wrong in a toast instead.
        headers.update({"HX-Reswap": "none", **toast_header(f"{title}. {message}", "error")})
    return html, status, headers


def register_error_handlers(app: Flask) -> None:
    # One handler for every HTTP error, including the 500 Flask raises for uncaught exceptions.
    app.register_error_handler(HTTPException, handle_http_exception)
