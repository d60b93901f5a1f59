"""Webhooks: the outbox delivered to HTTP endpoints, signed, retried, and dead-lettered.

An endpoint has a URL, an event filter (``["redemption.*", "distribution.published"]`` or
``["*"]``) and a secret, shown once when it is made. A worker (promo.worker) fans each outbox
event out into one delivery per matching endpoint, then POSTs due deliveries with httpx:

    POST <url>
    Content-Type: application/json
    Promoshop-Event-Id: evt_...              the same on every retry: deduplicate on it
    Promoshop-Event-Type: redemption.succeeded
    Promoshop-Timestamp: 1764110000          Unix seconds, when this attempt was signed
    Promoshop-Signature: v1=<hex>            HMAC-SHA256(secret, "<timestamp>.<body>")

    {"id": "evt_...", "type": "...", "created_at": "...", "data": {...}}

Any 2xx answer delivers it. Anything else (another status, a refused connection, a timeout of
at most 6 s) schedules a retry after an exponential backoff with jitter, until the endpoint
has had ``max_attempts`` tries; then the delivery is dead (the dead-letter list), where
``retry`` can revive it.

Claiming: a worker takes a batch of due deliveries by setting a lease on them. On PostgreSQL
the batch is selected ``FOR UPDATE SKIP LOCKED``, so workers claiming at the same moment take
disjoint batches without waiting for each other. SQLite has no row locks; its write lock
serialises the claims, so several workers stay correct but gain nothing: run one.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import random
import re
import secrets
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from .errors import InvalidRequest, NotFound
from .events import matches_any
from .storage.database import dialect_of, insert_ignoring_conflicts
from .storage.event_models import OutboxEventRow, WebhookDeliveryRow, WebhookEndpointRow

if TYPE_CHECKING:
    from .engine import Engine

MAX_TIMEOUT = 6.0
SIGNATURE_HEADER = "Promoshop-Signature"
TIMESTAMP_HEADER = "Promoshop-Timestamp"
EVENT_ID_HEADER = "Promoshop-Event-Id"
EVENT_TYPE_HEADER = "Promoshop-Event-Type"
MAX_ENDPOINTS = 100
MAX_PATTERNS = 50
MAX_REPLAY = 10_000
_PATTERN = re.compile(r"^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$")


@dataclass(frozen=True)
class WebhookSettings:
    timeout: float = 5.0              # seconds per attempt; capped at MAX_TIMEOUT
    max_attempts: int = 8
    backoff_base: float = 30.0        # seconds before the second attempt; doubles after each failure
    backoff_max: float = 6 * 3600.0
    batch_size: int = 50
    # Outbox events and finished deliveries (the dead-letter list too) are kept this long.
    retention: timedelta = timedelta(days=30)

    def __post_init__(self) -> None:
        if not 0 < self.timeout:
            raise ValueError("the webhook timeout must be positive")
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.backoff_base < 0 or self.backoff_max < self.backoff_base:
            raise ValueError("backoff_base must be >= 0 and backoff_max >= backoff_base")

    @property
    def effective_timeout(self) -> float:
        return min(self.timeout, MAX_TIMEOUT)

    @property
    def lease(self) -> timedelta:
        # Long enough for a whole batch to time out one by one.
        return timedelta(seconds=self.batch_size * (self.effective_timeout + 1) + 30)


def backoff(attempts: int, settings: WebhookSettings, rng: Callable[[], float] = random.random) -> float:
    """Seconds to wait after the `attempts`-th failed attempt: base * 2^(attempts-1), capped,
    then scaled by a random factor in [0.5, 1) so failed deliveries do not retry in lockstep."""
    ceiling = min(settings.backoff_max, settings.backoff_base * 2 ** max(0, attempts - 1))
    return ceiling * (0.5 + rng() / 2)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The Promoshop-Signature value for a body sent at `timestamp`."""
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"v1={digest}"


