"""`flask promo tick` and the worker's settings."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click
import pytest

from shop.cli.events import webhook_settings
from shop.web.extensions import promo_engine
from tests.support.eventkit import add_customer, reward_campaign, rule
from tests.support.receiver import Receiver


def test_tick_fires_scheduled_rules_and_delivers_webhooks(make_app):
    app = make_app(WEBHOOK_BACKOFF=0.01, WEBHOOK_ALLOWED_HOSTS="127.0.0.1")     # the test's local receiver
    engine = promo_engine(app)
    reward_campaign(engine)
    add_customer(engine, "gone", last_order_at=datetime.now(UTC) - timedelta(days=100), orders_count=2)
    engine.distributions.create(rule("win-back", "dormant", days=90))
    with Receiver() as receiver:
        engine.webhooks.create(receiver.url, ["distribution.published"])

        result = app.test_cli_runner().invoke(args=["promo", "tick"])

    assert result.exit_code == 0, result.output
    assert "rule win-back: 1 code(s) published" in result.output
    assert "1 delivered" in result.output
    [request] = receiver.received
    assert request.json["data"]["customer"] == {"id": "gone", "email": "gone@example.com", "name": None}
    assert request.json["data"]["code"] in [c.code for c in engine.customer_codes("gone")]


def test_settings_come_from_config_then_environment_and_bad_ones_are_named():
    settings = webhook_settings({"WEBHOOK_MAX_ATTEMPTS": 3}, {"PROMOSHOP_WEBHOOK_TIMEOUT": "10", "PROMOSHOP_WEBHOOK_MAX_ATTEMPTS": "9"})
    assert settings.max_attempts == 3 and settings.effective_timeout == 6
    with pytest.raises(click.ClickException, match="WEBHOOK_MAX_ATTEMPTS must be a whole number, got 'many'"):
        webhook_settings({}, {"PROMOSHOP_WEBHOOK_MAX_ATTEMPTS": "many"})
    assert webhook_settings({}, {"PROMOSHOP_OUTBOX_RETENTION_DAYS": "7"}).retention == timedelta(days=7)
    with pytest.raises(click.ClickException, match="OUTBOX_RETENTION_DAYS must be at least 1"):
        webhook_settings({"OUTBOX_RETENTION_DAYS": 0}, {})
    with pytest.raises(click.ClickException, match="max_attempts must be at least 1"):
        webhook_settings({"WEBHOOK_MAX_ATTEMPTS": 0}, {})


@pytest.mark.slow
def test_the_worker_runs_until_sigterm_publishing_scheduled_codes(tmp_path):
    """`flask promo worker` as an operator runs it: its own process on the store's database,
    stopped with SIGTERM, having published the win-back code the scheduled rule owes."""
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    from app import create_app

    database = f"sqlite:///{tmp_path / 'promoshop.db'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "INSTANCE_PATH": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": database})
    engine = promo_engine(app)
    reward_campaign(engine)
    add_customer(engine, "gone", last_order_at=datetime.now(UTC) - timedelta(days=100), orders_count=2)
    engine.distributions.create(rule("win-back", "dormant", days=90))

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DATABASE_URL": database, "PROMOSHOP_INSTANCE_PATH": str(tmp_path),
           "PROMOSHOP_SECRET_KEY": "test-secret-for-the-worker-process-0123456789", "PYTHONUNBUFFERED": "1"}
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "promo", "worker", "--interval", "0.2"],
                              cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        # Not a timing claim: wait (up to a minute, on a slow machine) for the code to appear.
        deadline = time.monotonic() + 60
        while not engine.customer_codes("gone") and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.2)
        published = [c.code for c in engine.customer_codes("gone")]
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=60)

    assert len(published) == 1, output
    assert worker.returncode == 0, output
    assert "promo worker on sqlite" in output and "promo worker stopped." in output
    assert "1 code(s) published by scheduled rules" in output, output
