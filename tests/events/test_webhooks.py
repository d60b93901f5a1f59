"""Webhooks against a real HTTP receiver: signed, retried until delivered, dead-lettered.

The engine runs on the settable test clock: a retry is due only once the test moves the clock
past its backoff, so each tick makes exactly one attempt per due delivery, however fast or slow
the machine is.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, text, update

from promo.core.errors import InvalidRequest
from promo.delivery.webhook_targets import TargetPolicy
from promo.delivery.webhooks import WebhookSettings, backoff, claim, deliver_due, verify
from promo.delivery.worker import tick
from promo.engine import Engine
from promo.storage import create_schema, make_session_factory
from promo.storage.event_models import WebhookDeliveryRow
from tests.support.eventkit import CART_40, add_customer, reward_campaign
from tests.support.promo_testing import DatabaseUnavailable, isolated_database
from tests.support.receiver import Receiver, Trickler
from tests.support.threadkit import failures, run_together

FAST = WebhookSettings(timeout=2, max_attempts=50, backoff_base=0.01, backoff_max=0.05)


def tick_and_wait_out_the_backoff(engine: Engine, clock, settings: WebhookSettings):
    """One worker pass, then the clock moves past the longest backoff: whatever failed is due again."""
    report = tick(engine, settings, scheduled=False)
    clock.advance(seconds=settings.backoff_max)
    return report


def test_deliveries_are_signed_carry_the_event_id_and_follow_the_filter(engine):
    reward_campaign(engine, codes=2)
    add_customer(engine, "ana")
    with Receiver() as receiver:
        endpoint, secret = engine.webhooks.create(receiver.url, ["redemption.*"])
        engine.redeem("ana", CART_40, order_ref="A-1")
        engine.publish("thanks", "ana")            # not in the filter

        report = tick(engine, FAST, scheduled=False)

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
    assert endpoint.secret_hint.startswith(secret[:12]) and secret not in repr(engine.webhooks.list())


def test_a_receiver_down_for_a_while_gets_every_event_once_it_is_up(engine, clock):
    add_customer(engine, "ana")
    with Receiver(up=False) as receiver:                 # down: its port refuses every connection
        engine.webhooks.create(receiver.url, ["*"])
        for n in range(5):
            engine.redeem("ana", CART_40, order_ref=f"A-{n}")
        while_down = [tick_and_wait_out_the_backoff(engine, clock, FAST).deliveries for _ in range(3)]
        assert [(d.retried, d.delivered) for d in while_down] == [(5, 0)] * 3
        assert receiver.received == []

        receiver.come_up()
        report = tick(engine, FAST, scheduled=False)

    assert report.deliveries.delivered == 5
    expected = {d.event_id for d in engine.webhooks.deliveries()}
    assert len(expected) == 5
    assert sorted(receiver.event_ids()) == sorted(expected)        # all of them, each once
    assert {d.status for d in engine.webhooks.deliveries()} == {"delivered"}
    assert {d.attempts for d in engine.webhooks.deliveries()} == {4}


def test_a_failing_receiver_dead_letters_after_the_last_attempt_and_retry_revives_it(engine, clock):
    add_customer(engine, "ana")
    settings = WebhookSettings(timeout=2, max_attempts=3, backoff_base=0.01, backoff_max=0.02)
    with Receiver(status=500) as receiver:
        engine.webhooks.create(receiver.url, ["redemption.succeeded"])
        engine.redeem("ana", CART_40, order_ref="A-1")
        passes = [tick_and_wait_out_the_backoff(engine, clock, settings).deliveries for _ in range(5)]
        # Two retries, dead at the third attempt, and dead stays dead: no more attempts.
        assert [(d.retried, d.dead) for d in passes] == [(1, 0), (1, 0), (0, 1), (0, 0), (0, 0)]
        assert len(receiver.received) == 3
        assert len({r.headers["Promoshop-Event-Id"] for r in receiver.received}) == 1
        [dead] = engine.webhooks.deliveries(status="dead")
        assert dead.attempts == 3 and dead.last_status == 500 and "HTTP 500" in dead.last_error

        receiver.status = 204
        engine.webhooks.retry(dead.id)
        tick(engine, settings, scheduled=False)
    assert engine.webhooks.deliveries()[0].status == "delivered"
    assert len(receiver.received) == 4


def test_a_slow_receiver_times_out_and_the_timeout_never_exceeds_six_seconds(engine):
    assert WebhookSettings(timeout=30).effective_timeout == 6
    add_customer(engine, "ana")
    with Receiver(hold_answers=True) as receiver:        # answers only after the test is done
        engine.webhooks.create(receiver.url, ["*"])
        engine.redeem("ana", CART_40, order_ref="A-1")
        report = tick(engine, WebhookSettings(timeout=0.2, backoff_base=60, backoff_max=60), scheduled=False)
    assert len(receiver.received) == 1
    assert report.deliveries.retried == 1
    assert "Timeout" in engine.webhooks.deliveries()[0].last_error


@pytest.mark.parametrize("phase, client", [
    ("headers", "worker's"),     # the status line and headers come a byte at a time
    ("body", "worker's"),        # complete headers, then the body a byte at a time
    ("body", "plain httpx"),     # send's own checks, with any client
])
def test_a_receiver_trickling_its_answer_is_cut_off_at_the_attempts_deadline(engine, phase, client):
    """httpx's timeouts limit each phase separately: a receiver sending a byte every 0.1 s
    never trips a 0.5 s read timeout, and uncut its answer would take 20 s. The attempt's
    deadline (0.5 s here, at most 6 s) ends it: a timed-out attempt, retried later."""
    add_customer(engine, "ana")
    settings = WebhookSettings(timeout=0.5, backoff_base=60, backoff_max=60)
    with Trickler(phase, interval=0.1, length=200) as receiver:
        engine.webhooks.create(receiver.url, ["redemption.*"])
        engine.redeem("ana", CART_40, order_ref="A-1")
        if client == "plain httpx":
            with httpx.Client() as plain:
                report = tick(engine, settings, client=plain, scheduled=False)
        else:
            report = tick(engine, settings, scheduled=False)            # the worker's own client
        assert receiver.answered.wait(60)      # the receiver noticed how its answer ended (a safety net)

    assert len(receiver.received) == 1
    assert receiver.outcomes == ["cut off"]    # the worker hung up before the answer was complete
    assert (report.deliveries.delivered, report.deliveries.retried) == (0, 1)
    [delivery] = engine.webhooks.deliveries()
    assert (delivery.status, delivery.attempts, delivery.last_status) == ("pending", 1, None)
    assert delivery.last_error.startswith("Timeout: no complete answer within 0.5 s"), delivery.last_error


def test_a_refusal_keeps_the_status_but_never_the_receivers_answer(engine):
    add_customer(engine, "ana")
    with Receiver(status=503) as receiver:
        engine.webhooks.create(receiver.url, ["redemption.*"])
        engine.redeem("ana", CART_40, order_ref="A-1")
        tick(engine, FAST, scheduled=False)
    [delivery] = engine.webhooks.deliveries()
    assert (delivery.status, delivery.last_status, delivery.last_error) == ("pending", 503, "HTTP 503 Service Unavailable")


def test_backoff_grows_exponentially_with_jitter_and_a_ceiling():
    settings = WebhookSettings(backoff_base=10, backoff_max=300)
    assert [backoff(n, settings, rng=lambda: 0.999999) for n in (1, 2, 3)] == pytest.approx([10, 20, 40], rel=1e-4)
    assert backoff(3, settings, rng=lambda: 0.0) == 20           # jitter: between half and all of it
    assert backoff(20, settings, rng=lambda: 0.999999) == pytest.approx(300, rel=1e-4)


def test_endpoints_refuse_bad_urls_and_filters(engine):
    for url in ("ftp://example.com/x", "example.com/hooks", "http://user:pw@example.com/"):
        with pytest.raises(InvalidRequest):
            engine.webhooks.create(url, ["*"])
    with pytest.raises(InvalidRequest, match="is not an event type"):
        engine.webhooks.create("https://example.com/hooks", ["Redemption Succeeded"])
    endpoint, _ = engine.webhooks.create("https://example.com/hooks", ["redemption.*"])
    engine.webhooks.delete(endpoint.id)
    assert engine.webhooks.list() == []


# ---- several workers on PostgreSQL -------------------------------------------------------------


@pytest.fixture
def pg_engine(tmp_path: Path):
    try:
        with isolated_database("postgresql", tmp_path) as database:
            sql_engine = database.make_engine(pool_size=10)
            create_schema(sql_engine)
            engine = Engine(make_session_factory(sql_engine), timezone="America/New_York")
            engine.webhook_targets = TargetPolicy.from_setting("127.0.0.1")
            yield engine
            sql_engine.dispose()
    except DatabaseUnavailable as error:
        pytest.fail(str(error), pytrace=False)


def test_two_postgresql_workers_claim_disjoint_deliveries_without_waiting(pg_engine):
    add_customer(pg_engine, "ana")
    pg_engine.webhooks.create("http://127.0.0.1:9/never-called", ["redemption.succeeded"])
    for n in range(10):
        pg_engine.redeem("ana", CART_40, order_ref=f"A-{n}")
    tick(pg_engine, WebhookSettings(batch_size=1, max_attempts=1), scheduled=False, client=_refusing_client())
    with pg_engine.work.sessions() as session, session.begin():            # revive the ten deliveries
        for row in session.scalars(select(WebhookDeliveryRow)):
            row.status, row.attempts = "pending", 0
    settings = WebhookSettings(batch_size=4)

    first = pg_engine.work.sessions()
    first.begin()
    held = claim(first, "worker-a", pg_engine.clock(), settings)       # worker A's transaction stays open
    with pg_engine.work.sessions() as second, second.begin():
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
        with pg_engine.work.sessions() as session, session.begin():
            for row in session.scalars(select(WebhookDeliveryRow)):
                row.attempts, row.next_attempt_at = 0, pg_engine.clock()
        def worker(number: int) -> None:
            with httpx.Client() as client:
                deliver_due(pg_engine, settings, client, f"worker-{number}")

        outcomes = run_together(2, worker)

    assert failures(outcomes) == []

    assert len(receiver.received) == 24
    assert len(set(receiver.event_ids())) == 24


def _refusing_client() -> httpx.Client:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("receiver down", request=request)

    return httpx.Client(transport=httpx.MockTransport(refuse))


def test_redeliver_sends_an_event_from_before_the_endpoint_existed(engine):
    add_customer(engine, "ana")
    result = engine.redeem("ana", CART_40, order_ref="A-1")
    tick(engine, FAST, scheduled=False)                 # fanned out to nobody
    [event_id] = [e for e in _event_ids(engine, "redemption.succeeded")]
    with Receiver() as receiver:
        endpoint, _ = engine.webhooks.create(receiver.url, ["campaign.*"])
        tick(engine, FAST, scheduled=False)
        assert receiver.received == []
        engine.webhooks.redeliver(endpoint.id, event_id)
        tick(engine, FAST, scheduled=False)
    assert receiver.event_ids() == [event_id]
    assert receiver.received[0].json["data"]["id"] == result.id


def _event_ids(engine, event_type):
    from promo.storage.event_models import OutboxEventRow

    with engine.work.read() as session:
        return list(session.scalars(select(OutboxEventRow.event_id).where(OutboxEventRow.type == event_type)
                                    .order_by(OutboxEventRow.id)))


@pytest.mark.slow
def test_two_workers_ticking_at_once_publish_and_announce_each_code_once(engine, clock):
    from tests.support.eventkit import rule

    reward_campaign(engine, codes=30)
    for n in range(20):
        add_customer(engine, f"c{n:02d}", last_order_at=clock.now - timedelta(days=120), orders_count=1)
    engine.distributions.create(rule("win-back", "dormant", days=90))
    with Receiver() as receiver:
        engine.webhooks.create(receiver.url, ["distribution.published"])
        def worker(_: int) -> None:
            tick(engine, FAST)
            tick(engine, FAST, scheduled=False)     # deliver what the other worker's pass announced

        outcomes = run_together(2, worker)
        # Whatever either worker announced after the other's last pass goes out now.
        tick(engine, FAST, scheduled=False)

    assert failures(outcomes) == []
    codes = [r.json["data"]["code"] for r in receiver.received]
    assert len(codes) == len(set(codes)) == 20
    assert sorted(codes) == sorted(c.code for n in range(20) for c in engine.customer_codes(f"c{n:02d}"))


def test_old_finished_events_are_pruned_and_pending_ones_kept(engine, clock):
    from promo.delivery.webhooks import prune

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

    with engine.work.sessions() as session, session.begin():      # the delivery gives up: dead
        session.execute(update(WebhookDeliveryRow).values(status="dead"))
    assert prune(engine, timedelta(days=30)) == 1
    assert _event_ids(engine, "redemption.succeeded") == [] and engine.webhooks.deliveries() == []


def test_a_paused_endpoint_is_not_sent_new_events_until_replayed(engine, clock):
    add_customer(engine, "ana")
    with Receiver() as receiver:
        endpoint, _ = engine.webhooks.create(receiver.url, ["redemption.*"])
        engine.webhooks.set_active(endpoint.id, False)
        clock.advance(minutes=1)
        since = clock.now
        engine.redeem("ana", CART_40, order_ref="A-1")
        tick(engine, FAST, scheduled=False)
        assert receiver.received == []

        engine.webhooks.set_active(endpoint.id, True)
        assert engine.webhooks.replay(endpoint.id, since) == 1
        tick(engine, FAST, scheduled=False)
    assert [r.json["type"] for r in receiver.received] == ["redemption.succeeded"]


def test_endpoint_and_delivery_changes_are_audited_without_the_secret(engine, clock):
    add_customer(engine, "ana")
    api = "api:psk_w_1a2b (crm)"
    endpoint, secret = engine.webhooks.create("https://hooks.example.com/promo", ["redemption.*"],
                                              description="CRM", actor=api)
    engine.redeem("ana", CART_40, order_ref="A-1")
    with _refusing_client() as refusing:                     # one attempt, refused: dead
        tick(engine, WebhookSettings(max_attempts=1), client=refusing, scheduled=False)
    [dead] = engine.webhooks.deliveries(status="dead")

    engine.webhooks.retry(dead.id, actor="ana@example.com")
    engine.webhooks.retry(dead.id, actor="ana@example.com")      # pending already: no change, nothing logged
    engine.webhooks.redeliver(endpoint.id, dead.event_id, actor=api)
    engine.webhooks.set_active(endpoint.id, False, actor=api)
    engine.webhooks.set_active(endpoint.id, False, actor=api)     # paused already: nothing logged
    engine.webhooks.set_active(endpoint.id, True, actor="cli")
    since = clock.now - timedelta(hours=1)
    assert engine.webhooks.replay(endpoint.id, since, actor=api) == 1
    engine.webhooks.delete(endpoint.id, actor="ben@example.com")

    endpoint_log = engine.audit_log(object_type="webhook_endpoint", object_id=str(endpoint.id))
    delivery_log = engine.audit_log(object_type="webhook_delivery", object_id=str(dead.id))
    assert [(e.actor, e.action) for e in endpoint_log] == [
        ("ben@example.com", "webhook.delete"), (api, "webhook.replay"), ("cli", "webhook.resume"),
        (api, "webhook.pause"), (api, "webhook.create"),
    ]
    assert [(e.actor, e.action) for e in delivery_log] == [(api, "webhook.redeliver"), ("ana@example.com", "webhook.retry")]
    delete, replay, resume, pause, create = endpoint_log
    endpoint_as_made = {"url": "https://hooks.example.com/promo", "description": "CRM", "events": ["redemption.*"],
                        "active": True}
    assert (create.before, create.after) == (None, endpoint_as_made)
    assert (pause.before, pause.after, resume.after) == ({"active": True}, {"active": False}, {"active": True})
    assert replay.after == {"since": since.isoformat(), "until": None, "queued": 1}
    assert (delete.before, delete.after) == ({**endpoint_as_made, "deliveries": 1}, None)
    redeliver, retry = delivery_log
    assert (retry.before["status"], retry.before["attempts"], retry.after["status"], retry.after["attempts"]) == (
        "dead", 1, "pending", 0)
    assert "receiver down" in retry.before["last_error"]
    assert retry.after["event_id"] == dead.event_id and retry.after["event_type"] == "redemption.succeeded"
    assert redeliver.before["status"] == "pending" and redeliver.after["status"] == "pending"

    logged = repr(endpoint_log + delivery_log)
    assert secret not in logged and secret.removeprefix("whsec_")[:6] not in logged   # nor the hint's part of it


def test_an_endpoint_change_and_its_audit_entry_commit_together(engine, monkeypatch):
    from promo.storage import audit

    endpoint, _ = engine.webhooks.create("https://hooks.example.com/promo", ["*"])

    def unwritable(*args, **kwargs):
        raise RuntimeError("the audit log cannot be written")

    monkeypatch.setattr(audit, "record", unwritable)
    for change in (lambda: engine.webhooks.create("https://hooks.example.com/other", ["*"], actor="ana"),
                   lambda: engine.webhooks.set_active(endpoint.id, False, actor="ana"),
                   lambda: engine.webhooks.delete(endpoint.id, actor="ana")):
        with pytest.raises(RuntimeError):
            change()
    monkeypatch.undo()

    assert [(e.id, e.url, e.active) for e in engine.webhooks.list()] == [
        (endpoint.id, "https://hooks.example.com/promo", True)]
