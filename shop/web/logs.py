"""Log lines that name their request, as text or as one JSON object per line.

Every log record made while a request is served gets a ``request_id`` attribute (the
X-Request-Id of shop/web/request_ids.py; ``-`` outside a request), whichever logger made it: the
app's, the engine's (``promo.*``), SQLAlchemy's. ``configure_logging`` puts one handler on
the root logger writing to stderr, where gunicorn and containers collect it:

    PROMOSHOP_LOG_FORMAT=text (default)  2026-12-07 03:10:00,123 INFO [3f2a...] shop.storefront.cart: ...
    PROMOSHOP_LOG_FORMAT=json            {"time": "...", "level": "INFO", "logger": "shop.storefront.cart",
                                          "message": "...", "request_id": "3f2a..."}

gunicorn's own log lines go through the same formatter (shop/gunicorn_config.py).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from flask import Flask
from flask.logging import default_handler

FORMATS = ("text", "json")
NO_REQUEST = "-"
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
# gunicorn's access log puts the response's X-Request-Id into its arguments under this name.
GUNICORN_REQUEST_ID_ATOM = "{x-request-id}o"

_HANDLER_MARK = "promoshop_handler"
_base_factory = logging.getLogRecordFactory()


def _record_with_request_id(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)
    from shop.web.request_ids import current_request_id

    record.request_id = current_request_id() or NO_REQUEST
    return record


def install_request_id_records() -> None:
    """Give every log record a request_id (once per process; harmless to call again)."""
    if logging.getLogRecordFactory() is not _record_with_request_id:
        logging.setLogRecordFactory(_record_with_request_id)


def _request_id_of(record: logging.LogRecord) -> str:
    request_id = getattr(record, "request_id", NO_REQUEST)
    if request_id == NO_REQUEST and isinstance(record.args, dict):
        request_id = record.args.get(GUNICORN_REQUEST_ID_ATOM) or NO_REQUEST
    return request_id


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        record.request_id = _request_id_of(record)
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line; a traceback goes into "exception", newlines escaped."""

    def format(self, record: logging.LogRecord) -> str:
        document: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": _request_id_of(record),
        }
        if record.exc_info:
            document["exception"] = self.formatException(record.exc_info)
        return json.dumps(document, ensure_ascii=False, default=str)


def formatter_for(log_format: str) -> logging.Formatter:
    if log_format not in FORMATS:
        raise ValueError(f"PROMOSHOP_LOG_FORMAT must be one of {', '.join(FORMATS)}, got {log_format!r}")
    return JsonFormatter() if log_format == "json" else TextFormatter()


def configure_logging(app: Flask, stream: TextIO | None = None) -> None:
    """Route the app's log lines through one root handler in LOG_FORMAT. Test apps (TESTING)
    leave the root logger to pytest; every app gets request ids on its records."""
    install_request_id_records()
    formatter = formatter_for(app.config.get("LOG_FORMAT") or "text")
    if app.testing and stream is None:
        return
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, _HANDLER_MARK, False)), None)
    if handler is None or stream is not None:
        if handler is not None:
            root.removeHandler(handler)
        handler = logging.StreamHandler(stream or sys.stderr)
        setattr(handler, _HANDLER_MARK, True)
        root.addHandler(handler)
    handler.setFormatter(formatter)
    if root.level == logging.WARNING or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    # The app's lines reach the root handler; Flask's own stderr handler would print them twice.
    app.logger.removeHandler(default_handler)
