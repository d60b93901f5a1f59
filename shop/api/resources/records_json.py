"""JSON for the records the engine returns (campaigns, codes, customers, redemptions ...), with
the response schemas the OpenAPI document shows for them. Datetimes are ISO 8601 in UTC."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from promo.core.domain import Customer
from promo.core.incentive_records import GiftCardPayment
from promo.core.reasons import Reason
from promo.core.records import (
    CampaignInfo,
    CampaignStatus,
    CodeInfo,
    CodePage,
    CodeStatus,
    ItemStatus,
    Offer,
    OfferSource,
    OfferStatus,
    OrderStatus,
    Publication,
    RedemptionResult,
    RedemptionStatus,
)
from shop.api.framework.json_types import (
    INT as _INT,
)
from shop.api.framework.json_types import (
    NULLABLE_INT as _NULLABLE_INT,
)
from shop.api.framework.json_types import (
    NULLABLE_STR as _NULLABLE_STR,
)
from shop.api.framework.json_types import (
    NULLABLE_TIME as _NULLABLE_TIME,
)
from shop.api.framework.json_types import (
    STR as _STR,
)
from shop.api.framework.json_types import (
    TIME as _TIME,
)
from shop.api.framework.json_types import (
    iso as _iso,
)
from shop.api.framework.json_types import (
    object_schema as _object,
)
from shop.api.resources.results_json import HINT, PAYMENT_PROPERTIES, OfferSchema, hint_json, offer_json, payments_json

# --- campaigns ---------------------------------------------------------------------------------


def campaign_json(info: CampaignInfo, definition_errors: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "id": info.id,
        "name": info.name,
        "kind": info.kind,
        "status": info.status.value,
        "definition": dict(info.definition),
        "version": info.version,
        "redemptions_count": info.redemptions_count,
        "budget_used": info.budget_used,
        "order_value_used": info.order_value_used,
        "created_at": _iso(info.created_at),
        "updated_at": _iso(info.updated_at),
        "definition_errors": definition_errors,
    }


CampaignSchema = _object("Campaign", {
    "id": _STR,
    "name": _STR,
    "kind": _STR,
    "status": {"type": "string", "enum": [s.value for s in CampaignStatus]},
    "definition": {"type": "object", "description": "The definition as written (docs/campaigns.md)."},
    "version": {**_INT, "description": "Bumped on every definition change."},
    "redemptions_count": _INT,
    "budget_used": {**_INT, "description": "Discount granted so far, minor units."},
    "order_value_used": {**_INT, "description": "Order value counted so far, minor units."},
    "created_at": _TIME,
    "updated_at": _TIME,
    "definition_errors": {
        "type": "array",
        "items": _object("DefinitionError", {"path": _STR, "message": _STR}).schema,
        "description": "Empty, unless the stored definition can't be read (written by an older version, or changed "
                       "in the database): then why, field by field. Such a campaign applies to no cart until a valid "
                       "definition replaces it (PUT or PATCH).",
    },
})

CampaignWrittenSchema = _object("CampaignWritten", {
    **CampaignSchema.schema["properties"],
    "warnings": {
        "type": "array", "items": _STR,
        "description": "What the store should know but does not refuse: where the headline discount on one unit is "
                       "more than the margin floor leaves on a product it targets, so the floor will cap it there.",
    },
})

CampaignListSchema = _object("CampaignList", {"campaigns": {"type": "array", "items": {"$ref": "#/components/schemas/Campaign"}}},
                             refers_to=(CampaignSchema,))


# --- codes -------------------------------------------------------------------------------------


def code_json(info: CodeInfo) -> dict[str, Any]:
    return {
        "code": info.code,
        "campaign_id": info.campaign_id,
        "status": info.status.value,
        "holder_id": info.holder_id,
        "redeemed_count": info.redeemed_count,
        "gift_balance": info.gift_balance,
        "created_at": _iso(info.created_at),
        "expires_at": _iso(info.expires_at),
    }


def code_page_json(page: CodePage) -> dict[str, Any]:
    return {"codes": [code_json(code) for code in page.codes], "total": page.total, "next_after": page.next_after}


_CODE_EXPIRES_AT = {**_NULLABLE_TIME, "description": "When the code stops being valid: its campaign's "
                    "`codes: {valid_days}`, counted from its publication. Null: no end of its own."}

CodeSchema = _object("Code", {
    "code": _STR,
    "campaign_id": _STR,
    "status": {"type": "string", "enum": [s.value for s in CodeStatus]},
    "holder_id": {**_NULLABLE_STR, "description": "The customer the code was published to."},
    "redeemed_count": _INT,
    "gift_balance": _NULLABLE_INT,
    "created_at": _TIME,
    "expires_at": _CODE_EXPIRES_AT,
})

CodePageSchema = _object("CodePage", {
    "codes": {"type": "array", "items": {"$ref": "#/components/schemas/Code"}},
    "total": {**_NULLABLE_INT, "description": "Codes matching the filters: counted on the first page (no `after`), "
                                               "and on later pages only with `include_total=true`; null otherwise."},
    "next_after": {**_NULLABLE_STR, "description": "Pass as `after` for the next page; null on the last page."},
}, refers_to=(CodeSchema,))

GeneratedSchema = _object("GeneratedCodes", {
    "campaign_id": _STR,
    "generated": {**_INT, "description": "Codes made by this request."},
})


# --- customers ---------------------------------------------------------------------------------


def customer_json(customer: Customer) -> dict[str, Any]:
    return {
        "id": customer.id,
        "name": customer.name,
        "email": customer.email,
        "segments": sorted(customer.segments),
        "orders_count": customer.orders_count,
        "total_spent": customer.total_spent,
        "last_order_at": _iso(customer.last_order_at),
        "birthday": customer.birthday.isoformat() if customer.birthday else None,
        "country": customer.country,
        "city": customer.city,
        "metadata": dict(customer.metadata),
        "accepts_marketing": customer.accepts_marketing,
    }


CustomerSchema = _object("Customer", {
    "id": _STR,
    "name": _NULLABLE_STR,
    "email": _NULLABLE_STR,
    "segments": {"type": "array", "items": _STR},
    "orders_count": _INT,
    "total_spent": _INT,
    "last_order_at": _NULLABLE_TIME,
    "birthday": {"type": ["string", "null"], "format": "date"},
    "country": _NULLABLE_STR,
    "city": _NULLABLE_STR,
    "metadata": {"type": "object"},
    "accepts_marketing": {"type": "boolean"},
})


# --- qualifications ----------------------------------------------------------------------------


def qualification_offer_json(offer: Offer) -> dict[str, Any]:
    return {
        "campaign_id": offer.campaign_id,
        "name": offer.name,
        "kind": offer.kind,
        "source": offer.source.value,
        "code": offer.code,
        "status": offer.status.value,
        "discount": offer.discount,
        "reason": offer.reason.value,
        "message": offer.message,
        "hint": hint_json(offer.hint),
        "visible": offer.visible,
        "result": offer_json(offer.result),
        "expires_at": _iso(offer.expires_at),
    }


QualificationOfferSchema = _object("QualifiedOffer", {
    "campaign_id": _STR,
    "name": _STR,
    "kind": _STR,
    "source": {"type": "string", "enum": [s.value for s in OfferSource]},
    "code": {**_NULLABLE_STR, "description": "The code to enter; null for automatic promotions."},
    "status": {"type": "string", "enum": [s.value for s in OfferStatus]},
    "discount": {**_INT, "description": "Items + shipping discount on this cart alone, minor units."},
    "reason": {"type": "string", "enum": [r.value for r in Reason]},
    "message": _STR,
    "hint": HINT,
    "visible": {"type": "boolean", "description": "Whether the offer's visibility rules show it in this context."},
    "result": {"$ref": "#/components/schemas/OfferResult"},
    "expires_at": _CODE_EXPIRES_AT,
}, refers_to=(OfferSchema,))

QualificationSchema = _object("Qualification", {
    "offers": {"type": "array", "items": {"$ref": "#/components/schemas/QualifiedOffer"},
               "description": "Best deal first: eligible by discount, then near misses, then the rest."},
}, refers_to=(QualificationOfferSchema,))


# --- redemptions -------------------------------------------------------------------------------


def redemption_json(result: RedemptionResult, payments: Sequence[GiftCardPayment] = ()) -> dict[str, Any]:
    """The redemption; `order.total` is the order's total, and `gift_cards`, `gift_card_pays`
    and `amount_due` say what the gift cards paid and what was left to pay."""
    data = result.to_dict()
    # A replay is marked by the Idempotent-Replayed header, so both answers have the same body.
    data.pop("replayed", None)
    data["discount"] = result.discount
    return {**data, **payments_json(payments, result.order.total)}


_ORDER_LINE = {
    "type": "object",
    "properties": {
        "sku": _STR, "name": _STR, "unit_price": _INT, "quantity": _INT, "discount": _INT,
        "categories": {"type": "array", "items": _STR}, "collections": {"type": "array", "items": _STR},
        "added_by": _NULLABLE_STR,
    },
}
_ORDER = {
    "type": "object",
    "properties": {
        "id": _INT, "order_ref": _STR, "customer_id": _NULLABLE_STR, "currency": _STR,
        "status": {"type": "string", "enum": [s.value for s in OrderStatus]},
        "subtotal": _INT, "discount": _INT, "shipping": _INT, "shipping_discount": _INT, "total": _INT,
        "lines": {"type": "array", "items": _ORDER_LINE}, "created_at": _TIME,
    },
}
_ITEM = {
    "type": "object",
    "description": "One applied offer; roll it back alone with `item_id`.",
    "properties": {
        "id": _INT, "campaign_id": _STR, "code": _NULLABLE_STR, "discount": _INT, "shipping_discount": _INT,
        "line_discounts": {"type": "array", "items": _INT},
        "status": {"type": "string", "enum": [s.value for s in ItemStatus]},
        "rollback_reason": _NULLABLE_STR, "rolled_back_at": _NULLABLE_TIME,
    },
}
_SET_ASIDE = {
    "type": "object",
    "description": "An entered code that was valid but not applied (stacking kept a better deal).",
    "properties": {"code": _STR, "campaign_id": _NULLABLE_STR, "reason": _STR, "message": _STR},
}

RedemptionSchema = _object("Redemption", {
    "id": _INT,
    "status": {"type": "string", "enum": [s.value for s in RedemptionStatus]},
    "customer_id": _NULLABLE_STR,
    "order": _ORDER,
    "items": {"type": "array", "items": _ITEM},
    "set_aside": {"type": "array", "items": _SET_ASIDE},
    "discount": {**_INT, "description": "Items + shipping discount still granted, minor units."},
    "created_at": _TIME,
    "rollback_reason": _NULLABLE_STR,
    "rolled_back_at": _NULLABLE_TIME,
    **PAYMENT_PROPERTIES,
})


# --- publications ------------------------------------------------------------------------------


def publication_json(publication: Publication) -> dict[str, Any]:
    return {
        "id": publication.id,
        "campaign_id": publication.campaign_id,
        "customer_id": publication.customer_id,
        "code": publication.code,
        "source_id": publication.source_id,
        "created_at": _iso(publication.created_at),
        "expires_at": _iso(publication.expires_at),
    }


PublicationSchema = _object("Publication", {
    "id": _INT,
    "campaign_id": _STR,
    "customer_id": _STR,
    "code": _STR,
    "source_id": _NULLABLE_STR,
    "created_at": _TIME,
    "expires_at": _CODE_EXPIRES_AT,
})
