"""Cheapest (or most expensive) matching unit(s) at P% off, optionally one per N units."""
from decimal import Decimal

from promo.core.campaign import ItemSelector
from promo.core.effects.amount_off_order import AmountOffOrder
from promo.core.effects.cheapest_items import CheapestItems
from promo.core.reasons import Reason
from promo.core.results import Status
from tests.support.applykit import apply, benefit, by_id, category, line, promo

HALF = Decimal(50)


def test_cheapest_unit_half_price_rounds_half_up():
    got = benefit(CheapestItems(HALF), line("a", 1000, 2), line("b", 333, 3))
    assert got.line_discounts == (0, 167)


def test_several_units_across_lines_rounded_once():
    # 50% of 101 + 102 = 101.5 -> 102, split 50.75 / 51.25 -> (51, 51).
    got = benefit(CheapestItems(HALF, count=2), line("a", 101), line("b", 102), line("c", 900))
    assert got.line_discounts == (51, 51, 0)


def test_most_expensive():
    got = benefit(CheapestItems(Decimal(20), pick="most_expensive"),
                  line("a", 1000), line("b", 4000), line("c", 2500))
    assert got.line_discounts == (0, 800, 0)


def test_every_third_unit_discounts_the_cheapest_of_all_matching_units():
    # 7 matching units -> 2 discounted: the two cheapest (300 and 400).
    got = benefit(CheapestItems(Decimal(100), every=3, items=category("coffee")),
                  line("a", 1000, 3, "coffee"), line("b", 400, 1, "coffee"),
                  line("c", 300, 1, "coffee"), line("d", 700, 2, "coffee"), line("mug", 100))
    assert got.line_discounts == (0, 400, 300, 0, 0)


def test_every_not_reached_gives_a_hint():
    evaluation = apply([promo("three", CheapestItems(Decimal(100), every=3))], line("a", 500, 2))
    offer = by_id(evaluation)["three"]
    assert offer.reason is Reason.MINIMUM_NOT_MET
    assert offer.hint.missing_quantity == 1
    assert offer.hint.message == "Add 1 more item and the cheapest is free"


def test_the_hint_names_the_units_by_the_selections_label():
    bags = ItemSelector(categories=frozenset({"coffee"}), label="coffee bags")
    evaluation = apply([promo("three", CheapestItems(Decimal(100), every=3, items=bags))], line("a", 500, 1, "coffee"))
    assert by_id(evaluation)["three"].hint.message == "Add 2 more coffee bags and the cheapest is free"
    evaluation = apply([promo("three", CheapestItems(Decimal(100), every=3, items=bags))], line("a", 500, 2, "coffee"))
    assert by_id(evaluation)["three"].hint.message == "Add 1 more coffee bag and the cheapest is free"


def test_running_unit_prices_decide_which_unit_is_cheapest():
    # Line a has 1000 left over 3 units (334, 333, 333); line b one unit of 335.
    # The cheapest unit is on line a; equal prices would go to the earlier line.
    got = benefit(CheapestItems(Decimal(100)), line("a", 500, 3), line("b", 335), totals=(1000, 335))
    assert got.line_discounts == (333, 0)
    tie = benefit(CheapestItems(Decimal(100)), line("a", 500, 3), line("b", 333), totals=(1000, 333))
    assert tie.line_discounts == (333, 0)


def test_a_free_unit_cannot_go_below_zero():
    got = benefit(CheapestItems(Decimal(100)), line("a", 500, 2), line("b", 800), totals=(0, 800))
    assert got.total == 0 and got.reason_if_zero is Reason.NO_DISCOUNT


def test_no_matching_units():
    got = benefit(CheapestItems(HALF, items=category("tea")), line("a", 500, 2))
    assert got.reason_if_zero is Reason.NO_MATCHING_ITEMS


def test_order_changes_the_result():
    cart = (line("a", 1000), line("b", 600))
    cheapest_first = apply([promo("cheap", CheapestItems(HALF), priority=1),
                            promo("ten", AmountOffOrder(1000))], *cart)
    ten_first = apply([promo("cheap", CheapestItems(HALF)),
                       promo("ten", AmountOffOrder(1000), priority=1)], *cart)
    assert by_id(cheapest_first)["cheap"].discount == 300
    # $10 split 625 / 375 leaves 375 and 225: half of 225 rounds to 113.
    assert by_id(ten_first)["cheap"].discount == 113
    assert by_id(ten_first)["cheap"].status is Status.APPLIED
