"""Webhook endpoints, distribution rules and tracked events through /api/v1."""

import pytest

from shop.web.extensions import promo_engine
from tests.api.test_api_openapi import conforms
from tests.support.apikit import bulk


@pytest.fixture
def document(api):
    return api.ok("GET", "/openapi.json", key=None)


def checked(api, document, method, path, status, template, **kwargs):
    """The JSON of a request that answers `status` with what the OpenAPI document promises."""
    body = api.ok(method, path, status, **kwargs)
    op = document["paths"]["/api/v1" + template][method.lower()]
    conforms(body, op["responses"][str(status)]["content"]["application/json"]["schema"],
             document["components"]["schemas"])
    return body


def test_webhook_endpoints_show_their_secret_once(api, document):
    made = checked(api, document, "POST", "/webhooks", 201, "/webhooks",
                   json={"url": "https://hooks.example.com/promo", "events": ["redemption.*", "distribution.published"]})
    assert made["secret"].startswith("whsec_") and made["events"] == ["redemption.*", "distribution.published"]

    listed = checked(api, document, "GET", "/webhooks", 200, "/webhooks")
    assert made["secret"] not in str(listed) and listed["endpoints"][0]["secret_hint"] == made["secret"][:12] + "..."
    assert checked(api, document, "GET", f"/webhooks/{made['id']}", 200, "/webhooks/{endpoint_id}")["url"] == made["url"]
    assert checked(api, document, "GET", "/webhooks/deliveries?status=dead", 200, "/webhooks/deliveries") == {"deliveries": []}

    assert api.request("DELETE", f"/webhooks/{made['id']}").status_code == 204
    assert api.get(f"/webhooks/{made['id']}").status_code == 404


@pytest.mark.parametrize("body, message", [
    ({"url": "ftp://example.com"}, "absolute http:// or https:// URL"),
    ({"url": "https://example.com", "events": ["Everything!"]}, "is not an event type"),
    ({"url": "https://example.com", "events": []}, "at least 1 item"),
])
def test_bad_endpoints_are_refused_with_the_reason(api, body, message):
    response = api.post("/webhooks", json=body)
    assert response.status_code == 400 and message in response.get_json()["error"]["message"]


def test_only_write_keys_manage_webhooks(api):
    assert api.post("/webhooks", json={"url": "https://example.com"}, key="read").status_code == 403
    assert api.get("/webhooks", key="read").status_code == 200


def test_rules_and_tracked_events(api, document):
    api.ok("POST", "/campaigns", 201, json=bulk("welcome", "WELCOME-######"))
    api.ok("POST", "/campaigns/welcome/codes", 201, json={"count": 5})
    api.ok("PUT", "/customers/ana", json={"email": "ana@example.com"})
    rule = checked(api, document, "POST", "/distributions", 201, "/distributions",
                   json={"id": "welcome", "name": "Welcome", "event": "signup", "publish": "welcome"})
    assert rule["active"] is True and rule["event"] == "signup"

    tracked = checked(api, document, "POST", "/customers/ana/events", 201, "/customers/{customer_id}/events",
                      json={"event": "signup"})
    again = api.ok("POST", "/customers/ana/events", 201, json={"event": "signup"})

    [published] = tracked["published"]
    assert published["campaign_id"] == "welcome" and again["published"] == []
    assert api.ok("GET", "/codes/" + published["code"])["holder_id"] == "ana"
    firings = checked(api, document, "GET", "/distributions/welcome/firings", 200, "/distributions/{rule_id}/firings")
    assert [f["code"] for f in firings["firings"]] == [published["code"]]
    assert checked(api, document, "POST", "/distributions/welcome/pause", 200, "/distributions/{rule_id}/pause")["active"] is False
    assert [r["id"] for r in checked(api, document, "GET", "/distributions", 200, "/distributions")["rules"]] == ["welcome"]


def test_rule_problems_are_listed_with_their_paths(api):
    api.ok("POST", "/campaigns", 201, json=bulk("welcome", "WELCOME-######"))
    response = api.post("/distributions", json={"id": "x", "name": "X", "event": "dormant", "publish": "welcome",
                                                "if": {"fact": "customer.segmnt", "is": "vip"}})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_rule"
    assert {e["path"] for e in error["details"]["errors"]} == {"days", "if.fact"}
    body = {"id": "x", "name": "X", "event": "signup", "publish": "welcome"}
    api.ok("POST", "/distributions", 201, json=body)
    assert api.post("/distributions", json=body).get_json()["error"]["code"] == "rule_exists"
    assert api.post("/distributions", json={**body, "id": "y", "publish": "nope"}).status_code == 400
    assert api.get("/distributions/nope").status_code == 404


