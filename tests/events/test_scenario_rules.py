"""Distribution rules in scenario packs: checked with the pack, loaded idempotently, fired by tick."""
from __future__ import annotations

import pytest

from promo.packs.scenario import ScenarioError, load_pack, parse_pack

CAMPAIGN = {"id": "sorry", "name": "Sorry", "kind": "bulk", "codes": {"pattern": "SORRY-######"},
            "effect": {"type": "amount_off_order", "amount": 500}}


def pack(*rules, **extra):
    return {"campaigns": [CAMPAIGN], "codes": [{"campaign": "sorry", "count": 5}],
            "customers": [{"id": "bea", "birthday": "today"}], "distributions": list(rules), **extra}


def test_rule_problems_are_reported_with_the_pack_path():
    with pytest.raises(ScenarioError) as caught:
        parse_pack(pack({"id": "a", "name": "A", "event": "birthday", "publish": "sory"},
                        {"id": "a", "name": "A again", "event": "dormant", "publish": "sorry"}), source="shop.yaml")
    text = str(caught.value)
    assert "shop.yaml: distributions[0].publish: 'sory' is not one of the pack's campaigns (did you mean 'sorry'?)" in text
    assert "shop.yaml: distributions[1].days: is required for event dormant" in text


def test_a_pack_loads_its_rules_once_and_the_worker_fires_them(engine, clock):
    today = engine.now().date()
    data = pack({"id": "birthday-treat", "name": "Birthday treat", "event": "birthday", "publish": "sorry"})
    first = load_pack(engine, parse_pack(data, today=today, default_timezone="America/New_York"))
    second = load_pack(engine, parse_pack(data, today=today, default_timezone="America/New_York"))
    data["distributions"][0]["once"] = "year"
    third = load_pack(engine, parse_pack(data, today=today, default_timezone="America/New_York"))

    assert first.created["distributions"] == 1 and not second.changed
    assert third.updated["distributions"] == 1
    assert engine.distributions.run_scheduled() == {"birthday-treat": 1}
    assert [c.campaign_id for c in engine.customer_codes("bea")] == ["sorry"]
