"""Webhooks: the outbox delivered to HTTP endpoints, signed, retried, and dead-lettered.

An endpoint has a URL, an event filter (``["redemption.*", "distribution.published"]`` or
``["*"]``) and a secret, shown once when it is made. A worker (promo.delivery.worker) fans each outbox
event out into one delivery per matching endpoint, then POSTs due deliveries with httpx:

    POST <url>
    Content-Type: application/json
    webhook-id: evt_...                      the same on every retry: deduplicate on it
    webhook-timestamp: 1764110000            Unix seconds, when this attempt was signed
    webhook-signature: v1,<base64>           Standard Webhooks (promo/delivery/webhook_signing.py)
    Promoshop-Event-Type: redemption.succeeded
    Promoshop-Event-Id, Promoshop-Timestamp, Promoshop-Signature: v1=<hex>   until the release after next

    {"id": "evt_...", "type": "...", "created_at": "...", "data": {...}}

Any 2xx answer delivers it. Anything else (another status, a refused connection, no complete
answer within the attempt's time: at most 6 s in all, however slowly the receiver trickles its
answer) schedules a retry after an exponential backoff with jitter, until the endpoint
has had ``max_attempts`` tries; then the delivery is dead (the dead-letter list), where
``retry`` can revive it.

Claiming: a worker takes a batch of due deliveries by setting a lease on them. On PostgreSQL
the batch is selected ``FOR UPDATE SKIP LOCKED``, so workers claiming at the same moment take
disjoint batches without waiting for each other. SQLite has no row locks; its write lock
serialises the claims, so several workers stay correct but gain nothing: run one.
"""
from __future__ import annotations

import builtins  # the class's own list() hides the builtin in its later annotations
import contextvars
import hmac
import json
import random
import re
import secrets
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from promo.core.errors import InvalidRequest, NotFound
from promo.delivery.events import matches_any
from promo.delivery.webhook_signing import legacy_signature, new_secret, signed_headers
from promo.delivery.webhook_targets import PinnedBackend, TargetPolicy, failure_text, refused_target, status_text
from promo.services.unit_of_work import HasWork, UnitOfWork, work_of
from promo.storage import audit
from promo.storage.database import dialect_of, for_update, insert_ignoring_conflicts
from promo.storage.event_models import OutboxEventRow, WebhookDeliveryRow, WebhookEndpointRow

MAX_TIMEOUT = 6.0                 # seconds an attempt may take in all: connect, send, answer
MAX_ENDPOINTS = 100
MAX_PATTERNS = 50
MAX_REPLAY = 10_000
_PATTERN = re.compile(r"^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)$")


@dataclass(frozen=True)
class WebhookSettings:
    timeout: float = 5.0              # seconds per attempt in all (not per phase); capped at MAX_TIMEOUT
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
    return legacy_signature(secret, timestamp, body)


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


def _endpoint_snapshot(row: WebhookEndpointRow) -> dict[str, Any]:
    """What the audit log records of an endpoint: never its signing secret, nor the secret's
    first characters."""
    return {"url": row.url, "description": row.description, "events": list(row.events), "active": row.active}


def _delivery_snapshot(row: WebhookDeliveryRow, event: OutboxEventRow) -> dict[str, Any]:
    """What the audit log records of a delivery."""
    return {"endpoint_id": row.endpoint_id, "event_id": event.event_id, "event_type": event.type,
            "status": row.status, "attempts": row.attempts, "last_status": row.last_status,
            "last_error": row.last_error}


