"""The /_test endpoints: token, reset, clock and persona, as a test suite in any language uses them."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from promo.core.domain import Cart, CartLine
from shop.web.extensions import promo_engine
from tests.support.testmodekit import AUTH, TOKEN, freeze

REPO_ROOT = Path(__file__).resolve().parents[2]


# ---- the token ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/_test/reset", "/_test/clock", "/_test/persona"])
@pytest.mark.parametrize("headers", [{}, {"X-Test-Token": "wrong-token-0123456789"}, {"X-Test-Token": TOKEN[:-1]}])
def test_endpoints_answer_404_without_the_right_token(bare_client, path, headers):
    response = bare_client.post(path, json={}, headers=headers)
    assert response.status_code == 404


def test_endpoints_do_not_exist_outside_test_mode(make_app):
    client = make_app().test_client()
    assert client.post("/_test/reset", headers=AUTH).status_code == 404
    assert client.post("/_test/clock", json={"now": None}, headers=AUTH).status_code == 404


def test_endpoints_need_no_csrf_token(make_app):
    # CSRF on, as in production: a test runner has no form token, the secret header guards instead.
    client = make_app(TEST_MODE=True, TEST_TOKEN=TOKEN, WTF_CSRF_ENABLED=True).test_client()
    assert client.post("/_test/clock", json={"advance_seconds": 0}, headers=AUTH).status_code == 200


# ---- reset -------------------------------------------------------------------------------------


def test_reset_answers_with_what_it_loaded(client):
    response = client.post("/_test/reset", json={"scenario": "scenarios/arabica.yaml"}, headers=AUTH)
    assert response.status_code == 200
    body = response.get_json()
    assert body["scenario"] == "scenarios/arabica.yaml"
    assert body["loaded"]["products"] > 10 and body["loaded"]["campaigns"] > 10
    assert "vip" in body["personas"] and "guest" in body["personas"]
    assert body["frozen"] is False


def test_reset_wipes_orders_wallets_and_counters(test_store: Flask, client):
    engine = promo_engine(test_store)
    with test_store.app_context():
        vip = engine.get_customer("vip")
        cart = Cart((CartLine("BLD-HOUSE", "House blend", 1600, 2),))
        engine.redeem(vip, cart, ["HAPPY10"], order_ref="A-1", idempotency_key="k-1")
        engine.create_campaign({"id": "added-in-a-test", "name": "Added", "kind": "coupon", "code": "ADDED",
                                "effect": {"type": "amount_off_order", "amount": 100}})
        assert engine.list_redemptions(customer_id="vip")
    assert client.post("/_test/reset", headers=AUTH).status_code == 200
    with test_store.app_context():
        # Only the past orders the pack seeds: the test's own order is gone.
        assert [r.order.order_ref for r in engine.list_redemptions(customer_id="vip")] == ["AC-VIP-0002", "AC-VIP-0001"]
        assert engine.get_campaign("happy10").redemptions_count == 1     # AC-VIP-0001's
        assert engine.get_customer("vip").orders_count == 12          # the pack's value again
        assert "added-in-a-test" not in {c.id for c in engine.list_campaigns()}
        assert [p.source_id for p in engine.list_publications("vip")] == [
            "support-ticket-4821", "referral-advocate-vip", "gift-card-for-vip"]


def test_reset_loads_a_pack_of_the_scenarios_folder(client):
    response = client.post("/_test/reset", json={"scenario": "scenarios/arabica-thb.yaml"}, headers=AUTH)
    assert response.status_code == 200
    assert response.get_json()["scenario"] == "scenarios/arabica-thb.yaml"


@pytest.mark.parametrize("scenario", ["/etc/passwd", "../../etc/hostname", "scenarios/../pyproject.toml",
                                      "scenarios/../../outside.yaml"])
def test_reset_reads_no_file_outside_the_scenario_folders(bare_client, scenario):
    response = bare_client.post("/_test/reset", json={"scenario": scenario}, headers=AUTH)
    assert response.status_code == 400
    assert "scenario must be a pack in scenarios" in response.get_json()["error"]


def test_reset_with_a_pack_that_does_not_read_keeps_the_store(test_store, client, tmp_path):
    response = client.post("/_test/reset", json={"scenario": "scenarios/missing.yaml"}, headers=AUTH)
    assert response.status_code == 400
    assert "no scenario pack" in response.get_json()["error"]
    with test_store.app_context():
        assert promo_engine(test_store).get_customer("vip").name == "Victor Valdez"


@pytest.mark.parametrize("body, message", [
    ("not json", "must be a JSON object"),
    ("[1, 2]", "must be a JSON object"),
    ('{"scenario": 7}', "scenario must be the path of a pack"),
    ('{"scenaro": "scenarios/arabica.yaml"}', "unknown field 'scenaro'"),
])
def test_reset_explains_a_body_it_cannot_use(bare_client, body, message):
    response = bare_client.post("/_test/reset", data=body, content_type="application/json", headers=AUTH)
    assert response.status_code == 400
    assert message in response.get_json()["error"]


def test_a_reset_can_freeze_the_clock_first_so_relative_dates_follow_it(test_store, client):
    response = client.post("/_test/reset", json={"now": "2027-03-09T09:00:00-05:00"}, headers=AUTH)
    assert response.status_code == 200
    assert response.get_json()["now"] == "2027-03-09T09:00:00-05:00"
    with test_store.app_context():
        birthday = promo_engine(test_store).get_customer("birthday").birthday
    assert (birthday.month, birthday.day) == (3, 9)          # "birthday: today" on the frozen day


# ---- clock -------------------------------------------------------------------------------------


def test_clock_freezes_moves_and_is_released(bare_client):
    client = bare_client
    assert freeze(client, "2026-12-01T16:30:00-05:00") == {
        "now": "2026-12-01T16:30:00-05:00", "frozen": True, "offset_seconds": 0.0}
    moved = client.post("/_test/clock", json={"advance_seconds": 3600}, headers=AUTH).get_json()
    assert moved["now"] == "2026-12-01T17:30:00-05:00"
    released = client.post("/_test/clock", json={"now": None}, headers=AUTH).get_json()
    assert released["frozen"] is False and released["offset_seconds"] == 0.0
    assert client.get("/_test/clock", headers=AUTH).get_json()["frozen"] is False


def test_a_time_without_offset_is_store_time(bare_client):
    assert freeze(bare_client, "2026-12-01T16:30")["now"] == "2026-12-01T16:30:00-05:00"


@pytest.mark.parametrize("body, message", [
    ({}, "send either"),
    ({"now": "2026-12-01T16:30:00", "advance_seconds": 5}, "send either"),
    ({"now": "next tuesday"}, "ISO 8601"),
    ({"now": 1764624600}, "ISO 8601"),
    ({"advance_seconds": "an hour"}, "must be a number of seconds"),
    ({"advance_seconds": 10**12}, "at most"),
    ({"tomorrow": True}, "unknown field 'tomorrow'"),
])
def test_clock_explains_a_body_it_cannot_use(bare_client, body, message):
    response = bare_client.post("/_test/clock", json=body, headers=AUTH)
    assert response.status_code == 400
    assert message in response.get_json()["error"]


def test_happy_hour_follows_the_clock(client):
    client.post("/cart/add", data={"sku": "BLD-HOUSE", "quantity": "1"})
    freeze(client, "2026-12-01T10:30:00-05:00")           # a Tuesday morning
    assert "Happy hour" not in client.get("/cart").get_data(as_text=True)
    freeze(client, "2026-12-01T16:30:00-05:00")           # the same Tuesday at 4:30 PM
    assert "Happy hour" in client.get("/cart").get_data(as_text=True)


def test_another_process_reads_the_same_clock(make_app):
    """Every worker of a multi-process server follows the clock: a second process on the same
    database (as a gunicorn worker would be) reads the moment the first one froze."""
    test_store = make_app(TEST_MODE=True, TEST_TOKEN=TOKEN)
    freeze(test_store.test_client(), "2026-12-24T08:15:00-05:00")
    script = (
        "from app import create_app\n"
        "from shop.web.extensions import promo_engine\n"
        f"app = create_app({{'INSTANCE_PATH': {test_store.instance_path!r}, 'SECRET_KEY': 'x', 'TESTING': True,"
        f" 'SQLALCHEMY_DATABASE_URI': {test_store.config['SQLALCHEMY_DATABASE_URI']!r},"
        f" 'TEST_MODE': True, 'TEST_TOKEN': {TOKEN!r}}})\n"
        "with app.app_context():\n"
        "    print(promo_engine(app).now().isoformat())\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2026-12-24T08:15:00-05:00"


HALF_PRICE_HAPPY10 = """
products:
  - {sku: BLD-HOUSE, name: House Blend, price: 1400}
