"""Checks and conversions the services share: ids, text lengths, entered codes, JSON-ready
definitions."""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from promo.core.codes import normalise_code
from promo.core.errors import InvalidRequest

MAX_PAGE = 1000   # rows per page of any listing


def entered_codes(codes: Iterable[str]) -> list[str]:
    if isinstance(codes, str):
        raise InvalidRequest("codes must be a list of strings, not one string", code="invalid_codes")
    entered: list[str] = []
    for raw in codes:
        if not isinstance(raw, str):
            raise InvalidRequest(f"codes must be strings, got {raw!r}", code="invalid_codes")
        code = normalise_code(raw)
        if code and code not in entered:
            entered.append(code)
    return entered


def json_ready(definition: Mapping[str, Any]) -> dict[str, Any]:
    """The definition as JSON stores it (YAML dates become ISO strings)."""
    if not isinstance(definition, Mapping):
        raise InvalidRequest("a campaign definition must be a mapping", code="invalid_definition")
    try:
        return json.loads(json.dumps(definition, default=iso))
    except (TypeError, ValueError) as error:
        raise InvalidRequest(f"the campaign definition is not JSON-compatible: {error}", code="invalid_definition") from None


def iso(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON-compatible")


def check_id(name: str, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**31:
        raise InvalidRequest(f"{name} must be a positive integer, got {value!r}", code="invalid_id")


def check_lengths(what: str, label: str | None, **fields: tuple[str | None, int]) -> None:
    """Refuse text longer than its column, with a message naming the field."""
    for name, (value, limit) in fields.items():
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            raise InvalidRequest(
                f"{what} {label!r}: {name} must be text of at most {limit} characters", code=f"invalid_{what.replace(' ', '_')}"
            )


def enum_or_none(enum: type, value: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        return None
