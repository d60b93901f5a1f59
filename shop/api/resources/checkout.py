"""The shopper-facing operations: qualify, validate, redeem, roll back, and publish codes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask import g, request, url_for

from promo.core.errors import Conflict, RedemptionRefused
from promo.core.incentive_records import GiftCardPayment
from promo.core.reasons import Reason
from promo.core.records import RedemptionResult
from shop.api import api
from shop.api.framework.auth import actor
from shop.api.framework.problems import ApiError
from shop.api.framework.registry import HeaderParam, Reply
from shop.api.framework.schema import Field, FieldError, Int, Obj, Str
from shop.api.resources.payloads import (
    Codes,
    ContextBody,
    CustomerRef,
    DeclinedCodes,
    Order,
    customer_id_schema,
    to_cart,
    to_context,
    to_customer,
)
from shop.api.resources.records_json import (
    PublicationSchema,
    QualificationSchema,
    RedemptionSchema,
    publication_json,
    qualification_offer_json,
    redemption_json,
)
from shop.api.resources.results_json import EvaluationSchema, evaluation_json, gift_card_code_json
from shop.web.extensions import promo_engine
from shop.web.rate_limits import note_wrong_api_codes

IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_IDEMPOTENCY_KEY = 200
_PRINTABLE = re.compile(rf"[\x21-\x7e]{{1,{MAX_IDEMPOTENCY_KEY}}}")

QualifyBody = Obj({
    "customer": Field(CustomerRef, nullable=True),
    "order": Field(Order, required=True),
    "context": Field(ContextBody),
}, name="QualificationRequest")

ValidateBody = Obj({
    "customer": Field(CustomerRef, nullable=True),
    "order": Field(Order, required=True),
    "codes": Field(Codes, default=[]),
    "declined_codes": Field(DeclinedCodes, default=[]),
    "context": Field(ContextBody),
}, name="ValidationRequest")

def _has_items(body: dict[str, Any], path: str, errors: list[FieldError]) -> None:
    if not body["order"]["items"]:
        errors.append(FieldError("order.items", "a redeemed order needs at least one item"))


RedeemBody = Obj({
    "customer": Field(CustomerRef, nullable=True),
    "order": Field(Order, required=True),
    "codes": Field(Codes, default=[]),
    "declined_codes": Field(DeclinedCodes, default=[]),
    "context": Field(ContextBody),
}, name="RedemptionRequest", refine=_has_items)

RollbackBody = Obj({
    "reason": Field(Str(max_length=500, allow_newlines=True), required=True),
    "item_id": Field(Int(minimum=1, maximum=2**62),
                     description="Roll back one applied offer (an `items[].id`) instead of the whole order."),
}, name="RollbackRequest")

PublishBody = Obj({
    "campaign": Field(Str(max_length=64), required=True),
    "customer": Field(customer_id_schema("A stored customer's id."), required=True),
    "source_id": Field(Str(max_length=255), required=True,
                       description="Your id for this publication; the same one always returns the same code."),
}, name="PublicationRequest")


@api.operation("/qualifications", "POST", summary="Every offer this customer could use on this order",
               tag="checkout", scope="read", body=QualifyBody,
               reply=Reply(200, "Offers, best deal first.", QualificationSchema), errors=(404,))
def qualify(body: dict[str, Any]) -> dict[str, Any]:
    """Automatic promotions, listed public codes and the codes in the customer's wallet, each
    evaluated on this order alone, with its status (`eligible`, `near_miss`, `not_eligible`),
    reason, message and hint. Limits and budgets are read live. No side effects."""
    engine = promo_engine()
    offers = engine.qualify(to_customer(body.get("customer")), to_cart(body["order"], engine),
                            to_context(body.get("context"), engine, default_page="cart"))
    return {"offers": [qualification_offer_json(offer) for offer in offers]}


@api.operation("/validations", "POST", summary="Would these codes work on this order?", tag="checkout",
               scope="read", body=ValidateBody,
               reply=Reply(200, "The evaluation redeem would make now.", EvaluationSchema), errors=(404,))
def validate(body: dict[str, Any]) -> dict[str, Any]:
    """The full evaluation (per-line discounts, every offer with its reason) with no side
    effects. Rejected codes are in `codes` with their reason; the request still answers 200."""
    engine = promo_engine()
    evaluation = engine.validate(to_customer(body.get("customer")), to_cart(body["order"], engine), body["codes"],
                                 to_context(body.get("context"), engine, default_page="cart"),
                                 declined_codes=body["declined_codes"])
    _count_wrong_codes(getattr(result.reason, "value", result.reason) for result in evaluation.codes.values())
    customer = body.get("customer")
    customer_id = customer.get("id") if isinstance(customer, dict) else customer
    payments = engine.gift_card_payments(body["codes"], evaluation.total, customer_id, currency=evaluation.currency)
    return evaluation_json(evaluation, payments, _card_codes(payments, evaluation.currency))


def _card_codes(payments: Iterable[GiftCardPayment], currency: str) -> dict[str, dict[str, Any]]:
    """Each paying gift card as its entry in `codes`."""
    engine = promo_engine()
    entries = {}
    for payment in payments:
        campaign_id = engine.gift_card_balance(payment.code).campaign_id
        name = engine.get_campaign(campaign_id).name
        entries[payment.code] = gift_card_code_json(payment, campaign_id, name, currency)
    return entries


def _order_payments(result: RedemptionResult) -> list[GiftCardPayment]:
    return promo_engine().order_gift_card_payments(result.order.order_ref)


@api.operation("/redemptions", "POST", summary="Redeem an order", tag="checkout", scope="redeem",
               body=RedeemBody, reply=Reply(201, "The redemption, with the recorded order.", RedemptionSchema),
               headers=(HeaderParam(IDEMPOTENCY_HEADER, True,
                                    "Your unique id for this attempt (1-200 printable ASCII characters). Replaying "
                                    "the same key with the same body returns the first answer; with another "
                                    "body, 409 `idempotency_key_reused`."),),
               errors=(404, 409, 422))
def redeem(body: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Validates again and, in one transaction, records the order, its redemption, every counter
    and the budget. A code that does not apply gets 422 with its reason as `error.code`
    (`code_not_found`, `minimum_not_met`, ...); a used-up limit gets 409 (`quantity_exceeded`,
    `customer_limit_reached`, `campaign_limit_reached`, `budget_exhausted`). A replay answers
    exactly as the first request did, with `Idempotent-Replayed: true`."""
    key = _idempotency_key()
    engine = promo_engine()
    context = to_context(body["context"], engine, default_page="checkout") if "context" in body else None
    try:
        result = engine.redeem(
            to_customer(body.get("customer")), to_cart(body["order"], engine), body["codes"],
            order_ref=body["order"].get("id"), idempotency_key=key, context=context,
            declined_codes=body["declined_codes"],
        )
    except RedemptionRefused as refused:
        _count_wrong_codes(entry.get("reason") for entry in refused.details.get("codes", {}).values())
        raise
    except Conflict as conflict:
        if conflict.code != "idempotency_key_reused":
            raise
        # The engine saw the key namespaced by API key (api:<prefix>:<key>); answer with the client's own.
        sent = request.headers[IDEMPOTENCY_HEADER].strip()
        raise ApiError(409, conflict.code, f"The {IDEMPOTENCY_HEADER} {sent!r} was already used with a different "
                       "request; use a new key for a new request.", {"idempotency_key": sent}) from None
    headers = {
        "Location": url_for("api.get_redemption", redemption_id=result.id),
        "Idempotent-Replayed": "true" if result.replayed else "false",
    }
    # Gift cards pay only when entered: an order without codes has no payments to read.
    payments = _order_payments(result) if body["codes"] else []
    return redemption_json(result, payments), 201, headers