def test_tracking_refuses_unknown_customers_and_bad_event_names(api):
    assert api.post("/customers/ghost/events", json={"event": "signup"}).status_code == 404
    api.ok("PUT", "/customers/ana", json={})
    response = api.post("/customers/ana/events", json={"event": "Order Shipped"})
    assert response.status_code == 400 and "lower-case" in response.get_json()["error"]["message"]
    assert api.post("/customers/ana/events", json={"event": "order_paid"}).status_code == 400


def test_replay_takes_one_event_or_a_window(api, document):
    api.ok("PUT", "/customers/ana", json={})
    api.ok("POST", "/campaigns", 201, json=bulk("welcome", "WELCOME-######"))   # campaign.created: filtered out
    api.ok("POST", "/customers/ana/events", 201, json={"event": "signup"})
    tracked = api.ok("POST", "/customers/ana/events", 201, json={"event": "order_shipped"})
    hook = api.ok("POST", "/webhooks", 201, json={"url": "https://example.com/hooks", "events": ["tracked.*"]})

    assert checked(api, document, "POST", f"/webhooks/{hook['id']}/replay", 200, "/webhooks/{endpoint_id}/replay",
                   json={"since": "2020-01-01T00:00:00Z"}) == {"queued": 2}
    assert api.ok("POST", f"/webhooks/{hook['id']}/replay", json={"event_id": tracked["id"]}) == {"queued": 1}
    [delivery] = api.ok("GET", "/webhooks/deliveries?status=pending")["deliveries"][:1]
    assert delivery["status"] == "pending" and delivery["attempts"] == 0

    for body in ({}, {"event_id": tracked["id"], "since": "2020-01-01T00:00:00Z"}, {"until": "2020-01-01T00:00:00Z"}):
        assert api.post(f"/webhooks/{hook['id']}/replay", json=body).status_code == 400, body
    assert api.post(f"/webhooks/{hook['id']}/replay", json={"event_id": "evt_" + "0" * 24}).status_code == 404
    assert api.post("/webhooks/999/replay", json={"since": "2020-01-01T00:00:00Z"}).status_code == 404


def test_events_page_by_type_and_customer(api, document):
    api.ok("PUT", "/customers/ana", json={})
    api.ok("PUT", "/customers/bob", json={})
    ids = [api.ok("POST", f"/customers/{who}/events", 201, json={"event": name})["id"]
           for who, name in (("ana", "signup"), ("bob", "signup"), ("ana", "order_shipped"), ("ana", "review_left"))]

    first = checked(api, document, "GET", "/events?type=tracked.*&customer=ana&limit=2", 200, "/events")
    rest = api.ok("GET", f"/events?type=tracked.*&customer=ana&after={first['next_after']}")

    assert [e["id"] for e in first["events"] + rest["events"]] == [ids[0], ids[2], ids[3]]
    assert rest["next_after"] is None
    assert [e["data"]["event"] for e in api.ok("GET", "/events?type=tracked.signup")["events"]] == ["signup", "signup"]
    assert api.get("/events?after=evt_nope").status_code == 404
    assert api.get("/events?type=Tracked Stuff").status_code == 400


def test_rule_and_webhook_changes_through_the_api_are_audited_under_the_key(api, keys):
    prefix = "_".join(keys["all"].split("_")[:3])
    key_actor = f"api:{prefix} (all-scopes test key)"
    api.ok("POST", "/campaigns", 201, json=bulk("welcome", "WELCOME-######"))
    body = {"id": "welcome", "name": "Welcome", "event": "signup", "publish": "welcome"}
    api.ok("POST", "/distributions", 201, json=body)
    api.ok("PUT", "/distributions/welcome", json={**body, "once": "ever"})
    api.ok("POST", "/distributions/welcome/pause")
    api.ok("POST", "/distributions/welcome/resume")
    hook = api.ok("POST", "/webhooks", 201, json={"url": "https://example.com/hooks", "events": ["campaign.*"]})
    api.ok("POST", f"/webhooks/{hook['id']}/pause")
    api.ok("POST", f"/webhooks/{hook['id']}/resume")
    assert api.ok("POST", f"/webhooks/{hook['id']}/replay", json={"since": "2020-01-01T00:00:00Z"}) == {"queued": 1}
    assert api.request("DELETE", f"/webhooks/{hook['id']}").status_code == 204

    engine = promo_engine(api.app)
    rules = engine.audit_log(object_type="distribution_rule", object_id="welcome")
    endpoints = engine.audit_log(object_type="webhook_endpoint", object_id=str(hook["id"]))
    assert [(e.actor, e.action) for e in rules] == [
        (key_actor, "rule.resume"), (key_actor, "rule.pause"), (key_actor, "rule.update"), (key_actor, "rule.create")]
    assert [(e.actor, e.action) for e in endpoints] == [
        (key_actor, "webhook.delete"), (key_actor, "webhook.replay"), (key_actor, "webhook.resume"),
        (key_actor, "webhook.pause"), (key_actor, "webhook.create")]
    assert hook["secret"] not in repr(endpoints) and keys["all"] not in repr(rules + endpoints)
