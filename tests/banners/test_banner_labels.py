"""A banner's discount box for every kind of offer: a number, or a few words that fit."""
from __future__ import annotations

from decimal import Decimal

import pytest

from promo.banners import MAX_DISCOUNT, InvalidField, banner_discount, can_draw, offer_label
from promo.core import campaign as c
from promo.core.domain import CartLine
from promo.core.effects import EFFECT_TYPES
from promo.core.effects.amount_off_each_line import AmountOffEachLine
from promo.core.effects.amount_off_each_unit import AmountOffEachUnit
from promo.core.effects.amount_off_order import AmountOffOrder
from promo.core.effects.amount_split import AmountSplit
from promo.core.effects.bundle_price import BundlePrice
from promo.core.effects.buy_x_get_y import BuyXGetY
from promo.core.effects.cheapest_items import CheapestItems
from promo.core.effects.free_gift import FreeGift
from promo.core.effects.percent_off_items import PercentOffItems
from promo.core.effects.percent_off_order import PercentOffOrder
from promo.core.effects.shipping import ShippingDiscount
from promo.core.effects.tiers import Tier, Tiers
from promo.core.effects.unit_price import UnitPrice
from promo.core.effects.volume import Volume
from promo.format.definition import BANNER_LABEL_LENGTH, DefinitionError, load_yaml, parse_campaign


def campaign(effect: str | None = None, **fields) -> c.Campaign:
    definition = {"id": "offer", "name": "Offer", "kind": "promotion", **fields}
    if effect is not None:
        definition["effect"] = load_yaml(effect)
    return parse_campaign(definition)


def label(effect: str, currency: str = "USD", locale: str = "en_US") -> str:
    return offer_label(campaign(effect).effect, currency, locale).replace("\xa0", " ")


@pytest.mark.parametrize("effect, expected", [
    ("{type: amount_off_order, amount: 1000}", "$10 OFF"),
    ("{type: percent_off_order, percent: 20, cap: 5000}", "20% OFF, UP TO $50"),
    ("{type: percent_off_items, percent: 12.5}", "12.5% OFF"),
    ("{type: amount_off_each_unit, amount: 150}", "$1.50 OFF"),
    ("{type: unit_price, price: 999}", "NOW $9.99 EACH"),
    ("{type: bundle_price, quantity: 3, price: 5000}", "3 FOR $50"),
    ("{type: cheapest_items, percent: 100, every: 3}", "BUY 3, CHEAPEST FREE"),
    ("{type: cheapest_items, percent: 50, every: 5, count: 2}", "BUY 5, 2 CHEAPEST 50% OFF"),
    ("{type: cheapest_items, percent: 100}", "CHEAPEST ITEM FREE"),
    ("{type: cheapest_items, percent: 50, count: 2, pick: most_expensive}", "2 MOST EXPENSIVE ITEMS 50% OFF"),
    ("{type: buy_x_get_y, buy: {quantity: 2}, get: {quantity: 1}}", "BUY 2, GET 1 FREE"),
    ("{type: buy_x_get_y, buy: {quantity: 1, items: {skus: [DRIP]}}, get: {quantity: 1, items: {skus: [FILT]}},"
     " percent: 50}", "BUY 1, GET 1 50% OFF"),
    ("{type: volume, buy: 2, free: 1}", "3 FOR 2"),
    ("{type: volume, buy: 10, free: 1}", "BUY 10, GET 1 FREE"),
    ("{type: tiers, tiers: [{min_subtotal: 10000, percent: 10}, {min_subtotal: 20000, percent: 15}]}",
     "UP TO 15% OFF"),
    ("{type: tiers, tiers: [{min_subtotal: 5000, amount: 500}, {min_subtotal: 10000, amount: 1500}]}",
     "UP TO $15 OFF"),
    ("{type: tiers, tiers: [{min_subtotal: 5000, percent: 10}]}", "10% OFF"),
    ("{type: free_gift, gift: {sku: MERCH-TOTE, name: Canvas Tote, price: 1800}}", "FREE CANVAS TOTE"),
    ("{type: free_gift, gift: {sku: MERCH-MUG, name: Mug, price: 1600}, quantity: 2}", "FREE MUG \u00d72"),
    ("{type: shipping}", "FREE SHIPPING"),
    ("{type: shipping, percent: 50}", "50% OFF SHIPPING"),
    ("{type: shipping, amount: 500}", "$5 OFF SHIPPING"),
])
def test_each_effect_gets_a_short_headline(effect, expected):
    assert label(effect) == expected


def test_a_formula_choosing_between_amounts_reads_as_their_range():
    """ARABICA-LVRS: $10 for new customers, $5 for everyone else."""
    effect = "{type: amount_split, amount: {formula: '1000 if customer.new else 500', fallback: 500}}"
    assert label(effect) == "$5\u2013$10 OFF"


def test_a_formula_range_includes_its_fallback_and_follows_the_locale():
    effect = ("{type: percent_off_order, percent:"
              " {formula: \"20 if customer.new else (15 if 'vip' in customer.segments else 10)\", fallback: 5}}")
    assert label(effect) == "5%\u201320% OFF"
    assert label("{type: amount_off_order, amount: {formula: '30000 if customer.new else 15000', fallback: 15000}}",
                 "THB", "th_TH") == "฿150\u2013฿300 OFF"