def verify(secret: str, body: bytes, timestamp: str, signature: str, *, tolerance: float = 300,
           now: float | None = None) -> bool:
    """What a receiver checks: the signature matches and the timestamp is recent (replays of an
    old request fail). docs/api.md shows the same check without promoshop installed."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((time.time() if now is None else now) - sent) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, sent, body), signature or "")


# ---- records ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WebhookEndpoint:
    id: int
    url: str
    description: str
    events: tuple[str, ...]
    active: bool
    created_at: datetime
    secret_hint: str           # the secret's first characters, to tell secrets apart


@dataclass(frozen=True)
class Delivery:
    id: int
    endpoint_id: int
    event_id: str
    event_type: str
    status: str                # pending / delivered / dead
    attempts: int
    next_attempt_at: datetime
    last_status: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


def _endpoint(row: WebhookEndpointRow) -> WebhookEndpoint:
    return WebhookEndpoint(row.id, row.url, row.description, tuple(row.events), row.active, row.created_at,
                           row.secret[:12] + "...")


def _delivery(row: WebhookDeliveryRow, event: OutboxEventRow) -> Delivery:
    return Delivery(row.id, row.endpoint_id, event.event_id, event.type, row.status, row.attempts,
                    row.next_attempt_at, row.last_status, row.last_error, row.delivered_at, row.created_at)


def check_url(url: Any) -> str:
    if not isinstance(url, str) or not 0 < len(url) <= 2000:
        raise InvalidRequest("url must be an http(s) URL of at most 2000 characters", code="invalid_webhook")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidRequest(f"url must be an absolute http:// or https:// URL, got {url!r}", code="invalid_webhook")
    if parts.username or parts.password:
        raise InvalidRequest("url must not carry credentials; the signature authenticates promoshop", code="invalid_webhook")
    return url.strip()


def check_patterns(events: Any) -> tuple[str, ...]:
    if not isinstance(events, (list, tuple)) or not 0 < len(events) <= MAX_PATTERNS:
        raise InvalidRequest(f"events must be a list of 1 to {MAX_PATTERNS} event types or patterns", code="invalid_webhook")
    for pattern in events:
        if not isinstance(pattern, str) or len(pattern) > 80 or not _PATTERN.match(pattern):
            raise InvalidRequest(
                f"events: {pattern!r} is not an event type ('redemption.succeeded'), a prefix ('redemption.*') or '*'",
                code="invalid_webhook",
            )
    return tuple(dict.fromkeys(events))


# ---- the service behind engine.webhooks --------------------------------------------------------


class Webhooks:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(self, url: str, events: Sequence[str] = ("*",), *, description: str = "") -> tuple[WebhookEndpoint, str]:
        """A new endpoint and its signing secret; the secret is returned here only."""
        url, patterns = check_url(url), check_patterns(list(events))
        if not isinstance(description, str) or len(description) > 200:
            raise InvalidRequest("description must be text of at most 200 characters", code="invalid_webhook")
        secret = f"whsec_{secrets.token_urlsafe(32)}"

        def work(session: Session) -> WebhookEndpoint:
            count = len(session.scalars(select(WebhookEndpointRow.id)).all())
            if count >= MAX_ENDPOINTS:
                raise InvalidRequest(f"at most {MAX_ENDPOINTS} webhook endpoints", code="too_many_webhooks")
            row = WebhookEndpointRow(url=url, description=description, events=list(patterns), secret=secret,
                                     active=True, created_at=self.engine.clock())
            session.add(row)
            session.flush()
            return _endpoint(row)

        return self.engine._write(work), secret

    def list(self) -> list[WebhookEndpoint]:
        with self.engine._read() as session:
            return [_endpoint(r) for r in session.scalars(select(WebhookEndpointRow).order_by(WebhookEndpointRow.id))]

    def get(self, endpoint_id: int) -> WebhookEndpoint:
        with self.engine._read() as session:
            return _endpoint(self._row(session, endpoint_id))

    def set_active(self, endpoint_id: int, active: bool) -> WebhookEndpoint:
        """A paused endpoint gets no new deliveries (events meanwhile are not queued for it;
        replay them after resuming); deliveries already queued are still sent."""
        def work(session: Session) -> WebhookEndpoint:
            row = self._row(session, endpoint_id)
            row.active = active
            session.flush()
            return _endpoint(row)

        return self.engine._write(work)

    def delete(self, endpoint_id: int) -> None:
        """Remove the endpoint and its deliveries (pending ones are never sent)."""
        def work(session: Session) -> None:
            self._row(session, endpoint_id)
            session.execute(delete(WebhookDeliveryRow).where(WebhookDeliveryRow.endpoint_id == endpoint_id))
            session.execute(delete(WebhookEndpointRow).where(WebhookEndpointRow.id == endpoint_id))

        self.engine._write(work)

    def deliveries(self, *, status: str | None = None, endpoint_id: int | None = None, limit: int = 100) -> list[Delivery]:
        """Newest first; ``status="dead"`` is the dead-letter list."""
        statement = (select(WebhookDeliveryRow, OutboxEventRow)
                     .join(OutboxEventRow, OutboxEventRow.id == WebhookDeliveryRow.outbox_id)
                     .order_by(WebhookDeliveryRow.id.desc()).limit(max(1, min(limit, 1000))))
        if status is not None:
            statement = statement.where(WebhookDeliveryRow.status == status)
        if endpoint_id is not None:
            statement = statement.where(WebhookDeliveryRow.endpoint_id == endpoint_id)
        with self.engine._read() as session:
            return [_delivery(d, e) for d, e in session.execute(statement).all()]

    def retry(self, delivery_id: int) -> Delivery:
        """Send a dead delivery again from scratch (a full round of attempts); others are left as they are."""
        def work(session: Session) -> Delivery:
            row = session.get(WebhookDeliveryRow, delivery_id)
            if row is None:
                raise NotFound(f"no webhook delivery {delivery_id}", code="delivery_not_found")
            if row.status == "dead":
                self._reset(row)
            return _delivery(row, session.get(OutboxEventRow, row.outbox_id))

        return self.engine._write(work)

    def redeliver(self, endpoint_id: int, event_id: str) -> Delivery:
        """Send one outbox event to the endpoint (again), whatever its filter says: a dead
        delivery revived, a delivered one repeated, or an event from before the endpoint existed."""
        def work(session: Session) -> Delivery:
            self._row(session, endpoint_id)
            event = session.scalar(select(OutboxEventRow).where(OutboxEventRow.event_id == event_id))
            if event is None:
                raise NotFound(f"no event {event_id!r}", code="event_not_found")
            return _delivery(self._queue(session, endpoint_id, event), event)

        return self.engine._write(work)

    def replay(self, endpoint_id: int, since: datetime, until: datetime | None = None) -> int:
        """Send the endpoint every event from `since` (to `until`) that its filter matches, again:
        after an outage longer than the retries, or to fill a new endpoint. Returns how many."""
        if until is not None and until <= since:
            raise InvalidRequest("until must be after since", code="invalid_replay")

        def work(session: Session) -> int:
            endpoint = self._row(session, endpoint_id)
            statement = select(OutboxEventRow).where(OutboxEventRow.created_at >= since).order_by(OutboxEventRow.id)
            if until is not None:
                statement = statement.where(OutboxEventRow.created_at < until)
            events = [e for e in session.scalars(statement.limit(MAX_REPLAY + 1)) if matches_any(endpoint.events, e.type)]
            if len(events) > MAX_REPLAY:
                raise InvalidRequest(f"more than {MAX_REPLAY} events in that window; replay a shorter one",
                                     code="invalid_replay")
            for event in events:
                self._queue(session, endpoint_id, event)
            return len(events)

        return self.engine._write(work)

    def _queue(self, session: Session, endpoint_id: int, event: OutboxEventRow) -> WebhookDeliveryRow:
        row = session.scalar(select(WebhookDeliveryRow).where(
            WebhookDeliveryRow.outbox_id == event.id, WebhookDeliveryRow.endpoint_id == endpoint_id))
        if row is None:
            row = WebhookDeliveryRow(outbox_id=event.id, endpoint_id=endpoint_id, created_at=self.engine.clock())
            session.add(row)
        self._reset(row)
        session.flush()
        return row

    def _reset(self, row: WebhookDeliveryRow) -> None:
        row.status, row.attempts, row.next_attempt_at = "pending", 0, self.engine.clock()
        row.lease_owner = row.lease_until = None
        row.delivered_at = None

    @staticmethod
    def _row(session: Session, endpoint_id: int) -> WebhookEndpointRow:
        row = session.get(WebhookEndpointRow, endpoint_id)
        if row is None:
            raise NotFound(f"no webhook endpoint {endpoint_id}", code="webhook_not_found")
        return row


# ---- fan-out and delivery (run by promo.worker) ------------------------------------------------


def fan_out(engine: Engine, *, batch_size: int = 500) -> int:
    """Make the deliveries of outbox events not fanned out yet; returns how many events it took."""
    def work(session: Session) -> int:
        pending = (select(OutboxEventRow).where(OutboxEventRow.fanned_out_at.is_(None))
                   .order_by(OutboxEventRow.id).limit(batch_size))
        if dialect_of(session) == "postgresql":
            pending = pending.with_for_update(skip_locked=True)
        events = list(session.scalars(pending))
        if not events:
            return 0
        endpoints = list(session.scalars(select(WebhookEndpointRow).where(WebhookEndpointRow.active.is_(True))))
        now = engine.clock()
        rows = [
            {"outbox_id": event.id, "endpoint_id": endpoint.id, "status": "pending", "attempts": 0,
             "next_attempt_at": now, "created_at": now}
            for event in events for endpoint in endpoints if matches_any(endpoint.events, event.type)
        ]
        if rows:
            session.execute(insert_ignoring_conflicts(WebhookDeliveryRow.__table__, dialect_of(session),
                                                      ["outbox_id", "endpoint_id"]), rows)
        session.execute(update(OutboxEventRow).where(OutboxEventRow.id.in_([e.id for e in events]))
                        .values(fanned_out_at=now).execution_options(synchronize_session=False))
        return len(events)

    total = 0
    while (taken := engine._write(work)) > 0:
        total += taken
    return total


def prune(engine: Engine, older_than: timedelta, *, batch_size: int = 1000) -> int:
    """Delete outbox events fanned out more than `older_than` ago, with their finished
    deliveries (delivered, or dead: the dead-letter list keeps that long). Events with a
    pending delivery stay. Returns how many events went."""
    def work(session: Session) -> int:
        cutoff = engine.clock() - older_than
        pending = select(WebhookDeliveryRow.id).where(WebhookDeliveryRow.outbox_id == OutboxEventRow.id,
                                                      WebhookDeliveryRow.status == "pending")
        ids = list(session.scalars(
            select(OutboxEventRow.id).where(OutboxEventRow.fanned_out_at < cutoff, ~pending.exists())
            .order_by(OutboxEventRow.fanned_out_at, OutboxEventRow.id).limit(batch_size)))
        if ids:
            session.execute(delete(WebhookDeliveryRow).where(WebhookDeliveryRow.outbox_id.in_(ids)))
            session.execute(delete(OutboxEventRow).where(OutboxEventRow.id.in_(ids)))
        return len(ids)

    total = 0
    while (removed := engine._write(work)) > 0:
        total += removed
    return total


@dataclass(frozen=True)
class Claimed:
    delivery_id: int
    url: str
    secret: str
    event_id: str
    event_type: str
    body: bytes
    attempt: int               # this attempt's number, from 1


def claim(session: Session, worker_id: str, now: datetime, settings: WebhookSettings) -> list[Claimed]:
    """Lease up to batch_size due deliveries to `worker_id` in the caller's transaction."""
    due = (select(WebhookDeliveryRow.id)
           .where(WebhookDeliveryRow.status == "pending", WebhookDeliveryRow.next_attempt_at <= now,
                  or_(WebhookDeliveryRow.lease_until.is_(None), WebhookDeliveryRow.lease_until < now))
           .order_by(WebhookDeliveryRow.next_attempt_at, WebhookDeliveryRow.id)
           .limit(settings.batch_size))
    if dialect_of(session) == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = list(session.scalars(due))
    if not ids:
        return []
    session.execute(update(WebhookDeliveryRow).where(WebhookDeliveryRow.id.in_(ids))
                    .values(lease_owner=worker_id, lease_until=now + settings.lease)
                    .execution_options(synchronize_session=False))
    rows = session.execute(
        select(WebhookDeliveryRow, WebhookEndpointRow, OutboxEventRow)
        .join(WebhookEndpointRow, WebhookEndpointRow.id == WebhookDeliveryRow.endpoint_id)
        .join(OutboxEventRow, OutboxEventRow.id == WebhookDeliveryRow.outbox_id)
        .where(WebhookDeliveryRow.id.in_(ids)).order_by(WebhookDeliveryRow.id)
    ).all()
    return [Claimed(d.id, endpoint.url, endpoint.secret, event.event_id, event.type, body_of(event), d.attempts + 1)
            for d, endpoint, event in rows]


