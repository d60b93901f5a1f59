"""A loyalty member's balance. promoshop keeps points per customer and programme, with no card
code of their own, so the member id is the customer's id (``cust_<id>`` or source_id); the
programme is the campaign named by ``?campaign=`` or else the customer's first one."""
from __future__ import annotations

from typing import Any

from promo.core.errors import NotFound
from shop.api.framework.schema import Field, Str
from shop.voucherify import ids
from shop.voucherify.errors import not_found
from shop.voucherify.routing import lenient, operation, query
from shop.web.extensions import promo_engine

MemberQuery = lenient({"campaign": Field(Str(max_length=200))})


@operation("/loyalties/members/<member_id>", "GET", scope="read")
def get_member(member_id: str) -> dict[str, Any]:
    customer_id = ids.customer_ref(member_id)
    engine = promo_engine()
    try:
        engine.get_customer(customer_id)
        accounts = engine.points_accounts(customer_id)
    except NotFound:
        raise not_found("loyalty_card", member_id) from None
    wanted = query(MemberQuery).get("campaign")
    account = next((a for a in accounts if wanted in (None, a.campaign_id, a.name)), None)
    if account is None:
        raise not_found("loyalty_card", member_id)
    return {
        "id": ids.voucher_id(f"{account.campaign_id}:{customer_id}"), "object": "voucher",
        "code": f"{account.campaign_id}:{customer_id}", "type": "LOYALTY_CARD",
        "campaign": account.name, "campaign_id": account.campaign_id, "active": True,
        "holder_id": ids.customer_id(customer_id), "is_referral_code": False, "metadata": {},
        "loyalty_card": {"points": account.points, "balance": account.points},
    }
