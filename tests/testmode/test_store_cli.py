"""`flask promo reset` and `flask promo export` from the terminal."""
from __future__ import annotations

import yaml

from promo.packs.scenario import load_pack, parse_pack
from shop.web.extensions import promo_engine

SCENARIO = "scenarios/arabica.yaml"


def test_reset_wipes_and_loads_the_configured_pack_in_demo_mode(make_app):
    app = make_app(DEMO_MODE=True)
    with app.app_context():
        promo_engine(app).create_campaign({"id": "leftover", "name": "Leftover", "kind": "coupon", "code": "LEFT",
                                           "effect": {"type": "amount_off_order", "amount": 100}})
    result = app.test_cli_runner().invoke(args=["promo", "reset"])
    assert result.exit_code == 0, result.output
    assert "Reset the store to" in result.output and "arabica.yaml" in result.output
    assert "campaigns: " in result.output
    with app.app_context():
        ids = {c.id for c in promo_engine(app).list_campaigns()}
    assert "leftover" not in ids and "happy10" in ids


def test_reset_takes_another_pack(make_app):
    app = make_app(DEMO_MODE=True)
    result = app.test_cli_runner().invoke(args=["promo", "reset", "--scenario", "scenarios/arabica-thb.yaml"])
    assert result.exit_code == 0, result.output
    assert "arabica-thb.yaml" in result.output


def test_reset_reports_a_broken_pack_and_keeps_the_store(make_app, tmp_path):
    app = make_app(DEMO_MODE=True)
    app.test_cli_runner().invoke(args=["promo", "reset"])
    broken = tmp_path / "broken.yaml"
    broken.write_text("products:\n  - {sku: X, name: X, price: 19.5}\n")
    result = app.test_cli_runner().invoke(args=["promo", "reset", "--scenario", str(broken)])
    assert result.exit_code == 1
    assert "products[0].price: must be a whole number" in result.output
    with app.app_context():
        assert promo_engine(app).get_customer("vip").name == "Victor Valdez"


def test_reset_is_refused_in_production(make_app):
    app = make_app(ENV_NAME="production", SECRET_KEY="p" * 40, DEMO_MODE=True)
    result = app.test_cli_runner().invoke(args=["promo", "reset"])
    assert result.exit_code == 1
    assert "refused with PROMOSHOP_ENV=production" in result.output


def test_reset_is_refused_outside_demo_and_test_mode(make_app):
    result = make_app(DEMO_MODE=False).test_cli_runner().invoke(args=["promo", "reset"])
    assert result.exit_code == 1
    assert "demo or test mode only" in result.output


def test_export_prints_a_pack_that_loads(make_app):
    source = make_app(DEMO_MODE=True)
    source.test_cli_runner().invoke(args=["promo", "reset"])
    with source.app_context():
        promo_engine(source).set_campaign_status("happy10", "pause")
    result = source.test_cli_runner().invoke(args=["promo", "export"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# A scenario pack written by `flask promo export`")
    assert "# Left out: campaign happy10 (paused)" in result.output
    data = yaml.safe_load(result.output)
    assert {"store", "categories", "products", "customers", "personas", "campaigns", "codes",
            "publications"} <= data.keys()
    assert data["store"]["currency"] == "USD"
    target = make_app(DEMO_MODE=False)
    with target.app_context():
        engine = promo_engine(target)
        load_pack(engine, parse_pack(data, source="export"))
        assert "happy10" not in {c.id for c in engine.list_campaigns()}
        assert [p.source_id for p in engine.list_publications("vip")] == [
            "support-ticket-4821", "referral-advocate-vip", "gift-card-for-vip"]