def body_of(event: OutboxEventRow) -> bytes:
    document = {"id": event.event_id, "type": event.type, "created_at": event.created_at.astimezone(timezone.utc).isoformat(),
                "data": event.payload}
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status: int | None = None
    error: str | None = None


def send(client: httpx.Client, claimed: Claimed, settings: WebhookSettings) -> Outcome:
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "promoshop-webhooks/1",
        EVENT_ID_HEADER: claimed.event_id,
        EVENT_TYPE_HEADER: claimed.event_type,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(claimed.secret, timestamp, claimed.body),
        "Promoshop-Attempt": str(claimed.attempt),
    }
    try:
        response = client.post(claimed.url, content=claimed.body, headers=headers,
                               timeout=httpx.Timeout(settings.effective_timeout))
    except (httpx.HTTPError, socket.error) as error:
        return Outcome(False, None, f"{type(error).__name__}: {error}"[:500])
    if 200 <= response.status_code < 300:
        return Outcome(True, response.status_code)
    return Outcome(False, response.status_code, f"HTTP {response.status_code}: {response.text[:200]}")


@dataclass
class DeliveryReport:
    delivered: int = 0
    retried: int = 0
    dead: int = 0

    def add(self, other: DeliveryReport) -> None:
        self.delivered += other.delivered
        self.retried += other.retried
        self.dead += other.dead


