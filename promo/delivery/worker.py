"""The background worker: scheduled distribution rules, outbox fan-out and webhook delivery.

    report = tick(engine, WebhookSettings())          # one pass: `flask promo tick` (cron)
    run(engine, WebhookSettings(), stop=threading.Event())   # a loop: `flask promo worker`

Every step is safe to run from several workers at once: rule firings are claimed by a unique
key, outbox events and deliveries are claimed with FOR UPDATE SKIP LOCKED on PostgreSQL.
On SQLite run a single worker (its one write lock serialises everything anyway).
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx

from promo.delivery.distributions import run_scheduled
from promo.delivery.webhooks import DeliveryReport, WebhookSettings, deliver_due, fan_out, http_client, new_worker_id, prune
from promo.services.unit_of_work import work_of

if TYPE_CHECKING:
    from promo.services.unit_of_work import HasWork, UnitOfWork

log = logging.getLogger("promo.delivery.worker")


@dataclass
class TickReport:
    published: dict[str, int] = field(default_factory=dict)   # rule id -> codes published
    fanned_out: int = 0                                         # outbox events turned into deliveries
    pruned: int = 0                                             # old events (and deliveries) deleted
    deliveries: DeliveryReport = field(default_factory=DeliveryReport)

    def summary(self) -> str:
        rules = sum(self.published.values())
        d = self.deliveries
        pruned = f", {self.pruned} old event(s) pruned" if self.pruned else ""
        return (f"{rules} code(s) published by scheduled rules, {self.fanned_out} event(s) fanned out, "
                f"{d.delivered} delivered, {d.retried} to retry, {d.dead} dead{pruned}")


def tick(engine: UnitOfWork | HasWork, settings: WebhookSettings, *, client: httpx.Client | None = None,
         worker_id: str | None = None, scheduled: bool = True) -> TickReport:
    """One pass of everything the worker does. `scheduled` also runs the rules that scan
    customers and prunes events older than `settings.retention`."""
    report = TickReport()
    if scheduled:
        report.published = run_scheduled(engine)
        report.pruned = prune(engine, settings.retention)
    report.fanned_out = fan_out(engine)
    worker_id = worker_id or new_worker_id()
    if client is None:
        with http_client(work_of(engine).webhook_targets) as own:
            report.deliveries = deliver_due(engine, settings, own, worker_id)
    else:
        report.deliveries = deliver_due(engine, settings, client, worker_id)
    return report


def run(engine: UnitOfWork | HasWork, settings: WebhookSettings, *, stop: threading.Event, interval: float = 2.0,
        scheduled_every: float = 60.0, on_tick: Callable[[TickReport], None] | None = None) -> None:
    """Tick every `interval` seconds until `stop` is set; scheduled rules run every
    `scheduled_every` seconds (they scan customers, webhooks only look at due rows)."""
    worker_id = new_worker_id()
    last_scheduled = float("-inf")
    with http_client(work_of(engine).webhook_targets) as client:
        while not stop.is_set():
            due = time.monotonic() - last_scheduled >= scheduled_every
            try:
                report = tick(engine, settings, client=client, worker_id=worker_id, scheduled=due)
                if due:
                    last_scheduled = time.monotonic()
                if on_tick is not None:
                    on_tick(report)
            except Exception:  # a bad tick (database restarting ...) must not end the worker
                log.exception("worker tick failed; trying again in %.0f s", interval)
            stop.wait(interval)