@pytest.mark.parametrize("effect, expected", [
    ("{type: amount_off_order, amount: {formula: 'cart.subtotal // 10', fallback: 500}}", "PERSONAL DISCOUNT"),
    ("{type: tiers, tiers: [{min_subtotal: 5000, percent: {formula: 'customer.orders_count', fallback: 5}},"
     " {min_subtotal: 9000, percent: {formula: 'customer.orders_count * 2', fallback: 5}}]}", "SPEND MORE, SAVE MORE"),
    ("{type: shipping, amount: {formula: 'cart.items_count * 100', fallback: 100}}", "SHIPPING DISCOUNT"),
])
def test_a_formula_that_computes_its_value_gets_words_not_a_made_up_number(effect, expected):
    assert label(effect) == expected


def test_a_gift_too_long_or_undrawable_for_the_box_is_just_a_free_gift():
    long_name = "{type: free_gift, gift: {sku: X, name: Hand-thrown stoneware pour-over set, price: 100}}"
    thai_name = "{type: free_gift, gift: {sku: X, name: แก้วกาแฟ, price: 100}}"
    assert label(long_name) == "FREE GIFT"
    assert label(thai_name) == "FREE GIFT"


def test_words_stay_english_while_amounts_follow_the_locale():
    tiers = "{type: tiers, tiers: [{min_subtotal: 5000, amount: 500}, {min_subtotal: 10000, amount: 5000}]}"
    assert label(tiers, "PLN", "pl_PL") == "UP TO 50 zł OFF"
    # One fixed number is the store's own discount label, words and all.
    assert label("{type: amount_off_order, amount: 5000}", "PLN", "pl_PL") == "\u221250 zł"


@pytest.mark.parametrize("effect_type", [kind.effect for kind in EFFECT_TYPES], ids=lambda t: t.__name__)
def test_every_effect_type_has_a_drawable_label_that_fits(effect_type):
    """A new effect without a banner label fails here, not on a shopper's deals page."""
    examples = {
        AmountOffOrder: AmountOffOrder(123_456_789),
        PercentOffOrder: PercentOffOrder(Decimal("12.75")),
        AmountOffEachLine: AmountOffEachLine(99_999),
        AmountOffEachUnit: AmountOffEachUnit(99_999),
        AmountSplit: AmountSplit(99_999),
        PercentOffItems: PercentOffItems(Decimal("99.5")),
        UnitPrice: UnitPrice(12_345_678),
        BundlePrice: BundlePrice(12, 12_345_678),
        CheapestItems: CheapestItems(Decimal("12.5"), count=12, every=99, pick="most_expensive"),
        BuyXGetY: BuyXGetY(99, 99, percent=Decimal("12.5")),
        Volume: Volume(99, 99),
        Tiers: Tiers((Tier(100, amount=5), Tier(200, amount=123_456_789))),
        FreeGift: FreeGift(CartLine(sku="GIFT", name="W" * 40, unit_price=100, quantity=1)),
        ShippingDiscount: ShippingDiscount(percent=None, amount=123_456_789),
    }
    text = offer_label(examples[effect_type], "EUR", "de_DE")
    assert 0 < len(text) <= MAX_DISCOUNT
    assert can_draw(text)


# --- a campaign's banner discount -----------------------------------------------------------


def test_one_fixed_number_goes_to_the_banner_as_a_number():
    assert banner_discount(campaign("{type: percent_off_order, percent: 20}"), "USD") == {"percent": 20}
    assert banner_discount(campaign("{type: percent_off_items, percent: 12.5}"), "USD") == {"percent": Decimal("12.5")}
    assert banner_discount(campaign("{type: amount_off_order, amount: 1000}"), "THB") == {
        "amount_minor": 1000, "currency": "THB"}


def test_other_offers_go_to_the_banner_in_words():
    assert banner_discount(campaign("{type: shipping}"), "USD") == {"offer": "FREE SHIPPING"}


def test_the_campaigns_own_banner_label_wins():
    own = campaign("{type: free_gift, gift: {sku: MERCH-TOTE, name: Canvas Tote, price: 1800}}",
                   banner={"label": "FREE TOTE WITH ANY DRIPPER"})
    assert own.banner_label == "FREE TOTE WITH ANY DRIPPER"
    assert banner_discount(own, "USD") == {"offer": "FREE TOTE WITH ANY DRIPPER"}


def test_a_campaign_without_an_offer_has_no_banner_discount():
    card = parse_campaign({"id": "card", "name": "Gift card", "kind": "gift_card", "gift_card": {"balance": 5000}})
    with pytest.raises(InvalidField, match="gift card campaign has no offer"):
        banner_discount(card, "USD")


def test_the_definitions_banner_label_limit_is_the_banners():
    assert BANNER_LABEL_LENGTH == MAX_DISCOUNT
    with pytest.raises(DefinitionError, match=f"banner.label: must be at most {MAX_DISCOUNT} characters"):
        campaign("{type: shipping}", banner={"label": "X" * (MAX_DISCOUNT + 1)})
    with pytest.raises(DefinitionError, match="banner.text: unknown key"):
        campaign("{type: shipping}", banner={"text": "FREE"})
