"""Campaigns, customers and the audit log."""
from __future__ import annotations

from datetime import date

import pytest

from promo.core.errors import Conflict, InvalidRequest, NotFound
from promo.core.records import CampaignStatus, Category, Product
from tests.support.storagekit import CART_40, coupon, customer


def test_campaign_is_stored_as_written_with_its_state(engine):
    definition = coupon("happy", "happy10", amount=1000, active={"from": date(2026, 3, 1)})

    created = engine.create_campaign(definition, actor="ana@example.com")

    assert created.status is CampaignStatus.ACTIVE
    assert created.definition["code"] == "happy10"
    assert created.definition["active"] == {"from": "2026-03-01"}   # YAML dates kept as ISO text
    assert (created.redemptions_count, created.budget_used, created.version) == (0, 0, 1)
    assert engine.get_code("HAPPY10").campaign_id == "happy"
    assert engine.load_campaign("happy").code == "HAPPY10"
    assert [c.id for c in engine.list_campaigns(kind="coupon")] == ["happy"]


def test_invalid_definition_lists_every_problem_with_its_path(engine):
    with pytest.raises(InvalidRequest) as invalid:
        engine.create_campaign({"id": "Bad Id", "name": "X", "kind": "coupon",
                                "effect": {"type": "percent_off_order", "percent": 120}})
    paths = {e["path"] for e in invalid.value.details["errors"]}
    assert invalid.value.code == "invalid_definition"
    assert {"id", "code", "effect.percent"} <= paths
    assert engine.list_campaigns() == []


def test_duplicate_id_or_public_code_is_a_conflict(engine):
    engine.create_campaign(coupon("happy", "HAPPY10"))
    with pytest.raises(Conflict) as same_id:
        engine.create_campaign(coupon("happy", "OTHER"))
    with pytest.raises(Conflict) as same_code:
        engine.create_campaign(coupon("other", "happy10"))
    assert (same_id.value.code, same_code.value.code) == ("campaign_exists", "code_taken")


def test_update_replaces_the_definition_keeps_counters_and_moves_the_public_code(engine):
    engine.create_campaign(coupon("happy", "HAPPY10", amount=1000))
    engine.redeem(customer("ana"), CART_40, ["HAPPY10"], order_ref="A-1")

    updated = engine.update_campaign("happy", coupon("happy", "HAPPY15", amount=1500), actor="ana")

    assert (updated.version, updated.redemptions_count) == (2, 1)
    assert engine.validate(None, CART_40, ["HAPPY15"]).discount == 1500
    assert engine.validate(None, CART_40, ["HAPPY10"]).codes["HAPPY10"].reason == "code_disabled"
    with pytest.raises(InvalidRequest):
        engine.update_campaign("happy", coupon("renamed", "HAPPY15"))
    with pytest.raises(NotFound):
        engine.update_campaign("nope", coupon("nope", "NOPE1"))


def test_status_changes_and_archived_is_final(engine):
    engine.create_campaign(coupon("happy", "HAPPY10"))
    assert engine.set_campaign_status("happy", "pause").status is CampaignStatus.PAUSED
    assert engine.set_campaign_status("happy", "resume").status is CampaignStatus.ACTIVE
    assert engine.set_campaign_status("happy", "archive").status is CampaignStatus.ARCHIVED
    with pytest.raises(Conflict):
        engine.set_campaign_status("happy", "resume")
    with pytest.raises(InvalidRequest):
        engine.set_campaign_status("happy", "delete")


def test_audit_log_records_who_changed_what_before_and_after(engine):
    engine.create_campaign(coupon("happy", "HAPPY10"), actor="ana@example.com")
    engine.set_campaign_status("happy", "pause", actor="ben@example.com")

    entries = engine.audit_log(object_type="campaign", object_id="happy")

    assert [(e.actor, e.action) for e in entries] == [
        ("ben@example.com", "campaign.pause"), ("ana@example.com", "campaign.create"),
    ]
    pause = entries[0]
    assert (pause.before["status"], pause.after["status"]) == ("active", "paused")
    assert entries[1].before is None and entries[1].after["definition"]["code"] == "HAPPY10"


def test_customers_upsert_and_unique_email(engine):
    engine.upsert_customer(customer("ana", email="ana@example.com", segments=frozenset({"vip"}), birthday=date(1990, 2, 28)))
    engine.upsert_customer(customer("ana", email="ana@example.com", city="Austin"))
    ana = engine.get_customer("ana")
    assert (ana.city, ana.segments, ana.birthday) == ("Austin", frozenset(), None)
    with pytest.raises(Conflict):
        engine.upsert_customer(customer("ben", email="ana@example.com"))
    with pytest.raises(NotFound):
        engine.get_customer("nobody")
    engine.set_password_hash("ana", "hashed")
    assert engine.find_customer_by_email("ana@example.com")[1] == "hashed"


def test_catalogue_round_trip(engine):
    engine.upsert_category(Category("beans", "Coffee beans", position=1))
    engine.upsert_product(Product("ethiopia", "Ethiopia Guji", 1850, categories=("beans",), metadata={"roast": "light"}))
    assert engine.get_product("ethiopia").metadata == {"roast": "light"}
    assert [p.sku for p in engine.list_products(category="beans")] == ["ethiopia"]
    assert [c.name for c in engine.list_categories()] == ["Coffee beans"]
