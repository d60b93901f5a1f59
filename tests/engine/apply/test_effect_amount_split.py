"""An amount split across matching lines, by running amount or by quantity."""
from decimal import Decimal

from promo.core.effects.amount_split import AmountSplit
from promo.core.effects.base import allocate_capped
from promo.core.effects.percent_off_items import PercentOffItems
from promo.core.reasons import Reason
from tests.support.applykit import apply, benefit, category, line, promo


def test_split_by_amount_rounds_by_largest_remainder():
    got = benefit(AmountSplit(1000, category("coffee")),
                  line("a", 999, 1, "coffee"), line("b", 999, 1, "coffee"),
                  line("c", 999, 1, "coffee"), line("mug", 999))
    assert got.line_discounts == (334, 333, 333, 0)


def test_split_by_quantity_follows_units_not_prices():
    got = benefit(AmountSplit(600, by="quantity"), line("a", 2000, 1), line("b", 1000, 2))
    assert got.line_discounts == (200, 400)
    got = benefit(AmountSplit(100, by="quantity"), line("a", 50), line("b", 50), line("c", 50))
    assert got.line_discounts == (34, 33, 33)


def test_split_by_quantity_moves_what_a_cheap_line_cannot_take():
    # 1:3 by quantity would put 750 on a $3 line; it takes 300 and the rest goes to line a.
    got = benefit(AmountSplit(1000, by="quantity"), line("a", 2000, 1), line("b", 100, 3))
    assert got.line_discounts == (700, 300)


def test_split_never_exceeds_the_matching_subtotal():
    got = benefit(AmountSplit(5000, category("coffee")),
                  line("a", 700, 1, "coffee"), line("b", 300, 1, "coffee"), line("mug", 900))
    assert got.line_discounts == (700, 300, 0)
    got = benefit(AmountSplit(5000, category("coffee"), by="quantity"),
                  line("a", 700, 1, "coffee"), line("b", 300, 4, "coffee"), line("mug", 900))
    assert got.line_discounts == (700, 1200, 0)


def test_split_without_matching_items():
    got = benefit(AmountSplit(500, category("tea")), line("a", 700, 1, "coffee"))
    assert got.reason_if_zero is Reason.NO_MATCHING_ITEMS


def test_split_order_changes_the_result():
    cart = (line("a", 2000, 1, "coffee"), line("b", 2000, 1, "coffee"))
    split_first = apply([promo("split", AmountSplit(1000, category("coffee")), priority=1),
                         promo("pct", PercentOffItems(Decimal(50), category("coffee")))], *cart)
    pct_first = apply([promo("split", AmountSplit(1000, category("coffee"))),
                       promo("pct", PercentOffItems(Decimal(50), category("coffee")), priority=1)], *cart)
    assert split_first.discount == 1000 + 1500
    assert pct_first.discount == 2000 + 1000


def test_allocate_capped_sums_exactly_and_respects_caps():
    shares = allocate_capped(1000, [1, 1, 1, 1], [50, 2000, 100, 2000])
    assert shares == [50, 425, 100, 425]
    assert allocate_capped(0, [1, 2], [5, 5]) == [0, 0]
