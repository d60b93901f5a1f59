"""Rows to the plain records promo.engine hands out (and domain values back to rows)."""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from promo.core.domain import Customer
from promo.core.records import (
    CampaignInfo,
    CampaignStatus,
    Category,
    CodeInfo,
    CodeStatus,
    ItemStatus,
    OrderLineRecord,
    OrderRecord,
    OrderStatus,
    Product,
    Publication,
    RedemptionItemRecord,
    RedemptionResult,
    RedemptionStatus,
    SetAsideCode,
)

from .models import CampaignRow, CategoryRow, CodeRow, CustomerRow, OrderRow, ProductRow, PublicationRow, RedemptionRow


def campaign_info(row: CampaignRow, uncounted: tuple[int, int, int] | None = None) -> CampaignInfo:
    """`uncounted`: the redemptions, discount and order value of succeeded items not in the
    row's counters (an uncapped campaign's, promo.storage.counters.uncounted)."""
    redemptions, spent, value = uncounted or (0, 0, 0)
    return CampaignInfo(
        id=row.id,
        name=row.name,
        kind=row.kind,
        status=CampaignStatus(row.status),
        definition=row.definition,
        version=row.version,
        redemptions_count=row.redemptions_count + redemptions,
        budget_used=row.budget_used + spent,
        order_value_used=row.order_value_used + value,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def campaign_snapshot(row: CampaignRow) -> dict[str, Any]:
    """What the audit log records of a campaign."""
    return {"name": row.name, "kind": row.kind, "status": row.status, "version": row.version, "definition": row.definition}


def code_info(row: CodeRow) -> CodeInfo:
    return CodeInfo(
        code=row.code,
        campaign_id=row.campaign_id,
        status=CodeStatus(row.status),
        holder_id=row.holder_id,
        redeemed_count=row.redeemed_count,
        gift_balance=row.gift_balance,
        created_at=row.created_at,
        expires_at=row.expires_at,
    )


def publication(row: PublicationRow, code: CodeRow, *, created: bool = True) -> Publication:
    """`code` is the published code's row (row.code_id), which holds its end."""
    return Publication(row.id, row.campaign_id, row.customer_id, row.code, row.source_id, row.created_at, created,
                       code.expires_at)


def code_snapshot(row: CodeRow) -> dict[str, Any]:
    return {"code": row.code, "campaign_id": row.campaign_id, "status": row.status, "holder_id": row.holder_id}


def customer_profile(row: CustomerRow) -> Customer:
    return Customer(
        id=row.id,
        segments=frozenset(row.segments or ()),
        orders_count=row.orders_count,
        total_spent=row.total_spent,
        last_order_at=row.last_order_at,
        birthday=row.birthday,
        country=row.country,
        city=row.city,
        email=row.email,
        name=row.name,
        metadata=dict(row.extra or {}),
        accepts_marketing=row.accepts_marketing is not False,
    )


def customer_fields(customer: Customer) -> dict[str, Any]:
    """The profile columns of a customer row (counters included; password untouched)."""
    return {
        "email": customer.email,
        "name": customer.name,
        "segments": sorted(customer.segments),
        "orders_count": customer.orders_count,
        "total_spent": customer.total_spent,
        "last_order_at": customer.last_order_at,
        "birthday": customer.birthday,
        "country": customer.country,
        "city": customer.city,
        "extra": dict(customer.metadata),
        "accepts_marketing": customer.accepts_marketing,
    }


def customer_snapshot(row: CustomerRow) -> dict[str, Any]:
    profile = asdict(customer_profile(row))
    profile["segments"] = sorted(profile["segments"])
    for key in ("last_order_at", "birthday"):
        if profile[key] is not None:
            profile[key] = profile[key].isoformat()
    return profile


def category_record(row: CategoryRow) -> Category:
    return Category(slug=row.slug, name=row.name, description=row.description, position=row.position)


def product_record(row: ProductRow) -> Product:
    return Product(
        sku=row.sku,
        name=row.name,
        price=row.price,
        categories=tuple(row.categories or ()),
        collections=tuple(row.collections or ()),
        description=row.description,
        image=row.image,
        metadata=dict(row.extra or {}),
        position=row.position,
        cost=row.cost,
    )


def order_record(row: OrderRow) -> OrderRecord:
    return OrderRecord(
        id=row.id,
        order_ref=row.order_ref,
        customer_id=row.customer_id,
        currency=row.currency,
        status=OrderStatus(row.status),
        subtotal=row.subtotal,
        discount=row.discount,
        shipping=row.shipping,
        shipping_discount=row.shipping_discount,
        total=row.total,
        lines=tuple(
            OrderLineRecord(
                sku=line.sku,
                name=line.name,
                unit_price=line.unit_price,
                quantity=line.quantity,
                discount=line.discount,
                categories=tuple(line.categories or ()),
                collections=tuple(line.collections or ()),
                added_by=line.added_by,
            )
            for line in row.lines
        ),
        created_at=row.created_at,
    )


def redemption_result(
    row: RedemptionRow, order: OrderRow, set_aside: tuple[SetAsideCode, ...] = ()
) -> RedemptionResult:
    return RedemptionResult(
        id=row.id,
        status=RedemptionStatus(row.status),
        customer_id=row.customer_id,
        order=order_record(order),
        items=tuple(
            RedemptionItemRecord(
                id=item.id,
                campaign_id=item.campaign_id,
                code=item.code,
                discount=item.discount,
                shipping_discount=item.shipping_discount,
                line_discounts=tuple(item.line_discounts),
                status=ItemStatus(item.status),
                rollback_reason=item.rollback_reason,
                rolled_back_at=item.rolled_back_at,
            )
            for item in row.items
        ),
        created_at=row.created_at,
        set_aside=set_aside,
        rollback_reason=row.rollback_reason,
        rolled_back_at=row.rolled_back_at,
    )
