"""Qualifications: the offers that apply to this customer's order, best deal first.

The engine's qualify() reads budgets and per-customer limits live, so an offer whose budget ran
out a second ago is not listed (Voucherify caches qualifications for 5 minutes and ignores both).
Only offers that apply are listed; near misses stay in /api/v1's qualifications.
"""
from __future__ import annotations

from typing import Any

from promo.core.records import Offer, OfferStatus
from shop.api.framework.schema import Field, FreeObject, Int, Str
from shop.voucherify import ids
from shop.voucherify.customers import CustomerFields, resolve
from shop.voucherify.orders import OrderBody, Priced, order_json, to_cart
from shop.voucherify.routing import body, lenient, operation
from shop.voucherify.shapes import discount_json
from shop.voucherify.stacking import stacking_rules
from shop.web.extensions import promo_engine

MAX_LIMIT = 50
SCENARIOS = ("ALL", "CUSTOMER_WALLET", "AUDIENCE_ONLY", "PRODUCTS", "PRODUCTS_DISCOUNT", "PROMOTION_STACKS",
             "PRODUCTS_BY_CUSTOMER", "PRODUCTS_DISCOUNT_BY_CUSTOMER")
Options = lenient({
    "limit": Field(Int(minimum=1, maximum=MAX_LIMIT)),
    "starting_after": Field(Str(max_length=64)),
    "sorting_rule": Field(Str(enum=("BEST_DEAL", "LEAST_DEAL", "DEFAULT"))),
    "filters": Field(FreeObject()), "expand": Field(FreeObject()),
}, name="VoucherifyQualificationOptions")
QualifyBody = lenient({
    "customer": Field(lenient(CustomerFields, name="VoucherifyQualificationCustomer")),
    "order": Field(OrderBody),
    "scenario": Field(Str(enum=SCENARIOS)),
    "options": Field(Options),
    "tracking_id": Field(Str(max_length=64)), "metadata": Field(FreeObject()),
}, name="VoucherifyQualificationRequest")


@operation("/qualifications", "POST", scope="read", rate_limited=True)
def check_eligibility() -> dict[str, Any]:
    request_body = body(QualifyBody)
    order = request_body.get("order") or {}
    options = request_body.get("options") or {}
    cart = to_cart(order)
    engine = promo_engine()
    offers = [o for o in engine.qualify(resolve(request_body.get("customer"), create=False), cart,
                                        engine.context(page="cart")) if o.status is OfferStatus.ELIGIBLE]
    scenario = request_body.get("scenario", "ALL")
    if scenario == "CUSTOMER_WALLET":
        offers = [o for o in offers if o.source.value == "wallet"]
    rule = options.get("sorting_rule", "BEST_DEAL")
    if rule == "LEAST_DEAL":
        offers.reverse()
    limit = options.get("limit", 5)
    campaigns = engine.load_campaigns({o.campaign_id for o in offers})
    listed = [_item(o, cart, campaigns, order.get("source_id")) for o in offers[:limit]]
    redeemables: dict[str, Any] = {"object": "list", "data_ref": "data", "data": listed, "total": len(listed),
                                   "has_more": len(offers) > limit}
    if len(offers) > limit:
        redeemables["more_starting_after"] = listed[-1]["created_at"]
    all_lines = list(cart.lines)
    return {"redeemables": redeemables, "order": order_json(Priced(all_lines, [], cart.shipping), campaigns,
                                                            source_id=order.get("source_id")),
            "stacking_rules": stacking_rules(), "tracking_id": request_body.get("tracking_id")}


def _item(offer: Offer, cart, campaigns, source_id: str | None) -> dict[str, Any]:
    campaign = campaigns[offer.campaign_id]
    info = promo_engine().get_campaign(offer.campaign_id)
    lines = list(cart.lines) + list(offer.result.added_lines)
    priced = Priced(lines, [offer.result], cart.shipping)
    is_voucher = offer.code is not None
    return {
        "id": offer.code if is_voucher else ids.tier_id(offer.campaign_id),
        "object": "voucher" if is_voucher else "promotion_tier",
        "created_at": info.created_at.isoformat(),
        "result": {"discount": discount_json(campaign, offer.discount)},
        "order": order_json(priced, campaigns, source_id=source_id, focus=[offer.result]),
        "applicable_to": {"object": "list", "data": [], "total": 0, "data_ref": "data"},
        "inapplicable_to": {"object": "list", "data": [], "total": 0, "data_ref": "data"},
        "metadata": {}, "categories": [], "name": campaign.name, "banner": campaign.description or campaign.name,
        "campaign_name": campaign.name, "campaign_id": campaign.id,
        "validation_rule_id": None,
    }
