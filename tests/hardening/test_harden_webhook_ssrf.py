"""Webhooks cannot be aimed at the store's own network (SSRF): internal addresses are refused
when an endpoint is saved through the API, and again at delivery after DNS resolution, so a
name that changes its answer (DNS rebinding) gets nowhere. The delivery log keeps the status and
our own short error, never the receiver's answer."""
from __future__ import annotations

import pytest
from sqlalchemy import insert

from promo.delivery.webhook_targets import TargetPolicy
from promo.delivery.webhooks import WebhookSettings
from promo.delivery.worker import tick
from promo.storage.event_models import WebhookEndpointRow
from shop.web.extensions import db, promo_engine
from tests.support.apikit import ApiClient, make_keys
from tests.support.eventkit import CART_40, add_customer
from tests.support.receiver import Receiver

ONE_TRY = WebhookSettings(timeout=2, max_attempts=1)

INTERNAL_URLS = [
    "http://127.0.0.1/hooks", "http://127.0.0.1:6379/", "http://localhost:8080/", "http://LOCALHOST./",
    "http://api.localhost/", "http://[::1]/", "http://0.0.0.0/", "http://[::]/", "http://2130706433/",
    "http://0x7f000001/", "http://0177.0.0.1/", "http://127.1/", "http://10.0.0.1/admin", "http://172.16.5.4/",
    "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/",
    "http://[fd00::1]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/", "http://[::ffff:169.254.169.254]/",
    "http://[64:ff9b::a00:1]/", "http://[2002:7f00:1::]/", "http://100.64.0.1/", "http://224.0.0.1/",
    "http://240.0.0.1/", "http://255.255.255.255/", "https://[::ffff:10.0.0.1]:8443/x",
]


@pytest.fixture
def store(make_app):
    return make_app()


@pytest.fixture
def api(store) -> ApiClient:
    return ApiClient(store, make_keys(store))


@pytest.mark.parametrize("url", INTERNAL_URLS)
def test_an_endpoint_at_an_internal_address_is_refused_when_saved(api, url):
    response = api.post("/webhooks", json={"url": url, "events": ["*"]})

    assert response.status_code == 400, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "invalid_webhook"
    assert "Webhooks go to public addresses only" in error["message"]
    assert api.ok("GET", "/webhooks") == {"endpoints": []}


def test_a_name_resolving_to_an_internal_address_is_refused_when_saved(store, api):
    promo_engine(store).webhook_targets = TargetPolicy(resolver=lambda host, port: ["10.1.2.3"])

    response = api.post("/webhooks", json={"url": "https://crm.example.com/hooks"})

    assert response.status_code == 400
    assert "crm.example.com (10.1.2.3) is a private address" in response.get_json()["error"]["message"]


def test_public_addresses_and_names_are_accepted(api):
    for url in ("https://hooks.example.com/promo", "https://93.184.216.34/hooks", "https://[2606:4700::1111]/h"):
        assert api.post("/webhooks", json={"url": url}).status_code == 201, url


def deliver_one(store) -> None:
    engine = promo_engine(store)
    add_customer(engine, "ana")
    engine.redeem("ana", CART_40, order_ref="A-1")
    tick(engine, ONE_TRY, scheduled=False)


def test_dns_rebinding_is_refused_at_delivery_and_nothing_is_sent(store, api):
    """The name answered a public address when the endpoint was saved and answers the local
    receiver's address now: the worker checks the address it is about to connect to."""
    answers = iter([["93.184.216.34"]])
    engine = promo_engine(store)
    engine.webhook_targets = TargetPolicy(resolver=lambda host, port: next(answers, ["127.0.0.1"]))
    with Receiver() as receiver:
        api.ok("POST", "/webhooks", 201, json={"url": f"http://rebind.example.com:{receiver.port}/hooks"})

        deliver_one(store)

    assert receiver.received == []
    [delivery] = api.ok("GET", "/webhooks/deliveries")["deliveries"]
    assert delivery["status"] == "dead" and delivery["last_status"] is None
    assert delivery["last_error"] == "Refused: rebind.example.com (127.0.0.1) is a loopback address."


def test_an_endpoint_saved_before_the_check_existed_is_refused_at_delivery(store, api):
    with Receiver() as receiver:
        with store.app_context():
            db.session.execute(insert(WebhookEndpointRow).values(
                url=receiver.url.replace("127.0.0.1", "2130706433"), description="", events=["*"],
                secret="whsec_old", active=True, created_at=promo_engine(store).clock()))
            db.session.commit()

        deliver_one(store)

    assert receiver.received == []
    [delivery] = api.ok("GET", "/webhooks/deliveries")["deliveries"]
    assert delivery["last_error"] == "Refused: 2130706433 (127.0.0.1) is a loopback address."


def test_the_worker_connects_to_the_address_it_checked(store, api):
    """An allowed host is reached at the address the policy resolved, not through a second
    lookup: "receiver.test" exists in no DNS, yet the delivery arrives."""
    engine = promo_engine(store)
    engine.webhook_targets = TargetPolicy(frozenset({"receiver.test"}), resolver=lambda host, port: ["127.0.0.1"])
    with Receiver() as receiver:
        api.ok("POST", "/webhooks", 201, json={"url": f"http://receiver.test:{receiver.port}/hooks"})
        deliver_one(store)

    assert len(receiver.received) == 1
    assert api.ok("GET", "/webhooks/deliveries")["deliveries"][0]["status"] == "delivered"


def test_the_delivery_log_keeps_the_status_not_the_receivers_answer(make_app):
    store = make_app(WEBHOOK_ALLOWED_HOSTS="127.0.0.1")          # the operator lets a local receiver in
    api = ApiClient(store, make_keys(store))
    secret_reply = b'{"AccessKeyId": "ASIA-internal-secret", "Token": "do-not-leak"}'
    with Receiver(status=500, body=secret_reply) as receiver:
        api.ok("POST", "/webhooks", 201, json={"url": receiver.url})
        deliver_one(store)

    assert len(receiver.received) == 1
    [delivery] = api.ok("GET", "/webhooks/deliveries", key="read")["deliveries"]
    assert (delivery["last_status"], delivery["last_error"]) == (500, "HTTP 500 Internal Server Error")
    assert "internal-secret" not in api.get("/webhooks/deliveries", key="read").get_data(as_text=True)


def test_redirects_are_not_followed(make_app):
    store = make_app(WEBHOOK_ALLOWED_HOSTS="127.0.0.1")
    api = ApiClient(store, make_keys(store))
    with Receiver(status=302) as receiver:          # a redirect would lead off the allowed host
        api.ok("POST", "/webhooks", 201, json={"url": receiver.url})
        deliver_one(store)

    assert len(receiver.received) == 1
    [delivery] = api.ok("GET", "/webhooks/deliveries")["deliveries"]
    assert (delivery["status"], delivery["last_status"]) == ("dead", 302)


def test_allowed_hosts_come_from_the_operator_setting(make_app, monkeypatch):
    monkeypatch.setenv("PROMOSHOP_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1, LocalHost")
    store = make_app()
    api = ApiClient(store, make_keys(store))

    assert api.post("/webhooks", json={"url": "http://localhost:9000/hooks"}).status_code == 201
    assert api.post("/webhooks", json={"url": "http://127.0.0.1:9000/hooks"}).status_code == 201
    assert api.post("/webhooks", json={"url": "http://[::1]:9000/hooks"}).status_code == 400
