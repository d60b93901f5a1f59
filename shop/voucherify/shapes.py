"""promoshop's campaigns and codes as Voucherify's vouchers, campaigns and discounts.

Effects map onto Voucherify's discount types where one fits (docs/voucherify.md, "Effects");
the others (cheapest items, buy X get Y, volume, bundle price, spend tiers) are reported as
``AMOUNT`` with the amount the engine computed and ``is_dynamic: true``.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from promo.core.campaign import Campaign, Kind
from promo.core.effects.amount_off_each_line import AmountOffEachLine
from promo.core.effects.amount_off_each_unit import AmountOffEachUnit
from promo.core.effects.amount_off_order import AmountOffOrder
from promo.core.effects.amount_split import AmountSplit
from promo.core.effects.free_gift import FreeGift
from promo.core.effects.percent_off_items import PercentOffItems
from promo.core.effects.percent_off_order import PercentOffOrder
from promo.core.effects.shipping import ShippingDiscount
from promo.core.effects.tiers import Tiers
from promo.core.effects.unit_price import UnitPrice
from promo.core.records import CampaignInfo, CampaignStatus, CodeInfo, CodeStatus
from shop.voucherify import ids
from shop.voucherify.orders import SHIPPING_ID

CAMPAIGN_TYPES = {
    Kind.COUPON: ("DISCOUNT_COUPONS", "STANDALONE"), Kind.BULK: ("DISCOUNT_COUPONS", "STATIC"),
    Kind.PROMOTION: ("PROMOTION", "STATIC"), Kind.GIFT_CARD: ("GIFT_VOUCHERS", "STATIC"),
    Kind.LOYALTY: ("LOYALTY_PROGRAM", "STATIC"), Kind.REFERRAL: ("REFERRAL_PROGRAM", "STATIC"),
}
VOUCHER_TYPES = {Kind.GIFT_CARD: "GIFT_VOUCHER", Kind.LOYALTY: "LOYALTY_CARD"}


def number(value: Decimal | int) -> int | float:
    """A percent as JSON: 10, not 10.0; 12.5 stays 12.5."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _static(value: Any) -> int | float | None:
    return number(value) if isinstance(value, (int, Decimal)) else None


def discount_json(campaign: Campaign, computed: int | None = None) -> dict[str, Any] | None:
    """The Voucherify discount for `campaign`'s effect; `computed`: what it granted here."""
    effect = campaign.effect
    if effect is None:
        return None
    if isinstance(effect, PercentOffOrder):
        out = {"type": "PERCENT", "percent_off": _static(effect.percent), "effect": "APPLY_TO_ORDER"}
        if effect.cap is not None:
            out["amount_limit"] = effect.cap
        return _dynamic(out, effect.percent, "percent_off", computed)
    if isinstance(effect, PercentOffItems):
        out = {"type": "PERCENT", "percent_off": _static(effect.percent), "effect": "APPLY_TO_ITEMS"}
        if effect.cap is not None:
            out["amount_limit"] = effect.cap
        return _dynamic(out, effect.percent, "percent_off", computed)
    amount_effects = {AmountOffOrder: "APPLY_TO_ORDER", AmountOffEachLine: "APPLY_TO_ITEMS",
                      AmountOffEachUnit: "APPLY_TO_ITEMS_BY_QUANTITY", AmountSplit: "APPLY_TO_ITEMS_PROPORTIONALLY"}
    if type(effect) in amount_effects:
        out = {"type": "AMOUNT", "amount_off": _static(effect.amount), "effect": amount_effects[type(effect)]}
        return _dynamic(out, effect.amount, "amount_off", computed)
    if isinstance(effect, UnitPrice) and isinstance(effect.price, int):
        return {"type": "FIXED", "fixed_amount": effect.price, "effect": "APPLY_TO_ITEMS"}
    if isinstance(effect, FreeGift):
        return {"type": "UNIT", "unit_off": effect.quantity, "unit_type": effect.gift.sku, "effect": "ADD_MISSING_ITEMS"}
    if isinstance(effect, ShippingDiscount) and effect.amount is None and effect.percent == 100:
        return {"type": "UNIT", "unit_off": 1, "unit_type": SHIPPING_ID, "effect": "ADD_MISSING_ITEMS"}
    target = "APPLY_TO_ORDER" if isinstance(effect, Tiers) else "APPLY_TO_ITEMS"
    return {"type": "AMOUNT", "amount_off": computed if computed is not None else 0, "effect": target, "is_dynamic": True}


