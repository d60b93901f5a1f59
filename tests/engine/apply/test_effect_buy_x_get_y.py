"""Buy X get Y: same or other items, P% off, repeatable, cheapest get-units by default."""
from decimal import Decimal

from promo.core.effects.amount_off_order import AmountOffOrder
from promo.core.effects.buy_x_get_y import BuyXGetY
from promo.core.reasons import Reason
from promo.core.results import Status
from tests.support.applykit import apply, benefit, by_id, category, line, promo, skus

BUY_2_GET_1 = BuyXGetY(2, 1)


def test_same_items_the_cheapest_unit_is_free():
    got = benefit(BUY_2_GET_1, line("a", 1000, 2), line("b", 500))
    assert got.line_discounts == (0, 500)


def test_repeats_on_the_cheapest_units():
    # 7 units -> 2 repetitions -> the two cheapest units free.
    got = benefit(BUY_2_GET_1, line("a", 1000, 4), line("b", 500, 1), line("c", 700, 2))
    assert got.line_discounts == (0, 500, 700)


def test_repeat_limits():
    cart = (line("a", 1000, 9),)
    assert benefit(BuyXGetY(2, 1, repeat=False), *cart).discount == 1000
    assert benefit(BuyXGetY(2, 1, max_repeats=2), *cart).discount == 2000


def test_other_items_at_half_price_rounded_once():
    # Buy a dripper, get filter papers 50% off: one repetition, 50% of 555 = 277.5 -> 278.
    effect = BuyXGetY(1, 1, skus("dripper"), skus("filters"), percent=Decimal(50))
    got = benefit(effect, line("dripper", 3000), line("filters", 555, 2))
    assert got.line_discounts == (0, 278)


def test_get_units_across_lines_split_by_price():
    # Two get units at 50%: 101 + 102 -> 102 split (51, 51).
    effect = BuyXGetY(1, 1, skus("dripper"), category("paper"), percent=Decimal(50))
    got = benefit(effect, line("dripper", 3000, 2), line("p1", 101, 1, "paper"),
                  line("p2", 102, 1, "paper"))
    assert got.line_discounts == (0, 51, 51)


def test_a_unit_is_never_both_bought_and_given():
    # One line in both selections: 1 unit cannot be bought and given at once.
    effect = BuyXGetY(1, 1, category("coffee"), category("gift"))
    both = line("gift-box", 1200, 1, "coffee", "gift")
    evaluation = apply([promo("bogo", effect)], both)
    offer = by_id(evaluation)["bogo"]
    assert offer.reason is Reason.MINIMUM_NOT_MET
    assert offer.hint.missing_quantity == 1
    # With two units one is bought and one given.
    assert benefit(effect, line("gift-box", 1200, 2, "coffee", "gift")).discount == 1200


def test_shared_units_are_kept_for_the_buy_side():
    # Buy 2 coffee, get 1 gift item free. The cheap box is both; giving it away would leave
    # one coffee to buy, so the gift is the mug.
    effect = BuyXGetY(2, 1, category("coffee"), category("gift"))
    got = benefit(effect, line("beans", 1500, 1, "coffee"), line("box", 300, 1, "coffee", "gift"),
                  line("mug", 900, 1, "gift"))
    assert got.line_discounts == (0, 0, 900)


def test_missing_get_items_gives_a_hint():
    effect = BuyXGetY(1, 1, skus("dripper"), skus("filters"), percent=Decimal(50))
    evaluation = apply([promo("bxgy", effect)], line("dripper", 3000))
    offer = by_id(evaluation)["bxgy"]
    assert offer.status is Status.NOT_APPLICABLE
    assert offer.hint.message == "Add 1 more item to get 1 filters 50% off"


def test_no_buy_items():
    got = benefit(BuyXGetY(1, 1, skus("dripper")), line("mug", 900))
    assert got.reason_if_zero is Reason.NO_MATCHING_ITEMS


def test_given_unit_already_free_stays_at_zero():
    got = benefit(BUY_2_GET_1, line("a", 1000, 3), totals=(2000,))
    # Units 667, 667, 666: the 666 unit is free.
    assert got.line_discounts == (666,)
    got = benefit(BUY_2_GET_1, line("a", 1000, 2), line("b", 500), totals=(2000, 0))
    assert got.total == 0


def test_order_changes_the_result():
    cart = (line("a", 1000, 2), line("b", 600))
    bxgy_first = apply([promo("bxgy", BUY_2_GET_1, priority=1),
                        promo("ten", AmountOffOrder(1000))], *cart)
    ten_first = apply([promo("bxgy", BUY_2_GET_1),
                       promo("ten", AmountOffOrder(1000), priority=1)], *cart)
    assert bxgy_first.discount == 600 + 1000
    # $10 split 769 / 231 leaves b at 369, still the cheapest unit: it is the free one.
    assert by_id(ten_first)["bxgy"].discount == 369
    assert ten_first.discount == 1000 + 369
