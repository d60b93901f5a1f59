"""Validations, redemptions and rollbacks of stacked redeemables.

The SDK sends no Idempotency-Key. A redemption whose ``order.source_id`` was redeemed before
through the dialect with the very same request is a retry: it answers with that redemption as
it stands now (nothing is redeemed twice). Any other request for a known source_id, or one the
store's own checkout placed, is refused with 400 ``duplicate_source_id``. Without a source_id
every request redeems anew, as in Voucherify.

A parent redemption is ``r_<n>``; it has one child ``r_<n>_<item>`` per applied redeemable.
Rolling back a child withdraws only that offer; rolling back the parent withdraws all of them
and cancels the order. A second rollback of the same thing is 400 ``already_rolled_back``.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from flask import g

from promo.core.campaign import Campaign
from promo.core.errors import Conflict, NotFound, RedemptionRefused
from promo.core.reasons import Reason
from promo.core.records import ItemStatus, OrderStatus, RedemptionItemRecord, RedemptionResult, RedemptionStatus
from shop.api.framework.auth import actor
from shop.api.framework.schema import Field, FreeObject, Str
from shop.voucherify import ids
from shop.voucherify.customers import resolve
from shop.voucherify.errors import VoucherifyError, reason_key, reason_status
from shop.voucherify.orders import Priced, order_json, to_cart
from shop.voucherify.routing import body, lenient, operation, query
from shop.voucherify.shapes import tier_json, voucher_json
from shop.voucherify.stacking import (
    TIER,
    VOUCHER,
    Asked,
    StackBody,
    codes_and_tiers,
    entry_json,
    read_redeemables,
    refusal_error,
    validation_json,
)
from shop.web.extensions import promo_engine
from shop.web.rate_limits import note_wrong_api_codes

ORDER_KEY_PREFIX = "voucherify:order:"
DEFAULT_ROLLBACK_REASON = "Rolled back through the Voucherify API"
RollbackQuery = lenient({"reason": Field(Str(max_length=500)), "tracking_id": Field(Str(max_length=64))})
RollbackBody = lenient({"reason": Field(Str(max_length=500, allow_newlines=True)), "tracking_id": Field(Str(max_length=64)),
                        "customer": Field(FreeObject()), "order": Field(FreeObject()), "metadata": Field(FreeObject())},
                       name="VoucherifyRollback")


def _context():
    return promo_engine().context(page="checkout")


@operation("/validations", "POST", scope="read", rate_limited=True)
def validate() -> dict[str, Any]:
    request_body = body(StackBody)
    asked = read_redeemables(request_body["redeemables"])
    order = request_body.get("order") or {}
    codes, tiers = codes_and_tiers(asked)
    evaluation = promo_engine().validate(resolve(request_body.get("customer"), create=False), to_cart(order), codes,
                                         _context(), promotions=tiers)
    _count_wrong_codes(result.reason for result in evaluation.codes.values())
    return validation_json(asked, evaluation, source_id=order.get("source_id"),
                           tracking_id=request_body.get("tracking_id"))


@operation("/redemptions", "POST", scope="redeem", rate_limited=True)
def redeem() -> dict[str, Any]:
    request_body = body(StackBody)
    asked = read_redeemables(request_body["redeemables"])
    for item in asked:
        if item.refusal is not None:
            raise refusal_error(item, None)
    order = request_body.get("order") or {}
    codes, tiers = codes_and_tiers(asked)
    source_id = order.get("source_id")
    engine = promo_engine()
    try:
        result = engine.redeem(resolve(request_body.get("customer"), create=False), to_cart(order), codes,
                               order_ref=source_id, idempotency_key=ORDER_KEY_PREFIX + source_id if source_id else None,
                               promotions=tiers)
    except RedemptionRefused as refused:
        _count_wrong_codes(entry.get("reason") for entry in refused.details.get("codes", {}).values())
        raise _refused(asked, refused) from None
    except Conflict as conflict:
        if conflict.code not in ("idempotency_key_reused", "order_exists"):
            raise
        raise VoucherifyError(400, "duplicate_source_id",
                              f"order {source_id!r} was already redeemed with a different request; a retry must "
                              "send the same request, a new order a new source_id",
                              resource_id=source_id, resource_type="order") from None
    if result.replayed:
        result = engine.get_redemption(result.id)
    return stacked_redemption_json(result, asked, tracking_id=request_body.get("tracking_id"))


def _count_wrong_codes(reasons: Iterable[str | None]) -> None:
    """Codes that matched nothing go into the day's wrong-code tally of this key, as with
    /api/v1 (docs/reliability.md, Audit)."""
    wrong = sum(1 for reason in reasons if reason == Reason.CODE_NOT_FOUND)
    if wrong:
        note_wrong_api_codes(wrong, g.api_key.prefix)


def _refused(asked: Sequence[Asked], refused: RedemptionRefused) -> VoucherifyError:
    """The first refused redeemable, in Voucherify's words."""
    codes: Mapping[str, Mapping[str, str]] = refused.details.get("codes", {})
    for item in asked:
        found = codes.get(item.code if item.object == VOUCHER else item.campaign_id or "")
        if found is not None:
            reason = found["reason"]
            return VoucherifyError(reason_status(reason), reason_key(reason, tier=item.object == TIER),
                                   f"{item.object} {item.id}: {found['message']}", message=found["message"],
                                   resource_id=item.id, resource_type=item.object, promoshop_code=reason)
    return VoucherifyError(400, reason_key(refused.code), refused.message, promoshop_code=refused.code)