def _dynamic(out: dict[str, Any], value: Any, field: str, computed: int | None) -> dict[str, Any]:
    if out[field] is not None:
        return out
    # A formula: its amount depends on the shopper and the cart.
    out["is_dynamic"] = True
    out[f"{field}_formula"] = value.expression
    if field == "amount_off":
        out["amount_off"] = computed if computed is not None else int(value.fallback)
    else:
        out["percent_off"] = number(value.fallback)
    return out


def code_config(campaign: Campaign) -> dict[str, Any]:
    pattern = campaign.code_pattern
    if pattern is None:
        return {"pattern": campaign.code or "", "length": len(campaign.code or "")}
    return {"pattern": pattern.pattern, "length": pattern.pattern.count("#"), "charset": pattern.charset,
            "prefix": pattern.prefix, "postfix": pattern.postfix}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def voucher_json(code: CodeInfo, campaign: Campaign, info: CampaignInfo) -> dict[str, Any]:
    kind = campaign.kind
    active = code.status is CodeStatus.ACTIVE and info.status is CampaignStatus.ACTIVE
    voucher: dict[str, Any] = {
        "id": ids.voucher_id(code.code), "object": "voucher", "code": code.code,
        "campaign": campaign.name, "campaign_id": campaign.id, "category": None,
        "type": VOUCHER_TYPES.get(kind, "DISCOUNT_VOUCHER"),
        "active": active, "is_referral_code": kind is Kind.REFERRAL,
        "start_date": _iso(campaign.starts_at), "expiration_date": _iso(code.expires_at or campaign.ends_at),
        "holder_id": ids.customer_id(code.holder_id) if code.holder_id else None,
        "publish": {"object": "list", "count": 1 if code.holder_id else 0},
        "redemption": {"object": "list", "quantity": campaign.limits.per_code, "redeemed_quantity": code.redeemed_count},
        "created_at": _iso(code.created_at), "metadata": {},
    }
    if kind is Kind.GIFT_CARD:
        balance = code.gift_balance or 0
        voucher["gift"] = {"amount": (campaign.options.get("gift_card") or {}).get("balance") or balance,
                           "balance": balance, "effect": "APPLY_TO_ORDER"}
    elif kind is not Kind.LOYALTY:
        voucher["discount"] = discount_json(campaign)
    return voucher


def campaign_json(info: CampaignInfo, campaign: Campaign, vouchers_count: int) -> dict[str, Any]:
    campaign_type, kind_type = CAMPAIGN_TYPES[campaign.kind]
    out: dict[str, Any] = {
        "id": info.id, "object": "campaign", "name": info.name, "description": campaign.description or None,
        "campaign_type": campaign_type, "type": kind_type,
        "active": info.status is CampaignStatus.ACTIVE, "status": "DONE" if vouchers_count else "DRAFT",
        "creation_status": "DONE", "vouchers_generation_status": "DONE",
        "vouchers_count": vouchers_count, "start_date": _iso(campaign.starts_at),
        "expiration_date": _iso(campaign.ends_at), "created_at": _iso(info.created_at),
        "updated_at": _iso(info.updated_at), "metadata": {}, "join_once": False, "auto_join": False,
        "use_voucher_metadata_schema": False, "protected": False, "category_id": None,
        "is_referral_code": campaign.kind is Kind.REFERRAL,
    }
    if campaign.kind is Kind.PROMOTION:
        out["promotion"] = {"object": "list", "data_ref": "tiers", "has_more": False, "total": 1,
                            "tiers": [tier_json(campaign)]}
        return out
    voucher: dict[str, Any] = {"type": VOUCHER_TYPES.get(campaign.kind, "DISCOUNT_VOUCHER"),
                               "code_config": code_config(campaign),
                               "redemption": {"quantity": campaign.limits.per_code}, "is_referral_code": False}
    if campaign.kind is Kind.GIFT_CARD:
        balance = (campaign.options.get("gift_card") or {}).get("balance") or 0
        voucher["gift"] = {"amount": balance, "balance": balance, "effect": "APPLY_TO_ORDER"}
    elif campaign.kind is not Kind.LOYALTY:
        voucher["discount"] = discount_json(campaign)
    out["voucher"] = voucher
    return out


def tier_json(campaign: Campaign) -> dict[str, Any]:
    return {"id": ids.tier_id(campaign.id), "object": "promotion_tier", "name": campaign.name,
            "banner": campaign.description or campaign.name, "campaign_id": campaign.id,
            "action": {"discount": discount_json(campaign)}, "active": True,
            "start_date": _iso(campaign.starts_at), "expiration_date": _iso(campaign.ends_at)}
