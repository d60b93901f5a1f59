"""NUL bytes and line breaks at every door, on PostgreSQL as well as SQLite.

psycopg refuses a NUL character in any text it sends, so on PostgreSQL a %00 that reached a
query was a 500. Every door a shopper, an operator or an API client can type into now answers
a clear 4xx instead: paths, query strings, form fields, JSON strings and headers. A ``next=``
holding a line break is treated as absent (the redirect goes to the default page), never put
into a Location header."""
from __future__ import annotations

import pytest

from tests.support.apikit import API, make_keys
from tests.support.consolekit import FAST_HASH, PASSWORD, create_console_users
from tests.support.webkit import DATABASES, app_on, as_persona, seeded

NUL = "\x00"


@pytest.fixture(scope="module", params=DATABASES)
def store(request, make_app, tmp_path_factory):
    with app_on(request.param, make_app, tmp_path_factory.mktemp("nul"), DEMO_MODE=True, RATELIMIT_ENABLED=False,
                CONSOLE_PASSWORD_HASH_METHOD=FAST_HASH) as app:
        seeded(app)
        create_console_users(app)
        yield app


@pytest.fixture(scope="module")
def api_key(store):
    return make_keys(store)["all"]


@pytest.fixture
def shopper(store):
    client = store.test_client()
    as_persona(client, "vip")
    return client


def refused(response) -> bool:
    return 400 <= response.status_code < 500


@pytest.mark.parametrize("path", [
    "/share/HAPPY10%00", "/r/FRIEND-%00", "/products/ARA-ETH-YIRG%00", "/shop/coffee%00", "/%00",
    "/banners/square.png?code=HAPPY10%00", "/?q=%00",
])
def test_storefront_paths_and_queries_with_a_nul_are_refused(shopper, path):
    response = shopper.get(path)

    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert "NUL" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/wallet/points/beans-club%00/1", "/wallet/points/beans%00club/1"])
def test_points_paths_with_a_nul_are_refused(shopper, path):
    assert shopper.post(path).status_code == 400


@pytest.mark.parametrize(("path", "fields"), [
    ("/signin", {"email": f"vip{NUL}@example.com", "password": "whatever it is"}),
    ("/register", {"name": "Nul", "email": f"nul{NUL}@example.com", "password": "a good long password"}),
    ("/console/login", {"email": f"admin{NUL}@example.com", "password": PASSWORD}),
    ("/cart/codes", {"code": f"HAPPY10{NUL}"}),
    ("/cart/add", {"sku": f"ARA-ETH-YIRG{NUL}", "quantity": "1"}),
])
def test_form_fields_with_a_nul_are_refused(store, path, fields):
    response = store.test_client().post(path, data=fields)

    assert response.status_code == 400, response.get_data(as_text=True)[:300]


@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", "/campaigns/happy10%00", None),
    ("GET", "/codes/HAPPY10%00", None),
    ("GET", "/customers/vip%00", None),
    ("GET", "/customers/vip%00/referrals", None),
    ("GET", "/gift-cards/GIFT%00", None),
    ("GET", "/customers/vip%00/points", None),
    ("POST", "/customers/vip/points/beans-club%00/spend", {"reward": 1}),
    ("GET", "/redemptions?customer_id=vip%00", None),
    ("GET", "/campaigns?status=active%00", None),
    ("POST", "/gift-cards", {"campaign": f"gift-card{NUL}"}),
    ("POST", "/customers/vip/referral-events", {"event": f"order{NUL}shipped"}),
    ("PUT", "/customers/nul", {"email": f"nul{NUL}@example.com", "segments": [f"a{NUL}"]}),
    ("POST", "/campaigns", {"id": "nul", "name": f"Nul{NUL}", "kind": "coupon", "code": "NUL10",
                            "effect": {"type": "percent_off_order", "percent": 10}}),
])
def test_api_ids_queries_and_json_strings_with_a_nul_are_refused(store, api_key, method, path, body):
    response = store.test_client().open(API + path, method=method, json=body,
                                        headers={"Authorization": f"Bearer {api_key}"})

    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["code"] == "invalid_characters"


def test_a_nul_in_an_api_header_is_refused(store, api_key):
    response = store.test_client().post(API + "/customers/vip/referral-code",
                                        headers={"Authorization": f"Bearer {api_key}", "Idempotency-Key": f"k{NUL}"})

    assert response.status_code == 400


@pytest.mark.parametrize("next_value", ["/wallet\r\nSet-Cookie: x=1", "/wallet%0d%0aX: y", "/wallet\nX"])
def test_a_next_with_a_line_break_is_treated_as_absent(store, next_value):
    form = store.test_client().get("/signin", query_string={"next": next_value})
    registered = store.test_client().post("/register", data={
        "name": "Next Tester", "email": f"next-{abs(hash(next_value))}@example.com",
        "password": "a good long password", "next": next_value})
    persona = store.test_client().post("/demo/persona", data={"persona": "vip", "next": next_value})

    assert form.status_code == 200 and 'name="next" value="/wallet"' in form.get_data(as_text=True)
    assert (registered.status_code, registered.headers["Location"]) == (303, "/wallet")
    assert (persona.status_code, persona.headers["Location"]) == (303, "/")


@pytest.mark.parametrize("next_value", ["/console/campaigns\r\nX: y", "/console\nX"])
def test_a_console_next_with_a_line_break_is_treated_as_absent(store, next_value):
    operator = store.test_client()
    response = operator.post("/console/login", data={"email": "admin@example.com", "password": PASSWORD,
                                                     "next": next_value})

    assert response.status_code == 302 and response.headers["Location"] == "/console/campaigns"
    again = operator.get("/console/login", query_string={"next": next_value})
    assert again.status_code == 302 and again.headers["Location"] == "/console/campaigns"


def test_a_json_body_nested_too_deeply_to_read_is_refused(store, api_key):
    body = "[" * 100_000 + "]" * 100_000

    response = store.test_client().post(API + "/campaigns", data=body, headers={
        "Authorization": f"Bearer {api_key}", "Content-Type": "application/json"})

    assert response.status_code == 400 and response.get_json()["error"]["code"] == "malformed_json"


@pytest.mark.parametrize("path", ["/webhooks/2147483648", "/redemptions/2147483648", "/webhooks/9223372036854775807"])
def test_an_id_beyond_a_postgresql_integer_is_unknown_not_an_overflow(store, api_key, path):
    # Found by the API fuzz once it ran on PostgreSQL: INTEGER keys are 32-bit there.
    response = store.test_client().delete(API + path, headers={"Authorization": f"Bearer {api_key}"})
    response_get = store.test_client().get(API + path, headers={"Authorization": f"Bearer {api_key}"})

    assert response.status_code in (404, 405) and response_get.status_code == 404