def _count_wrong_codes(reasons: Iterable[str | None]) -> None:
    """Codes that matched nothing (or are another customer's: the same answer) go into the day's
    aggregate for this API key; docs/reliability.md, Audit."""
    wrong = sum(1 for reason in reasons if reason == Reason.CODE_NOT_FOUND.value)
    if wrong:
        note_wrong_api_codes(wrong, g.api_key.prefix)


def _idempotency_key() -> str:
    raw = request.headers.get(IDEMPOTENCY_HEADER)
    if raw is None or not raw.strip():
        raise ApiError(400, "idempotency_key_required",
                       f"Redemptions need an '{IDEMPOTENCY_HEADER}' header: a unique id for this attempt, reused "
                       "only when retrying the very same request.")
    if not _PRINTABLE.fullmatch(raw.strip()):
        raise ApiError(400, "invalid_idempotency_key",
                       f"The {IDEMPOTENCY_HEADER} must be 1 to {MAX_IDEMPOTENCY_KEY} printable ASCII characters "
                       "without spaces.")
    # Keys belong to the API key that sent them, so two clients can never collide.
    return f"api:{g.api_key.prefix}:{raw.strip()}"


@api.operation("/redemptions/<int:redemption_id>", "GET", summary="Get a redemption", tag="checkout", scope="read",
               reply=Reply(200, "The redemption and its order.", RedemptionSchema))
def get_redemption(redemption_id: int) -> dict[str, Any]:
    result = promo_engine().get_redemption(redemption_id)
    return redemption_json(result, _order_payments(result))


@api.operation("/redemptions/<int:redemption_id>/rollback", "POST", summary="Roll a redemption back",
               tag="checkout", scope="redeem", body=RollbackBody,
               reply=Reply(200, "The redemption after the rollback.", RedemptionSchema))
def rollback(redemption_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Without `item_id` the whole order is cancelled and every code use, per-customer count and
    budget is given back. With `item_id` only that offer is withdrawn: the order stays placed
    and its total rises by that offer's discount (see docs/api.md). Repeating a rollback
    changes nothing and returns the same redemption."""
    result = promo_engine().rollback(redemption_id, reason=body["reason"], item_id=body.get("item_id"),
                                     actor=actor())
    return redemption_json(result, _order_payments(result))


@api.operation("/publications", "POST", summary="Publish a code to a customer", tag="codes", scope="write",
               body=PublishBody, reply=Reply(201, "A new publication (200 when `source_id` was used before).",
                                             PublicationSchema),
               errors=(404, 409))
def publish(body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Assigns an unused code of the campaign (or its public code) to the customer's wallet.
    The same `source_id` returns the same code every time (200); an empty pool gets 409
    `pool_empty`."""
    publication = promo_engine().publish(body["campaign"], body["customer"], source_id=body["source_id"],
                                         actor=actor())
    return publication_json(publication), 201 if publication.created else 200
