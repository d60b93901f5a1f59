"""promoshop's campaigns and codes as Voucherify's vouchers, campaigns and discounts.

Effects map onto Voucherify's discount types where one fits (docs/voucherify.md, "Effects"),
read from the headline each effect type declares (promo.core.effects.effect_type.Headline),
never from its class; the others (cheapest items, buy X get Y, volume, bundle price, spend
tiers, or a type added later) are reported as ``AMOUNT`` with the amount the engine computed and
``is_dynamic: true``, off the order when the type says it gives an order discount (`on_order`).
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from promo.core.campaign import Campaign, Kind
from promo.core.effects import effect_type
from promo.core.effects.effect_type import (
    AMOUNT_OFF,
    EACH_LINE,
    EACH_UNIT,
    FIXED_PRICE,
    FREE_ITEMS,
    ITEMS,
    ORDER,
    PERCENT_OFF,
    SHIPPING,
    SPLIT,
    Headline,
)
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


# Voucherify's `effect` for a percent or an amount taken off this scope.
PERCENT_TARGETS = {ORDER: "APPLY_TO_ORDER", ITEMS: "APPLY_TO_ITEMS"}
AMOUNT_TARGETS = {ORDER: "APPLY_TO_ORDER", EACH_LINE: "APPLY_TO_ITEMS", EACH_UNIT: "APPLY_TO_ITEMS_BY_QUANTITY",
                  SPLIT: "APPLY_TO_ITEMS_PROPORTIONALLY"}


def discount_json(campaign: Campaign, computed: int | None = None) -> dict[str, Any] | None:
    """The Voucherify discount for `campaign`'s effect; `computed`: what it granted here."""
    effect = campaign.effect
    if effect is None:
        return None
    kind = effect_type(effect)
    headline = kind.headline(effect)
    stated = _stated(headline, computed) if headline is not None else None
    if stated is not None:
        return stated
    target = "APPLY_TO_ORDER" if kind.on_order else "APPLY_TO_ITEMS"
    return {"type": "AMOUNT", "amount_off": computed if computed is not None else 0, "effect": target, "is_dynamic": True}


def _stated(headline: Headline, computed: int | None) -> dict[str, Any] | None:
    """The Voucherify discount that states this headline, or None when none of its types does."""
    if headline.kind == PERCENT_OFF and headline.scope in PERCENT_TARGETS:
        out = {"type": "PERCENT", "percent_off": _static(headline.value), "effect": PERCENT_TARGETS[headline.scope]}
        if headline.cap is not None:
            out["amount_limit"] = headline.cap
        return _dynamic(out, headline.value, "percent_off", computed)
    if headline.kind == AMOUNT_OFF and headline.scope in AMOUNT_TARGETS:
        out = {"type": "AMOUNT", "amount_off": _static(headline.value), "effect": AMOUNT_TARGETS[headline.scope]}
        return _dynamic(out, headline.value, "amount_off", computed)
    if headline.kind == FIXED_PRICE and isinstance(headline.value, int):
        return {"type": "FIXED", "fixed_amount": headline.value, "effect": "APPLY_TO_ITEMS"}
    if headline.kind == FREE_ITEMS:
        return {"type": "UNIT", "unit_off": headline.value, "unit_type": headline.sku, "effect": "ADD_MISSING_ITEMS"}
    if headline.kind == PERCENT_OFF and headline.scope == SHIPPING and headline.value == 100:
        return {"type": "UNIT", "unit_off": 1, "unit_type": SHIPPING_ID, "effect": "ADD_MISSING_ITEMS"}
    return None


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
