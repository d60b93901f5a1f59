"""`flask promo tick` and the worker's settings."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click
import pytest

from eventkit import add_customer, reward_campaign, rule
from receiver import Receiver
from shop.events_cli import webhook_settings
from shop.extensions import promo_engine


def test_tick_fires_scheduled_rules_and_delivers_webhooks(make_app):
    app = make_app(WEBHOOK_BACKOFF=0.01)
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
