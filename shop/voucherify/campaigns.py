"""Campaigns: create, get (by id or name), list, and add generated vouchers.

A Voucherify campaign becomes a promoshop campaign definition (docs/campaigns.md); its id is a
slug of its name. ``DISCOUNT_COUPONS`` and ``REFERRAL_PROGRAM`` with a discount on the whole
order, and ``GIFT_VOUCHERS``, can be created; codes come from ``voucher.code_config``
(``pattern``, or ``length``, ``charset``, ``prefix`` and ``postfix``). Codes are matched
ignoring case, so a charset's letters are upper-cased.
"""
from __future__ import annotations

import re
from typing import Any

from promo.core.campaign import Kind
from promo.core.errors import NotFound
from promo.core.records import CampaignInfo, CodeInfo
from shop.api.framework.auth import actor
from shop.api.framework.schema import DateTimeValue, Field, FreeObject, Int, Str
from shop.voucherify.errors import VoucherifyError, invalid_payload, not_found
from shop.voucherify.routing import body, lenient, operation, query
from shop.voucherify.shapes import campaign_json, voucher_json
from shop.web.extensions import promo_engine

MAX_VOUCHERS_AT_ONCE = 10_000
DEFAULT_LENGTH = 8
CodeConfig = lenient({
    "pattern": Field(Str(max_length=64)), "length": Field(Int(minimum=1, maximum=40)),
    "charset": Field(Str(max_length=100)), "prefix": Field(Str(max_length=20)), "postfix": Field(Str(max_length=20)),
}, name="VoucherifyCodeConfig")
Discount = lenient({
    "type": Field(Str(enum=("AMOUNT", "PERCENT", "FIXED", "UNIT")), required=True),
    "amount_off": Field(Int(minimum=1, maximum=10**12)),
    "percent_off": Field(Int(minimum=1, maximum=100)),
    "amount_limit": Field(Int(minimum=1, maximum=10**12)),
    "effect": Field(Str(max_length=64)),
}, name="VoucherifyDiscount")
VoucherTemplate = lenient({
    "type": Field(Str(enum=("DISCOUNT_VOUCHER", "GIFT_VOUCHER", "LOYALTY_CARD"))),
    "discount": Field(Discount),
    "gift": Field(lenient({"amount": Field(Int(minimum=1, maximum=10**12), required=True)})),
    "code_config": Field(CodeConfig),
    "redemption": Field(lenient({"quantity": Field(Int(minimum=1, maximum=10**9))})),
}, name="VoucherifyVoucherTemplate")
CampaignBody = lenient({
    "name": Field(Str(max_length=200), required=True),
    "description": Field(Str(max_length=1000, allow_newlines=True)),
    "campaign_type": Field(Str(enum=("DISCOUNT_COUPONS", "PROMOTION", "GIFT_VOUCHERS", "REFERRAL_PROGRAM",
                                     "LOYALTY_PROGRAM", "LUCKY_DRAW")), required=True),
    "type": Field(Str(enum=("AUTO_UPDATE", "STATIC", "STANDALONE"))),
    "vouchers_count": Field(Int(minimum=0, maximum=MAX_VOUCHERS_AT_ONCE)),
    "voucher": Field(VoucherTemplate),
    "start_date": Field(DateTimeValue()), "expiration_date": Field(DateTimeValue()),
    "metadata": Field(FreeObject()),
}, name="VoucherifyCampaign")
ListQuery = lenient({"limit": Field(Int(minimum=1, maximum=100)), "page": Field(Int(minimum=1, maximum=99))})
AddQuery = lenient({"vouchers_count": Field(Int(minimum=1, maximum=MAX_VOUCHERS_AT_ONCE))})
AddBody = lenient({"code_config": Field(CodeConfig), "metadata": Field(FreeObject())}, name="VoucherifyAddVouchers")


def find_campaign(given: str) -> CampaignInfo:
    """A campaign by its id or its name (Voucherify accepts both)."""
    engine = promo_engine()
    try:
        return engine.get_campaign(given)
    except NotFound:
        pass
    named = next((info for info in engine.list_campaigns() if info.name == given), None)
    if named is None:
        raise not_found("campaign", given)
    return named


def vouchers_count(campaign_id: str) -> int:
    page = promo_engine().list_codes(campaign_id, limit=1)
    return page.total or 0


def all_codes(campaign_id: str) -> list[CodeInfo]:
    """Every code of the campaign, page by page (the engine pages by code, not by age)."""
    codes: list[CodeInfo] = []
    after = None
    while True:
        page = promo_engine().list_codes(campaign_id, limit=1000, after=after, count_total=False)
        codes.extend(page.codes)
        if page.next_after is None:
            return codes
        after = page.next_after


def _json(info: CampaignInfo) -> dict[str, Any]:
    return campaign_json(info, promo_engine().campaign_of(info), vouchers_count(info.id))


