"""The published JSON Schemas: the campaign definition (promo.format.campaign_schema) and the scenario
pack (scenarios/README.md), and the files under schemas/ that editors read.

    python -m promo.packs.json_schemas          rewrite schemas/*.json from the code
    python -m promo.packs.json_schemas --check  exit 1 when a file differs (a test runs the same check)

The scenario schema carries the campaign schema's definitions in its own $defs, so each file
stands alone (an editor needs nothing else to validate a pack).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from promo.delivery.distributions import MAX_DAYS, MAX_HOURS, RULE_KEYS, Once, Trigger
from promo.format import campaign_schema as cs
from promo.packs import scenario_orders as so
from promo.packs.scenario import CUSTOMER_KEYS, MAX_CODES_PER_REQUEST, MAX_ITEMS, SECTIONS

SCHEMAS_DIR = Path(__file__).resolve().parents[2] / "schemas"
Schema = dict[str, Any]

_SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
_METADATA = {"type": "object", "maxProperties": 50,
             "additionalProperties": {"type": ["string", "number", "boolean", "null"]}}


def _slugs() -> Schema:
    item = {"type": "string", "pattern": cs.SLUG_PATTERN}
    return {"anyOf": [item, {"type": "array", "items": item}]}


def _section(item: Schema) -> Schema:
    return {"type": "array", "items": item, "maxItems": MAX_ITEMS}


def _rule() -> Schema:
    """A distribution rule (docs/events.md), as promo.distributions.parse_rule reads it."""
    properties: dict[str, Schema] = {
        "id": {"type": "string", "pattern": cs.SLUG_PATTERN},
        "name": cs.text(),
        "description": cs.text(2000, empty=True),
        "event": {"enum": [t.value for t in Trigger]},
        "custom_event": {"type": "string", "pattern": r"^[a-z][a-z0-9_]{0,62}$"},
        "days": cs.whole(1, MAX_DAYS),
        "hours": cs.whole(1, MAX_HOURS),
        "if": cs.ref("condition"),
        "publish": {"type": "string", "pattern": cs.SLUG_PATTERN},
        "once": {"enum": [o.value for o in Once]},
        "notify": {"type": "boolean"},
        "active": {"type": "boolean"},
    }
    assert tuple(properties) == RULE_KEYS, "the schema's keys must be the reader's"
    return cs.closed(properties, ("id", "name", "event", "publish"))


def _scenario_properties() -> dict[str, Schema]:
    properties: dict[str, Schema] = {
        "store": cs.closed({
            "name": cs.text(),
            "currency": {"type": "string", "pattern": r"^[A-Z]{3}$"},
            "locale": {"type": "string", "pattern": r"^[a-z]{2,3}(_[A-Z]{2})?$"},
            "timezone": cs.text(64), "margin_floor": cs.MARGIN_FLOOR,
        }, ("name", "currency", "locale", "timezone")),
        "categories": _section(cs.closed({
            "slug": {"type": "string", "pattern": cs.SLUG_PATTERN}, "name": cs.text(),
            "description": cs.text(2000, empty=True), "position": cs.whole(0, 10**6),
        }, ("slug", "name"))),
        "products": _section(cs.closed({
            "sku": {"type": "string", "pattern": _SKU_PATTERN}, "name": cs.text(), "price": cs.money(),
            "categories": _slugs(), "collections": _slugs(), "description": cs.text(2000, empty=True),
            "image": cs.text(500), "metadata": _METADATA, "position": cs.whole(0, 10**6), "cost": cs.money(),
        }, ("sku", "name", "price"))),
        "customers": _section(_customer()),
        "personas": _section(cs.closed({
            "key": {"type": "string", "pattern": cs.SLUG_PATTERN}, "label": cs.text(60), "customer": cs.text(64),
        }, ("key", "label"))),
        "campaigns": _section(cs.ref("campaign")),
        "codes": _section(cs.closed({"campaign": cs.text(64), "count": cs.whole(1, MAX_CODES_PER_REQUEST)},
                                    ("campaign", "count"))),
        "publications": _section(cs.closed({"campaign": cs.text(64), "customer": cs.text(64),
                                            "source_id": cs.text(255)}, ("campaign", "customer", "source_id"))),
        "distributions": _section(cs.ref("distribution_rule")),
        "orders": _section(_order()),
    }
    assert tuple(properties) == SECTIONS, "the schema's sections must be the reader's"
    return properties


def _order() -> Schema:
    """A past order (promo.packs.scenario_orders)."""
    line = cs.closed({"sku": {"type": "string", "pattern": _SKU_PATTERN}, "quantity": cs.whole(1, so.MAX_QUANTITY)}, ("sku",))
    properties: dict[str, Schema] = {
        "ref": {"type": "string", "pattern": so.REF_PATTERN},
        "customer": cs.text(64),
        "days_ago": cs.whole(0, so.MAX_DAYS_AGO),
        "lines": {"type": "array", "items": line, "minItems": 1, "maxItems": so.MAX_LINES},
        "codes": {"type": "array", "items": cs.text(64), "maxItems": 100},
    }
    assert tuple(properties) == so.ORDER_KEYS, "the schema's keys must be the reader's"
    return cs.closed(properties, ("ref", "customer", "days_ago", "lines"))


def _customer() -> Schema:
    properties: dict[str, Schema] = {
        "id": {"type": "string", "pattern": cs.SLUG_PATTERN},
        "name": cs.text(),
        "email": {"type": "string", "maxLength": 320, "pattern": r"^[^@\s]+@[^@\s]+\.[^@\s]+$"},
        "segments": _slugs(),
        "orders_count": cs.whole(0, 10**9),
        "total_spent": cs.money(),
        "last_order_at": cs.ref("moment"),
        "last_order_days_ago": cs.whole(0, 36_500),
        "birthday": {"anyOf": [{"const": "today"}, {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}]},
        "country": {"type": "string", "pattern": r"^[A-Za-z]{2}$"},
        "city": cs.text(120),
        "metadata": _METADATA,
        "accepts_marketing": {"type": "boolean"},
    }
    assert tuple(properties) == CUSTOMER_KEYS, "the schema's keys must be the reader's"
    return cs.closed(properties, ("id",), **{"not": {"required": ["last_order_at", "last_order_days_ago"]}})


def scenario_schema() -> Schema:
    return {
        "$schema": cs.DRAFT,
        "$id": "https://promoshop.example/schemas/scenario.json",
        "title": "promoshop scenario pack",
        "description": "A whole store in one file: settings, catalogue, customers, campaigns, codes, rules and past orders "
                       "(scenarios/README.md). Load it with `flask promo load FILE`.",
        **cs.closed(_scenario_properties()),
        "$defs": {
            "campaign": cs.campaign_object(),
            "distribution_rule": _rule(),
            **cs.campaign_definitions(relative_days=True),
        },
    }


SCHEMAS = {"campaign.json": cs.campaign_schema, "scenario.json": scenario_schema}


def rendered(name: str) -> str:
    """A schema file's text as it is published: sorted keys would scramble the reading order,
    so keys keep the code's order; two-space indent and a final newline."""
    return json.dumps(SCHEMAS[name](), indent=2, ensure_ascii=False) + "\n"


def as_components(schema: Schema, name: str) -> dict[str, Schema]:
    """The schema as OpenAPI components: itself as `name`, each of its $defs as `name_<def>`,
    references rewritten to match. Separate components, rather than one holding its $defs,
    let a reference page (Swagger UI) resolve only what an operation uses."""
    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: (f"#/components/schemas/{name}_{value.removeprefix('#/$defs/')}"
                          if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/")
                          else rewrite(value))
                    for key, value in node.items() if key not in ("$schema", "$id", "$defs")}
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        return node

    components = {name: rewrite(schema)}
    components.update((f"{name}_{key}", rewrite(value)) for key, value in schema.get("$defs", {}).items())
    return components


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report files that differ from the code")
    args = parser.parse_args(argv)
    stale = []
    for name in SCHEMAS:
        path = SCHEMAS_DIR / name
        text = rendered(name)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    for path in stale:
        print(f"{'differs' if args.check else 'wrote'}: {path}", file=sys.stderr)
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
