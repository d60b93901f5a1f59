"""Spend tiers: the highest tier met applies, on the running or the initial subtotal."""
from decimal import Decimal

from promo.core.effects.amount_off_order import AmountOffOrder
from promo.core.effects.tiers import Tier, Tiers
from promo.core.reasons import Reason
from promo.core.results import Status
from tests.support.applykit import apply, benefit, by_id, category, line, promo

TEN_AT_100_FIFTEEN_AT_200 = Tiers((Tier(10_000, percent=Decimal(10)),
                                   Tier(20_000, percent=Decimal(15))))


def test_highest_tier_met_applies():
    assert benefit(TEN_AT_100_FIFTEEN_AT_200, line("a", 25_000)).discount == 3750
    assert benefit(TEN_AT_100_FIFTEEN_AT_200, line("a", 20_000)).discount == 3000
    assert benefit(TEN_AT_100_FIFTEEN_AT_200, line("a", 15_000)).discount == 1500


def test_tier_percent_rounded_once_and_split():
    # 10% of 3333 + 6668 + 1 = 1000.2 -> 1000, split 333.3 / 666.8 / 0.1 -> (333, 667, 0).
    got = benefit(TEN_AT_100_FIFTEEN_AT_200, line("a", 3333), line("b", 6668), line("c", 1))
    assert got.line_discounts == (333, 667, 0)


def test_below_the_first_tier_hints_at_it():
    evaluation = apply([promo("tiers", TEN_AT_100_FIFTEEN_AT_200)], line("a", 9000))
    offer = by_id(evaluation)["tiers"]
    assert offer.status is Status.NOT_APPLICABLE
    assert offer.reason is Reason.MINIMUM_NOT_MET
    assert offer.hint.missing_amount == 1000
    assert offer.hint.message == "Add $10 more to get 10% off"
    assert offer.hint.progress == 0.9


def test_an_applied_tier_hints_at_the_next_one():
    evaluation = apply([promo("tiers", TEN_AT_100_FIFTEEN_AT_200)], line("a", 15_000))
    offer = by_id(evaluation)["tiers"]
    assert offer.status is Status.APPLIED
    assert offer.hint.message == "Add $50 more to get 15% off"


def test_basis_running_or_initial():
    # $60 off first leaves $145 of a $205 cart.
    first = promo("sixty", AmountOffOrder(6000), priority=1)
    running = apply([first, promo("tiers", TEN_AT_100_FIFTEEN_AT_200)], line("a", 20_500))
    initial_tiers = Tiers(TEN_AT_100_FIFTEEN_AT_200.tiers, basis="initial")
    initial = apply([first, promo("tiers", initial_tiers)], line("a", 20_500))
    assert by_id(running)["tiers"].discount == 1450      # 10% tier, on what is left
    assert by_id(initial)["tiers"].discount == 2175      # 15% tier, still on what is left


def test_amount_tiers_on_matching_items_never_exceed_them():
    tiers = Tiers((Tier(1000, amount=500), Tier(3000, amount=5000)), category("coffee"))
    got = benefit(tiers, line("a", 1800, 1, "coffee"), line("b", 1200, 1, "coffee"), line("mug", 4000))
    assert got.line_discounts == (1800, 1200, 0)
    got = benefit(tiers, line("a", 1800, 1, "coffee"), line("mug", 4000))
    assert got.line_discounts == (500, 0)


def test_order_changes_the_result():
    cart = (line("a", 21_000),)
    tiers_first = apply([promo("tiers", TEN_AT_100_FIFTEEN_AT_200, priority=1),
                         promo("ten", AmountOffOrder(2000))], *cart)
    ten_first = apply([promo("tiers", TEN_AT_100_FIFTEEN_AT_200),
                       promo("ten", AmountOffOrder(2000), priority=1)], *cart)
    assert tiers_first.discount == 3150 + 2000
    # $20 off drops the running subtotal to $190: the 10% tier.
    assert ten_first.discount == 2000 + 1900
