"""The flat shipping fee comes from configuration (PROMOSHOP_SHIPPING_FEE), in minor units."""
import pytest

from app import settings_from_environment
from tests.support.webkit import seeded, visible_text


def test_the_cart_charges_the_configured_fee_until_free_shipping_applies(make_app):
    client = seeded(make_app(SHIPPING_FEE=1200)).test_client()
    client.post("/cart/add", data={"sku": "MERCH-MUG", "quantity": "1"})
    assert "Shipping $12.00 Total $28.00" in visible_text(client.get("/cart").get_data(as_text=True))

    client.post("/cart/add", data={"sku": "MERCH-MUG", "quantity": "3"})     # $64.00: ships free
    assert "Shipping $12.00 Free Total $64.00" in visible_text(client.get("/cart").get_data(as_text=True))


def test_the_environment_sets_the_fee():
    assert settings_from_environment({"PROMOSHOP_SHIPPING_FEE": "15000"}, "/tmp")["SHIPPING_FEE"] == "15000"
    assert settings_from_environment({}, "/tmp")["SHIPPING_FEE"] == "595"


@pytest.mark.parametrize("fee", ["5.95", "-1", "free", ""])
def test_a_fee_that_is_not_whole_minor_units_stops_the_app_with_a_message(make_app, fee):
    with pytest.raises(ValueError, match="SHIPPING_FEE must be a whole number of minor units"):
        make_app(SHIPPING_FEE=fee)
