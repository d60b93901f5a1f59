"""``flask promo tick`` and ``flask promo worker``: scheduled distribution rules, outbox fan-out
and webhook delivery (promo.delivery.worker), from the terminal or cron.

Webhook settings come from the app config (``WEBHOOK_TIMEOUT``, ``WEBHOOK_MAX_ATTEMPTS``,
``WEBHOOK_BACKOFF``, ``WEBHOOK_BACKOFF_MAX``, ``OUTBOX_RETENTION_DAYS``) or the environment (the same names prefixed with
``PROMOSHOP_``). On SQLite run one worker; on PostgreSQL as many as you like.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from promo.delivery.webhooks import WebhookSettings
from promo.delivery.worker import TickReport, run, tick
from shop.web.extensions import promo_engine

_SETTINGS = {
    "timeout": ("WEBHOOK_TIMEOUT", float),
    "max_attempts": ("WEBHOOK_MAX_ATTEMPTS", int),
    "backoff_base": ("WEBHOOK_BACKOFF", float),
    "backoff_max": ("WEBHOOK_BACKOFF_MAX", float),
    "retention": ("OUTBOX_RETENTION_DAYS", lambda raw: timedelta(days=float(raw))),
}


def webhook_settings(config: Mapping[str, Any], env: Mapping[str, str]) -> WebhookSettings:
    """WebhookSettings from the app config, else the environment, else the defaults.
    A bad value raises click.ClickException naming the setting."""
    values: dict[str, Any] = {}
    for field, (key, kind) in _SETTINGS.items():
        raw = config.get(key, env.get(f"PROMOSHOP_{key}"))
        if raw is None or raw == "":
            continue
        try:
            values[field] = kind(raw)
        except (TypeError, ValueError):
            raise click.ClickException(f"{key} must be a {'whole ' if kind is int else ''}number, got {raw!r}") from None
        if field == "retention" and values[field] < timedelta(days=1):
            raise click.ClickException(f"{key} must be at least 1 (days), got {raw!r}")
    try:
        return WebhookSettings(**values)
    except ValueError as error:
        raise click.ClickException(f"webhook settings: {error}") from None


def _settings() -> WebhookSettings:
    return webhook_settings(current_app.config, os.environ)


@click.command("tick")
@with_appcontext
def tick_command() -> None:
    """One pass: fire scheduled distribution rules, fan the outbox out, deliver due webhooks (for cron)."""
    report = tick(promo_engine(), _settings())
    for rule_id, count in sorted(report.published.items()):
        click.echo(f"rule {rule_id}: {count} code(s) published")
    click.echo(report.summary())


@click.command("worker")
@click.option("--interval", type=click.FloatRange(min=0.1, max=3600), default=2.0, show_default=True,
              help="Seconds between passes over the outbox and due deliveries.")
@click.option("--scheduled-every", type=click.FloatRange(min=1, max=86_400), default=60.0, show_default=True,
              help="Seconds between passes over the scheduled rules (birthday, dormant, ...).")
@with_appcontext
def worker_command(interval: float, scheduled_every: float) -> None:
    """Run until interrupted (Ctrl-C or SIGTERM): scheduled rules, outbox fan-out, webhook delivery."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    engine = promo_engine()
    dialect = current_app.extensions["sqlalchemy"].engine.dialect.name
    click.echo(f"promo worker on {dialect}: every {interval:g} s, scheduled rules every {scheduled_every:g} s. Ctrl-C stops it.")

    def report(result: TickReport) -> None:
        if sum(result.published.values()) or result.fanned_out or result.deliveries.delivered or result.deliveries.dead:
            click.echo(result.summary())

    run(engine, _settings(), stop=stop, interval=interval, scheduled_every=scheduled_every, on_tick=report)
    click.echo("promo worker stopped.")


COMMANDS = (tick_command, worker_command)
