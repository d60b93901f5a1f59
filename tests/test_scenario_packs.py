"""The demo store's two scenario packs: valid, and the THB pack the same store as the USD one."""
import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from promo.core.conditions import ValueType, fact_spec
from promo.packs.scenario import read_pack

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
TODAY = date(2026, 11, 25)


def test_usd_pack_has_the_demo_catalogue_and_personas():
    pack = read_pack(SCENARIOS / "arabica.yaml", today=TODAY)

    assert pack.store is not None and (pack.store.currency, pack.store.locale) == ("USD", "en_US")
    assert [c.slug for c in pack.categories] == ["arabica", "blends", "brewing-gear", "merch", "gift-cards"]
    assert 20 <= len(pack.products) <= 30
    assert all(p.categories for p in pack.products)
    assert [p.key for p in pack.personas] == ["guest", "new", "vip", "dormant", "birthday", "referred"]
    customers = {c.id: c for c in pack.customers}
    assert (customers["vip"].orders_count, customers["vip"].total_spent) == (12, 140000)
    assert customers["new-customer"].orders_count == 0
    assert customers["birthday"].is_birthday(TODAY)
    dormant_days = (TODAY - customers["dormant"].last_order_at.date()).days
    assert dormant_days in (119, 120)  # noon New York time, read back in UTC


def test_thb_pack_is_the_same_store_priced_in_baht():
    usd = read_pack(SCENARIOS / "arabica.yaml", today=TODAY)
    thb = read_pack(SCENARIOS / "arabica-thb.yaml", today=TODAY)

    assert thb.store is not None and (thb.store.currency, thb.store.locale) == ("THB", "th_TH")
    assert [p.sku for p in thb.products] == [p.sku for p in usd.products]
    assert [(p.categories, p.collections) for p in thb.products] == [(p.categories, p.collections) for p in usd.products]
    assert [c.slug for c in thb.categories] == [c.slug for c in usd.categories]
    assert thb.personas == usd.personas
    assert thb.codes == usd.codes
    assert thb.publications == usd.publications
    # Prices are set for Thailand, not left in cents: a bag costs hundreds of baht.
    ethiopia = next(p for p in thb.products if p.sku == "ARA-ETH-YIRG")
    assert ethiopia.price == 68000
    referral = next(c for c, _ in thb.campaigns if c.id == "referral")
    assert referral.options["referral"]["reward"].amount == 20000   # a 200 THB reward


# Keys whose values are money (minor units) or words for shoppers: they differ between the
# packs by design. Everything else in a campaign must be the same in both.
MONEY_KEYS = {"amount", "cap", "max_unit_price", "min_subtotal", "price", "budget", "order_value_budget", "balance",
              "unit", "fallback"}
WORDS_KEYS = {"name", "description", "label", "message"}
OPERATORS = {"is", "eq", "ne", "gt", "gte", "lt", "lte", "in", "not_in", "between"}


def without_money(value: Any, key: str | None = None) -> Any:
    """A campaign definition as written, with its money amounts and wording blanked out."""
    if key in MONEY_KEYS and not isinstance(value, Mapping):   # an amount {formula, fallback} keeps its shape
        return "<money>"
    if key in WORDS_KEYS:
        return "<words>"
    if key == "formula":
        return re.sub(r"\d+", "<money>", value)   # the formula's shape stays, its amounts go
    if isinstance(value, Mapping):
        spec = fact_spec(value["fact"]) if isinstance(value.get("fact"), str) else None
        compares_money = spec is not None and spec.type is ValueType.MONEY
        return {k: "<money>" if compares_money and k in OPERATORS else without_money(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [without_money(item) for item in value]
    return value


def test_without_money_keeps_what_is_not_money():
    usd = {"effect": {"type": "percent_off_items", "percent": 50, "items": {"max_unit_price": 5000}},
           "eligibility": {"fact": "cart.subtotal", "gte": 5000}, "codes": {"valid_days": 7}}
    thb = {"effect": {"type": "percent_off_items", "percent": 50, "items": {"max_unit_price": 175000}},
           "eligibility": {"fact": "cart.subtotal", "gte": 150000}, "codes": {}}

    assert without_money(usd)["effect"] == without_money(thb)["effect"]
    assert without_money(usd)["eligibility"] == without_money(thb)["eligibility"]
    assert without_money(usd) != without_money(thb)   # the code lifetime is not money
    split = {"amount": {"formula": "1000 if customer.new else 500", "fallback": 500}}
    assert without_money(split) == without_money({"amount": {"formula": "35000 if customer.new else 17500", "fallback": 17500}})
    assert without_money(split) != without_money({"amount": {"formula": "1000 if customer.guest else 500", "fallback": 500}})


def test_thb_campaigns_are_the_usd_campaigns_but_for_money_and_words():
    usd = read_pack(SCENARIOS / "arabica.yaml", today=TODAY)
    thb = read_pack(SCENARIOS / "arabica-thb.yaml", today=TODAY)

    for (campaign, usd_definition), (_, thb_definition) in zip(usd.campaigns, thb.campaigns, strict=True):
        assert without_money(thb_definition) == without_money(usd_definition), campaign.id
