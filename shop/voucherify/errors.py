"""Voucherify's flat error shape and the mapping from promoshop's reasons to its keys.

Every error of the dialect is ``{code, key, message, details, request_id}`` at the top level
(the SDK's ``Error`` model: ``code`` is the HTTP status, ``details`` a string), optionally with
``resource_id`` and ``resource_type``. promoshop's own reason or code rides along in
``promoshop_code`` (unknown fields are ignored by the SDK). Business refusals are 400, as in
Voucherify, where /api/v1 says 409 or 422.
"""
from __future__ import annotations

import secrets
from typing import Any

from flask import Response, jsonify

from promo.core.reasons import Reason

# Voucherify's error key for each reason an offer or redemption is refused with
# (docs/voucherify.md, "Errors").
REASON_KEYS: dict[str, str] = {
    Reason.CODE_NOT_FOUND: "not_found",
    Reason.CODE_DISABLED: "voucher_disabled",
    Reason.CAMPAIGN_PAUSED: "voucher_disabled",
    Reason.OFFER_UNAVAILABLE: "voucher_disabled",
    Reason.CODE_ALREADY_ENTERED: "duplicated_redeemable",
    Reason.NOT_STARTED: "voucher_not_active",
    Reason.EXPIRED: "voucher_expired",
    Reason.OUTSIDE_SCHEDULE: "voucher_not_active_now",
    Reason.CUSTOMER_NOT_ELIGIBLE: "customer_rules_violated",
    Reason.LOGIN_REQUIRED: "customer_rules_violated",
    Reason.REFERRAL_LOGIN_REQUIRED: "customer_rules_violated",
    Reason.REFERRAL_NOT_NEW_CUSTOMER: "customer_rules_violated",
    Reason.REFERRAL_ALREADY_COUNTED: "customer_rules_violated",
    Reason.CART_NOT_ELIGIBLE: "order_rules_violated",
    Reason.MINIMUM_NOT_MET: "order_rules_violated",
    Reason.NO_MATCHING_ITEMS: "order_rules_violated",
    Reason.CONTEXT_NOT_ELIGIBLE: "order_rules_violated",
    Reason.WRONG_CURRENCY: "order_rules_violated",
    Reason.NO_DISCOUNT: "order_rules_violated",
    Reason.AT_LOWEST_PRICE: "order_rules_violated",
    Reason.QUANTITY_EXCEEDED: "quantity_exceeded",
    Reason.CUSTOMER_LIMIT_REACHED: "redemption_rules_violated",
    Reason.CAMPAIGN_LIMIT_REACHED: "redemption_rules_violated",
    Reason.BUDGET_EXHAUSTED: "redemption_rules_violated",
    Reason.REFERRAL_SELF: "referrer_not_permitted_to_redeem",
    Reason.GIFT_CARD_EMPTY: "gift_amount_exceeded",
}
# A promotion tier is not a voucher: Voucherify names its inactive states differently.
TIER_KEYS = {"voucher_disabled": "promotion_inactive", "voucher_not_active": "promotion_not_active",
             "voucher_expired": "promotion_expired", "voucher_not_active_now": "promotion_not_active_now"}
# Set aside by stacking: Voucherify's SKIPPED details keys.
SKIP_KEYS: dict[str, str] = {
    Reason.EXCLUSIVE_CONFLICT: "applicable_exclusive_redeemables_limit_exceeded",
    Reason.MAX_OFFERS_REACHED: "applicable_redeemables_limit_exceeded",
    Reason.NO_DISCOUNT: "no_effect",
    Reason.AT_LOWEST_PRICE: "no_effect",
}
MESSAGES = {
    400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Resource not found", 405: "Method not allowed",
    413: "Payload too large", 415: "Unsupported media type", 429: "Too many requests", 500: "Internal server error",
}


def reason_key(reason: str, *, tier: bool = False) -> str:
    key = REASON_KEYS.get(reason, "order_rules_violated")
    return TIER_KEYS.get(key, key) if tier else key


def reason_status(reason: str) -> int:
    return 404 if reason == Reason.CODE_NOT_FOUND else 400


class VoucherifyError(Exception):
    """Raise anywhere in the dialect to answer with Voucherify's error shape."""

    def __init__(self, status: int, key: str, details: str, *, message: str | None = None,
                 resource_id: str | None = None, resource_type: str | None = None, promoshop_code: str | None = None,
                 headers: dict[str, str] | None = None, extra: dict[str, Any] | None = None) -> None:
        super().__init__(details)
        self.status = status
        self.key = key
        self.details = details
        self.message = message or MESSAGES.get(status, "Error")
        self.resource_id = resource_id
        self.resource_type = resource_type
        self.promoshop_code = promoshop_code
        self.headers = headers or {}
        self.extra = extra or {}

    def body(self) -> dict[str, Any]:
        return error_body(self.status, self.key, self.message, self.details, resource_id=self.resource_id,
                          resource_type=self.resource_type, promoshop_code=self.promoshop_code, **self.extra)

    def response(self) -> Response:
        response = jsonify(self.body())
        response.status_code = self.status
        response.headers.update(self.headers)
        return response


def error_body(code: int, key: str, message: str, details: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "key": key, "message": message, "details": details,
                            "request_id": f"v-{secrets.token_hex(8)}"}
    body.update({name: value for name, value in extra.items() if value is not None})
    return body


def not_found(resource_type: str, resource_id: str) -> VoucherifyError:
    return VoucherifyError(404, "not_found", f"Cannot find {resource_type} with id {resource_id}",
                           resource_id=resource_id, resource_type=resource_type)


def invalid_payload(details: str) -> VoucherifyError:
    return VoucherifyError(400, "invalid_payload", details, message="Invalid payload")