def record(engine: Engine, claimed: Claimed, outcome: Outcome, worker_id: str, settings: WebhookSettings,
           rng: Callable[[], float] = random.random) -> str:
    """Store an attempt's outcome (only while the lease is still ours); returns the new status."""
    now = engine.clock()
    if outcome.ok:
        values: dict[str, Any] = {"status": "delivered", "delivered_at": now}
    elif claimed.attempt >= settings.max_attempts:
        values = {"status": "dead"}
    else:
        values = {"status": "pending",
                  "next_attempt_at": now + timedelta(seconds=backoff(claimed.attempt, settings, rng))}
    values.update(attempts=claimed.attempt, last_status=outcome.status, last_error=outcome.error,
                  lease_owner=None, lease_until=None)

    def work(session: Session) -> None:
        session.execute(update(WebhookDeliveryRow)
                        .where(WebhookDeliveryRow.id == claimed.delivery_id, WebhookDeliveryRow.lease_owner == worker_id)
                        .values(**values).execution_options(synchronize_session=False))

    engine._write(work)
    return values["status"]


def deliver_due(engine: Engine, settings: WebhookSettings, client: httpx.Client, worker_id: str,
                *, max_batches: int = 20) -> DeliveryReport:
    """Claim and send due deliveries, batch after batch, until none is due (or max_batches)."""
    report = DeliveryReport()
    for _ in range(max_batches):
        batch = engine._write(lambda session: claim(session, worker_id, engine.clock(), settings))
        if not batch:
            break
        for claimed in batch:
            status = record(engine, claimed, send(client, claimed, settings), worker_id, settings)
            if status == "delivered":
                report.delivered += 1
            elif status == "dead":
                report.dead += 1
            else:
                report.retried += 1
    return report


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{secrets.token_hex(4)}"
