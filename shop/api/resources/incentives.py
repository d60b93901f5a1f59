"""Referrals, gift cards and loyalty points over the API: thin wrappers of the Engine's methods."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from shop.api import api
from shop.api.framework.auth import actor
from shop.api.framework.json_types import (
    BOOL as _BOOL,
)
from shop.api.framework.json_types import (
    INT as _INT,
)
from shop.api.framework.json_types import (
    NULLABLE_STR as _NULLABLE_STR,
)
from shop.api.framework.json_types import (
    STR as _STR,
)
from shop.api.framework.json_types import (
    TIME as _TIME,
)
from shop.api.framework.json_types import (
    object_schema as _object,
)
from shop.api.framework.registry import Reply
from shop.api.framework.schema import Field, Int, Obj, Str
from shop.api.resources.payloads import customer_id_schema
from shop.web.extensions import promo_engine

TAG = "incentives"
MAX_AMOUNT = 10**12



def _json(record: Any) -> Any:
    """A record as JSON: dataclasses as objects, datetimes in ISO 8601 UTC."""
    return _plain(asdict(record))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


ReferralCodeSchema = _object("ReferralCode", {"campaign_id": _STR, "code": _STR, "created": _BOOL})
ReferralRewardSchema = _object("ReferralReward", {
    "code": _STR, "kind": {"type": "string", "enum": ["reward", "bonus"]},
    "status": {"type": "string", "enum": ["available", "used", "revoked", "reclaimed"],
               "description": "revoked: taken back unused; reclaimed: used, then the friend's order was cancelled"},
})
ReferralSummarySchema = _object("ReferralSummary", {
    "campaign_id": _STR, "code": _NULLABLE_STR,
    "invited": {**_INT, "description": "Friends who ordered with the code."},
    "converted": {**_INT, "description": "Friends whose conversion counts (not rolled back)."},
    "rewards": {"type": "array", "items": {"$ref": "#/components/schemas/ReferralReward"}},
    "withheld": {**_INT, "description": "Conversions whose reward repaid a reclaimed one instead."},
    "owed": {**_INT, "description": "Reclaimed rewards not repaid yet: the next conversions earn no reward."},
}, refers_to=(ReferralRewardSchema,))
ConversionSchema = _object("ReferralConversion", {
    "referral_id": _INT, "campaign_id": _STR, "advocate_id": _STR, "friend_id": _STR,
    "reward_code": _NULLABLE_STR, "bonus_code": _NULLABLE_STR,
})
ConversionsSchema = _object("ReferralConversions", {
    "conversions": {"type": "array", "items": {"$ref": "#/components/schemas/ReferralConversion"}},
}, refers_to=(ConversionSchema,))
GiftCardEntrySchema = _object("GiftCardEntry", {
    "id": _INT, "code": _STR, "kind": {"type": "string", "enum": ["issue", "redemption", "refund", "top_up"]},
    "amount": {**_INT, "description": "Signed, minor units: a redemption is negative."},
    "balance_after": _INT, "order_ref": _NULLABLE_STR, "at": _TIME,
})
GiftCardSchema = _object("GiftCard", {
    "code": _STR, "campaign_id": _STR, "balance": _INT, "active": _BOOL,
    "entries": {"type": "array", "items": {"$ref": "#/components/schemas/GiftCardEntry"}},
}, refers_to=(GiftCardEntrySchema,))
PointsEntrySchema = _object("PointsEntry", {
    "id": _INT, "kind": {"type": "string", "enum": ["earn", "spend", "reverse"]}, "points": _INT,
    "balance_after": _INT, "order_ref": _NULLABLE_STR, "reward_code": _NULLABLE_STR, "at": _TIME,
})
RewardOptionSchema = _object("PointsReward", {"number": _INT, "name": _STR, "points": _INT, "affordable": _BOOL})
PointsAccountSchema = _object("PointsAccount", {
    "campaign_id": _STR, "name": _STR, "points": _INT,
    "rewards": {"type": "array", "items": {"$ref": "#/components/schemas/PointsReward"}},
    "entries": {"type": "array", "items": {"$ref": "#/components/schemas/PointsEntry"}},
}, refers_to=(RewardOptionSchema, PointsEntrySchema))
PointsAccountsSchema = _object("PointsAccounts", {
    "programmes": {"type": "array", "items": {"$ref": "#/components/schemas/PointsAccount"}},
}, refers_to=(PointsAccountSchema,))
PointsSpendSchema = _object("PointsSpend", {
    "campaign_id": _STR, "reward": _STR, "points": _INT, "balance": _INT, "code": _STR, "replayed": _BOOL,
})

EVENT_NAME = Str(max_length=64, pattern=r"[a-z][a-z0-9_]*", pattern_hint="lower-case letters, digits and _")
ReferralEventBody = Obj({"event": Field(EVENT_NAME, required=True, description="e.g. order_shipped")},
                        name="ReferralEvent")
TopUpBody = Obj({"amount": Field(Int(minimum=1, maximum=MAX_AMOUNT), required=True,
                                 description="Minor units to add.")}, name="GiftCardTopUp")
SpendBody = Obj({
    "reward": Field(Int(minimum=1, maximum=100), required=True, description="The reward's number in the catalogue."),
    "idempotency_key": Field(Str(max_length=200), description="The same key spends once."),
}, name="PointsSpendRequest")


@api.operation("/customers/<customer_id>/referral-code", "POST", summary="Get the customer's referral code",
               tag=TAG, scope="write", reply=Reply(200, "The code, made on the first call.", ReferralCodeSchema),
               errors=(409,))
def referral_code(customer_id: str) -> dict[str, Any]:
    """Idempotent: the same customer always gets the same code of the first active referral campaign."""
    customer_id = customer_id_schema().validate_as(customer_id, "customer_id")
    return _json(promo_engine().referral_code_for(customer_id))


@api.operation("/customers/<customer_id>/referrals", "GET", summary="The customer's referrals as an advocate",
               tag=TAG, scope="read", reply=Reply(200, "Invited, converted and rewards.", ReferralSummarySchema))
def referral_summary(customer_id: str) -> dict[str, Any]:
    return _json(promo_engine().referral_summary(customer_id))


@api.operation("/customers/<customer_id>/referral-events", "POST", summary="Report a referral conversion event",
               tag=TAG, scope="write", body=ReferralEventBody,
               reply=Reply(200, "The referrals that converted.", ConversionsSchema))
def referral_event(customer_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """For campaigns whose `referral.conversion` names an event (e.g. `order_shipped`): the
    friend's pending referrals convert and their advocates get rewards. An event no referral
    waits for converts nothing. `POST /customers/{id}/events` (tracking) converts them too."""
    customer_id = customer_id_schema().validate_as(customer_id, "customer_id")
    conversions = promo_engine().referral_event(customer_id, body["event"])
    return {"conversions": [_json(c) for c in conversions]}


IssueBody = Obj({
    "campaign": Field(Str(max_length=64), required=True, description="A gift_card campaign."),
    "code": Field(Str(max_length=64), description="The card's code (cards printed elsewhere); drawn from the pattern when left out."),
    "balance": Field(Int(minimum=1, maximum=MAX_AMOUNT), description="Minor units; the definition's balance when left out."),
    "customer": Field(customer_id_schema(), description="Put the card in this customer's wallet."),
}, name="GiftCardIssue")


@api.operation("/gift-cards", "POST", summary="Issue a gift card", tag=TAG, scope="write", body=IssueBody,
               reply=Reply(201, "The new card.", GiftCardSchema), errors=(409,))
def issue_gift_card(body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """409 `code_taken` when the code exists already."""
    card = promo_engine().issue_gift_card(body["campaign"], balance=body.get("balance"), code=body.get("code"),
                                          customer_id=body.get("customer"), actor=actor())
    return _json(card), 201


@api.operation("/gift-cards/<code>", "GET", summary="A gift card's balance and ledger", tag=TAG, scope="read",
               reply=Reply(200, "Balance and its changes, newest first.", GiftCardSchema))
def gift_card(code: str) -> dict[str, Any]:
    return _json(promo_engine().gift_card_balance(code))


@api.operation("/gift-cards/<code>/top-ups", "POST", summary="Top up a gift card", tag=TAG, scope="write",
               body=TopUpBody, reply=Reply(200, "The new balance.", GiftCardSchema))
def top_up(code: str, body: dict[str, Any]) -> dict[str, Any]:
    return _json(promo_engine().top_up_gift_card(code, body["amount"], actor=actor()))


@api.operation("/customers/<customer_id>/points", "GET", summary="The customer's loyalty points", tag=TAG,
               scope="read", reply=Reply(200, "Every running programme's balance, rewards and ledger.", PointsAccountsSchema))
def points(customer_id: str) -> dict[str, Any]:
    return {"programmes": [_json(a) for a in promo_engine().points_accounts(customer_id)]}


@api.operation("/customers/<customer_id>/points/<campaign_id>/spend", "POST", summary="Spend points on a reward",
               tag=TAG, scope="write", body=SpendBody,
               reply=Reply(201, "The reward code, now in the customer's wallet.", PointsSpendSchema), errors=(409,))
def spend(customer_id: str, campaign_id: str, body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """409 `insufficient_points` (with `details.points` and `details.cost`) when the balance is short."""
    customer_id = customer_id_schema().validate_as(customer_id, "customer_id")
    spent = promo_engine().spend_points(customer_id, campaign_id, body["reward"],
                                        idempotency_key=body.get("idempotency_key"))
    return _json(spent), 200 if spent.replayed else 201
