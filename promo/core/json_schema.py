"""JSON Schema building blocks (draft 2020-12) for the published definition format: each effect
type's module states its keys with them, and promo.format.campaign_schema assembles the whole."""
from __future__ import annotations

from typing import Any

from promo.core.reading import MAX_COUNT, MAX_LIST, MAX_MONEY

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def text(max_length: int = 200, *, empty: bool = False) -> Schema:
    return {"type": "string", "minLength": 0 if empty else 1, "maxLength": max_length}


def whole(minimum: int = 0, maximum: int = MAX_COUNT) -> Schema:
    return {"type": "integer", "minimum": minimum, "maximum": maximum}


def money(minimum: int = 0) -> Schema:
    return {"type": "integer", "minimum": minimum, "maximum": MAX_MONEY,
            "description": "minor units (cents): 5000 is $50.00"}


def closed(properties: dict[str, Schema], required: tuple[str, ...] | list[str] = (), **extra: Any) -> Schema:
    """An object with exactly these keys (unknown keys are errors, as in the reader)."""
    schema: Schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    schema.update(extra)
    return schema


def one_or_more(item: Schema, max_items: int = MAX_LIST) -> Schema:
    """A list of items; a single item stands for a list of one."""
    return {"anyOf": [item, {"type": "array", "items": item, "minItems": 1, "maxItems": max_items}]}
