"""The official voucherify SDK drives a whole proof-of-concept flow against a live store, as a
solution architect's existing integration would: customer -> validate two codes on a two-item
order -> redeem -> roll back -> qualifications -> campaign with generated codes -> publish one
code to the customer -> get and list vouchers. Amounts are checked against the storefront's
priced cart for the same customer and cart."""
from __future__ import annotations

import json

import pytest

from shop.storefront.model.cart_state import SessionCart
from shop.storefront.model.priced_cart import price_cart
from shop.web.extensions import promo_engine

CUSTOMER = "ana-poc"
ITEMS = {"ARA-ETH-YIRG": 1, "ARA-KEN-NYERI": 1}     # 1950 + 2100: no automatic promotion touches it
CODES = ("HAPPY10", "ARABICA-LVRS")


def order(source_id: str | None = None):
    from voucherify import models as m

    return m.Order(source_id=source_id, items=[
        m.OrderItem(source_id=sku, related_object="product", quantity=quantity) for sku, quantity in ITEMS.items()])


def redeemables(model, codes=CODES):
    return [model(object="voucher", id=code) for code in codes]


def storefront(store, customer_id: str, codes) -> object:
    """What the cart page shows this customer for ITEMS with these codes."""
    with store.app.test_request_context("/cart"):
        engine = promo_engine()
        return price_cart(SessionCart(items=dict(ITEMS), codes=tuple(codes)), engine.get_customer(customer_id),
                          max_nudges=0)