campaigns:
  - {id: happy10, name: Happy 10, kind: coupon, code: HAPPY10, effect: {type: percent_off_order, percent: 50}}
"""


def test_a_reset_in_one_app_reaches_another_apps_cached_campaigns(make_app, tmp_path):
    """A second worker on the same database forgets its parsed campaigns after another one
    resets: campaign ids and versions start again at 1, so a cache keyed by them would go on
    pricing with the campaign that stood there before the reset."""
    pack = tmp_path / "packs" / "half.yaml"
    pack.parent.mkdir()
    pack.write_text(HALF_PRICE_HAPPY10)
    config = {"TEST_MODE": True, "TEST_TOKEN": TOKEN, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'shared.db'}",
              "DEMO_SCENARIO": str(pack)}
    first, second = make_app(**config), make_app(**config)
    # A morning before happy hour: from 3 pm the pack's happy hour takes its share first.
    first.test_client().post("/_test/reset", json={"scenario": "scenarios/arabica.yaml", "now": "2026-12-01T09:00:00-05:00"},
                             headers=AUTH)
    shopper = second.test_client()
    shopper.post("/cart/add", data={"sku": "BLD-HOUSE", "quantity": "1"})
    shopper.post("/cart/codes", data={"code": "HAPPY10"})
    assert "−$1.40" in shopper.get("/cart").get_data(as_text=True)     # 10% of $14.00

    first.test_client().post("/_test/reset", headers=AUTH)             # happy10 version 1 again, now 50%
    assert "−$7.00" in shopper.get("/cart").get_data(as_text=True)


# ---- persona -----------------------------------------------------------------------------------


def test_persona_signs_the_browser_in(client):
    response = client.post("/_test/persona", json={"persona": "vip"}, headers=AUTH)
    assert response.status_code == 200
    assert response.get_json() == {"persona": "vip", "label": "VIP", "customer": "vip"}
    assert "Victor" in client.get("/wallet").get_data(as_text=True)


def test_persona_sign_in_works_outside_demo_mode(make_test_store):
    client = make_test_store(DEMO_MODE=False).test_client()
    assert client.post("/_test/persona", json={"persona": "birthday"}, headers=AUTH).status_code == 200
    assert "Bea" in client.get("/wallet").get_data(as_text=True)


def test_the_guest_persona_signs_out(client):
    client.post("/_test/persona", json={"persona": "vip"}, headers=AUTH)
    assert client.post("/_test/persona", json={"persona": "guest"}, headers=AUTH).get_json()["customer"] is None
    assert "Victor" not in client.get("/wallet").get_data(as_text=True)


@pytest.mark.parametrize("body, message", [
    ({"persona": "vipp"}, "no persona 'vipp' in this store; its personas are: guest, new, vip"),
    ({}, "'persona' is required"),
    ({"persona": ["vip"]}, "no persona ['vip']"),
])
def test_persona_explains_a_body_it_cannot_use(client, body, message):
    response = client.post("/_test/persona", json=body, headers=AUTH)
    assert response.status_code == 400
    assert message in response.get_json()["error"]
