"""/healthz and /readyz as a load balancer or an orchestrator sees them: no session, no key,
no CSRF token, no rate limit; /readyz names what is not ready."""
from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from shop.web.extensions import db


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port of 127.0.0.1 that is ours but refuses connections (bound, never listening)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    yield sock.getsockname()[1]
    sock.close()


def test_healthz_answers_ok_without_a_session_or_a_key(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers


def test_readyz_is_ready_when_the_schema_is_at_the_newest_migration(make_app):
    response = make_app(REDIS_URL=None).test_client().get("/readyz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ready", "checks": {"database": "ok", "schema": "ok"}}


def test_readyz_names_a_schema_that_is_not_upgraded(make_app):
    app = make_app(DATABASE_AUTO_UPGRADE=False, REDIS_URL=None)   # an empty database: no `flask db upgrade` yet

    response = app.test_client().get("/readyz")

    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "not ready"
    assert body["checks"] == {"database": "ok", "schema": "not ready"}
    assert "flask db upgrade" in body["not_ready"]["schema"]
    assert "none" in body["not_ready"]["schema"]


def test_readyz_names_a_schema_left_at_an_older_migration(make_app):
    app = make_app()
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = 'an-older-one'"))

    body = app.test_client().get("/readyz").get_json()

    assert body["checks"]["schema"] == "not ready"
    assert "at revision an-older-one" in body["not_ready"]["schema"]


def test_readyz_names_an_unreachable_database(make_app, closed_port):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://postgres@127.0.0.1:{closed_port}/none",
                   REDIS_URL=None)

    response = app.test_client().get("/readyz")

    assert response.status_code == 503
    body = response.get_json()
    assert body["checks"] == {"database": "not ready", "schema": "not ready"}
    assert body["not_ready"]["database"].startswith("unreachable")


def test_readyz_names_an_unreachable_redis_when_one_is_configured(make_app, closed_port):
    app = make_app(REDIS_URL=f"redis://127.0.0.1:{closed_port}/0", RATELIMIT_STORAGE_URI="memory://")

    response = app.test_client().get("/readyz")

    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "ok", "schema": "ok", "redis": "not ready"}


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs the Redis of REDIS_URL (scripts/test sets it)")
def test_readyz_checks_the_configured_redis(make_app):
    app = make_app(REDIS_URL=os.environ["REDIS_URL"], RATELIMIT_STORAGE_URI="memory://")

    response = app.test_client().get("/readyz")

    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "schema": "ok", "redis": "ok"}


def test_probes_are_never_rate_limited_nor_need_a_csrf_token(make_app):
    app = make_app(RATELIMIT_ENABLED=True, WTF_CSRF_ENABLED=True, RATE_LIMIT_API_PER_IP="2 per minute")
    client = app.test_client()

    statuses = {client.get(path).status_code for path in ("/healthz", "/readyz") for _ in range(20)}

    assert statuses == {200}
