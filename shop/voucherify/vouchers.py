"""Vouchers: get, list (filters campaign, campaign_id, customer, code), create a standalone one,
enable and disable, and a gift card's balance top-up."""
from __future__ import annotations

from typing import Any

from promo.core.campaign import Kind
from promo.core.codes import normalise_code
from promo.core.errors import NotFound
from promo.core.records import CodeInfo
from shop.api.framework.auth import actor
from shop.api.framework.schema import Field, FreeObject, Int, Str
from shop.voucherify import ids
from shop.voucherify.campaigns import Discount, effect_of, find_campaign, slug_of
from shop.voucherify.errors import VoucherifyError, not_found
from shop.voucherify.routing import body, lenient, operation, query
from shop.voucherify.shapes import voucher_json
from shop.web.extensions import promo_engine

ListQuery = lenient({
    "limit": Field(Int(minimum=1, maximum=100)), "page": Field(Int(minimum=1, maximum=99)),
    "campaign": Field(Str(max_length=200)), "campaign_id": Field(Str(max_length=200)),
    "customer": Field(Str(max_length=68)), "code": Field(Str(max_length=64)),
})
CreateBody = lenient({
    "type": Field(Str(enum=("DISCOUNT_VOUCHER",))), "discount": Field(Discount),
    "campaign": Field(Str(max_length=200)), "campaign_id": Field(Str(max_length=200)),
    "redemption": Field(lenient({"quantity": Field(Int(minimum=1, maximum=10**9))})),
    "metadata": Field(FreeObject()), "category": Field(Str(max_length=100)),
}, name="VoucherifyVoucher")
BalanceBody = lenient({
    "amount": Field(Int(minimum=1, maximum=10**12), required=True),
    "source_id": Field(Str(max_length=255)), "reason": Field(Str(max_length=500)),
}, name="VoucherifyBalance")


def find_code(given: str) -> CodeInfo:
    try:
        return promo_engine().get_code(normalise_code(ids.voucher_code(given)))
    except NotFound:
        raise not_found("voucher", given) from None


def voucher(code: CodeInfo) -> dict[str, Any]:
    engine = promo_engine()
    info = engine.get_campaign(code.campaign_id)
    return voucher_json(code, engine.campaign_of(info), info)


@operation("/vouchers/<code>", "GET", scope="read")
def get_voucher(code: str) -> dict[str, Any]:
    return voucher(find_code(code))


@operation("/vouchers", "GET", scope="read")
def list_vouchers() -> dict[str, Any]:
    args = query(ListQuery)
    limit, page = args.get("limit", 10), args.get("page", 1)
    engine = promo_engine()
    if "code" in args:
        try:
            found = [engine.get_code(normalise_code(args["code"]))]
        except NotFound:
            found = []
    elif "customer" in args:
        found = engine.customer_codes(ids.customer_ref(args["customer"]))
    else:
        campaign = args.get("campaign_id") or args.get("campaign")
        infos = [find_campaign(campaign)] if campaign else engine.list_campaigns()
        shown, total = _codes_page([info.id for info in infos], (page - 1) * limit, limit)
        return {"object": "list", "data_ref": "vouchers", "vouchers": [voucher(code) for code in shown],
                "total": total}
    campaign_filter = args.get("campaign_id") or args.get("campaign")
    if campaign_filter:
        wanted = find_campaign(campaign_filter).id
        found = [code for code in found if code.campaign_id == wanted]
    shown = found[(page - 1) * limit: page * limit]
    return {"object": "list", "data_ref": "vouchers", "vouchers": [voucher(code) for code in shown],
            "total": len(found)}


def _codes_page(campaign_ids: list[str], skip: int, limit: int) -> tuple[list[CodeInfo], int]:
    """`limit` codes after the first `skip` of these campaigns' codes (campaign by campaign, in
    code order), and how many there are; only the pages needed are read."""
    engine = promo_engine()
    totals = {campaign_id: engine.list_codes(campaign_id, limit=1).total or 0 for campaign_id in campaign_ids}
    shown: list[CodeInfo] = []
    for campaign_id in campaign_ids:
        if len(shown) == limit:
            break
        if skip >= totals[campaign_id]:
            skip -= totals[campaign_id]
            continue
        after = None
        while len(shown) < limit:
            page = engine.list_codes(campaign_id, limit=min(1000, skip + limit - len(shown)), after=after,
                                     count_total=False)
            taken = list(page.codes[skip:])
            skip = max(0, skip - len(page.codes))
            shown.extend(taken[:limit - len(shown)])
            if page.next_after is None:
                break
            after = page.next_after
    return shown, sum(totals.values())


@operation("/vouchers/<code>", "POST", scope="write")
def create_voucher(code: str) -> dict[str, Any]:
    """A standalone voucher: a coupon campaign of its own whose one public code is `code`."""
    fields = body(CreateBody)
    if fields.get("campaign") or fields.get("campaign_id"):
        raise VoucherifyError(400, "not_supported", "a voucher with a chosen code cannot join a generated "
                              "campaign; add generated vouchers with POST /campaigns/{id}/vouchers")
    engine = promo_engine()
    wanted = normalise_code(code)
    try:
        engine.get_code(wanted)
    except NotFound:
        pass
    else:
        raise VoucherifyError(400, "duplicate_found", f"voucher {wanted} already exists", resource_id=wanted,
                              resource_type="voucher")
    definition: dict[str, Any] = {"id": slug_of(wanted), "name": wanted, "kind": Kind.COUPON.value, "code": wanted,
                                  "effect": effect_of(fields.get("discount")), "visibility": {"listed": False}}
    if fields.get("redemption", {}).get("quantity"):
        definition["limits"] = {"per_code": fields["redemption"]["quantity"]}
    engine.create_campaign(definition, actor=actor())
    return voucher(engine.get_code(wanted))


@operation("/vouchers/<code>/enable", "POST", scope="write")
def enable_voucher(code: str) -> dict[str, Any]:
    return voucher(promo_engine().set_code_status(find_code(code).code, "enable", actor=actor()))


@operation("/vouchers/<code>/disable", "POST", scope="write")
def disable_voucher(code: str) -> dict[str, Any]:
    return voucher(promo_engine().set_code_status(find_code(code).code, "disable", actor=actor()))


@operation("/vouchers/<code>/balance", "POST", scope="write")
def update_voucher_balance(code: str) -> dict[str, Any]:
    fields = body(BalanceBody)
    found = find_code(code)
    engine = promo_engine()
    if engine.get_campaign(found.campaign_id).kind != Kind.GIFT_CARD.value:
        raise VoucherifyError(400, "invalid_voucher", f"voucher {found.code} is not a gift card",
                              resource_id=found.code, resource_type="voucher")
    card = engine.top_up_gift_card(found.code, fields["amount"], actor=actor())
    return {"amount": fields["amount"], "total": card.balance, "balance": card.balance, "type": "gift_voucher",
            "operation_type": "MANUAL", "object": "balance",
            "related_object": {"type": "voucher", "id": ids.voucher_id(found.code)}}
