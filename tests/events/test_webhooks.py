"""Webhooks against a real HTTP receiver: signed, retried until delivered, dead-lettered."""
from __future__ import annotations

import hashlib
import hmac
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, text, update

from eventkit import CART_40, add_customer, reward_campaign
from promo.engine import Engine
from promo.errors import InvalidRequest
from promo.storage import create_schema, make_session_factory
from promo.storage.event_models import WebhookDeliveryRow
from promo.storage.testing import DatabaseUnavailable, isolated_database
from promo.webhooks import WebhookSettings, backoff, claim, deliver_due, verify
from promo.worker import tick
from receiver import Receiver, free_port

FAST = WebhookSettings(timeout=2, max_attempts=50, backoff_base=0.01, backoff_max=0.05)


def tick_until(engine: Engine, settings: WebhookSettings, done, *, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "gave up waiting for the deliveries"
        tick(engine, settings, scheduled=False)
        time.sleep(0.02)


def test_deliveries_are_signed_carry_the_event_id_and_follow_the_filter(live_engine):
    reward_campaign(live_engine, codes=2)
    add_customer(live_engine, "ana")
    with Receiver() as receiver:
        endpoint, secret = live_engine.webhooks.create(receiver.url, ["redemption.*"])
        live_engine.redeem("ana", CART_40, order_ref="A-1")
        live_engine.publish("thanks", "ana")            # not in the filter

        report = tick(live_engine, FAST, scheduled=False)

    assert report.deliveries.delivered == 1
    [request] = receiver.received
    timestamp, signature = request.headers["Promoshop-Timestamp"], request.headers["Promoshop-Signature"]
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + request.body, hashlib.sha256).hexdigest()
    assert signature == f"v1={expected}"
    assert verify(secret, request.body, timestamp, signature)
    assert not verify("whsec_someone-else", request.body, timestamp, signature)
    assert not verify(secret, request.body + b" ", timestamp, signature)
    assert request.headers["Promoshop-Event-Id"] == request.json["id"]
    assert request.json["type"] == "redemption.succeeded"
    assert request.json["data"]["order"]["order_ref"] == "A-1"
    assert endpoint.secret_hint.startswith(secret[:12]) and secret not in repr(live_engine.webhooks.list())


def test_a_receiver_down_for_a_while_gets_every_event_once_it_is_up(live_engine):
    add_customer(live_engine, "ana")
    port = free_port()
    live_engine.webhooks.create(f"http://127.0.0.1:{port}/hooks", ["*"])
    for n in range(5):
        live_engine.redeem("ana", CART_40, order_ref=f"A-{n}")
    for _ in range(3):                                   # down: every attempt is refused
        report = tick(live_engine, FAST, scheduled=False)
        time.sleep(0.06)
    assert report.deliveries.retried > 0 and report.deliveries.delivered == 0

    with Receiver(port=port) as receiver:
        tick_until(live_engine, FAST, lambda: len(receiver.received) >= 5)
        tick(live_engine, FAST, scheduled=False)

    expected = {d.event_id for d in live_engine.webhooks.deliveries()}
    assert len(expected) == 5
    assert sorted(receiver.event_ids()) == sorted(expected)        # all of them, each once
    assert {d.status for d in live_engine.webhooks.deliveries()} == {"delivered"}
    assert min(d.attempts for d in live_engine.webhooks.deliveries()) >= 2


def test_a_failing_receiver_dead_letters_after_the_last_attempt_and_retry_revives_it(live_engine):
    add_customer(live_engine, "ana")
    settings = WebhookSettings(timeout=2, max_attempts=3, backoff_base=0.01, backoff_max=0.02)
    with Receiver(status=500) as receiver:
        live_engine.webhooks.create(receiver.url, ["redemption.succeeded"])
        live_engine.redeem("ana", CART_40, order_ref="A-1")
        tick_until(live_engine, settings, lambda: live_engine.webhooks.deliveries(status="dead"))
        for _ in range(3):                               # dead stays dead: no more attempts
            tick(live_engine, settings, scheduled=False)
            time.sleep(0.03)
        assert len(receiver.received) == 3
        assert len({r.headers["Promoshop-Event-Id"] for r in receiver.received}) == 1
        [dead] = live_engine.webhooks.deliveries(status="dead")
        assert dead.attempts == 3 and dead.last_status == 500 and "HTTP 500" in dead.last_error

        receiver.status = 204
        live_engine.webhooks.retry(dead.id)
        tick(live_engine, settings, scheduled=False)
    assert live_engine.webhooks.deliveries()[0].status == "delivered"
    assert len(receiver.received) == 4