def _iso(moment: datetime) -> str:
    return moment.isoformat()


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
    """Endpoints and deliveries. Every change (create, pause, resume, delete, retry, redeliver,
    replay) is written to the audit log with its `actor`, in the transaction of the change;
    the signing secret never goes into the log."""

    def __init__(self, work: UnitOfWork) -> None:
        self.work = work

    def create(self, url: str, events: Sequence[str] = ("*",), *, description: str = "",
               actor: str = "system") -> tuple[WebhookEndpoint, str]:
        """A new endpoint and its signing secret; the secret is returned here only."""
        url, patterns = check_url(url), check_patterns(list(events))
        self.work.webhook_targets.check_url(url)
        if not isinstance(description, str) or len(description) > 200:
            raise InvalidRequest("description must be text of at most 200 characters", code="invalid_webhook")
        secret = new_secret()

        def step(session: Session) -> WebhookEndpoint:
            count = len(session.scalars(select(WebhookEndpointRow.id)).all())
            if count >= MAX_ENDPOINTS:
                raise InvalidRequest(f"at most {MAX_ENDPOINTS} webhook endpoints", code="too_many_webhooks")
            now = self.work.clock()
            row = WebhookEndpointRow(url=url, description=description, events=list(patterns), secret=secret,
                                     active=True, created_at=now)
            session.add(row)
            session.flush()
            audit.record(session, at=now, actor=actor, action="webhook.create", object_type="webhook_endpoint",
                         object_id=str(row.id), after=_endpoint_snapshot(row))
            return _endpoint(row)

        return self.work.write(step), secret

    def list(self) -> list[WebhookEndpoint]:
        with self.work.read() as session:
            return [_endpoint(r) for r in session.scalars(select(WebhookEndpointRow).order_by(WebhookEndpointRow.id))]

    def get(self, endpoint_id: int) -> WebhookEndpoint:
        with self.work.read() as session:
            return _endpoint(self._row(session, endpoint_id))

    def set_active(self, endpoint_id: int, active: bool, *, actor: str = "system") -> WebhookEndpoint:
        """A paused endpoint gets no new deliveries (events meanwhile are not queued for it;
        replay them after resuming); deliveries already queued are still sent. Pausing a paused
        endpoint changes nothing and logs nothing."""
        def step(session: Session) -> WebhookEndpoint:
            row = self._row(session, endpoint_id, lock=True)
            if row.active != active:
                row.active = active
                session.flush()
                audit.record(session, at=self.work.clock(), actor=actor,
                             action="webhook.resume" if active else "webhook.pause", object_type="webhook_endpoint",
                             object_id=str(endpoint_id), before={"active": not active}, after={"active": active})
            return _endpoint(row)

        return self.work.write(step)

    def delete(self, endpoint_id: int, *, actor: str = "system") -> None:
        """Remove the endpoint and its deliveries (pending ones are never sent)."""
        def step(session: Session) -> None:
            row = self._row(session, endpoint_id, lock=True)
            before = _endpoint_snapshot(row)
            deleted = session.execute(delete(WebhookDeliveryRow).where(WebhookDeliveryRow.endpoint_id == endpoint_id))
            session.execute(delete(WebhookEndpointRow).where(WebhookEndpointRow.id == endpoint_id))
            audit.record(session, at=self.work.clock(), actor=actor, action="webhook.delete",
                         object_type="webhook_endpoint", object_id=str(endpoint_id),
                         before={**before, "deliveries": deleted.rowcount})

        self.work.write(step)

    def deliveries(self, *, status: str | None = None, endpoint_id: int | None = None, limit: int = 100) -> builtins.list[Delivery]:
        """Newest first; ``status="dead"`` is the dead-letter list."""
        statement = (select(WebhookDeliveryRow, OutboxEventRow)
                     .join(OutboxEventRow, OutboxEventRow.id == WebhookDeliveryRow.outbox_id)
                     .order_by(WebhookDeliveryRow.id.desc()).limit(max(1, min(limit, 1000))))
        if status is not None:
            statement = statement.where(WebhookDeliveryRow.status == status)
        if endpoint_id is not None:
            statement = statement.where(WebhookDeliveryRow.endpoint_id == endpoint_id)
        with self.work.read() as session:
            return [_delivery(d, e) for d, e in session.execute(statement).all()]

    def retry(self, delivery_id: int, *, actor: str = "system") -> Delivery:
        """Send a dead delivery again from scratch (a full round of attempts); others are left
        as they are (and nothing is logged for them)."""
        def step(session: Session) -> Delivery:
            row = session.scalar(for_update(select(WebhookDeliveryRow).where(WebhookDeliveryRow.id == delivery_id),
                                            session))
            if row is None:
                raise NotFound(f"no webhook delivery {delivery_id}", code="delivery_not_found")
            event = session.get(OutboxEventRow, row.outbox_id)
            if row.status == "dead":
                before = _delivery_snapshot(row, event)
                self._reset(row)
                session.flush()
                audit.record(session, at=self.work.clock(), actor=actor, action="webhook.retry",
                             object_type="webhook_delivery", object_id=str(delivery_id), before=before,
                             after=_delivery_snapshot(row, event))
            return _delivery(row, event)

        return self.work.write(step)

    def redeliver(self, endpoint_id: int, event_id: str, *, actor: str = "system") -> Delivery:
        """Send one outbox event to the endpoint (again), whatever its filter says: a dead
        delivery revived, a delivered one repeated, or an event from before the endpoint existed."""
        def step(session: Session) -> Delivery:
            self._row(session, endpoint_id)
            event = session.scalar(select(OutboxEventRow).where(OutboxEventRow.event_id == event_id))
            if event is None:
                raise NotFound(f"no event {event_id!r}", code="event_not_found")
            existing = self._existing(session, endpoint_id, event)
            before = _delivery_snapshot(existing, event) if existing is not None else None
            row = self._queue(session, endpoint_id, event)
            audit.record(session, at=self.work.clock(), actor=actor, action="webhook.redeliver",
                         object_type="webhook_delivery", object_id=str(row.id), before=before,
                         after=_delivery_snapshot(row, event))
            return _delivery(row, event)

        return self.work.write(step)

    def replay(self, endpoint_id: int, since: datetime, until: datetime | None = None, *,
               actor: str = "system") -> int:
        """Send the endpoint every event from `since` (to `until`) that its filter matches, again:
        after an outage longer than the retries, or to fill a new endpoint. Returns how many.
        The audit log gets one row for the endpoint (the window and how many were queued)."""
        if until is not None and until <= since:
            raise InvalidRequest("until must be after since", code="invalid_replay")

        def step(session: Session) -> int:
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
            audit.record(session, at=self.work.clock(), actor=actor, action="webhook.replay",
                         object_type="webhook_endpoint", object_id=str(endpoint_id),
                         after={"since": _iso(since), "until": _iso(until) if until is not None else None,
                                "queued": len(events)})
            return len(events)

        return self.work.write(step)

    @staticmethod
    def _existing(session: Session, endpoint_id: int, event: OutboxEventRow) -> WebhookDeliveryRow | None:
        return session.scalar(select(WebhookDeliveryRow).where(
            WebhookDeliveryRow.outbox_id == event.id, WebhookDeliveryRow.endpoint_id == endpoint_id))

    def _queue(self, session: Session, endpoint_id: int, event: OutboxEventRow) -> WebhookDeliveryRow:
        row = self._existing(session, endpoint_id, event)
        if row is None:
            row = WebhookDeliveryRow(outbox_id=event.id, endpoint_id=endpoint_id, created_at=self.work.clock())
            session.add(row)
        self._reset(row)
        session.flush()
        return row

    def _reset(self, row: WebhookDeliveryRow) -> None:
        row.status, row.attempts, row.next_attempt_at = "pending", 0, self.work.clock()
        row.lease_owner = row.lease_until = None
        row.delivered_at = None

    @staticmethod
    def _row(session: Session, endpoint_id: int, *, lock: bool = False) -> WebhookEndpointRow:
        statement = select(WebhookEndpointRow).where(WebhookEndpointRow.id == endpoint_id)
        row = session.scalar(for_update(statement, session) if lock else statement)
        if row is None:
            raise NotFound(f"no webhook endpoint {endpoint_id}", code="webhook_not_found")
        return row


