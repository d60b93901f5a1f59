"""Write the current store back as a scenario pack (the format promo.scenario reads).

    text = dump_pack(export_pack(engine, store=settings, personas=personas))

The pack holds the catalogue, the campaigns that are running (their definitions as stored,
public codes included), how many codes each code-pattern campaign holds, the customers with
their personas, the codes in their wallets (publications: gift cards, birthday and referral
codes ...) and the distribution rules. Loading it into an empty store gives the same offers and
the same cart prices.

What a pack cannot say is left out, and the file's header lists it: paused and archived
campaigns (a pack's campaigns load active), inactive distribution rules, and history (orders,
redemptions, counters, gift card spending, points). Generated codes get new random values when
the pack is loaded; the wallets still hold one code each of the same campaigns. Dates are
written as they stand (a birthday persona's birthday is a date, no longer "today").

Flask-free: ``flask promo export`` and the console's "Download as scenario pack" are thin clients.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

import yaml
from sqlalchemy import select

from promo.core.campaign import MarginFloor
from promo.core.domain import Customer
from promo.core.margin import floor_text
from promo.core.records import CampaignStatus, Category, Product
from promo.engine import Engine
from promo.packs.scenario import Persona, StoreSettings, parse_pack
from promo.storage import convert
from promo.storage.models import CampaignRow, CustomerRow, PublicationRow


@dataclass
class ExportedPack:
    data: dict[str, Any]
    left_out: list[str] = field(default_factory=list)   # what the pack could not carry, for its header


def export_pack(engine: Engine, *, store: StoreSettings | None = None, personas: Sequence[Persona] = ()) -> ExportedPack:
    """The store as pack data. The result is checked with the pack reader, so what is returned
    always loads (ScenarioError otherwise, naming the entry)."""
    left_out: list[str] = []
    running = []
    for info in engine.list_campaigns():
        if info.status is not CampaignStatus.ACTIVE:
            left_out.append(f"campaign {info.id} ({info.status.value}): a pack's campaigns load active")
        elif engine.definition_errors(info):
            left_out.append(f"campaign {info.id}: its stored definition can't be read (see the console)")
        else:
            running.append(info)
    exported_ids = {c.id for c in running}
    customers = _customers(engine)
    customer_ids: set[str] = {c.id for c in customers if c.id is not None}
    data: dict[str, Any] = {}
    if store is not None:
        data["store"] = {"name": store.name, "currency": store.currency, "locale": store.locale,
                         "timezone": store.timezone, "margin_floor": _floor(engine.store_margin_floor())}
    data["categories"] = [_category(c) for c in engine.list_categories()]
    data["products"] = [_product(p) for p in engine.list_products()]
    data["customers"] = [_customer(c) for c in customers]
    data["personas"] = [_persona(p) for p in personas if p.customer_id is None or p.customer_id in customer_ids]
    data["campaigns"] = [_plain(info.definition) for info in running]
    data["codes"] = _code_counts(engine, running)
    data["publications"] = _publications(engine, exported_ids, customer_ids)
    rules = engine.distributions.list()
    data["distributions"] = [_plain(rule.definition) for rule in rules
                             if rule.active and rule.definition.get("publish") in exported_ids]
    left_out.extend(f"distribution rule {rule.id} (inactive, or its campaign is left out)" for rule in rules
                    if not (rule.active and rule.definition.get("publish") in exported_ids))
    data = {section: value for section, value in data.items() if value}
    # Whatever the store holds, never hand out a pack that does not load.
    parse_pack(_plain(data), source="<export>", default_timezone=engine.timezone)
    return ExportedPack(data=data, left_out=left_out)


def dump_pack(pack: ExportedPack, *, generated_at: str = "") -> str:
    lines = ["# A scenario pack written by `flask promo export` (scenarios/README.md describes the format)."]
    if generated_at:
        lines.append(f"# The store as it was at {generated_at}.")
    lines.append("# Not in a pack: orders, redemptions, counters, gift card spending and points.")
    for item in pack.left_out:
        lines.append(f"# Left out: {item}")
    body = yaml.safe_dump(pack.data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=110)
    return "\n".join(lines) + "\n\n" + body


def _plain(value: Any) -> Any:
    """Mappings and sequences as plain dicts and lists, which the YAML writer knows."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _category(category: Category) -> dict[str, Any]:
    entry: dict[str, Any] = {"slug": category.slug, "name": category.name}
    if category.description:
        entry["description"] = category.description
    entry["position"] = category.position
    return entry


def _product(product: Product) -> dict[str, Any]:
    entry: dict[str, Any] = {"sku": product.sku, "name": product.name, "price": product.price}
    for key in ("categories", "collections"):
        if getattr(product, key):
            entry[key] = list(getattr(product, key))
    if product.description:
        entry["description"] = product.description
    if product.image:
        entry["image"] = product.image
    if product.metadata:
        entry["metadata"] = _plain(product.metadata)
    entry["position"] = product.position
    if product.cost is not None:
        entry["cost"] = product.cost
    return entry


def _floor(floor: MarginFloor) -> str | int:
    """As a pack writes it: "10%", 200 (minor units per unit) or "off"."""
    return floor.amount if floor.amount is not None else floor_text(floor)


def _customers(engine: Engine) -> list[Customer]:
    with engine.work.read() as session:
        return [convert.customer_profile(row) for row in session.scalars(select(CustomerRow).order_by(CustomerRow.created_at, CustomerRow.id))]


def _customer(customer: Customer) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": customer.id}
    for key in ("name", "email"):
        if getattr(customer, key):
            entry[key] = getattr(customer, key)
    if customer.segments:
        entry["segments"] = sorted(customer.segments)
    entry["orders_count"] = customer.orders_count
    entry["total_spent"] = customer.total_spent
    if customer.last_order_at is not None:
        entry["last_order_at"] = customer.last_order_at.astimezone(UTC).isoformat()
    if customer.birthday is not None:
        entry["birthday"] = customer.birthday.isoformat()
    for key in ("country", "city"):
        if getattr(customer, key):
            entry[key] = getattr(customer, key)
    if customer.metadata:
        entry["metadata"] = _plain(customer.metadata)
    if not customer.accepts_marketing:
        entry["accepts_marketing"] = False
    return entry


def _persona(persona: Persona) -> dict[str, Any]:
    entry = {"key": persona.key, "label": persona.label}
    if persona.customer_id is not None:
        entry["customer"] = persona.customer_id
    return entry


def _code_counts(engine: Engine, running: Iterable[Any]) -> list[dict[str, Any]]:
    counts = []
    for info in running:
        if engine.campaign_of(info).code_pattern is None:
            continue
        total = engine.list_codes(info.id, limit=1, count_total=True).total or 0
        if total:
            counts.append({"campaign": info.id, "count": total})
    return counts


def _publications(engine: Engine, campaign_ids: set[str], customer_ids: set[str]) -> list[dict[str, Any]]:
    with engine.work.read() as session:
        rows = session.scalars(select(PublicationRow).join(CampaignRow, PublicationRow.campaign_id == CampaignRow.id)
                               .order_by(PublicationRow.id)).all()
    entries, seen = [], set()
    for row in rows:
        if row.campaign_id not in campaign_ids or row.customer_id not in customer_ids:
            continue
        # A pack's source ids are unique across campaigns; the database's only within one.
        source_id = row.source_id if row.source_id and row.source_id not in seen else f"export-{row.id}"
        seen.add(source_id)
        entries.append({"campaign": row.campaign_id, "customer": row.customer_id, "source_id": source_id})
    return entries
