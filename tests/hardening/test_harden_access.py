"""Acting on someone else's things by id fails safely, on the web, in the console and in the API."""
import pytest

from shop.console.models import Role
from shop.web.extensions import promo_engine
from tests.support.apikit import make_keys
from tests.support.consolekit import FAST_HASH, create_console_users, sign_in
from tests.support.hardenkit import place_order
from tests.support.webkit import as_persona, seeded

HUGE_ID = 10**30


@pytest.fixture
def store(make_app):
    app = seeded(make_app(DEMO_MODE=True, CONSOLE_PASSWORD_HASH_METHOD=FAST_HASH))
    create_console_users(app)
    return app


def order_id(order_url: str) -> int:
    return int(order_url.rstrip("/").rsplit("/", 1)[1])


def order_status(app, redemption_id):
    with app.app_context():
        return promo_engine().get_redemption(redemption_id).order.status


def test_another_shoppers_order_can_be_neither_seen_nor_cancelled(store):
    _, url = place_order(store, "vip")
    placed = order_id(url)
    intruder = store.test_client()
    as_persona(intruder, "birthday")
    for client in (intruder, store.test_client()):
        assert client.get(url).status_code == 404
        assert client.post(f"/orders/{placed}/cancel").status_code == 404
        assert f"/checkout/confirmation/{placed}" not in client.get("/orders").get_data(as_text=True)
    assert order_status(store, placed) == "placed"


def test_the_console_needs_a_login_and_the_right_role_to_roll_back(store):
    _, url = place_order(store, "vip")
    placed = order_id(url)
    anonymous = store.test_client().post(f"/console/redemptions/{placed}/rollback", data={"reason": "x"})
    assert anonymous.status_code in (302, 401, 403)
    assert store.test_client().get(f"/console/redemptions/{placed}").status_code == 302
    viewer = sign_in(store.test_client(), Role.VIEWER)
    assert viewer.post(f"/console/redemptions/{placed}/rollback", data={"reason": "x"}).status_code == 403
    assert order_status(store, placed) == "placed"


def test_the_api_needs_a_key_with_the_right_scope(store):
    _, url = place_order(store, "vip")
    placed = order_id(url)
    keys = make_keys(store)
    client = store.test_client()
    rollback = f"/api/v1/redemptions/{placed}/rollback"
    assert client.post(rollback, json={"reason": "x"}).status_code == 401
    assert client.post(rollback, json={"reason": "x"}, headers={"Authorization": "Bearer psk_rw_forged"}).status_code == 401
    refused = client.post(rollback, json={"reason": "x"}, headers={"Authorization": f"Bearer {keys['read']}"})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "insufficient_scope"
    assert client.get("/api/v1/customers/vip", headers={"Authorization": f"Bearer {keys['redeem']}"}).status_code == 403
    assert order_status(store, placed) == "placed"


@pytest.mark.parametrize("path", [f"/checkout/confirmation/{HUGE_ID}", f"/api/v1/redemptions/{HUGE_ID}"])
def test_ids_beyond_any_database_column_are_simply_not_found(store, path):
    keys = make_keys(store)
    assert store.test_client().get(path, headers={"Authorization": f"Bearer {keys['read']}"}).status_code == 404


def test_without_demo_mode_nobody_can_become_another_customer(make_app):
    app = seeded(make_app(DEMO_MODE=False))
    client = app.test_client()
    assert client.post("/demo/persona", data={"persona": "vip"}).status_code in (403, 404)
    assert "Victor" not in client.get("/wallet").get_data(as_text=True)
