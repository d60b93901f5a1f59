"""Liveness and readiness for load balancers and orchestrators.

``GET /healthz`` says the process serves requests: it touches nothing else, so a database
outage does not make every web worker look dead and get restarted in a loop.
``GET /readyz`` says this worker should get traffic: the database answers, its schema is at
the newest migration (a worker started before `flask db upgrade` finished is not ready), and
Redis answers when REDIS_URL is set (the shared rate-limit counts live there).

Neither needs a session, an API key or a CSRF token, and neither counts against a rate limit
(probes come every few seconds from the same address).
"""

from __future__ import annotations

from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, Flask, Response, current_app, jsonify

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
HEADS_KEY = "promo.migration_heads"
PROBE_TIMEOUT_SECONDS = 2

bp = Blueprint("health", __name__)


def migration_heads() -> frozenset[str]:
    """The newest revision(s) of migrations/, read once per process (they change on deploy)."""
    heads = current_app.extensions.get(HEADS_KEY)
    if heads is None:
        heads = frozenset(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads())
        current_app.extensions[HEADS_KEY] = heads
    return heads


def _database_and_schema() -> dict[str, str | None]:
    """Problems of the database and its schema, None for each that is ready."""
    from shop.web.extensions import db

    try:
        with db.engine.connect() as connection:
            current = frozenset(MigrationContext.configure(connection).get_current_heads())
    except Exception as error:  # noqa: BLE001 - any failure to reach the database means not ready
        return {"database": f"unreachable ({type(error).__name__})", "schema": "unknown: the database is unreachable"}
    wanted = migration_heads()
    if current == wanted:
        return {"database": None, "schema": None}
    have = ", ".join(sorted(current)) or "none (an empty database)"
    return {"database": None,
            "schema": f"at revision {have}, the newest is {', '.join(sorted(wanted))}: run `flask db upgrade`"}


def _redis() -> str | None:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    import redis

    client = redis.Redis.from_url(url, socket_timeout=PROBE_TIMEOUT_SECONDS,
                                  socket_connect_timeout=PROBE_TIMEOUT_SECONDS)
    try:
        client.ping()
    except redis.RedisError as error:
        return f"unreachable ({type(error).__name__})"
    finally:
        client.close()
    return None


@bp.get("/healthz")
def healthz() -> Response:
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    problems = {**_database_and_schema(), "redis": _redis()}
    if not current_app.config.get("REDIS_URL"):
        problems.pop("redis")
    not_ready = {name: problem for name, problem in problems.items() if problem is not None}
    checks = {name: ("ok" if problem is None else "not ready") for name, problem in problems.items()}
    if not_ready:
        return jsonify({"status": "not ready", "checks": checks, "not_ready": not_ready}), 503
    return jsonify({"status": "ready", "checks": checks}), 200


def register_health(app: Flask) -> None:
    app.register_blueprint(bp)
