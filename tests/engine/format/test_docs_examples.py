"""docs/campaigns.md cannot rot: every example loads, and every stated discount is what the
engine gives. Also, every key the parser accepts is documented there.

Markup: a ```yaml campaign block is a definition; each ```yaml expect block after it (until the
next campaign) is a cart to evaluate it on, with the discount the doc promises.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from promo.core.applicator import evaluate_campaigns
from promo.core.campaign import Campaign
from promo.core.conditions import FACTS, LINES_FACT, Op
from promo.core.domain import Cart, CartLine, Context, Customer
from promo.core.formula import FORMULA_NAMES
from promo.format.definition import CAMPAIGN_KEYS, EFFECTS, SELECTOR_KEYS, load_yaml, parse_campaign

DOC = Path(__file__).resolve().parents[3] / "docs" / "campaigns.md"
TEXT = DOC.read_text(encoding="utf-8")
STORE_TIMEZONE = "UTC"
NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)   # the Wednesday the doc promises
FENCE = re.compile(r"^```(?P<info>[^\n]*)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)


@dataclass
class Example:
    line: int
    definition: Any
    expectations: list[tuple[int, Any]]

    @property
    def name(self) -> str:
        return f"line {self.line}"


def _line_of(offset: int) -> int:
    return TEXT.count("\n", 0, offset) + 1


def _examples() -> list[Example]:
    examples: list[Example] = []
    for fence in FENCE.finditer(TEXT):
        info, body, line = fence["info"].split(), fence["body"], _line_of(fence.start())
        if not info or info[0] != "yaml":
            continue
        role = info[1] if len(info) > 1 else None
        if role == "campaign":
            examples.append(Example(line, load_yaml(body, f"{DOC.name}:{line}"), []))
        elif role == "refused":
            continue                    # bad definitions: tests/ops/test_json_schemas.py
        elif role == "expect":
            assert examples, f"line {line}: an expect block needs a campaign block before it"
            examples[-1].expectations.append((line, load_yaml(body, f"{DOC.name}:{line}")))
        else:
            pytest.fail(f"line {line}: a yaml block must be `yaml campaign`, `yaml expect` or `yaml refused`, so it is tested")
    return examples


EXAMPLES = _examples()
CHECKS = [(example, line, expected) for example in EXAMPLES for line, expected in example.expectations]


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_every_example_loads(example):
    campaign = parse_campaign(example.definition, timezone=STORE_TIMEZONE)
    assert campaign.id == example.definition["id"]


def test_there_is_a_worked_example_for_every_effect():
    tested = {example.definition["effect"]["type"] for example, _, _ in CHECKS}
    assert tested == set(EFFECTS)


# ---- evaluating the expect blocks ----

EXPECT_KEYS = {"cart", "customer", "context", "codes", "shipping", "discount", "lines",
               "shipping_discount", "reason", "hint", "message"}
LINE_KEYS = {"sku", "name", "price", "quantity", "categories", "collections", "cost"}
CUSTOMER_KEYS = {"id", "orders_count", "total_spent", "segments", "country", "city",
                 "last_order_days_ago", "birthday", "metadata"}


def _cart(expected: dict) -> Cart:
    lines = []
    for raw in expected["cart"]:
        assert set(raw) <= LINE_KEYS, f"unknown cart line keys {set(raw) - LINE_KEYS}"
        lines.append(CartLine(
            raw["sku"], raw.get("name", raw["sku"].title()), raw["price"], raw.get("quantity", 1),
            frozenset(raw.get("categories", ())), frozenset(raw.get("collections", ())), cost=raw.get("cost"),
        ))
    return Cart(tuple(lines), "USD", expected.get("shipping", 0))


def _customer(raw: dict) -> Customer:
    assert set(raw) <= CUSTOMER_KEYS, f"unknown customer keys {set(raw) - CUSTOMER_KEYS}"
    fields = {"id": "docs-shopper", **raw}
    fields["segments"] = frozenset(fields.get("segments", ()))
    days = fields.pop("last_order_days_ago", None)
    if days is not None:
        fields["last_order_at"] = NOW - timedelta(days=days)
    return Customer(**fields)


def _context(raw: dict) -> Context:
    fields = {"now": NOW, "page": "cart", **raw}
    if isinstance(fields["now"], str):
        fields["now"] = datetime.fromisoformat(fields["now"]).replace(tzinfo=UTC)
    return Context(**fields)


@pytest.mark.parametrize("example, line, expected", CHECKS, ids=[f"line {line}" for _, line, _ in CHECKS])
def test_every_stated_discount_is_what_the_engine_gives(example, line, expected):
    assert set(expected) <= EXPECT_KEYS, f"unknown expect keys {set(expected) - EXPECT_KEYS}"
    campaign: Campaign = parse_campaign(example.definition, timezone=STORE_TIMEZONE)
    codes = expected.get("codes", [campaign.code] if campaign.code else [])
    evaluation = evaluate_campaigns(
        [campaign], _cart(expected), _customer(expected.get("customer", {})),
        _context(expected.get("context", {})), codes,
    )
    offer = next(o for o in evaluation.offers if o.campaign_id == campaign.id)
    assert evaluation.discount == expected["discount"], offer
    if "lines" in expected:
        assert [priced.discount for priced in evaluation.lines] == expected["lines"]
    assert evaluation.shipping_discount == expected.get("shipping_discount", 0)
    if "reason" in expected:
        assert offer.reason.value == expected["reason"]
    if "hint" in expected:
        assert offer.hint is not None and offer.hint.message == expected["hint"]
    if "message" in expected:
        assert offer.message == expected["message"]


# ---- nothing the parser accepts is undocumented ----

def _documented(name: str) -> bool:
    return f"`{name}`" in TEXT or f"`{name}:`" in TEXT or f"{{{name}" in TEXT or f" {name}," in TEXT


@pytest.mark.parametrize("key", [
    *CAMPAIGN_KEYS, *SELECTOR_KEYS, *FACTS, LINES_FACT, "customer.metadata.KEY",
    *(op.value for op in Op), "is", *sorted({k for spec in EFFECTS.values() for k in spec.keys}),
    *EFFECTS, "per_code", "per_customer", "per_customer_per", "total", "budget", "order_value_budget",
    "pattern", "charset", "prefix", "postfix", "valid_days", "days", "from", "until", "pages", "audience", "listed",
    "points_per_unit", "unit", "rewards", "reward", "bonuses", "balance", "match", "message",
])
def test_every_key_is_documented(key):
    assert _documented(key), f"docs/campaigns.md does not mention `{key}`"


@pytest.mark.parametrize("name", [n.replace("<key>", "KEY") for n in FORMULA_NAMES if n != "customer.metadata"])
def test_every_formula_name_is_documented(name):
    assert _documented(name), f"docs/campaigns.md does not mention `{name}`"
