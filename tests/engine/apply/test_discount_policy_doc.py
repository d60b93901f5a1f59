"""docs/discount-policy.md cannot rot: its worked numbers are what the engine gives, and its
reason-code table lists exactly the codes of promo.core.reasons.Reason.

Markup: each ```yaml example block of the doc states campaigns (definitions, in the format of
docs/campaigns.md), a cart, and what evaluate_campaigns must give for them:

    campaigns: [...]          definitions, in campaign-list order
    cart: [{sku, price, quantity, categories, collections, cost}]
    margin_floor: "0%"        the store's margin floor (default 0%: never below cost)
    capped: [700, 0]          what the margin floor kept offers from taking off each line
    codes: [...]              entered codes (default: none)
    shipping: 500             shipping charged (default 0)
    max_offers: 5             evaluate_campaigns' max_offers (default 5)
    discount: 2800            Evaluation.discount (items)
    shipping_discount: 0      Evaluation.shipping_discount (checked, default 0)
    lines: [34, 33, 33]       each line's discount, shopper's lines then added gift lines
    applied: {ten: 1000}      the applied offers in application order, each with its discount
    offers: {id: {status, reason, message, hint}}   what the named offers report
    codes_entered: {HAPPY10: applied}               Evaluation.codes: each code's reason, in order
"""
from __future__ import annotations

import re
import textwrap
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from promo.core.applicator import DEFAULT_MAX_OFFERS, evaluate_campaigns
from promo.core.domain import Cart, CartLine, Context, Customer
from promo.core.reasons import Reason
from promo.core.results import Status
from promo.format.definition import load_yaml, parse_campaign
from promo.format.readers import parse_margin_floor

DOC = Path(__file__).resolve().parents[3] / "docs" / "discount-policy.md"
TEXT = DOC.read_text(encoding="utf-8")
NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
# Fences may be indented under a list item; the body is read dedented.
FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<info>[^\n]*)\n(?P<body>.*?)^(?P=indent)```$", re.MULTILINE | re.DOTALL)
KEYS = {"campaigns", "cart", "codes", "shipping", "max_offers", "discount", "shipping_discount", "lines",
        "applied", "offers", "codes_entered", "margin_floor", "capped"}
LINE_KEYS = {"sku", "name", "price", "quantity", "categories", "collections", "cost"}
OFFER_KEYS = {"status", "reason", "message", "hint"}


def _line_of(offset: int) -> int:
    return TEXT.count("\n", 0, offset) + 1


def _section_of(offset: int) -> str:
    headings = re.findall(r"^## (.+)$", TEXT[:offset], re.MULTILINE)
    return headings[-1] if headings else ""


def _examples() -> list[tuple[int, str, Any]]:
    examples = []
    for fence in FENCE.finditer(TEXT):
        info, line = fence["info"].split(), _line_of(fence.start())
        if not info or info[0] != "yaml":
            continue
        assert info[1:] == ["example"], f"line {line}: a yaml block must be `yaml example`, so it is tested"
        examples.append((line, _section_of(fence.start()), load_yaml(textwrap.dedent(fence["body"]), f"{DOC.name}:{line}")))
    return examples


EXAMPLES = _examples()


def _cart(example: dict) -> Cart:
    lines = []
    for raw in example["cart"]:
        assert set(raw) <= LINE_KEYS, f"unknown cart line keys {set(raw) - LINE_KEYS}"
        lines.append(CartLine(raw["sku"], raw.get("name", raw["sku"].title()), raw["price"], raw.get("quantity", 1),
                              frozenset(raw.get("categories", ())), frozenset(raw.get("collections", ())),
                              cost=raw.get("cost")))
    return Cart(tuple(lines), "USD", example.get("shipping", 0))


def test_the_doc_has_worked_examples_where_it_states_numbers():
    sections = {section for _, section, _ in EXAMPLES}
    assert {"Money and rounding", "How each effect is calculated", "Stacking", "Codes", "Explanations"} <= sections


@pytest.mark.parametrize(("line", "section", "example"), EXAMPLES, ids=[f"line {line}" for line, _, _ in EXAMPLES])
def test_every_worked_example_is_what_the_engine_gives(line, section, example):
    assert set(example) <= KEYS, f"unknown keys {set(example) - KEYS}"
    campaigns = [parse_campaign(definition, timezone="UTC") for definition in example["campaigns"]]
    evaluation = evaluate_campaigns(
        campaigns, _cart(example), Customer(id="docs-shopper", orders_count=1), Context(now=NOW, page="cart"),
        example.get("codes", ()), max_offers=example.get("max_offers", DEFAULT_MAX_OFFERS),
        margin_floor=parse_margin_floor(example.get("margin_floor", "0%")),
    )

    assert evaluation.discount == example["discount"], evaluation.offers
    assert evaluation.shipping_discount == example.get("shipping_discount", 0)
    if "lines" in example:
        assert [priced.discount for priced in evaluation.lines] == example["lines"]
    if "capped" in example:
        assert [priced.capped for priced in evaluation.lines] == example["capped"]
    if "applied" in example:
        assert [(o.campaign_id, o.discount) for o in evaluation.applied] == list(example["applied"].items())
    for campaign_id, expected in example.get("offers", {}).items():
        assert set(expected) <= OFFER_KEYS, f"unknown offer keys {set(expected) - OFFER_KEYS}"
        offer = next(o for o in evaluation.offers if o.campaign_id == campaign_id)
        if "status" in expected:
            assert offer.status.value == expected["status"]
        if "reason" in expected:
            assert offer.reason.value == expected["reason"]
        if "message" in expected:
            assert offer.message == expected["message"]
        if "hint" in expected:
            assert offer.hint is not None and offer.hint.message == expected["hint"]
    if "codes_entered" in example:
        assert {code: result.reason.value for code, result in evaluation.codes.items()} == example["codes_entered"]
        assert list(evaluation.codes) == list(example["codes_entered"])


# ---- the reason-code table ----

def _reason_table() -> list[list[str]]:
    section = TEXT.split("\n## Reason codes\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    header, rule, *body = rows
    assert [cell.strip() for cell in header.strip("|").split("|")] == ["code", "status", "meaning"]
    assert set(rule.replace("|", "").split()) == {"---"}
    return [[cell.strip() for cell in row.strip().strip("|").split("|")] for row in body]


STATUS_WORDS = {status.value.replace("_", " "): status for status in Status}


def test_the_reason_table_lists_exactly_the_reason_codes():
    codes = []
    for code, status, meaning in _reason_table():
        assert re.fullmatch(r"`[a-z_]+`", code), f"a code cell is one `code`, got {code!r}"
        assert status in STATUS_WORDS, f"{code}: status {status!r} is not one of {sorted(STATUS_WORDS)}"
        assert meaning, f"{code} has no meaning"
        codes.append(code.strip("`"))

    assert len(codes) == len(set(codes)), "a code is listed twice"
    assert set(codes) == {reason.value for reason in Reason}


def test_the_table_gives_applied_only_to_applied_and_set_aside_only_to_stacking():
    statuses = {code.strip("`"): STATUS_WORDS[status] for code, status, _ in _reason_table()}

    assert [code for code, status in statuses.items() if status is Status.APPLIED] == [Reason.APPLIED.value]
    assert {code for code, status in statuses.items() if status is Status.SET_ASIDE} == {
        Reason.EXCLUSIVE_CONFLICT.value, Reason.MAX_OFFERS_REACHED.value}
