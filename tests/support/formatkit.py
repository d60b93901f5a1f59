"""Builders for the definition-format tests: parse YAML snippets, make facts to evaluate against."""
from __future__ import annotations

import textwrap
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from promo.core.campaign import Campaign
from promo.core.domain import CartLine, Context, Customer
from promo.core.facts import Facts
from promo.format.definition import DefinitionError, load_yaml, parse_campaign

BANGKOK = ZoneInfo("Asia/Bangkok")
NOW = datetime(2026, 11, 25, 15, 0, tzinfo=BANGKOK)  # a Wednesday afternoon, store time
BASE = {"id": "test", "name": "Test", "kind": "promotion", "effect": {"type": "amount_off_order", "amount": 500}}


def yaml(text: str) -> Any:
    return load_yaml(textwrap.dedent(text))


def parse(text: str | dict, timezone: str = "Asia/Bangkok") -> Campaign:
    data = yaml(text) if isinstance(text, str) else text
    return parse_campaign(data, timezone=timezone)


def campaign_with(**fields: Any) -> Campaign:
    """BASE plus `fields` (None removes a key)."""
    data = {**BASE, **fields}
    return parse_campaign({k: v for k, v in data.items() if v is not None}, timezone="Asia/Bangkok")


def errors_of(data: str | dict, timezone: str = "Asia/Bangkok") -> list[str]:
    """The "path: message" lines a bad definition gets."""
    with pytest.raises(DefinitionError) as caught:
        parse(data, timezone)
    return [str(error) for error in caught.value.errors]


def errors_with(**fields: Any) -> list[str]:
    data = {**BASE, **fields}
    return errors_of({k: v for k, v in data.items() if v is not None})


def line(sku: str, unit_price: int, quantity: int = 1, *categories: str) -> CartLine:
    return CartLine(sku, sku.title(), unit_price, quantity, frozenset(categories))


def facts(*lines: CartLine, customer: Customer | None = None, now: datetime = NOW,
          totals: tuple[int, ...] | None = None, currency: str = "USD", locale: str = "en_US",
          **context: Any) -> Facts:
    ctx = Context(now=now, locale=locale, **context)
    result = Facts.initial(customer or Customer(id="c-1", orders_count=2), ctx, tuple(lines), currency)
    return result if totals is None else result.with_totals(totals)


def condition(text: str):
    """Parse a condition written in YAML, as the eligibility of a campaign."""
    return campaign_with(eligibility=yaml(text)).eligibility
