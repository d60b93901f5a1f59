"""Gift cards pay after the discounts, like a payment: splits, two cards, the ledger, rollback
refunds, top-ups, and no balance below zero even when checkouts race for one card."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from promo.core.errors import Conflict, InvalidRequest, NotFound, RedemptionRefused
from promo.services.consistency import find_problems
from promo.storage import make_session_factory
from promo.storage.models import CodeRow, GiftCardLedgerRow
from tests.support.storagekit import CART_40, CART_100, coupon, customer, run_together

GIFT_50 = {"id": "gift-50", "name": "$50 gift card", "kind": "gift_card",
           "codes": {"pattern": "GIFT-########"}, "gift_card": {"balance": 5000}}


def gift_cards(engine, count: int = 2, balance: int | None = None) -> list[str]:
    engine.create_campaign(GIFT_50)
    engine.generate_codes("gift-50", count, gift_balance=balance)
    return [info.code for info in engine.list_codes("gift-50").codes]


def test_a_card_pays_after_discounts_and_keeps_the_rest(engine):
    engine.create_campaign(coupon("happy", "HAPPY10", amount=1000))
    [card] = gift_cards(engine, 1)

    result = engine.redeem(customer("ana"), CART_40, ["HAPPY10", card], order_ref="A-1")

    assert result.discount == 1000 and result.order.total == 3000     # the card is no discount
    assert engine.order_gift_card_payments("A-1")[0].amount == 3000
    balance = engine.gift_card_balance(card)
    assert balance.balance == 2000
    entry, issued = balance.entries
    assert (entry.kind, entry.amount, entry.balance_after, entry.order_ref) == ("redemption", -3000, 2000, "A-1")
    assert (issued.kind, issued.amount, issued.balance_after, issued.order_ref) == ("issue", 5000, 5000, None)


def test_two_cards_worth_more_than_the_total_draw_only_what_is_needed_in_entry_order(engine):
    first, second = gift_cards(engine, 2, balance=3000)

    preview = engine.gift_card_payments([second, first], 4000)
    engine.redeem(customer("ana"), CART_40, [second, first], order_ref="A-1")

    assert [(p.code, p.amount, p.balance_after) for p in preview] == [(second, 3000, 0), (first, 1000, 2000)]
    assert [(p.code, p.amount) for p in engine.order_gift_card_payments("A-1")] == [(second, 3000), (first, 1000)]
    assert engine.gift_card_balance(second).balance == 0
    assert engine.gift_card_balance(first).balance == 2000


def test_a_card_not_needed_is_not_drawn_and_gets_no_ledger_entry(engine):
    first, second = gift_cards(engine, 2)

    engine.redeem(customer("ana"), CART_40, [first, second], order_ref="A-1")

    assert engine.gift_card_balance(first).balance == 1000
    assert engine.gift_card_balance(second).balance == 5000
    assert [e.kind for e in engine.gift_card_balance(second).entries] == ["issue"]


def test_rolling_the_order_back_refunds_each_card_once(engine):
    first, second = gift_cards(engine, 2, balance=3000)
    result = engine.redeem(customer("ana"), CART_40, [first, second], order_ref="A-1")

    engine.rollback(result.id, reason="payment failed")
    engine.rollback(result.id, reason="payment failed")   # again: nothing more

    assert engine.gift_card_balance(first).balance == 3000
    assert engine.gift_card_balance(second).balance == 3000
    assert [(e.kind, e.amount) for e in engine.gift_card_balance(second).entries] == [
        ("refund", 1000), ("redemption", -1000), ("issue", 3000)]


def test_top_up_adds_to_the_balance_and_is_recorded(engine):
    [card] = gift_cards(engine, 1)

    balance = engine.top_up_gift_card(card, 2500, actor="support")

    assert balance.balance == 7500
    assert [(e.kind, e.amount, e.balance_after) for e in balance.entries] == [("top_up", 2500, 7500), ("issue", 5000, 5000)]
    [audited] = engine.audit_log(object_type="code", object_id=card)
    assert (audited.actor, audited.action) == ("support", "gift_card.top_up")
    assert (audited.before, audited.after) == ({"balance": 5000}, {"balance": 7500, "amount": 2500})
    with pytest.raises(InvalidRequest) as refused:
        engine.top_up_gift_card(card, -5)
    assert refused.value.code == "invalid_amount"
    with pytest.raises(NotFound) as unknown:
        engine.top_up_gift_card("NOPE-1", 100)
    assert unknown.value.code == "gift_card_not_found"


def test_an_empty_card_is_refused_with_its_own_reason(engine):
    [card] = gift_cards(engine, 1, balance=4000)
    engine.redeem(customer("ana"), CART_40, [card], order_ref="A-1")

    evaluation = engine.validate(customer("bo"), CART_40, [card])
    with pytest.raises(RedemptionRefused) as refused:
        engine.redeem(customer("bo"), CART_40, [card], order_ref="B-1")

    assert evaluation.codes[card].reason.value == "gift_card_empty"
    assert refused.value.code == "gift_card_empty"


def test_a_card_in_someone_elses_wallet_pays_nothing_for_another_shopper(engine, db_engine):
    [card] = gift_cards(engine, 1)
    sessions = make_session_factory(db_engine)
    engine.upsert_customer(customer("owner"))
    with sessions.begin() as session:
        session.execute(CodeRow.__table__.update().where(CodeRow.code == card).values(holder_id="owner"))

    with pytest.raises(RedemptionRefused) as refused:
        engine.redeem(customer("thief"), CART_40, [card], order_ref="T-1")

    assert refused.value.code == "code_not_found"
    assert engine.gift_card_balance(card).balance == 5000
    assert [c.code for c in engine.customer_gift_cards("owner")] == [card]


def test_racing_checkouts_never_take_a_card_below_zero(engine, db_engine):
    # Ten $100 orders race for one $250 card: the card pays for at most 2.5 of them.
    [card] = gift_cards(engine, 1, balance=25_000)

    outcomes = run_together(10, lambda i: engine.redeem(customer(f"c{i}"), CART_100, [card], order_ref=f"R-{i}"))

    placed = [o for o in outcomes if not isinstance(o, BaseException)]
    paid = sum(p.amount for o in placed for p in engine.order_gift_card_payments(o.order.order_ref))
    balance = engine.gift_card_balance(card)
    assert balance.balance >= 0
    assert paid + balance.balance == 25_000
    assert sum(-e.amount for e in balance.entries if e.kind == "redemption") == paid
    with make_session_factory(db_engine)() as session:
        assert session.scalar(select(CodeRow.gift_balance).where(CodeRow.code == card)) == balance.balance


def test_an_issued_card_holds_its_balance_and_sits_in_the_wallet(engine):
    engine.create_campaign(GIFT_50)
    engine.upsert_customer(customer("ana"))

    drawn = engine.issue_gift_card("gift-50", customer_id="ana")
    printed = engine.issue_gift_card("gift-50", code="paper-0001", balance=2500)

    assert drawn.code.startswith("GIFT-") and drawn.balance == 5000
    assert [c.code for c in engine.customer_gift_cards("ana")] == [drawn.code]
    assert (printed.code, printed.balance) == ("PAPER-0001", 2500)
    with pytest.raises(Conflict) as taken:
        engine.issue_gift_card("gift-50", code="PAPER-0001")
    assert taken.value.code == "code_taken"
    engine.create_campaign(coupon("happy", "HAPPY10"))
    with pytest.raises(InvalidRequest) as not_gift:
        engine.issue_gift_card("happy", code="X-1")
    assert not_gift.value.code == "not_a_gift_card_campaign"


def ledger_sums(engine, db_engine, cards):
    with make_session_factory(db_engine)() as session:
        return {card: sum(session.scalars(select(GiftCardLedgerRow.amount).join(CodeRow, GiftCardLedgerRow.code_id == CodeRow.id)
                                          .where(CodeRow.code == card))) for card in cards}


def test_every_card_starts_its_ledger_with_its_issue_so_the_entries_add_up_to_the_balance(engine, db_engine):
    generated = gift_cards(engine, 3, balance=3000)
    engine.upsert_customer(customer("ana"))
    issued = engine.issue_gift_card("gift-50", customer_id="ana", actor="support").code
    printed = engine.issue_gift_card("gift-50", code="PAPER-0002", balance=2500).code
    result = engine.redeem(customer("ana"), CART_40, [generated[0], issued], order_ref="A-1")
    engine.top_up_gift_card(printed, 1000)
    engine.redeem(customer("cy"), CART_100, [generated[1]], order_ref="C-1")
    engine.rollback(result.id, reason="cancelled")

    cards = generated + [issued, printed]
    balances = {card: engine.gift_card_balance(card).balance for card in cards}
    assert ledger_sums(engine, db_engine, cards) == balances
    assert balances[printed] == 3500 and balances[generated[1]] == 0
    for card in cards:
        first = engine.gift_card_balance(card).entries[-1]            # oldest
        assert (first.kind, first.order_ref) == ("issue", None) and first.amount == first.balance_after > 0
    with make_session_factory(db_engine)() as session:
        actors = dict(session.execute(select(CodeRow.code, GiftCardLedgerRow.actor)
                                      .join(CodeRow, GiftCardLedgerRow.code_id == CodeRow.id)
                                      .where(GiftCardLedgerRow.kind == "issue")).all())
        assert actors[issued] == "support"
        assert find_problems(session) == []


def test_generating_codes_twice_issues_each_card_once(engine, db_engine):
    engine.create_campaign(GIFT_50)
    engine.generate_codes("gift-50", 5, batch_size=2)
    engine.generate_codes("gift-50", 3, batch_size=2, gift_balance=2000)

    cards = [info.code for info in engine.list_codes("gift-50").codes]
    issues = {card: [(e.kind, e.amount) for e in engine.gift_card_balance(card).entries] for card in cards}
    assert sorted(map(tuple, issues.values())) == [(("issue", 2000),)] * 3 + [(("issue", 5000),)] * 5


def test_the_check_finds_a_card_whose_ledger_does_not_add_up(engine, db_engine):
    [card] = gift_cards(engine, 1)
    engine.redeem(customer("ana"), CART_40, [card], order_ref="A-1")     # 5000 - 4000
    with make_session_factory(db_engine).begin() as session:
        # A balance changed behind the ledger's back, with a made-up last entry to match it.
        session.execute(CodeRow.__table__.update().where(CodeRow.code == card).values(gift_balance=1500))
        code_id = session.scalar(select(CodeRow.id).where(CodeRow.code == card))
        session.execute(GiftCardLedgerRow.__table__.update().where(GiftCardLedgerRow.code_id == code_id,
                                                                   GiftCardLedgerRow.kind == "redemption")
                        .values(balance_after=1500))

    with make_session_factory(db_engine)() as session:
        problems = [str(p) for p in find_problems(session)]

    assert problems == [f"balance: gift card {card}: balance is 1500 but its ledger adds up to 1000"]


def test_a_card_issued_before_issues_were_recorded_still_checks_out(engine, db_engine):
    # Cards from before the ledger had 'issue' entries: the starting balance is read off the
    # first entry (its balance after, less its amount), and a card never used has no entries.
    used, unused = gift_cards(engine, 2, balance=3000)
    engine.redeem(customer("ana"), CART_40, [used], order_ref="A-1")
    engine.top_up_gift_card(used, 500)
    with make_session_factory(db_engine).begin() as session:
        session.execute(GiftCardLedgerRow.__table__.delete().where(GiftCardLedgerRow.kind == "issue"))

    with make_session_factory(db_engine)() as session:
        assert find_problems(session) == []
        session.execute(CodeRow.__table__.update().where(CodeRow.code == used).values(gift_balance=9999))
        assert [str(p) for p in find_problems(session)] == [
            f"balance: gift card {used}: balance is 9999 but its ledger adds up to 500",
            f"balance: gift card {used}: balance is 9999 but its ledger ends at 500",
        ]