def slug_of(name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:56] or "campaign"
    if not base[0].isalnum():
        base = "c" + base
    taken = {info.id for info in promo_engine().list_campaigns()}
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _codes(config: dict[str, Any] | None) -> dict[str, Any]:
    config = config or {}
    pattern = config.get("pattern") or "#" * config.get("length", DEFAULT_LENGTH)
    codes: dict[str, Any] = {"pattern": pattern}
    if "charset" in config:
        charset = "".join(dict.fromkeys(config["charset"].upper()))   # upper-cased, repeats dropped
        codes["charset"] = charset
    for key in ("prefix", "postfix"):
        if config.get(key):
            codes[key] = config[key].upper()
    return codes


def effect_of(discount: dict[str, Any] | None) -> dict[str, Any]:
    if discount is None:
        raise invalid_payload("voucher.discount is required for a discount campaign")
    effect = discount.get("effect", "APPLY_TO_ORDER")
    if effect != "APPLY_TO_ORDER":
        raise VoucherifyError(400, "not_supported", f"discount effect {effect} is not supported here: create item "
                              "discounts in the console or /api/v1 (docs/campaigns.md)")
    if discount["type"] == "AMOUNT" and "amount_off" in discount:
        return {"type": "amount_off_order", "amount": discount["amount_off"]}
    if discount["type"] == "PERCENT" and "percent_off" in discount:
        effect_def: dict[str, Any] = {"type": "percent_off_order", "percent": discount["percent_off"]}
        if "amount_limit" in discount:
            effect_def["cap"] = discount["amount_limit"]
        return effect_def
    raise VoucherifyError(400, "not_supported", f"a {discount['type']} discount needs "
                          f"{'amount_off' if discount['type'] == 'AMOUNT' else 'percent_off'}; FIXED and UNIT "
                          "discounts are not supported here")


def definition_of(fields: dict[str, Any]) -> dict[str, Any]:
    voucher = fields.get("voucher") or {}
    campaign_type = fields["campaign_type"]
    definition: dict[str, Any] = {"id": slug_of(fields["name"]), "name": fields["name"],
                                  "codes": _codes(voucher.get("code_config"))}
    if fields.get("description"):
        definition["description"] = fields["description"]
    if campaign_type == "DISCOUNT_COUPONS":
        definition.update(kind=Kind.BULK.value, effect=effect_of(voucher.get("discount")),
                          visibility={"listed": False})
    elif campaign_type == "GIFT_VOUCHERS":
        gift = voucher.get("gift")
        if gift is None:
            raise invalid_payload("voucher.gift.amount is required for a GIFT_VOUCHERS campaign")
        definition.update(kind=Kind.GIFT_CARD.value, gift_card={"balance": gift["amount"]})
    else:
        raise VoucherifyError(400, "not_supported", f"campaign_type {campaign_type} cannot be created through this "
                              "API; create it in the console or with a scenario pack (docs/campaigns.md)")
    if voucher.get("redemption", {}).get("quantity"):
        definition["limits"] = {"per_code": voucher["redemption"]["quantity"]}
    active = {}
    if fields.get("start_date"):
        active["from"] = fields["start_date"].isoformat()
    if fields.get("expiration_date"):
        active["until"] = fields["expiration_date"].isoformat()
    if active:
        definition["active"] = active
    return definition


@operation("/campaigns", "POST", scope="write")
def create_campaign() -> dict[str, Any]:
    fields = body(CampaignBody)
    engine = promo_engine()
    if any(info.name == fields["name"] for info in engine.list_campaigns()):
        raise VoucherifyError(400, "duplicate_found", f"a campaign named {fields['name']!r} already exists",
                              resource_type="campaign")
    info = engine.create_campaign(definition_of(fields), actor=actor())
    if fields.get("vouchers_count"):
        engine.generate_codes(info.id, fields["vouchers_count"], actor=actor())
    return _json(engine.get_campaign(info.id))


@operation("/campaigns/<campaign_id>", "GET", scope="read")
def get_campaign(campaign_id: str) -> dict[str, Any]:
    return _json(find_campaign(campaign_id))


@operation("/campaigns", "GET", scope="read")
def list_campaigns() -> dict[str, Any]:
    args = query(ListQuery)
    limit, page = args.get("limit", 10), args.get("page", 1)
    every = promo_engine().list_campaigns()
    shown = every[(page - 1) * limit: page * limit]
    return {"object": "list", "data_ref": "campaigns", "campaigns": [_json(info) for info in shown],
            "total": len(every)}


@operation("/campaigns/<campaign_id>/vouchers", "POST", scope="write")
def add_vouchers(campaign_id: str) -> dict[str, Any]:
    count = query(AddQuery).get("vouchers_count", 1)
    overrides = body(AddBody)
    if overrides.get("code_config"):
        raise VoucherifyError(400, "not_supported", "a campaign's codes follow its own code_config; overriding it "
                              "per batch is not supported")
    info = find_campaign(campaign_id)
    engine = promo_engine()
    before = {code.code for code in all_codes(info.id)} if count == 1 else set()
    engine.generate_codes(info.id, count, actor=actor())
    if count == 1:
        made = [code for code in all_codes(info.id) if code.code not in before]
        if made:
            return voucher_json(made[0], engine.campaign_of(info), info)
    # Voucherify answers a batch with an async action; promoshop makes the codes at once.
    return {"async_action_id": f"aa_{info.id}_{count}", "vouchers_count": count}
