"""A code published to one customer is, for anyone else, exactly an unknown code: same status,
same message, same API reason. And nobody reaches another customer's orders by id."""
import pytest

from shop.web.extensions import promo_engine
from tests.support.apikit import BEANS_40, make_keys
from tests.support.webkit import as_persona, seeded, visible_text


@pytest.fixture
def store(make_app):
    return seeded(make_app(DEMO_MODE=True))


def held_code(app, customer_id):
    with app.app_context():
        codes = [c.code for c in promo_engine(app).customer_codes(customer_id) if c.code.startswith("SORRY-")]
    assert codes, f"{customer_id} holds no SORRY- code in the demo pack"
    return codes[0]


def answer_for(app, persona, code):
    client = app.test_client()
    as_persona(client, persona)
    client.post("/cart/add", data={"sku": "ARA-ETH-YIRG", "quantity": "2"})
    response = client.post("/cart/codes", data={"code": code})
    return response.status_code, visible_text(response.get_data(as_text=True)).replace(code, "<CODE>")


def test_someone_elses_code_looks_unknown_in_the_cart(store):
    code = held_code(store, "vip")
    assert answer_for(store, "birthday", code) == answer_for(store, "birthday", "SORRY-ZZZZZZ")
    status, text = answer_for(store, "birthday", code)
    assert status == 422 and "couldn't find that code" in text


def test_someone_elses_code_looks_unknown_in_the_api(store):
    code = held_code(store, "vip")
    key = make_keys(store)["read"]
    client = store.test_client()

    def validation(customer, entered):
        body = {"customer": {"id": customer}, "order": BEANS_40, "codes": [entered]}
        reply = client.post("/api/v1/validations", json=body, headers={"Authorization": f"Bearer {key}"}).get_json()
        result = next(iter(reply["codes"].values())) if isinstance(reply["codes"], dict) else reply["codes"][0]
        return {k: v for k, v in result.items() if k not in ("code", "name")}  # both echo the code typed

    assert validation("birthday", code) == validation("birthday", "SORRY-ZZZZZZ")
    assert validation("vip", code) != validation("birthday", code)


def test_another_customers_order_is_not_found_by_id(store):
    owner, other = store.test_client(), store.test_client()
    as_persona(owner, "vip")
    as_persona(other, "birthday")
    owner.post("/cart/add", data={"sku": "ARA-ETH-YIRG", "quantity": "1"})
    owner.get("/checkout")
    with owner.session_transaction() as session:
        token = session["checkout_token"]
    placed = owner.post("/checkout", data={"name": "V", "email": "v@example.com", "checkout_token": token})
    order_url = placed.headers["Location"]
    assert owner.get(order_url).status_code == 200
    assert other.get(order_url).status_code == 404
    assert store.test_client().get(order_url).status_code == 404
