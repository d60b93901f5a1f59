"""JSON for what the engine's evaluation returns (``promo.core.results``), with matching schemas.

Reason codes and messages pass through unchanged: ``reason`` is the stable machine code from
``promo.core.reasons.Reason``, ``message`` the human text, ``hint`` what would unlock a near-miss.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from promo.core.domain import CartLine
from promo.core.incentive_records import GiftCardPayment
from promo.core.money import format_money
from promo.core.reasons import Reason
from promo.core.results import Evaluation, Hint, OfferResult, PricedLine, Status
from shop.api.framework.json_types import INT as _INT
from shop.api.framework.json_types import NULLABLE_INT as _NULLABLE_INT
from shop.api.framework.json_types import NULLABLE_STR as _NULLABLE_STR
from shop.api.framework.json_types import STR as _STR
from shop.api.framework.schema import Described


def hint_json(hint: Hint | None) -> dict[str, Any] | None:
    if hint is None:
        return None
    return {
        "message": hint.message,
        "missing_amount": hint.missing_amount,
        "missing_quantity": hint.missing_quantity,
        "progress": round(hint.progress, 4),
    }


def cart_line_json(line: CartLine) -> dict[str, Any]:
    return {
        "sku": line.sku,
        "name": line.name,
        "unit_price": line.unit_price,
        "quantity": line.quantity,
        "categories": sorted(line.categories),
        "collections": sorted(line.collections),
        "subtotal": line.subtotal,
    }


def offer_json(offer: OfferResult) -> dict[str, Any]:
    return {
        "campaign_id": offer.campaign_id,
        "name": offer.name,
        "code": offer.code,
        "status": offer.status.value,
        "reason": offer.reason.value,
        "message": offer.message,
        "hint": hint_json(offer.hint),
        "discount": offer.discount,
        "shipping_discount": offer.shipping_discount,
        "total_discount": offer.total_discount,
        "line_discounts": list(offer.line_discounts),
        "line_capped": list(offer.line_capped) or [0] * len(offer.line_discounts),
        "capping_note": offer.capping_note,
        "added_lines": [cart_line_json(line) for line in offer.added_lines],
        "order": offer.order,
        "gift_card_pays": None,
    }


def priced_line_json(priced: PricedLine) -> dict[str, Any]:
    return {**cart_line_json(priced.line), "discount": priced.discount, "total": priced.total, "added_by": priced.added_by,
            "cost": priced.line.cost, "capped": priced.capped}


def payments_json(payments: Sequence[GiftCardPayment], total: int) -> dict[str, Any]:
    """What the gift cards pay towards `total` (the order total, which stays as it is) and what
    is still due after them."""
    paid = sum(payment.amount for payment in payments)
    return {
        "gift_cards": [{"code": p.code, "pays": p.amount, "balance_after": p.balance_after} for p in payments],
        "gift_card_pays": paid,
        "amount_due": max(0, total - paid),
    }


def gift_card_code_json(payment: GiftCardPayment, campaign_id: str, name: str, currency: str) -> dict[str, Any]:
    """A gift card among the entered codes: not a discount, so its discounts are 0 and
    `gift_card_pays` says what it pays."""
    pays = format_money(payment.amount, currency, "en_US", trim_zero_minor=True)
    return {
        "campaign_id": campaign_id, "name": name, "code": payment.code, "status": Status.APPLIED.value,
        "reason": Reason.APPLIED.value, "message": f"Pays {pays} towards this order.", "hint": None,
        "discount": 0, "shipping_discount": 0, "total_discount": 0, "line_discounts": [], "added_lines": [],
        "order": None, "gift_card_pays": payment.amount,
    }


def evaluation_json(evaluation: Evaluation, payments: Sequence[GiftCardPayment] = (),
                    card_codes: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The evaluation; with `payments`, what the gift cards among the codes pay, and each card
    in `codes` (`card_codes`: its entry by code)."""
    return {
        "currency": evaluation.currency,
        "lines": [priced_line_json(line) for line in evaluation.lines],
        "offers": [offer_json(offer) for offer in evaluation.offers],
        "codes": {**{code: offer_json(offer) for code, offer in evaluation.codes.items()}, **(card_codes or {})},
        "subtotal": evaluation.subtotal,
        "discount": evaluation.discount,
        "shipping": evaluation.shipping,
        "shipping_discount": evaluation.shipping_discount,
        "total": evaluation.total,
        **payments_json(payments, evaluation.total),
    }


# --- Schemas -----------------------------------------------------------------------------------

