"""Free gift: added as a new line at 100% off when missing; made free when already there."""
from decimal import Decimal

from promo.core.domain import CartLine
from promo.core.effects.cheapest_items import CheapestItems
from promo.core.effects.free_gift import FreeGift
from promo.core.effects.percent_off_order import PercentOffOrder
from promo.core.reasons import Reason
from tests.support.applykit import apply, benefit, by_id, line, promo

TOTE = CartLine("tote", "Canvas tote", 1200, 1, frozenset({"gifts"}))


def test_missing_gift_is_appended_free():
    evaluation = apply([promo("gift", FreeGift(TOTE))], line("beans", 1800), line("mug", 900))
    assert [pl.line.sku for pl in evaluation.lines] == ["beans", "mug", "tote"]
    gift_line = evaluation.lines[2]
    assert gift_line.added_by == "gift"
    assert (gift_line.subtotal, gift_line.discount, gift_line.total) == (1200, 1200, 0)
    offer = by_id(evaluation)["gift"]
    assert offer.added_lines == (TOTE,)
    assert offer.line_discounts == (0, 0, 1200)
    assert offer.discount == 1200
    # The shopper pays for what they chose, nothing for the gift.
    assert evaluation.total == 2700


def test_gift_already_in_the_cart_is_made_free():
    got = benefit(FreeGift(TOTE), line("beans", 1800), CartLine("tote", "Canvas tote", 1200, 2))
    assert got.line_discounts == (0, 1200)
    assert got.added_lines == ()


def test_gift_partly_in_the_cart_adds_the_rest():
    got = benefit(FreeGift(TOTE, quantity=3), CartLine("tote", "Canvas tote", 1200, 1))
    assert got.line_discounts == (1200,)
    assert [(line.sku, line.quantity) for line in got.added_lines] == [("tote", 2)]
    assert got.discount == 3600


def test_gift_in_the_cart_reduced_earlier_gives_its_dearest_running_unit():
    # 2 totes with 2001 left: units 1001 and 1000 -> the 1001 unit is the gift.
    got = benefit(FreeGift(TOTE), line("beans", 1800), CartLine("tote", "Tote", 1200, 2),
                  totals=(1620, 2001))
    assert got.line_discounts == (0, 1001)


def test_gift_already_free_gives_nothing_more():
    got = benefit(FreeGift(TOTE), CartLine("tote", "Tote", 1200, 1), totals=(0,))
    assert got.total == 0 and not got.added_lines
    assert got.reason_if_zero is Reason.NO_DISCOUNT


def test_added_gift_is_not_seen_by_later_offers():
    # Without that rule "cheapest item half price" would pick the free tote and give nothing.
    evaluation = apply([promo("gift", FreeGift(TOTE), priority=1),
                        promo("cheap", CheapestItems(Decimal(50)))],
                       line("beans", 1800), line("mug", 900))
    assert by_id(evaluation)["cheap"].line_discounts == (0, 450, 0)
    assert evaluation.discount == 1200 + 450


def test_order_changes_the_result():
    cart = (line("beans", 1800), CartLine("tote", "Tote", 1200, 1))
    gift_first = apply([promo("gift", FreeGift(TOTE), priority=1),
                        promo("pct", PercentOffOrder(Decimal(10)))], *cart)
    pct_first = apply([promo("gift", FreeGift(TOTE)),
                       promo("pct", PercentOffOrder(Decimal(10)), priority=1)], *cart)
    assert gift_first.discount == 1200 + 180
    assert pct_first.discount == 300 + 1080
    assert by_id(pct_first)["gift"].line_discounts == (0, 1080)
