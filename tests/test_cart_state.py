"""The session cart refuses bad input with a message and never lets a cookie set a price."""

import pytest

from promo.core.records import Product
from shop.storefront.model import cart_state
from shop.storefront.model.cart_state import CartInputError, SessionCart

CATALOGUE = {
    "BAG": Product("BAG", "Ethiopia", 1950, ("arabica",), ("coffee-bags",), cost=1500),
    "MUG": Product("MUG", "Mug", 1600, ("merch",)),
}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Enter a quantity."),
        ("abc", "Quantity must be a whole number."),
        ("1.5", "Quantity must be a whole number."),
        ("-1", "Quantity must be at least 1."),
        ("0", "Quantity must be at least 1."),
        ("100", "You can order at most 99 of one item."),
        ("99999999999999999999", "You can order at most 99 of one item."),
        ("١٢", "Quantity must be a whole number."),  # non-ASCII digits
    ],
)
def test_bad_quantities_get_a_message(raw, message):
    with pytest.raises(CartInputError, match=message):
        cart_state.parse_quantity(raw)


def test_zero_quantity_is_allowed_where_it_means_remove():
    assert cart_state.parse_quantity(" 0 ", allow_zero=True) == 0
    assert cart_state.parse_quantity("12") == 12


def test_adding_past_the_line_maximum_is_refused_not_capped():
    cart = cart_state.with_added(SessionCart(), "BAG", 98)
    with pytest.raises(CartInputError, match="already has 98"):
        cart_state.with_added(cart, "BAG", 2)
    assert cart.items == {"BAG": 98}


def test_setting_zero_removes_the_line_and_count_follows():
    cart = cart_state.with_added(cart_state.with_added(SessionCart(), "BAG", 2), "MUG", 1)
    assert cart.count == 3
    cart = cart_state.with_quantity(cart, "BAG", 0)
    assert cart.items == {"MUG": 1}
    assert cart.count == 1


def test_codes_are_normalised_and_not_entered_twice():
    cart = cart_state.with_code(SessionCart(), "  happy10 ")
    assert cart.codes == ("HAPPY10",)
    with pytest.raises(CartInputError, match="HAPPY10 is already in your cart"):
        cart_state.with_code(cart, "Happy10")
    assert cart_state.without_code(cart, "happy10").codes == ()
    with pytest.raises(CartInputError, match="Enter a code"):
        cart_state.with_code(cart, "   ")


def test_session_round_trip_keeps_line_order():
    session: dict = {}
    cart = cart_state.with_added(cart_state.with_added(SessionCart(), "MUG", 1), "BAG", 3)
    cart_state.save(session, cart_state.with_code(cart, "blckfrdy"))
    loaded = cart_state.load(session)
    assert list(loaded.items.items()) == [("MUG", 1), ("BAG", 3)]
    assert loaded.codes == ("BLCKFRDY",)


@pytest.mark.parametrize(
    "stored",
    [
        "not a dict",
        {"items": "BAG"},
        {"items": [["BAG", -3], ["MUG", "2"], ["X" * 500, 1], ["BAG", True], [1, 2]]},
        {"items": [["BAG", 1000]], "codes": [7, None, "x" * 500]},
    ],
)
def test_malformed_session_data_reads_as_an_empty_cart(stored):
    cart = cart_state.load({"cart": stored})
    assert cart.items == {}
    assert cart.codes == ()


def test_build_cart_prices_from_the_catalogue_and_reports_missing_skus():
    session_cart = SessionCart(items={"BAG": 2, "GONE": 1, "MUG": 1})
    cart, missing = cart_state.build_cart(session_cart, CATALOGUE, currency="USD", shipping=599)
    assert [(line.sku, line.unit_price, line.quantity) for line in cart.lines] == [("BAG", 1950, 2), ("MUG", 1600, 1)]
    assert cart.lines[0].categories == frozenset({"arabica"})
    assert cart.lines[0].collections == frozenset({"coffee-bags"})
    assert [line.cost for line in cart.lines] == [1500, None]      # the margin floor's input
    assert cart.subtotal == 5500
    assert cart.shipping == 599
    assert missing == ("GONE",)


def test_an_empty_cart_has_no_shipping():
    cart, _ = cart_state.build_cart(SessionCart(), CATALOGUE, currency="USD", shipping=599)
    assert cart.shipping == 0
