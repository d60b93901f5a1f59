"""Loyalty points: earned on placed orders by the programme's rules, taken back on rollback (all
of them, even when spent: a debt later orders repay), spent on a reward code in the wallet, and
never spent twice or beyond the balance."""
from __future__ import annotations

import pytest

from promo.core.domain import Cart, CartLine
from promo.core.errors import Conflict, NotFound
from promo.services.consistency import find_problems
from promo.storage import make_session_factory
from tests.support.storagekit import coupon, customer, run_together

BEANS_CLUB = {
    "id": "beans-club", "name": "Beans club", "kind": "loyalty",
    "loyalty": {
        "points_per_unit": 1, "unit": 100, "multipliers": {"arabica": 2},
        "rewards": [
            {"name": "$5 off", "points": 50, "effect": {"type": "amount_off_order", "amount": 500}},
            {"name": "$20 off", "points": 1000, "effect": {"type": "amount_off_order", "amount": 2000}},
        ],
    },
}
# $19.50 of arabica (counts twice) and a $30 grinder, $5 shipping (earns nothing).
ORDER = Cart((CartLine("ara", "Arabica", 1950, 1, frozenset({"arabica"})), CartLine("grinder", "Grinder", 3000, 1)),
             "USD", 500)


@pytest.fixture
def club(engine):
    engine.create_campaign(BEANS_CLUB)
    engine.upsert_customer(customer("ana"))
    return engine


def test_a_paid_order_earns_points_per_dollar_with_category_multipliers(club):
    club.redeem(customer("ana"), ORDER, order_ref="A-1")

    [account] = club.points_accounts("ana")
    assert account.points == 39 + 30       # 2 x $19.50 -> 39, $30 -> 30; shipping earns nothing
    assert [(e.kind, e.points, e.balance_after, e.order_ref) for e in account.entries] == [("earn", 69, 69, "A-1")]


def test_points_are_earned_on_what_was_paid_after_discounts(club):
    club.create_campaign(coupon("happy", "HAPPY10", amount=1000))

    club.redeem(customer("ana"), ORDER, ["HAPPY10"], order_ref="A-1")

    assert club.points_account("ana", "beans-club").points < 69


def test_guests_earn_nothing(club):
    club.redeem(None, ORDER, order_ref="G-1")

    assert club.points_account("ana", "beans-club").points == 0


def test_rolling_the_order_back_takes_its_points_back_once(club):
    result = club.redeem(customer("ana"), ORDER, order_ref="A-1")

    club.rollback(result.id, reason="returned")
    club.rollback(result.id, reason="returned")

    account = club.points_account("ana", "beans-club")
    assert account.points == 0
    assert [(e.kind, e.points) for e in account.entries] == [("reverse", -69), ("earn", 69)]


def test_cancelling_an_order_whose_points_were_spent_takes_them_all_back_as_a_debt(club, db_engine):
    order = club.redeem(customer("ana"), ORDER, order_ref="A-1")       # 69 points
    club.spend_points("ana", "beans-club", 1)                           # $5 off for 50: 19 left

    club.rollback(order.id, reason="cancelled")

    account = club.points_account("ana", "beans-club")
    assert account.points == 19 - 69 == -50
    assert [(e.kind, e.points, e.balance_after, e.order_ref) for e in account.entries][0] == ("reverse", -69, -50, "A-1")
    assert not any(reward.affordable for reward in account.rewards)
    with pytest.raises(Conflict) as refused:
        club.spend_points("ana", "beans-club", 1)
    assert refused.value.code == "insufficient_points"
    assert refused.value.details == {"points": -50, "cost": 50}
    with make_session_factory(db_engine)() as session:
        assert find_problems(session) == []                             # the balance is still its ledger's sum


def test_a_points_debt_is_repaid_by_the_next_orders(club):
    order = club.redeem(customer("ana"), ORDER, order_ref="A-1")
    club.spend_points("ana", "beans-club", 1)
    club.rollback(order.id, reason="cancelled")                          # -50

    club.redeem(customer("ana"), ORDER, order_ref="A-2")                # +69

    account = club.points_account("ana", "beans-club")
    assert account.points == 19
    assert [(e.kind, e.balance_after) for e in account.entries][:2] == [("earn", 19), ("reverse", -50)]
    with pytest.raises(Conflict):
        club.spend_points("ana", "beans-club", 1)                       # 19 < 50: still short


def test_spending_points_publishes_a_reward_code_that_works_in_the_cart(club):
    club.redeem(customer("ana"), ORDER, order_ref="A-1")

    spend = club.spend_points("ana", "beans-club", 1)

    assert (spend.reward, spend.points, spend.balance) == ("$5 off", 50, 19)
    assert spend.code in [info.code for info in club.customer_codes("ana")]
    evaluation = club.validate("ana", ORDER, [spend.code])
    assert evaluation.codes[spend.code].status.value == "applied" and evaluation.discount == 500
    assert club.points_account("ana", "beans-club").entries[0].reward_code == spend.code


def test_a_spend_above_the_balance_is_refused_and_changes_nothing(club):
    club.redeem(customer("ana"), ORDER, order_ref="A-1")

    with pytest.raises(Conflict) as refused:
        club.spend_points("ana", "beans-club", 2)

    assert refused.value.code == "insufficient_points"
    assert refused.value.details == {"points": 69, "cost": 1000}
    assert club.points_account("ana", "beans-club").points == 69
    assert club.customer_codes("ana") == []


def test_the_same_idempotency_key_spends_once(club):
    club.redeem(customer("ana"), ORDER, order_ref="A-1")

    first = club.spend_points("ana", "beans-club", 1, idempotency_key="spend-1")
    again = club.spend_points("ana", "beans-club", 1, idempotency_key="spend-1")

    assert again.replayed and again.code == first.code
    assert club.points_account("ana", "beans-club").points == 19


def test_unknown_rewards_and_programmes_are_not_found(club):
    with pytest.raises(NotFound) as no_reward:
        club.spend_points("ana", "beans-club", 9)
    with pytest.raises(NotFound) as no_programme:
        club.spend_points("ana", "nope", 1)

    assert no_reward.value.code == "reward_not_found"
    assert no_programme.value.code == "loyalty_programme_not_found"


def test_racing_spends_never_take_the_balance_below_zero(club):
    club.redeem(customer("ana"), ORDER, order_ref="A-1")    # 69 points: one $5 reward, not two

    outcomes = run_together(6, lambda i: club.spend_points("ana", "beans-club", 1))

    spent = [o for o in outcomes if not isinstance(o, BaseException)]
    refusals = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(spent) == 1 and len(refusals) == 5
    assert club.points_account("ana", "beans-club").points == 19
    assert len(club.customer_codes("ana")) == 1
