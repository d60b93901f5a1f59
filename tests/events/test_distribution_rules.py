"""Distribution rules: each event publishes to the right customers, once per period."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from promo.core.errors import InvalidRequest, NotFound, RedemptionRefused
from promo.delivery.distributions import parse_rule
from promo.format.definition import DefinitionError
from promo.storage.event_models import OutboxEventRow
from promo.storage.models import PublicationRow
from tests.support.eventkit import CART_40, CART_120, TODAY, add_customer, reward_campaign, rule, wallet
from tests.support.threadkit import failures, run_together


def outbox_types(engine, customer_id=None):
    with engine.work.read() as session:
        statement = select(OutboxEventRow.type).order_by(OutboxEventRow.id)
        if customer_id is not None:
            statement = statement.where(OutboxEventRow.customer_id == customer_id)
        return list(session.scalars(statement))


# ---- immediate events ----------------------------------------------------------------------------


def test_signup_publishes_a_welcome_code_once_and_announces_it(engine):
    reward_campaign(engine)
    add_customer(engine, "ana")
    engine.distributions.create(rule("welcome", "signup"))

    first = engine.track("ana", "signup")
    again = engine.track("ana", "signup")

    assert [p.code for p in first.publications] == wallet(engine, "ana")
    assert len(wallet(engine, "ana")) == 1 and again.publications == ()
    assert outbox_types(engine, "ana").count("distribution.published") == 1


def test_a_customer_who_declines_marketing_gets_the_code_but_no_notification(engine, clock):
    reward_campaign(engine)
    add_customer(engine, "ana", accepts_marketing=False)
    add_customer(engine, "bob", birthday=date(1990, TODAY.month, TODAY.day))
    add_customer(engine, "cleo", birthday=date(1990, TODAY.month, TODAY.day), accepts_marketing=False)
    engine.distributions.create(rule("welcome", "signup"))
    engine.distributions.create(rule("birthday", "birthday"))

    engine.track("ana", "signup")
    engine.distributions.run_scheduled()

    assert len(wallet(engine, "ana")) == 1 and len(wallet(engine, "cleo")) == 1
    assert "distribution.published" not in outbox_types(engine, "ana") + outbox_types(engine, "cleo")
    assert "publication.created" in outbox_types(engine, "ana")
    assert outbox_types(engine, "bob").count("distribution.published") == 1


def test_order_paid_rule_checks_the_orders_cart_and_fires_per_order(engine):
    reward_campaign(engine)
    add_customer(engine, "ana")
    engine.distributions.create(rule("big-spender", "order_paid", **{"if": {"fact": "cart.subtotal", "gte": 10_000}}))

    engine.redeem("ana", CART_40, order_ref="A-1")
    assert wallet(engine, "ana") == []
    engine.redeem("ana", CART_120, order_ref="A-2")
    engine.redeem("ana", CART_120, order_ref="A-3")

    firings = engine.distributions.firings(rule_id="big-spender")
    assert sorted(f.period_key for f in firings) == ["order:A-2", "order:A-3"]
    assert len(wallet(engine, "ana")) == 2


def test_guest_orders_fire_nothing(engine):
    reward_campaign(engine)
    engine.distributions.create(rule("every-order", "order_paid"))
    engine.redeem(None, CART_120, order_ref="G-1")
    assert engine.distributions.firings() == []


def test_review_left_fires_once_per_review(engine):
    reward_campaign(engine)
    add_customer(engine, "ana")
    engine.distributions.create(rule("review-thanks", "review_left"))

    engine.track("ana", "review_left", {"review_id": "r-1", "sku": "ARA-ETH"})
    engine.track("ana", "review_left", {"review_id": "r-1", "sku": "ARA-ETH"})   # the same review, resent
    engine.track("ana", "review_left", {"review_id": "r-2", "sku": "GEAR-PRESS"})

    assert len(wallet(engine, "ana")) == 2


def test_custom_event_rule_fires_on_its_event_only(engine):
    reward_campaign(engine)
    add_customer(engine, "ana")
    engine.distributions.create(rule("shipped", "custom", custom_event="order_shipped", once="ever"))

    assert engine.track("ana", "order_packed").publications == ()
    assert len(engine.track("ana", "order_shipped", {"order_ref": "A-1"}).publications) == 1
    assert engine.track("ana", "order_shipped", {"order_ref": "A-2"}).publications == ()   # once: ever
    assert "tracked.order_packed" in outbox_types(engine, "ana")


def test_conditions_read_the_customer(engine):
    reward_campaign(engine)
    add_customer(engine, "vip", segments=frozenset({"vip"}))
    add_customer(engine, "bob")
    engine.distributions.create(rule("vip-welcome", "signup", **{"if": {"fact": "customer.segment", "is": "vip"}}))

    engine.track("vip", "signup")
    engine.track("bob", "signup")

    assert len(wallet(engine, "vip")) == 1 and wallet(engine, "bob") == []


def test_paused_rule_does_not_fire_until_resumed(engine):
    reward_campaign(engine)
    add_customer(engine, "ana")
    engine.distributions.create(rule("welcome", "signup"))
    engine.distributions.set_active("welcome", False)
    engine.track("ana", "signup")
    assert wallet(engine, "ana") == []
    engine.distributions.set_active("welcome", True)
    engine.track("ana", "signup")
    assert len(wallet(engine, "ana")) == 1


def test_an_empty_pool_records_a_failed_firing_and_the_order_still_goes_through(engine):
    reward_campaign(engine, codes=0)
    add_customer(engine, "ana")
    engine.distributions.create(rule("every-order", "order_paid"))

    result = engine.redeem("ana", CART_40, order_ref="A-1")

    assert engine.get_redemption(result.id).order.order_ref == "A-1"
    [firing] = engine.distributions.firings()
    assert firing.status == "failed" and "no unassigned codes" in firing.error
    assert "distribution.published" not in outbox_types(engine)


# ---- scheduled events ----------------------------------------------------------------------------


def test_birthday_fires_on_the_day_once_a_year(engine, clock):
    reward_campaign(engine)
    add_customer(engine, "ana", birthday=date(1990, TODAY.month, TODAY.day))
    add_customer(engine, "bob", birthday=date(1990, 7, 1))
    engine.distributions.create(rule("birthday", "birthday"))

    assert engine.distributions.run_scheduled() == {"birthday": 1}
    assert engine.distributions.run_scheduled() == {"birthday": 0}
    assert len(wallet(engine, "ana")) == 1 and wallet(engine, "bob") == []

    clock.advance(days=365)   # 5 March 2027
    engine.distributions.run_scheduled()
    assert len(wallet(engine, "ana")) == 2


def test_dormant_fires_once_per_dormant_spell(engine, clock):
    reward_campaign(engine)
    add_customer(engine, "gone", last_order_at=clock.now - timedelta(days=100), orders_count=3)
    add_customer(engine, "recent", last_order_at=clock.now - timedelta(days=10), orders_count=1)
    add_customer(engine, "never")
    engine.distributions.create(rule("win-back", "dormant", days=90))

    engine.distributions.run_scheduled()
    engine.distributions.run_scheduled()
    assert len(wallet(engine, "gone")) == 1 and wallet(engine, "recent") == wallet(engine, "never") == []

    engine.redeem("gone", CART_40, order_ref="G-1")     # back, then away again
    clock.advance(days=91)
    engine.distributions.run_scheduled()
    assert len(wallet(engine, "gone")) == 2 and len(wallet(engine, "recent")) == 1


def test_order_followup_fires_the_given_days_after_each_order(engine, clock):
    reward_campaign(engine)
    add_customer(engine, "ana")
    engine.distributions.create(rule("follow-up", "order_followup"))   # 30 days by default
    engine.redeem("ana", CART_40, order_ref="A-1")

    clock.advance(days=29)
    engine.distributions.run_scheduled()
    assert wallet(engine, "ana") == []
    clock.advance(days=1)
    engine.distributions.run_scheduled()
    assert [f.period_key for f in engine.distributions.firings()] == ["order:A-1"]


def test_abandoned_cart_fires_after_the_hours_unless_the_customer_ordered(engine, clock):
    reward_campaign(engine)
    add_customer(engine, "ana")
    add_customer(engine, "bob")
    engine.distributions.create(rule("cart-nudge", "cart_abandoned", hours=4,
                                     **{"if": {"fact": "cart.subtotal", "gte": 3000}}))
    lines = {"lines": [{"sku": "beans", "name": "Beans", "unit_price": 2000, "quantity": 2}]}
    engine.track("ana", "cart_updated", lines)
    engine.track("bob", "cart_updated", lines)
    clock.advance(minutes=30)
    engine.redeem("bob", CART_40, order_ref="B-1")       # bob checked out

    clock.advance(hours=3)
    engine.distributions.run_scheduled()
    assert wallet(engine, "ana") == []
    clock.advance(hours=1)
    engine.distributions.run_scheduled()
    engine.distributions.run_scheduled()
    assert len(wallet(engine, "ana")) == 1 and wallet(engine, "bob") == []


def test_two_workers_at_once_publish_each_code_once(engine, clock):
    reward_campaign(engine, codes=40)
    for n in range(25):
        add_customer(engine, f"c{n:02d}", last_order_at=clock.now - timedelta(days=120), orders_count=1)
    engine.distributions.create(rule("win-back", "dormant", days=90))
    results = run_together(2, lambda _: engine.distributions.run_scheduled(batch_size=5))

    assert failures(results) == []
    assert sum(r["win-back"] for r in results) == 25
    with engine.work.read() as session:
        per_customer = session.execute(
            select(PublicationRow.customer_id, func.count()).group_by(PublicationRow.customer_id)).all()
    assert len(per_customer) == 25 and {count for _, count in per_customer} == {1}


# ---- the rule format -----------------------------------------------------------------------------


def test_rule_mistakes_are_reported_with_their_paths():
    with pytest.raises(DefinitionError) as caught:
        parse_rule({"id": "Bad Id", "name": "x", "event": "birthdy", "publish": "thanks", "houres": 3,
                    "if": {"fact": "customer.segmnt", "is": "vip"}})
    text = str(caught.value)
    assert "id: must be a lower-case slug" in text
    assert "event: unknown event 'birthdy' (did you mean 'birthday'?)" in text
    assert "houres: unknown key (did you mean 'hours'?)" in text
    assert "if.fact: unknown fact 'customer.segmnt' (did you mean 'customer.segment'?)" in text


@pytest.mark.parametrize("definition, message", [
    (rule("x", "dormant"), "days: is required for event dormant"),
    (rule("x", "cart_abandoned", days=3), "days: only applies to dormant and order_followup"),
    (rule("x", "custom"), "custom_event: must name the tracked event"),
    (rule("x", "custom", custom_event="signup"), "'signup' is a built-in event; use event: signup"),
    (rule("x", "signup", once="fortnight"), "once: must be one of occurrence, ever, year, month, week, day"),
])
def test_each_trigger_asks_for_what_it_needs(definition, message):
    with pytest.raises(DefinitionError, match=message):
        parse_rule(definition)


def test_rules_must_publish_an_existing_campaign_and_ids_are_unique(engine):
    with pytest.raises(InvalidRequest, match="publish: no campaign 'thanks'"):
        engine.distributions.create(rule("welcome", "signup"))
    reward_campaign(engine)
    engine.distributions.create(rule("welcome", "signup"))
    with pytest.raises(Exception, match="already exists"):
        engine.distributions.create(rule("welcome", "signup"))
    with pytest.raises(NotFound):
        engine.distributions.get("nope")


# ---- the outbox ----------------------------------------------------------------------------------


def test_outbox_events_commit_with_their_change_and_only_then(engine):
    reward_campaign(engine)
    add_customer(engine, "ana")
    before = outbox_types(engine)
    with pytest.raises(RedemptionRefused):
        engine.redeem("ana", CART_40, ["NOSUCHCODE"], order_ref="A-0")
    assert outbox_types(engine) == before

    result = engine.redeem("ana", CART_40, order_ref="A-1")
    engine.rollback(result.id, reason="payment failed")
    engine.publish("thanks", "ana")
    engine.set_campaign_status("thanks", "pause")

    assert outbox_types(engine)[len(before):] == [
        "redemption.succeeded", "redemption.rolled_back", "publication.created", "campaign.paused"]
    assert before == ["campaign.created"]


def test_track_refuses_unknown_customers_and_bad_names(engine):
    with pytest.raises(NotFound):
        engine.track("ghost", "signup")
    add_customer(engine, "ana")
    with pytest.raises(InvalidRequest, match="lower-case"):
        engine.track("ana", "Order Shipped")
    with pytest.raises(InvalidRequest, match="redeem"):
        engine.track("ana", "order_paid")
    with pytest.raises(InvalidRequest, match=r"lines\[0\].quantity"):
        engine.track("ana", "cart_updated", {"lines": [{"sku": "beans", "unit_price": 100, "quantity": 0}]})


def test_replacing_a_rule_keeps_it_paused_unless_the_definition_says_otherwise(engine):
    reward_campaign(engine)
    engine.distributions.create(rule("welcome", "signup"))
    engine.distributions.set_active("welcome", False)

    kept = engine.distributions.update("welcome", rule("welcome", "signup", once="ever"))
    assert kept.active is False and kept.definition["once"] == "ever"
    assert engine.distributions.update("welcome", rule("welcome", "signup", active=True)).active is True


# ---- the audit log --------------------------------------------------------------------------------


def test_rule_changes_are_audited_with_the_actor_and_the_rule_before_and_after(engine):
    reward_campaign(engine)
    reward_campaign(engine, "other", codes=0)
    engine.distributions.create(rule("welcome", "signup"), actor="ana@example.com")
    engine.distributions.update("welcome", rule("welcome", "signup", publish="other"), actor="api:psk_w_1a2b (crm)")
    engine.distributions.set_active("welcome", False, actor="ben@example.com")
    engine.distributions.set_active("welcome", False, actor="ben@example.com")      # no change: nothing logged
    engine.distributions.set_active("welcome", True, actor="cli")
    with pytest.raises(InvalidRequest):                                              # refused: nothing logged
        engine.distributions.update("welcome", rule("welcome", "signup", publish="nope"), actor="ana@example.com")

    entries = engine.audit_log(object_type="distribution_rule", object_id="welcome")

    assert [(e.actor, e.action) for e in entries] == [
        ("cli", "rule.resume"), ("ben@example.com", "rule.pause"),
        ("api:psk_w_1a2b (crm)", "rule.update"), ("ana@example.com", "rule.create"),
    ]
    resume, pause, update, create = entries
    assert (pause.before, pause.after) == ({"active": True}, {"active": False})
    assert (resume.before, resume.after) == ({"active": False}, {"active": True})
    assert update.before["definition"]["publish"] == "thanks" and update.after["definition"]["publish"] == "other"
    assert create.before is None
    assert create.after == {"name": "Welcome", "event": "signup", "active": True, "definition": rule("welcome", "signup")}


def test_a_rule_change_and_its_audit_entry_commit_together(engine, monkeypatch):
    from promo.storage import audit

    reward_campaign(engine)
    engine.distributions.create(rule("paused-later", "signup"))

    def unwritable(*args, **kwargs):
        raise RuntimeError("the audit log cannot be written")

    monkeypatch.setattr(audit, "record", unwritable)
    with pytest.raises(RuntimeError):
        engine.distributions.create(rule("welcome", "signup"), actor="ana@example.com")
    with pytest.raises(RuntimeError):
        engine.distributions.set_active("paused-later", False, actor="ana@example.com")
    monkeypatch.undo()

    assert [(r.id, r.active) for r in engine.distributions.list()] == [("paused-later", True)]


def _worker_process(url: str, options: dict, results) -> None:
    """A separate worker process: its own connections, its own Engine, one scheduled pass."""
    from promo.engine import Engine
    from promo.storage import make_engine, make_session_factory
    from tests.support.dbkit import STORE_TIMEZONE, Clock, start_of_test

    sql_engine = make_engine(url, **options)
    try:
        engine = Engine(make_session_factory(sql_engine), timezone=STORE_TIMEZONE, clock=Clock(start_of_test()))
        results.put(engine.distributions.run_scheduled(batch_size=4)["win-back"])
    except Exception as error:  # reported to the parent
        results.put(repr(error))
    finally:
        sql_engine.dispose()


def test_two_worker_processes_at_once_publish_each_code_once(engine, database, clock):
    import multiprocessing

    reward_campaign(engine, codes=30)
    for n in range(16):
        add_customer(engine, f"p{n:02d}", last_order_at=clock.now - timedelta(days=120), orders_count=1)
    engine.distributions.create(rule("win-back", "dormant", days=90))
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [context.Process(target=_worker_process, args=(database.url, database.engine_options, results))
               for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    counts = [results.get(timeout=5) for _ in workers]
    assert all(isinstance(c, int) for c in counts), counts
    assert sum(counts) == 16
    assert all(len(wallet(engine, f"p{n:02d}")) == 1 for n in range(16))


def test_every_event_the_engine_writes_is_one_of_the_documented_types(engine):
    from promo.delivery.events import EVENT_TYPES

    reward_campaign(engine)
    add_customer(engine, "ana")
    engine.distributions.create(rule("welcome", "signup"))
    engine.distributions.create(rule("thanks-per-order", "order_paid"))
    engine.track("ana", "signup")
    result = engine.redeem("ana", CART_40, order_ref="A-1")
    engine.rollback(result.id, reason="test")     # withdraws the unused code the order earned
    engine.update_campaign("thanks", {**engine.get_campaign("thanks").definition, "name": "Thanks!"})
    for action in ("pause", "resume", "archive"):
        engine.set_campaign_status("thanks", action)

    documented = {t.replace("<event>", "*") for t in EVENT_TYPES}
    written = set(outbox_types(engine))
    assert "distribution.withdrawn" in written
    assert all(any(t == d or (d.endswith("*") and t.startswith(d[:-1])) for d in documented) for t in written), written
    assert len(written) == 11