# ---------------------------------------------------------------------------------- shapes


def _campaigns(result: RedemptionResult) -> dict[str, Campaign]:
    return promo_engine().load_campaigns({item.campaign_id for item in result.items})


def _order(result: RedemptionResult, campaigns: Mapping[str, Campaign], focus: Sequence[RedemptionItemRecord] = ()):
    granted = [item for item in result.items if item.status is ItemStatus.SUCCEEDED]
    record = result.order
    return order_json(Priced(record.lines, granted, record.shipping), campaigns, source_id=record.order_ref,
                      focus=focus, status="CANCELED" if record.status is OrderStatus.CANCELLED else "PAID",
                      customer_id=ids.customer_id(result.customer_id) if result.customer_id else None)


def _status(status: RedemptionStatus | ItemStatus) -> str:
    return "ROLLED_BACK" if status in (RedemptionStatus.ROLLED_BACK, ItemStatus.ROLLED_BACK) else "SUCCEEDED"


def child_json(result: RedemptionResult, item: RedemptionItemRecord, campaigns: Mapping[str, Campaign],
               tracking_id: str | None = None) -> dict[str, Any]:
    engine = promo_engine()
    campaign = campaigns.get(item.campaign_id)
    child: dict[str, Any] = {
        "id": ids.redemption_id(result.id, item.id), "object": "redemption", "date": result.created_at.isoformat(),
        "created_at": result.created_at.isoformat(),
        "customer_id": ids.customer_id(result.customer_id) if result.customer_id else None,
        "tracking_id": tracking_id or result.customer_id, "metadata": {},
        "amount": item.discount + item.shipping_discount, "redemption": ids.redemption_id(result.id),
        "result": "SUCCESS", "status": _status(item.status), "channel": {"channel_type": "API"},
        "order": _order(result, campaigns, focus=[item] if item.status is ItemStatus.SUCCEEDED else ()),
    }
    if item.code is not None:
        child.update({"related_object_type": "voucher", "related_object_id": ids.voucher_id(item.code)})
        if campaign is not None:
            child["voucher"] = voucher_json(engine.get_code(item.code), campaign, engine.get_campaign(campaign.id))
    else:
        child.update({"related_object_type": "promotion_tier", "related_object_id": ids.tier_id(item.campaign_id)})
        if campaign is not None:
            child["promotion_tier"] = tier_json(campaign)
    if item.status is ItemStatus.ROLLED_BACK:
        child["rollback_reason"] = item.rollback_reason
    return child


def parent_json(result: RedemptionResult, campaigns: Mapping[str, Campaign], tracking_id: str | None = None) -> dict[str, Any]:
    return {
        "id": ids.redemption_id(result.id), "object": "redemption", "date": result.created_at.isoformat(),
        "created_at": result.created_at.isoformat(),
        "customer_id": ids.customer_id(result.customer_id) if result.customer_id else None,
        "tracking_id": tracking_id or result.customer_id, "metadata": {}, "result": "SUCCESS",
        "status": _status(result.status), "related_object_type": "redemption",
        "related_object_id": ids.redemption_id(result.id), "channel": {"channel_type": "API"},
        "redemptions": [ids.redemption_id(result.id, item.id) for item in result.items],
        "order": _order(result, campaigns),
    }


def stacked_redemption_json(result: RedemptionResult, asked: Sequence[Asked], *, tracking_id: str | None) -> dict[str, Any]:
    campaigns = _campaigns(result)
    by_offer = {(item.code if item.code is not None else item.campaign_id): item for item in result.items}
    set_aside = {entry.code for entry in result.set_aside}
    children, skipped = [], []
    for one in asked:
        item = by_offer.get(one.code if one.object == VOUCHER else one.campaign_id)
        if item is not None:
            children.append(child_json(result, item, campaigns, tracking_id))
        elif one.code in set_aside:
            reason = next(s for s in result.set_aside if s.code == one.code)
            skipped.append(entry_json(one, "SKIPPED", campaigns, skip=(
                "applicable_exclusive_redeemables_limit_exceeded" if reason.reason == "exclusive_conflict"
                else "applicable_redeemables_limit_exceeded", reason.message)))
    return {"redemptions": children, "parent_redemption": parent_json(result, campaigns, tracking_id),
            "order": _order(result, campaigns), "inapplicable_redeemables": [], "skipped_redeemables": skipped}