# ---- fan-out and delivery (run by promo.delivery.worker) ------------------------------------------------


def fan_out(engine: UnitOfWork | HasWork, *, batch_size: int = 500) -> int:
    """Make the deliveries of outbox events not fanned out yet; returns how many events it took."""
    work = work_of(engine)

    def step(session: Session) -> int:
        pending = (select(OutboxEventRow).where(OutboxEventRow.fanned_out_at.is_(None))
                   .order_by(OutboxEventRow.id).limit(batch_size))
        if dialect_of(session) == "postgresql":
            pending = pending.with_for_update(skip_locked=True)
        events = list(session.scalars(pending))
        if not events:
            return 0
        endpoints = list(session.scalars(select(WebhookEndpointRow).where(WebhookEndpointRow.active.is_(True))))
        now = work.clock()
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
    while (taken := work.write(step)) > 0:
        total += taken
    return total


def prune(engine: UnitOfWork | HasWork, older_than: timedelta, *, batch_size: int = 1000) -> int:
    """Delete outbox events fanned out more than `older_than` ago, with their finished
    deliveries (delivered, or dead: the dead-letter list keeps that long). Events with a
    pending delivery stay. Returns how many events went."""
    work = work_of(engine)

    def step(session: Session) -> int:
        cutoff = work.clock() - older_than
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
    while (removed := work.write(step)) > 0:
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
    document = {"id": event.event_id, "type": event.type, "created_at": event.created_at.astimezone(UTC).isoformat(),
                "data": event.payload}
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status: int | None = None
    error: str | None = None


