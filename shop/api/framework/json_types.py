"""JSON Schema building blocks shared by the API's serialisers, so every response type is
described the same way in /api/v1/openapi.json."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shop.api.framework.schema import Described

INT = {"type": "integer"}
STR = {"type": "string"}
BOOL = {"type": "boolean"}
TIME = {"type": "string", "format": "date-time"}
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
NULLABLE_STR = {"type": ["string", "null"]}
NULLABLE_INT = {"type": ["integer", "null"]}


def iso(value: datetime | None) -> str | None:
    """Timestamps go out in UTC, ISO 8601."""
    return value.astimezone(UTC).isoformat() if value is not None else None


def object_schema(name: str, properties: dict[str, Any], *, refers_to: tuple = (), description: str = "") -> Described:
    """A named object type whose every property is required."""
    schema: dict[str, Any] = {"type": "object", "required": list(properties), "properties": properties}
    if description:
        schema["description"] = description
    return Described(name=name, schema=schema, refers_to=refers_to)
