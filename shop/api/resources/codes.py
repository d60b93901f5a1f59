"""Codes: generate a campaign's bulk codes, list and search them, look one up, disable, enable."""

from __future__ import annotations

from typing import Any

from promo.core.records import CodeStatus
from shop.api import api
from shop.api.framework.auth import actor
from shop.api.framework.registry import Reply
from shop.api.framework.schema import Bool, Field, Int, Obj, Param, Query, Str
from shop.api.resources.payloads import customer_id_schema, money
from shop.api.resources.records_json import CodePageSchema, CodeSchema, GeneratedSchema, code_json, code_page_json
from shop.web.extensions import promo_engine

TAG = "codes"
# One request makes at most this many codes, so it answers in seconds; the campaign itself has
# no cap beyond the keyspace rule. `flask promo generate` streams millions with a progress bar.
MAX_GENERATE_PER_REQUEST = 100_000
MAX_PAGE = 1000

GenerateBody = Obj({
    "count": Field(Int(minimum=1, maximum=MAX_GENERATE_PER_REQUEST), required=True),
    "gift_balance": Field(money("Starting balance of each code (gift cards), minor units.")),
}, name="GenerateCodes")

CodeQuery = Query({
    "prefix": Param(Str(max_length=64), description="Codes starting with this (case-insensitive)."),
    "status": Param(Str(enum=tuple(s.value for s in CodeStatus))),
    "holder": Param(customer_id_schema(), description="Codes published to this customer."),
    "limit": Param(Int(minimum=1, maximum=MAX_PAGE), default=100),
    "after": Param(Str(max_length=64), description="The `next_after` of the previous page."),
    "include_total": Param(Bool(), description="Count `total` on this page too. By default it is counted on the "
                                               "first page only (no `after`): counting reads every matching code."),
})


@api.operation("/campaigns/<campaign_id>/codes", "POST", summary="Generate bulk codes", tag=TAG, scope="write",
               body=GenerateBody, reply=Reply(201, "How many codes were made.", GeneratedSchema), errors=(409,))
def generate_codes(campaign_id: str, body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Random codes from the campaign's `codes.pattern`. Refused with 400 `keyspace_too_small`
    when the campaign's codes would fill more than 1 in 10^6 of the pattern's keyspace."""
    made = promo_engine().generate_codes(campaign_id, body["count"], gift_balance=body.get("gift_balance"),
                                         actor=actor())
    return {"campaign_id": campaign_id, "generated": made}, 201


@api.operation("/campaigns/<campaign_id>/codes", "GET", summary="List a campaign's codes", tag=TAG, scope="read",
               query=CodeQuery, reply=Reply(200, "A page of codes in code order.", CodePageSchema))
def list_codes(campaign_id: str, query: dict[str, Any]) -> dict[str, Any]:
    """Paged by key: a page is the `limit` codes after `after`, so every page costs the same and
    codes added or removed while you page neither repeat nor hide others."""
    page = promo_engine().list_codes(campaign_id, prefix=query.get("prefix"), status=query.get("status"),
                                     holder_id=query.get("holder"), limit=query["limit"], after=query.get("after"),
                                     count_total=query.get("include_total"))
    return code_page_json(page)


@api.operation("/codes/<code>", "GET", summary="Look up a code", tag=TAG, scope="read",
               reply=Reply(200, "The code (matched ignoring case and surrounding spaces).", CodeSchema))
def get_code(code: str) -> dict[str, Any]:
    return code_json(promo_engine().get_code(code))


@api.operation("/codes/<code>/disable", "POST", summary="Disable a code", tag=TAG, scope="write",
               reply=Reply(200, "The code, disabled.", CodeSchema))
def disable_code(code: str) -> dict[str, Any]:
    """A disabled code is refused with `code_disabled`. Disabling it again changes nothing."""
    return code_json(promo_engine().set_code_status(code, "disable", actor=actor()))


@api.operation("/codes/<code>/enable", "POST", summary="Enable a code", tag=TAG, scope="write",
               reply=Reply(200, "The code, active.", CodeSchema))
def enable_code(code: str) -> dict[str, Any]:
    return code_json(promo_engine().set_code_status(code, "enable", actor=actor()))