# ---- one attempt, bounded in all -----------------------------------------------------------------
#
# httpx's timeouts limit each phase separately (connect, each write, each read), so a receiver
# that sends its answer a byte at a time, each byte sooner than the read timeout, could hold an
# attempt for as long as it likes. An attempt therefore has a deadline (settings'
# effective_timeout from its start) and two guards enforce it:
#
# * `send` gives httpx per-phase timeouts no longer than the time left, streams the answer and
#   checks the deadline after each chunk;
# * the worker's client (`http_client`) sends through a network backend that caps every single
#   connect, write and read at the time left before the deadline, so a receiver trickling its
#   status line and headers is cut off at the deadline too (before the answer reaches `send`).
#
# An attempt past its deadline is a timed-out attempt, retried like any other failure.

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("promo_webhook_deadline", default=None)


class AttemptTimedOut(Exception):
    """The attempt's whole time (connect, send, answer) ran out."""


def _time_left(error: type[Exception]) -> float | None:
    """Seconds left before the current attempt's deadline (None outside an attempt); raises
    `error` once it has passed."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the attempt's time ran out")
    return left


def _capped(timeout: float | None, error: type[Exception]) -> float | None:
    left = _time_left(error)
    if left is None:
        return timeout
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _capped(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _capped(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname,
                                                     _capped(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """Caps each socket operation of an attempt at the time left before its deadline."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.connect_tcp(host, port, _capped(timeout, httpcore.ConnectTimeout),
                                                       local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.connect_unix_socket(path, _capped(timeout, httpcore.ConnectTimeout),
                                                               socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _bound_by_deadline(transport: Any, targets: TargetPolicy) -> bool:
    """Make an httpx transport connect only where `targets` allows and cap its socket operations
    at the attempt's deadline; False when it cannot. httpx has no public switch for the network
    backend, so the one the transport's connection pool was built with is wrapped."""
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if isinstance(backend, _DeadlineBackend):
        return True
    if not isinstance(backend, httpcore.NetworkBackend):
        return False
    pool._network_backend = _DeadlineBackend(PinnedBackend(backend, targets))
    return True


def http_client(targets: TargetPolicy | None = None) -> httpx.Client:
    """The client webhook workers deliver with: redirects are not followed, proxies from the
    environment are not used (the worker connects to the address it checked), every connection
    goes only to an address `targets` allows, resolved and checked once per connection
    (promo.delivery.webhook_targets), and every socket operation of an attempt ends by its deadline.
    Should a later httpx build its transports differently, they are left as they are and
    `send`'s own checks (the target before the attempt, per-phase timeouts, the deadline after
    each chunk) still apply; tests/events/test_webhooks.py tells the difference."""
    client = httpx.Client(follow_redirects=False, trust_env=False)
    for transport in (getattr(client, "_transport", None), *getattr(client, "_mounts", {}).values()):
        if transport is not None:
            _bound_by_deadline(transport, targets or TargetPolicy())
    return client


def send(client: httpx.Client, claimed: Claimed, settings: WebhookSettings,
         targets: TargetPolicy | None = None) -> Outcome:
    """One attempt, over in at most settings.effective_timeout seconds in all. The delivery log
    keeps the status and a short error of our own wording, never what the receiver sent."""
    budget = settings.effective_timeout
    token = _DEADLINE.set(time.monotonic() + budget)
    try:
        refusal = refused_target(claimed.url, targets or TargetPolicy())
        if refusal is not None:
            return Outcome(False, None, refusal)
        return _attempt(client, claimed)
    except (httpx.TimeoutException, AttemptTimedOut) as error:
        return Outcome(False, None, f"Timeout: no complete answer within {budget:g} s ({type(error).__name__})")
    except (OSError, httpx.HTTPError) as error:
        return Outcome(False, None, failure_text(error))
    finally:
        _DEADLINE.reset(token)


def _attempt(client: httpx.Client, claimed: Claimed) -> Outcome:
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "promoshop-webhooks/1",
        "Accept-Encoding": "identity",      # a refusal's text is kept as sent; nothing to decompress
        **signed_headers(claimed.secret, claimed.event_id, claimed.event_type, timestamp, claimed.body),
        "Promoshop-Attempt": str(claimed.attempt),
    }
    timeout = httpx.Timeout(_time_left(AttemptTimedOut))       # no phase may outlast the attempt
    with client.stream("POST", claimed.url, content=claimed.body, headers=headers, timeout=timeout) as response:
        _time_left(AttemptTimedOut)                             # the status line and headers came in time
        for _chunk in response.iter_raw():                      # read, never kept (see failure_text)
            _time_left(AttemptTimedOut)                         # a trickled answer ends at the deadline
    if 200 <= response.status_code < 300:
        return Outcome(True, response.status_code)
    return Outcome(False, response.status_code, status_text(response.status_code))


