"""The Dockerfile and compose.yaml run exactly the commands of scripts/serve (Docker itself
can't run here, so they are kept right by comparison), and gunicorn's settings."""
from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

from shop import gunicorn_config

ROOT = Path(__file__).resolve().parents[2]
SERVE = (ROOT / "scripts" / "serve").read_text()
DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())


def serve_command(step: str) -> list[str]:
    match = re.search(rf"^{step}\(\) {{ (?:exec )?(.+); }}$", SERVE, re.MULTILINE)
    assert match, f"scripts/serve defines no {step}()"
    return shlex.split(match[1])


@pytest.mark.parametrize("step", ["release", "web", "worker"])
def test_compose_runs_the_commands_of_scripts_serve(step):
    assert COMPOSE["services"][step]["command"] == serve_command(step)


def test_the_image_runs_the_web_command_by_default():
    [cmd] = re.findall(r"^CMD (\[.*\])$", DOCKERFILE, re.MULTILINE)
    assert json.loads(cmd) == serve_command("web")


def test_serve_runs_its_steps_in_order():
    body = SERVE[SERVE.index("# ---\n"):]
    assert body.index("\nrelease\n") < body.index("\nweb &\n") < body.index("\nworker &\n")


def test_the_image_installs_with_the_same_uv_and_lock_as_the_bootstrap():
    [version] = re.findall(r'^UV_VERSION="([^"]+)"', (ROOT / "scripts" / "bootstrap").read_text(), re.MULTILINE)
    assert f"uv=={version}" in DOCKERFILE
    assert "uv sync --locked" in DOCKERFILE


def test_compose_has_every_process_and_health_checks():
    services = COMPOSE["services"]
    assert set(services) == {"postgres", "redis", "release", "web", "worker"}
    for name in ("postgres", "redis", "web"):
        assert services[name]["healthcheck"]["test"], name
    assert "/readyz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "/healthz" in DOCKERFILE
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["release"] == {"condition": "service_completed_successfully"}
    assert services["release"]["depends_on"]["postgres"] == {"condition": "service_healthy"}
    environment = services["web"]["environment"]
    assert environment["DATABASE_URL"].startswith("postgresql://") and environment["REDIS_URL"].startswith("redis://")
    assert environment["PROMOSHOP_ENV"] == "production"


def test_web_workers_default_to_the_cpus_and_the_setting_overrides_them():
    assert gunicorn_config.default_workers(2) == 5
    assert gunicorn_config._workers({}) == gunicorn_config.default_workers()
    assert gunicorn_config._workers({"PROMOSHOP_WEB_WORKERS": "4"}) == 4
    for bad in ("0", "four", "-1", "1000"):
        with pytest.raises(ValueError, match="PROMOSHOP_WEB_WORKERS"):
            gunicorn_config._workers({"PROMOSHOP_WEB_WORKERS": bad})


def test_web_binds_the_port_setting_or_an_explicit_address():
    assert gunicorn_config._bind({}) == ["0.0.0.0:8000"]
    assert gunicorn_config._bind({"PROMOSHOP_PORT": "9000"}) == ["0.0.0.0:9000"]
    assert gunicorn_config._bind({"PROMOSHOP_PORT": "9000", "PROMOSHOP_BIND": "unix:/run/p.sock"}) == ["unix:/run/p.sock"]
    with pytest.raises(ValueError, match="PROMOSHOP_PORT"):
        gunicorn_config._bind({"PROMOSHOP_PORT": "http"})


def test_gunicorn_logs_in_the_app_format():
    config = gunicorn_config._logconfig("json")
    assert config["formatters"]["promoshop"] == {"()": "shop.web.logs.formatter_for", "log_format": "json"}
    assert "request_id=%({x-request-id}o)s" in gunicorn_config.access_log_format
    with pytest.raises(ValueError, match="PROMOSHOP_LOG_FORMAT"):
        gunicorn_config._logconfig("xml")


def test_the_pool_size_setting_caps_each_process_connections(tmp_path):
    from app import create_app
    from shop.web.extensions import db

    app = create_app({"INSTANCE_PATH": str(tmp_path), "TESTING": True, "DATABASE_POOL_SIZE": "3",
                      "SQLALCHEMY_DATABASE_URI": "postgresql://postgres@127.0.0.1:5432/none"})
    with app.app_context():
        assert (db.engine.pool.size(), db.engine.pool._max_overflow) == (3, 0)
    for bad in ("1", "lots", "101"):
        with pytest.raises(ValueError, match="DATABASE_POOL_SIZE"):
            create_app({"INSTANCE_PATH": str(tmp_path), "TESTING": True, "DATABASE_POOL_SIZE": bad,
                        "SQLALCHEMY_DATABASE_URI": "postgresql://postgres@127.0.0.1:5432/none"})