def test_a_slow_receiver_times_out_and_the_timeout_never_exceeds_six_seconds(live_engine):
    assert WebhookSettings(timeout=30).effective_timeout == 6
    add_customer(live_engine, "ana")
    with Receiver(delay=1.0) as receiver:
        live_engine.webhooks.create(receiver.url, ["*"])
        live_engine.redeem("ana", CART_40, order_ref="A-1")
        report = tick(live_engine, WebhookSettings(timeout=0.2, backoff_base=60, backoff_max=60), scheduled=False)
    assert report.deliveries.retried == 1
    assert "Timeout" in live_engine.webhooks.deliveries()[0].last_error


def test_backoff_grows_exponentially_with_jitter_and_a_ceiling():
    settings = WebhookSettings(backoff_base=10, backoff_max=300)
    assert [backoff(n, settings, rng=lambda: 0.999999) for n in (1, 2, 3)] == pytest.approx([10, 20, 40], rel=1e-4)
    assert backoff(3, settings, rng=lambda: 0.0) == 20           # jitter: between half and all of it
    assert backoff(20, settings, rng=lambda: 0.999999) == pytest.approx(300, rel=1e-4)


def test_endpoints_refuse_bad_urls_and_filters(live_engine):
    for url in ("ftp://example.com/x", "example.com/hooks", "http://user:pw@example.com/"):
        with pytest.raises(InvalidRequest):
            live_engine.webhooks.create(url, ["*"])
    with pytest.raises(InvalidRequest, match="is not an event type"):
        live_engine.webhooks.create("https://example.com/hooks", ["Redemption Succeeded"])
    endpoint, _ = live_engine.webhooks.create("https://example.com/hooks", ["redemption.*"])
    live_engine.webhooks.delete(endpoint.id)
    assert live_engine.webhooks.list() == []


# ---- several workers on PostgreSQL -------------------------------------------------------------


@pytest.fixture
def pg_engine(tmp_path: Path):
    try:
        with isolated_database("postgresql", tmp_path) as database:
            sql_engine = database.make_engine(pool_size=10)
            create_schema(sql_engine)
            yield Engine(make_session_factory(sql_engine), timezone="America/New_York")
            sql_engine.dispose()
    except DatabaseUnavailable as error:
        pytest.fail(str(error), pytrace=False)


def test_two_postgresql_workers_claim_disjoint_deliveries_without_waiting(pg_engine):
    add_customer(pg_engine, "ana")
    pg_engine.webhooks.create("http://127.0.0.1:9/never-called", ["redemption.succeeded"])
    for n in range(10):
        pg_engine.redeem("ana", CART_40, order_ref=f"A-{n}")
    tick(pg_engine, WebhookSettings(batch_size=1, max_attempts=1), scheduled=False, client=_refusing_client())
    with pg_engine._sessions() as session, session.begin():            # revive the ten deliveries
        for row in session.scalars(select(WebhookDeliveryRow)):
            row.status, row.attempts = "pending", 0
    settings = WebhookSettings(batch_size=4)

    first = pg_engine._sessions()
    first.begin()
    held = claim(first, "worker-a", pg_engine.clock(), settings)       # worker A's transaction stays open
    with pg_engine._sessions() as second, second.begin():
        # Without SKIP LOCKED, B would queue behind A's locks: fail after 2 s instead of hanging.
        second.execute(text("SET LOCAL lock_timeout = '2s'"))
        other = claim(second, "worker-b", pg_engine.clock(), settings)
    first.commit()
    first.close()

    assert len(held) == len(other) == 4
    assert not {c.delivery_id for c in held} & {c.delivery_id for c in other}


