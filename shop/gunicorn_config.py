"""gunicorn's settings for the web processes: ``gunicorn --config python:shop.gunicorn_config
'app:create_app()'`` (scripts/serve, the Dockerfile and compose.yaml all run exactly that).

    PROMOSHOP_WEB_WORKERS   worker processes; default 2 per CPU core plus 1 (sync workers
                            serve one request each at a time, and mostly wait on PostgreSQL)
    PROMOSHOP_PORT          port to listen on, default 8000, on every interface
    PROMOSHOP_BIND          instead of the port: any gunicorn address (127.0.0.1:8000,
                            unix:/run/promoshop.sock, fd://3 for a socket handed over)
    PROMOSHOP_LOG_FORMAT    text or json, as the app's own log lines (shop/web/logs.py)

docs/deploy.md explains the sizing.
"""

from __future__ import annotations

import multiprocessing
import os

from shop.web.logs import GUNICORN_REQUEST_ID_ATOM, formatter_for


def default_workers(cpus: int | None = None) -> int:
    return 2 * (cpus or multiprocessing.cpu_count()) + 1


def _workers(env: dict[str, str]) -> int:
    raw = (env.get("PROMOSHOP_WEB_WORKERS") or "").strip()
    if not raw:
        return default_workers()
    if not raw.isdigit() or not 1 <= int(raw) <= 256:
        raise ValueError(f"PROMOSHOP_WEB_WORKERS must be a whole number from 1 to 256, got {raw!r}")
    return int(raw)


def _bind(env: dict[str, str]) -> list[str]:
    if env.get("PROMOSHOP_BIND"):
        return [env["PROMOSHOP_BIND"]]
    port = (env.get("PROMOSHOP_PORT") or "8000").strip()
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ValueError(f"PROMOSHOP_PORT must be a port number (1-65535), got {port!r}")
    return [f"0.0.0.0:{port}"]


def _logconfig(log_format: str) -> dict:
    """gunicorn's own lines (start-up, worker restarts, one access line per request with its
    X-Request-Id) in the app's format, to stderr."""
    formatter_for(log_format)                  # refuses an unknown format before anything starts
    handler = {"class": "logging.StreamHandler", "formatter": "promoshop", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"promoshop": {"()": "shop.web.logs.formatter_for", "log_format": log_format}},
        "handlers": {"stderr": handler},
        # The app's own lines reach the root logger through the handler shop.web.logs adds in each worker.
        "root": {"level": "INFO", "handlers": []},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
        },
    }


_env = dict(os.environ)
workers = _workers(_env)
bind = _bind(_env)
# A request that takes longer than this is stuck (the slowest, a bulk code export, streams).
timeout = 60
graceful_timeout = 20
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms request_id=%(' + GUNICORN_REQUEST_ID_ATOM + ')s'
logconfig_dict = _logconfig((_env.get("PROMOSHOP_LOG_FORMAT") or "text").strip().lower())
