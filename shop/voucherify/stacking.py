"""Stackable discounts: the redeemables a request names, and the engine's verdict on each.

Only the redeemables sent are applied: vouchers are entered codes, promotion tiers
(``promo_<campaign id>``) are named promotions (Engine.validate/redeem ``promotions=``), so no
other promotion and no auto_apply code joins in. Each redeemable is APPLICABLE, INAPPLICABLE
(with Voucherify's error) or SKIPPED (set aside by stacking rules, or not tried because another
redeemable failed: application mode ``ALL``).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from promo.core.campaign import Campaign, Kind
from promo.core.codes import normalise_code
from promo.core.errors import NotFound
from promo.core.reasons import Reason, message_for
from promo.core.records import CampaignStatus
from promo.core.results import Evaluation, OfferResult, Status
from shop.api.framework.schema import Arr, Field, FreeObject, Str
from shop.voucherify import ids
from shop.voucherify.customers import CustomerFields
from shop.voucherify.errors import SKIP_KEYS, VoucherifyError, invalid_payload, reason_key, reason_status
from shop.voucherify.orders import OrderBody, Priced, order_json
from shop.voucherify.routing import lenient
from shop.voucherify.shapes import discount_json
from shop.web.extensions import promo_engine

MAX_REDEEMABLES = 30
VOUCHER, TIER = "voucher", "promotion_tier"
Redeemable = lenient({
    "object": Field(Str(enum=(VOUCHER, TIER, "promotion_stack")), required=True),
    "id": Field(Str(max_length=128), required=True),
    "gift": Field(FreeObject()), "reward": Field(FreeObject()),
}, name="VoucherifyRedeemable")
StackBody = lenient({
    "redeemables": Field(Arr(Redeemable, min_items=1, max_items=MAX_REDEEMABLES), required=True),
    "order": Field(OrderBody),
    "customer": Field(lenient(CustomerFields, name="VoucherifyCustomerRef")),
    "tracking_id": Field(Str(max_length=64)),
    "options": Field(FreeObject()), "session": Field(FreeObject()), "metadata": Field(FreeObject()),
}, name="VoucherifyStackRequest")


def stacking_rules() -> dict[str, Any]:
    """Voucherify's defaults, with promoshop's own offer limit."""
    return {
        "redeemables_limit": MAX_REDEEMABLES, "applicable_redeemables_limit": promo_engine().max_offers,
        "applicable_redeemables_per_category_limit": 1, "applicable_exclusive_redeemables_limit": 1,
        "applicable_exclusive_redeemables_per_category_limit": 1, "exclusive_categories": [], "joint_categories": [],
        "redeemables_application_mode": "ALL", "redeemables_sorting_rule": "REQUESTED_ORDER",
        "redeemables_products_application_mode": "STACK", "redeemables_no_effect_rule": "REDEEM_ANYWAY",
        "no_effect_skip_categories": [], "no_effect_redeem_anyway_categories": [],
        "redeemables_rollback_order_mode": "WITH_ORDER",
    }


@dataclass(frozen=True)
class Asked:
    """One redeemable as sent: a voucher's code, or a promotion tier's campaign."""

    object: str
    id: str
    code: str | None = None
    campaign_id: str | None = None
    refusal: tuple[int, str, str] | None = None   # (status, key, message) found before evaluating


def read_redeemables(raw: Sequence[Mapping[str, Any]]) -> list[Asked]:
    """The redeemables, each looked up; a repeated one is a 400."""
    asked: list[Asked] = []
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(raw):
        kind, given = item["object"], item["id"]
        if kind == "promotion_stack":
            # The SDK's validation models have no place for a stack's verdict: refuse the request.
            raise VoucherifyError(400, "not_supported", f"redeemables[{index}]: promotion stacks are not supported; "
                                  "send their promotion tiers", resource_id=given, resource_type="promotion_stack")
        key = (kind, normalise_code(given) if kind == VOUCHER else given)
        if key in seen:
            raise invalid_payload(f"redeemables[{index}] repeats {kind} {given!r}")
        seen.add(key)
        if kind == VOUCHER:
            asked.append(_voucher(given))
        else:
            asked.append(_tier(given))
    return asked


def _voucher(given: str) -> Asked:
    code = normalise_code(ids.voucher_code(given))
    try:
        stored = promo_engine().get_code(code)
    except NotFound:
        return Asked(VOUCHER, given, code)     # the engine reports it: code_not_found
    kind = promo_engine().get_campaign(stored.campaign_id).kind
    if kind in (Kind.GIFT_CARD.value, Kind.LOYALTY.value):
        return Asked(VOUCHER, given, code, stored.campaign_id, refusal=(
            400, "not_supported", "gift cards and loyalty cards are not redeemables here: a gift card code entered "
            "at the storefront or /api/v1 pays what is left after discounts; see docs/voucherify.md"))
    return Asked(VOUCHER, given, code, stored.campaign_id)


def _tier(given: str) -> Asked:
    campaign_id = ids.tier_campaign(given) or given
    try:
        info = promo_engine().get_campaign(campaign_id)
    except NotFound:
        info = None
    if info is None or info.kind != Kind.PROMOTION.value:
        return Asked(TIER, given, campaign_id=campaign_id,
                     refusal=(404, "not_found", f"Cannot find promotion_tier with id {given}"))
    if info.status is not CampaignStatus.ACTIVE:
        return Asked(TIER, given, campaign_id=campaign_id,
                     refusal=(400, "promotion_inactive", f"promotion tier {given} is {info.status.value}"))
    return Asked(TIER, given, campaign_id=campaign_id)


def codes_and_tiers(asked: Sequence[Asked]) -> tuple[list[str], list[str]]:
    codes = [a.code for a in asked if a.object == VOUCHER and a.refusal is None and a.code]
    tiers = [a.campaign_id for a in asked if a.object == TIER and a.refusal is None and a.campaign_id]
    return codes, tiers


def result_of(evaluation: Evaluation, asked: Asked) -> OfferResult | None:
    if asked.object == VOUCHER:
        return evaluation.codes.get(asked.code or "")
    return next((o for o in evaluation.offers if o.campaign_id == asked.campaign_id and o.code is None), None)


def error_json(status: int, key: str, message: str) -> dict[str, Any]:
    return {"code": status, "key": key, "message": message, "details": message}


def refusal_of(asked: Asked, result: OfferResult | None) -> tuple[int, str, str, str | None]:
    """(status, Voucherify key, message, promoshop reason) of an inapplicable redeemable."""
    if asked.refusal is not None:
        return (*asked.refusal, None)
    reason = result.reason if result is not None else Reason.CAMPAIGN_PAUSED
    message = (result.message if result is not None else "") or message_for(reason)
    return reason_status(reason), reason_key(reason, tier=asked.object == TIER), message, reason.value


def refusal_error(asked: Asked, result: OfferResult | None) -> VoucherifyError:
    status, key, message, reason = refusal_of(asked, result)
    return VoucherifyError(status, key, f"{asked.object} {asked.id}: {message}", message=message,
                           resource_id=asked.id, resource_type=asked.object, promoshop_code=reason)


def entry_json(asked: Asked, status: str, campaigns: Mapping[str, Campaign], *, result: OfferResult | None = None,
               order: dict[str, Any] | None = None, skip: tuple[str, str] | None = None) -> dict[str, Any]:
    campaign = campaigns.get(asked.campaign_id or (result.campaign_id if result else ""))
    entry: dict[str, Any] = {"status": status, "id": asked.id, "object": asked.object}
    if status == "APPLICABLE" and result is not None and campaign is not None:
        entry["result"] = {"discount": discount_json(campaign, result.total_discount)}
    elif status == "INAPPLICABLE":
        code, key, message, _ = refusal_of(asked, result)
        entry["result"] = {"error": error_json(code, key, message)}
    elif skip is not None:
        entry["result"] = {"details": {"key": skip[0], "message": skip[1]}}
    if order is not None:
        entry["order"] = order
    empty = {"object": "list", "data": [], "total": 0, "data_ref": "data"}
    entry.update({"applicable_to": empty, "inapplicable_to": dict(empty), "metadata": {}})
    if campaign is not None:
        entry.update({"campaign_name": campaign.name, "campaign_id": campaign.id})
    return entry


def skip_of(result: OfferResult) -> tuple[str, str]:
    return SKIP_KEYS.get(result.reason, "applicable_redeemables_limit_exceeded"), result.message


def validation_json(asked: Sequence[Asked], evaluation: Evaluation, *, source_id: str | None,
                    tracking_id: str | None) -> dict[str, Any]:
    engine = promo_engine()
    results = {a: result_of(evaluation, a) for a in asked}
    known = {r.campaign_id for a, r in results.items() if r is not None and r.campaign_id and a.refusal is None}
    campaigns = engine.load_campaigns(known | {a.campaign_id for a in asked if a.campaign_id and a.refusal is None})
    failed = {a for a, r in results.items() if a.refusal is not None or r is None or r.status is Status.NOT_APPLICABLE}
    valid = not failed
    applied = list(evaluation.applied) if valid else []
    priced = Priced([p.line for p in evaluation.lines], applied, evaluation.shipping)
    order = order_json(priced, campaigns, source_id=source_id)
    entries = []
    for a in asked:
        result = results[a]
        if a in failed:
            entries.append(entry_json(a, "INAPPLICABLE", campaigns, result=result))
        elif not valid:
            entries.append(entry_json(a, "SKIPPED", campaigns, result=result, skip=(
                "preceding_validation_failed", "Not applied: another redeemable in this request is inapplicable.")))
        elif result.status is Status.SET_ASIDE:
            entries.append(entry_json(a, "SKIPPED", campaigns, result=result, skip=skip_of(result)))
        else:
            focused = order_json(priced, campaigns, source_id=source_id, focus=[result])
            entries.append(entry_json(a, "APPLICABLE", campaigns, result=result, order=focused))
    body: dict[str, Any] = {
        "valid": valid, "redeemables": entries,
        "inapplicable_redeemables": [e for e in entries if e["status"] == "INAPPLICABLE"],
        "skipped_redeemables": [e for e in entries if e["status"] == "SKIPPED"],
        "order": order, "stacking_rules": stacking_rules(),
    }
    if tracking_id is not None:
        body["tracking_id"] = tracking_id
    return body