def test_two_postgresql_workers_deliver_every_event_exactly_once(pg_engine):
    add_customer(pg_engine, "ana")
    settings = WebhookSettings(batch_size=3, backoff_base=0.01, backoff_max=0.02)
    with Receiver(delay=0.02) as receiver:
        pg_engine.webhooks.create(receiver.url, ["redemption.succeeded"])
        for n in range(24):
            pg_engine.redeem("ana", CART_40, order_ref=f"A-{n}")
        tick(pg_engine, settings, scheduled=False, client=_refusing_client())  # fan out only: all refused
        with pg_engine._sessions() as session, session.begin():
            for row in session.scalars(select(WebhookDeliveryRow)):
                row.attempts, row.next_attempt_at = 0, pg_engine.clock()
        start = threading.Barrier(2)

        def worker(name: str) -> None:
            start.wait()
            with httpx.Client() as client:
                deliver_due(pg_engine, settings, client, name)

        threads = [threading.Thread(target=worker, args=(f"worker-{n}",)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert len(receiver.received) == 24
    assert len(set(receiver.event_ids())) == 24


def _refusing_client() -> httpx.Client:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("receiver down", request=request)

    return httpx.Client(transport=httpx.MockTransport(refuse))


def test_redeliver_sends_an_event_from_before_the_endpoint_existed(live_engine):
    add_customer(live_engine, "ana")
    result = live_engine.redeem("ana", CART_40, order_ref="A-1")
    tick(live_engine, FAST, scheduled=False)                 # fanned out to nobody
    [event_id] = [e for e in _event_ids(live_engine, "redemption.succeeded")]
    with Receiver() as receiver:
        endpoint, _ = live_engine.webhooks.create(receiver.url, ["campaign.*"])
        tick(live_engine, FAST, scheduled=False)
        assert receiver.received == []
        live_engine.webhooks.redeliver(endpoint.id, event_id)
        tick(live_engine, FAST, scheduled=False)
    assert receiver.event_ids() == [event_id]
    assert receiver.received[0].json["data"]["id"] == result.id


def _event_ids(engine, event_type):
    from promo.storage.event_models import OutboxEventRow

    with engine._read() as session:
        return list(session.scalars(select(OutboxEventRow.event_id).where(OutboxEventRow.type == event_type)
                                    .order_by(OutboxEventRow.id)))


def test_two_workers_ticking_at_once_publish_and_announce_each_code_once(live_engine):
    from datetime import UTC, datetime, timedelta

    from eventkit import rule

    reward_campaign(live_engine, codes=30)
    for n in range(20):
        add_customer(live_engine, f"c{n:02d}", last_order_at=datetime.now(UTC) - timedelta(days=120), orders_count=1)
    live_engine.distributions.create(rule("win-back", "dormant", days=90))
    with Receiver() as receiver:
        live_engine.webhooks.create(receiver.url, ["distribution.published"])
        start = threading.Barrier(2)
        errors = []

        def worker() -> None:
            start.wait()
            try:
                tick(live_engine, FAST)
                tick(live_engine, FAST, scheduled=False)     # deliver what the other worker's pass announced
            except Exception as error:  # surfaced below
                errors.append(error)

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        tick_until(live_engine, FAST, lambda: len(receiver.received) >= 20)

    assert errors == []
    codes = [r.json["data"]["code"] for r in receiver.received]
    assert len(codes) == len(set(codes)) == 20
    assert sorted(codes) == sorted(c.code for n in range(20) for c in live_engine.customer_codes(f"c{n:02d}"))


def test_old_finished_events_are_pruned_and_pending_ones_kept(engine, clock):
    from datetime import timedelta

    from promo.webhooks import prune

    add_customer(engine, "ana")
    engine.redeem("ana", CART_40, order_ref="A-1")            # fanned out to no endpoint
    tick(engine, FAST, scheduled=False)
    engine.webhooks.create("http://127.0.0.1:9/down", ["redemption.*"])
    engine.redeem("ana", CART_40, order_ref="A-2")            # its delivery stays pending
    tick(engine, FAST, scheduled=False, client=_refusing_client())
    _, second = _event_ids(engine, "redemption.succeeded")

    clock.advance(days=29)
    assert prune(engine, timedelta(days=30)) == 0
    clock.advance(days=2)
    assert prune(engine, timedelta(days=30)) == 1
    assert _event_ids(engine, "redemption.succeeded") == [second]

    with engine._sessions() as session, session.begin():      # the delivery gives up: dead
        session.execute(update(WebhookDeliveryRow).values(status="dead"))
    assert prune(engine, timedelta(days=30)) == 1
    assert _event_ids(engine, "redemption.succeeded") == [] and engine.webhooks.deliveries() == []


def test_a_paused_endpoint_is_not_sent_new_events_until_replayed(live_engine):
    from datetime import UTC, datetime, timedelta

    add_customer(live_engine, "ana")
    with Receiver() as receiver:
        endpoint, _ = live_engine.webhooks.create(receiver.url, ["redemption.*"])
        live_engine.webhooks.set_active(endpoint.id, False)
        since = datetime.now(UTC) - timedelta(seconds=1)
        live_engine.redeem("ana", CART_40, order_ref="A-1")
        tick(live_engine, FAST, scheduled=False)
        assert receiver.received == []

        live_engine.webhooks.set_active(endpoint.id, True)
        assert live_engine.webhooks.replay(endpoint.id, since) == 1
        tick(live_engine, FAST, scheduled=False)
    assert [r.json["type"] for r in receiver.received] == ["redemption.succeeded"]
