"""Fixed-price bundles ("3 for $20"), built from the dearest matching units first."""
from decimal import Decimal

from promo.core.effects.bundle_price import BundlePrice
from promo.core.effects.percent_off_order import PercentOffOrder
from promo.core.reasons import Reason
from promo.core.results import Status
from tests.support.applykit import apply, benefit, by_id, category, line, promo

THREE_FOR_20 = BundlePrice(3, 2000, category("coffee"))


def test_bundle_takes_the_dearest_units_and_splits_the_saving_by_price():
    # 1000 + 900 + 800 = 2700 -> $7 saving, split 259.26 / 233.33 / 207.41 -> (259, 233, 208).
    # The $3 bag would make a worse bundle, so it stays at full price.
    got = benefit(THREE_FOR_20, line("a", 1000, 1, "coffee"), line("b", 900, 1, "coffee"),
                  line("c", 800, 1, "coffee"), line("d", 300, 1, "coffee"))
    assert got.line_discounts == (259, 233, 208, 0)


def test_bundle_repeats_and_mixes_lines():
    # Units 1000 x4, 800 x2: bundle one is three 1000s (saving 1000), bundle two is
    # 1000 + 800 + 800 = 2600 (saving 600, split 230.77 / 369.23 -> 231 / 369).
    got = benefit(THREE_FOR_20, line("a", 1000, 4, "coffee"), line("b", 800, 2, "coffee"))
    assert got.line_discounts == (1231, 369)


def test_bundle_without_repeat_applies_once():
    got = benefit(BundlePrice(3, 2000, category("coffee"), repeat=False),
                  line("a", 1000, 6, "coffee"))
    assert got.line_discounts == (1000,)


def test_bundle_on_units_reduced_by_an_earlier_offer():
    # 2900 left over 3 units: 967, 967, 966 -> 2900 - 2000.
    got = benefit(THREE_FOR_20, line("a", 1000, 3, "coffee"), totals=(2900,))
    assert got.line_discounts == (900,)


def test_bundle_never_raises_a_price():
    got = benefit(THREE_FOR_20, line("a", 600, 3, "coffee"))
    assert got.total == 0 and got.reason_if_zero is Reason.NO_DISCOUNT


def test_free_bundle_stops_at_zero():
    got = benefit(BundlePrice(2, 0), line("a", 450, 1), line("b", 10, 1), totals=(450, 0))
    assert got.line_discounts == (450, 0)


def test_too_few_units_gives_a_hint():
    evaluation = apply([promo("bundle", THREE_FOR_20)], line("a", 1000, 2, "coffee"))
    offer = by_id(evaluation)["bundle"]
    assert offer.status is Status.NOT_APPLICABLE
    assert offer.reason is Reason.MINIMUM_NOT_MET
    assert offer.hint.missing_quantity == 1
    assert offer.hint.message == "Add 1 more item to get 3 for $20 on Coffee"


def test_order_changes_the_result():
    cart = (line("a", 1000, 3, "coffee"),)
    bundle_first = apply([promo("bundle", THREE_FOR_20, priority=1),
                          promo("pct", PercentOffOrder(Decimal(10)))], *cart)
    pct_first = apply([promo("bundle", THREE_FOR_20),
                       promo("pct", PercentOffOrder(Decimal(10)), priority=1)], *cart)
    assert bundle_first.discount == 1000 + 200
    assert pct_first.discount == 300 + 700