HINT = {
    "type": ["object", "null"],
    "description": "What would unlock the offer, e.g. 'Add $12.50 more to get 10% off'.",
    "required": ["message", "missing_amount", "missing_quantity", "progress"],
    "properties": {
        "message": _STR,
        "missing_amount": {**_NULLABLE_INT, "description": "Minor units still needed."},
        "missing_quantity": {**_NULLABLE_INT, "description": "Units still needed."},
        "progress": {"type": "number", "minimum": 0, "maximum": 1},
    },
}

CART_LINE_PROPERTIES = {
    "sku": _STR,
    "name": _STR,
    "unit_price": {**_INT, "description": "Minor units."},
    "quantity": _INT,
    "categories": {"type": "array", "items": _STR},
    "collections": {"type": "array", "items": _STR},
    "subtotal": {**_INT, "description": "unit_price × quantity."},
}

CartLineSchema = Described(
    name="CartLine",
    schema={"type": "object", "required": list(CART_LINE_PROPERTIES), "properties": CART_LINE_PROPERTIES},
)

OFFER_PROPERTIES: dict[str, Any] = {
    "campaign_id": _STR,
    "name": _STR,
    "code": {**_NULLABLE_STR, "description": "The code as entered (normalised), null for automatic promotions."},
    "status": {"type": "string", "enum": [s.value for s in Status]},
    "reason": {"type": "string", "enum": [r.value for r in Reason], "description": "Stable reason code."},
    "message": {**_STR, "description": "Human explanation of the status."},
    "hint": HINT,
    "discount": {**_INT, "description": "Discount on items, minor units."},
    "shipping_discount": _INT,
    "total_discount": _INT,
    "line_discounts": {"type": "array", "items": _INT, "description": "Per line of `lines`; sums to `discount`."},
    "line_capped": {"type": "array", "items": _INT,
                    "description": "Per line of `lines`: how much less the margin floor let this offer take there."},
    "capping_note": {**_STR, "description": "For shoppers, where the margin floor reduced the headline amount "
                                            "(\"$3 on Panama Geisha\"); empty otherwise."},
    "added_lines": {"type": "array", "items": {"$ref": "#/components/schemas/CartLine"}},
    "order": {**_NULLABLE_INT, "description": "Position in application order when applied."},
    "gift_card_pays": {**_NULLABLE_INT, "description": "A gift card among the codes: what it pays towards the order "
                                                       "(its discounts are 0: a card is paid with, not a discount); "
                                                       "null for every other offer."},
}

OfferSchema = Described(
    name="OfferResult",
    schema={"type": "object", "required": list(OFFER_PROPERTIES), "properties": OFFER_PROPERTIES},
    refers_to=(CartLineSchema,),
)

PRICED_LINE_PROPERTIES = {
    **CART_LINE_PROPERTIES,
    "discount": _INT,
    "total": _INT,
    "added_by": {**_NULLABLE_STR, "description": "Campaign that added this line (free gift)."},
    "cost": {**_NULLABLE_INT, "description": "One unit's cost (the catalogue's unless the order gave one); null: "
                                             "not guarded by the margin floor."},
    "capped": {**_INT, "description": "What the margin floor kept offers from taking off this line."},
}

EVALUATION_PROPERTIES: dict[str, Any] = {
    "currency": _STR,
    "lines": {"type": "array", "items": {"type": "object", "required": list(PRICED_LINE_PROPERTIES),
                                          "properties": PRICED_LINE_PROPERTIES}},
    "offers": {"type": "array", "items": {"$ref": "#/components/schemas/OfferResult"},
               "description": "Every evaluated offer, applied ones first in application order."},
    "codes": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/OfferResult"},
              "description": "Each entered code -> its result (rejected codes carry their reason)."},
    "subtotal": _INT,
    "discount": _INT,
    "shipping": _INT,
    "shipping_discount": _INT,
    "total": {**_INT, "description": "The order total after discounts, before gift cards pay."},
}
PAYMENT_PROPERTIES: dict[str, Any] = {
    "gift_cards": {"type": "array", "description": "What each gift card among the codes pays, in entry order.",
                   "items": {"type": "object", "required": ["code", "pays", "balance_after"],
                             "properties": {"code": _STR, "pays": _INT, "balance_after": _NULLABLE_INT}}},
    "gift_card_pays": {**_INT, "description": "What the gift cards pay in all."},
    "amount_due": {**_INT, "description": "`total` minus what the gift cards pay: what is still to pay."},
}
EVALUATION_PROPERTIES.update(PAYMENT_PROPERTIES)

EvaluationSchema = Described(
    name="Evaluation",
    schema={"type": "object", "required": list(EVALUATION_PROPERTIES), "properties": EVALUATION_PROPERTIES},
    refers_to=(OfferSchema,),
)