# ---------------------------------------------------------------------------------- get and roll back


@operation("/redemptions/<redemption_id>", "GET", scope="read")
def get_redemption(redemption_id: str) -> dict[str, Any]:
    result, item = _lookup(redemption_id)
    campaigns = _campaigns(result)
    return child_json(result, item, campaigns) if item is not None else parent_json(result, campaigns)


def _lookup(given: str) -> tuple[RedemptionResult, RedemptionItemRecord | None]:
    parent, child = ids.parse_redemption(given)
    try:
        result = promo_engine().get_redemption(parent)
    except NotFound:
        raise VoucherifyError(404, "not_found", f"Cannot find redemption with id {given}",
                              resource_id=given, resource_type="redemption") from None
    if child is None:
        return result, None
    item = next((i for i in result.items if i.id == child), None)
    if item is None:
        raise VoucherifyError(404, "not_found", f"Cannot find redemption with id {given}",
                              resource_id=given, resource_type="redemption")
    return result, item


def _reason() -> tuple[str, str | None]:
    sent = query(RollbackQuery)
    payload = body(RollbackBody)
    return (sent.get("reason") or payload.get("reason") or DEFAULT_ROLLBACK_REASON,
            sent.get("tracking_id") or payload.get("tracking_id"))


def _already(given: str) -> VoucherifyError:
    return VoucherifyError(400, "already_rolled_back", f"redemption {given} has already been rolled back",
                           resource_id=given, resource_type="redemption")


def _rollback_json(after: RedemptionResult, item: RedemptionItemRecord | None, reason: str,
                   campaigns: Mapping[str, Campaign], tracking_id: str | None) -> dict[str, Any]:
    redeemed = child_json(after, item, campaigns) if item is not None else parent_json(after, campaigns)
    rollback = {
        "id": ids.rollback_id(after.id, item.id if item else None), "object": "redemption_rollback",
        "date": (after.rolled_back_at or after.created_at).isoformat(), "created_at": (after.rolled_back_at or after.created_at).isoformat(),
        "customer_id": redeemed["customer_id"], "tracking_id": tracking_id or after.customer_id, "metadata": {},
        "redemption": redeemed["id"], "reason": reason, "result": "SUCCESS", "status": "SUCCEEDED",
        "related_object_type": redeemed["related_object_type"], "related_object_id": redeemed["related_object_id"],
        "order": _order(after, campaigns), "channel": {"channel_type": "API"},
    }
    if item is not None:
        rollback["amount"] = -(item.discount + item.shipping_discount)
    for key in ("voucher", "promotion_tier"):
        if key in redeemed:
            rollback[key] = redeemed[key]
    return rollback


@operation("/redemptions/<redemption_id>/rollback", "POST", scope="redeem")
def rollback_redemption(redemption_id: str) -> dict[str, Any]:
    reason, tracking_id = _reason()
    result, item = _lookup(redemption_id)
    if item is None:
        return _rollback_all(redemption_id, result, reason, tracking_id)["parent_rollback"]
    if item.status is ItemStatus.ROLLED_BACK:
        raise _already(redemption_id)
    after = promo_engine().rollback(result.id, reason=reason, item_id=item.id, actor=actor())
    changed = next(i for i in after.items if i.id == item.id)
    return _rollback_json(after, changed, reason, _campaigns(after), tracking_id)


@operation("/redemptions/<redemption_id>/rollbacks", "POST", scope="redeem")
def rollback_stacked_redemptions(redemption_id: str) -> dict[str, Any]:
    reason, tracking_id = _reason()
    result, item = _lookup(redemption_id)
    if item is not None:
        raise VoucherifyError(400, "invalid_payload", f"{redemption_id} is a child redemption; roll it back with "
                              f"/redemptions/{redemption_id}/rollback, or send its parent here",
                              resource_id=redemption_id, resource_type="redemption")
    return _rollback_all(redemption_id, result, reason, tracking_id)


def _rollback_all(given: str, result: RedemptionResult, reason: str, tracking_id: str | None) -> dict[str, Any]:
    if result.status is RedemptionStatus.ROLLED_BACK:
        raise _already(given)
    granted = {i.id for i in result.items if i.status is ItemStatus.SUCCEEDED}
    after = promo_engine().rollback(result.id, reason=reason, actor=actor())
    campaigns = _campaigns(after)
    rollbacks = [_rollback_json(after, i, reason, campaigns, tracking_id) for i in after.items if i.id in granted]
    return {"rollbacks": rollbacks, "parent_rollback": _rollback_json(after, None, reason, campaigns, tracking_id),
            "order": _order(after, campaigns)}