def test_the_sdk_runs_a_whole_poc_flow(store, sdk):
    import voucherify  # here, not at the top: see tests/support/vkit.py
    from voucherify import models as m

    # Customer
    created = sdk.customers.create_customer(m.CustomersCreateRequestBody(
        source_id=CUSTOMER, name="Ana Poc", email="ana.poc@example.com",
        address=m.CustomersCreateRequestBodyAddress(city="Lisbon", country="PT"), metadata={"tier": "gold"}))
    assert (created.id, created.source_id, created.name) == ("cust_ana-poc", CUSTOMER, "Ana Poc")

    # Validate two codes on a two-item order: the amounts are the storefront's
    validation = sdk.validations.validate_stacked_discounts(m.ValidationsValidateRequestBody(
        redeemables=redeemables(m.ValidationsValidateRequestBodyRedeemablesItem), order=order("POC-1"),
        customer=m.Customer(source_id=CUSTOMER)))
    shown = storefront(store, CUSTOMER, CODES)
    assert validation.valid is True
    assert [(r.id, r.status) for r in validation.redeemables] == [("HAPPY10", "APPLICABLE"), ("ARABICA-LVRS", "APPLICABLE")]
    assert validation.order.amount == shown.subtotal == 4050
    assert validation.order.total_discount_amount == shown.discount > 0
    assert validation.order.total_amount == shown.subtotal - shown.discount
    savings = {offer.code: offer.savings for offer in shown.offers}
    for redeemable in validation.redeemables:
        assert redeemable.order.total_applied_discount_amount == savings[redeemable.id]
    assert validation.order.discount_amount + validation.order.items_discount_amount == shown.discount
    assert [item.subtotal_amount for item in validation.order.items] == [
        line.subtotal - sum(d.amount for d in line.discounts if d.offer != "Happy 10") for line in shown.lines]

    # Redeem: one parent, one child per redeemable, the same amounts
    happy_before = sdk.vouchers.get_voucher("HAPPY10").redemption.redeemed_quantity
    arabica_before = sdk.vouchers.get_voucher("ARABICA-LVRS").redemption.redeemed_quantity
    redemption = sdk.redemptions.redeem_stacked_discounts(m.RedemptionsRedeemRequestBody(
        redeemables=redeemables(m.RedemptionsRedeemRequestBodyRedeemablesItem), order=order("POC-1"),
        customer=m.Customer(source_id=CUSTOMER)))
    parent = redemption.parent_redemption
    assert len(redemption.redemptions) == 2 and parent.related_object_type == "redemption"
    assert {r.voucher.code for r in redemption.redemptions} == set(CODES)
    assert all(r.redemption == parent.id and r.status == "SUCCEEDED" for r in redemption.redemptions)
    assert redemption.order.total_discount_amount == shown.discount
    assert redemption.order.total_amount == shown.subtotal - shown.discount
    assert sdk.vouchers.get_voucher("HAPPY10").redemption.redeemed_quantity == happy_before + 1

    # Retrying the very same request replays it: nothing is redeemed twice
    again = sdk.redemptions.redeem_stacked_discounts(m.RedemptionsRedeemRequestBody(
        redeemables=redeemables(m.RedemptionsRedeemRequestBodyRedeemablesItem), order=order("POC-1"),
        customer=m.Customer(source_id=CUSTOMER)))
    assert again.parent_redemption.id == parent.id
    assert sdk.vouchers.get_voucher("HAPPY10").redemption.redeemed_quantity == happy_before + 1

    # Roll back one child, then the rest; a second rollback is refused as Voucherify does
    happy_child = next(r for r in redemption.redemptions if r.voucher.code == "HAPPY10")
    rolled = sdk.redemptions.rollback_redemption(happy_child.id, reason="customer changed their mind")
    assert (rolled.redemption, rolled.result, rolled.status) == (happy_child.id, "SUCCESS", "SUCCEEDED")
    assert sdk.vouchers.get_voucher("HAPPY10").redemption.redeemed_quantity == happy_before
    with pytest.raises(voucherify.exceptions.BadRequestException) as twice:
        sdk.redemptions.rollback_redemption(happy_child.id, reason="again")
    assert json.loads(twice.value.body)["key"] == "already_rolled_back"
    rest = sdk.redemptions.rollback_stacked_redemptions(parent.id, reason="order cancelled")
    assert [r.redemption for r in rest.rollbacks] == [r.id for r in redemption.redemptions if r.id != happy_child.id]
    assert rest.order.status == "CANCELED"
    assert sdk.vouchers.get_voucher("ARABICA-LVRS").redemption.redeemed_quantity == arabica_before
    with pytest.raises(voucherify.exceptions.BadRequestException) as whole_twice:
        sdk.redemptions.rollback_stacked_redemptions(parent.id, reason="again")
    assert json.loads(whole_twice.value.body)["key"] == "already_rolled_back"
    assert sdk.redemptions.get_redemption(parent.id).status == "ROLLED_BACK"

    # Qualifications: only what applies, best deal first, each with its own amounts
    qualified = sdk.qualifications.check_eligibility(m.QualificationsCheckEligibilityRequestBody(
        customer=m.Customer(source_id=CUSTOMER), order=order(),
        options=m.QualificationsOption(limit=10, sorting_rule="BEST_DEAL")))
    listed = qualified.redeemables.data
    discounts = [item.order.total_applied_discount_amount for item in listed]
    assert listed and discounts == sorted(discounts, reverse=True) and all(d > 0 for d in discounts)
    assert "HAPPY10" in [item.id for item in listed]
    happy = next(item for item in listed if item.id == "HAPPY10")
    assert happy.order.total_applied_discount_amount == storefront(store, CUSTOMER, ["HAPPY10"]).discount

    # A campaign with generated codes, one published to the customer
    campaign = sdk.campaigns.create_campaign(m.CampaignsCreateRequestBody(
        name="POC Welcome", campaign_type="DISCOUNT_COUPONS", type="STATIC", vouchers_count=5,
        voucher=m.CampaignsCreateRequestBodyVoucher(
            type="DISCOUNT_VOUCHER", discount=m.Discount(type="AMOUNT", amount_off=700, effect="APPLY_TO_ORDER"),
            code_config=m.CodeConfig(length=8, charset="0123456789", prefix="POC-"),
            redemption=m.CampaignsCreateRequestBodyVoucherRedemption(quantity=1))))
    assert (campaign.name, campaign.vouchers_count, campaign.voucher.code_config.prefix) == ("POC Welcome", 5, "POC-")
    assert sdk.campaigns.get_campaign("POC Welcome").id == campaign.id
    publication = sdk.publications.create_publication(publications_create_request_body=m.PublicationsCreateRequestBody(
        customer=m.Customer(source_id=CUSTOMER), campaign=m.CreatePublicationCampaign(name="POC Welcome"),
        source_id="welcome-ana"))
    code = publication.voucher.code
    assert code.startswith("POC-") and code[4:].isdigit() and len(code) == 12
    republished = sdk.publications.create_publication(publications_create_request_body=m.PublicationsCreateRequestBody(
        customer=m.Customer(source_id=CUSTOMER), campaign=m.CreatePublicationCampaign(name="POC Welcome"),
        source_id="welcome-ana"))
    assert republished.voucher.code == code

    # Get and list vouchers
    voucher = sdk.vouchers.get_voucher(code)
    assert (voucher.holder_id, voucher.campaign, voucher.discount.amount_off) == ("cust_ana-poc", "POC Welcome", 700)
    assert voucher.redemption.quantity == 1 and voucher.redemption.redeemed_quantity == 0
    in_campaign = sdk.vouchers.list_vouchers(campaign="POC Welcome", limit=100)
    assert in_campaign.total == 5 and code in [v.code for v in in_campaign.vouchers]
    held = sdk.vouchers.list_vouchers(customer=CUSTOMER)
    assert [v.code for v in held.vouchers] == [code]
