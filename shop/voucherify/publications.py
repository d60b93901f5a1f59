"""Publications: give a customer a code of a campaign, idempotent by ``source_id``.

The same source_id always returns the same code (Engine.publish). With ``join_once=true`` and no
source_id, the customer gets one code of the campaign however often it is asked. A customer the
store does not know yet is created from the fields sent, as Voucherify does.
"""
from __future__ import annotations

from typing import Any

from shop.api.framework.auth import actor
from shop.api.framework.schema import Bool, Either, Field, FreeObject, Int, Str
from shop.voucherify import ids
from shop.voucherify.campaigns import find_campaign
from shop.voucherify.customers import CustomerFields, resolve
from shop.voucherify.errors import VoucherifyError, invalid_payload
from shop.voucherify.routing import body, lenient, operation, query
from shop.voucherify.vouchers import voucher
from shop.web.extensions import promo_engine

MAX_COUNT = 50
CampaignRef = lenient({"name": Field(Str(max_length=200)), "id": Field(Str(max_length=200)),
                       "count": Field(Int(minimum=1, maximum=MAX_COUNT))}, name="VoucherifyPublicationCampaign")
PublicationBody = lenient({
    "customer": Field(lenient(CustomerFields, name="VoucherifyPublicationCustomer"), required=True),
    "campaign": Field(Either((Str(max_length=200), CampaignRef))),
    "voucher": Field(Str(max_length=64)),
    "source_id": Field(Str(max_length=200)),
    "channel": Field(Str(max_length=64)), "metadata": Field(FreeObject()),
}, name="VoucherifyPublication")
PublicationQuery = lenient({"join_once": Field(Bool())})


@operation("/publications", "POST", scope="write")
def create_publication() -> dict[str, Any]:
    fields = body(PublicationBody)
    join_once = query(PublicationQuery).get("join_once", False)
    if fields.get("voucher"):
        raise VoucherifyError(400, "not_supported", "publishing one chosen code is not supported; publish from a "
                              "campaign (campaign.name) and the store picks a free code")
    ref = fields.get("campaign")
    if ref is None:
        raise invalid_payload("campaign is required: the campaign's name or id")
    ref = {"name": ref} if isinstance(ref, str) else ref
    given = ref.get("id") or ref.get("name")
    if not given:
        raise invalid_payload("campaign needs a name or an id")
    info = find_campaign(given)
    customer = resolve(fields["customer"], create=True)
    if not isinstance(customer, str):
        raise invalid_payload("customer needs a source_id or an id")
    count = ref.get("count", 1)
    source_id = fields.get("source_id") or (f"join-once:{customer}" if join_once else None)
    engine = promo_engine()
    made = []
    for n in range(count):
        one_source = source_id if source_id is None or count == 1 else f"{source_id}#{n + 1}"
        made.append(engine.publish(info.id, customer, source_id=one_source, actor=actor()))
    first = made[0]
    out: dict[str, Any] = {
        "id": ids.publication_id(first.id), "object": "publication", "created_at": first.created_at.isoformat(),
        "customer_id": ids.customer_id(customer), "tracking_id": customer, "metadata": fields.get("metadata", {}),
        "channel": "API", "source_id": fields.get("source_id"), "result": "SUCCESS",
        "vouchers_id": [ids.voucher_id(p.code) for p in made],
    }
    if count == 1:
        out["voucher"] = voucher(engine.get_code(first.code))
    else:
        out["vouchers"] = [p.code for p in made]
    return out