@dataclass
class DeliveryReport:
    delivered: int = 0
    retried: int = 0
    dead: int = 0

    def add(self, other: DeliveryReport) -> None:
        self.delivered += other.delivered
        self.retried += other.retried
        self.dead += other.dead


def record(engine: UnitOfWork | HasWork, claimed: Claimed, outcome: Outcome, worker_id: str, settings: WebhookSettings,
           rng: Callable[[], float] = random.random) -> str:
    """Store an attempt's outcome (only while the lease is still ours); returns the new status."""
    work = work_of(engine)
    now = work.clock()
    if outcome.ok:
        values: dict[str, Any] = {"status": "delivered", "delivered_at": now}
    elif claimed.attempt >= settings.max_attempts:
        values = {"status": "dead"}
    else:
        values = {"status": "pending",
                  "next_attempt_at": now + timedelta(seconds=backoff(claimed.attempt, settings, rng))}
    values.update(attempts=claimed.attempt, last_status=outcome.status, last_error=outcome.error,
                  lease_owner=None, lease_until=None)

    def step(session: Session) -> None:
        session.execute(update(WebhookDeliveryRow)
                        .where(WebhookDeliveryRow.id == claimed.delivery_id, WebhookDeliveryRow.lease_owner == worker_id)
                        .values(**values).execution_options(synchronize_session=False))

    work.write(step)
    return values["status"]


def deliver_due(engine: UnitOfWork | HasWork, settings: WebhookSettings, client: httpx.Client, worker_id: str,
                *, max_batches: int = 20) -> DeliveryReport:
    """Claim and send due deliveries, batch after batch, until none is due (or max_batches)."""
    work = work_of(engine)
    report = DeliveryReport()
    for _ in range(max_batches):
        batch = work.write(lambda session: claim(session, worker_id, work.clock(), settings))
        if not batch:
            break
        for claimed in batch:
            outcome = send(client, claimed, settings, work.webhook_targets)
            status = record(work, claimed, outcome, worker_id, settings)
            if status == "delivered":
                report.delivered += 1
            elif status == "dead":
                report.dead += 1
            else:
                report.retried += 1
    return report


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{secrets.token_hex(4)}"
