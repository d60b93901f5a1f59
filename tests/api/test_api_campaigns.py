"""Campaigns over HTTP: create from the definition format, read, replace, patch, pause, resume."""

from tests.support.apikit import BEANS_40, bulk, coupon


def test_create_returns_the_campaign_and_where_it_lives(api):
    response = api.post("/campaigns", key="write", json=coupon())

    assert response.status_code == 201
    assert response.headers["Location"] == "/api/v1/campaigns/happy10"
    body = response.get_json()
    assert body["id"] == "happy10"
    assert body["kind"] == "coupon"
    assert body["status"] == "active"
    assert body["definition"] == coupon()
    assert body["version"] == 1
    assert body["redemptions_count"] == 0 and body["budget_used"] == 0


def test_an_invalid_definition_lists_every_problem_with_its_path(api):
    definition = coupon(effect={"type": "percent_off_order", "percent": 120}, stacking="sometimes")

    response = api.post("/campaigns", key="write", json=definition)

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_definition"
    paths = {e["path"] for e in error["details"]["errors"]}
    assert {"effect.percent", "stacking"} <= paths


def test_an_existing_id_gets_409(api):
    api.ok("POST", "/campaigns", 201, json=coupon())

    response = api.post("/campaigns", json=coupon(code="OTHER"))

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "campaign_exists"


def test_list_and_get(api):
    api.ok("POST", "/campaigns", 201, json=coupon())
    api.ok("POST", "/campaigns", 201, json=bulk())

    everything = api.ok("GET", "/campaigns", key="read")["campaigns"]
    bulk_only = api.ok("GET", "/campaigns?kind=bulk", key="read")["campaigns"]

    assert [c["id"] for c in everything] == ["happy10", "sorry"]
    assert [c["id"] for c in bulk_only] == ["sorry"]
    assert api.ok("GET", "/campaigns/sorry", key="read")["definition"]["codes"] == {"pattern": "SORRY-######"}


def test_unknown_campaign_gets_404(api):
    response = api.get("/campaigns/nope", key="read")

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "campaign_not_found"


def test_unknown_query_parameter_gets_400(api):
    response = api.get("/campaigns?state=active", key="read")

    assert response.status_code == 400
    assert response.get_json()["error"]["details"]["errors"] == [
        {"path": "state", "message": "is not a known query parameter (known: status, kind)"}
    ]


def test_put_replaces_the_definition_and_keeps_the_id(api):
    api.ok("POST", "/campaigns", 201, json=coupon())
    changed = coupon(effect={"type": "percent_off_order", "percent": 15})

    body = api.ok("PUT", "/campaigns/happy10", json=changed)

    assert body["version"] == 2
    assert body["definition"]["effect"]["percent"] == 15


def test_put_cannot_change_the_id(api):
    api.ok("POST", "/campaigns", 201, json=coupon())

    response = api.put("/campaigns/happy10", json=coupon(campaign_id="other"))

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "campaign_id_mismatch"


def test_patch_merges_into_the_stored_definition(api):
    api.ok("POST", "/campaigns", 201, json=coupon(description="Ten percent"))

    body = api.ok("PATCH", "/campaigns/happy10", json={"limits": {"budget": 50000}, "description": None})

    assert body["definition"]["limits"] == {"budget": 50000}
    assert "description" not in body["definition"]
    assert body["definition"]["code"] == "HAPPY10"


def test_patch_that_breaks_the_definition_is_refused_and_changes_nothing(api):
    api.ok("POST", "/campaigns", 201, json=coupon())

    response = api.patch("/campaigns/happy10", json={"effect": {"percent": "lots"}})

    assert response.status_code == 400
    assert api.ok("GET", "/campaigns/happy10")["version"] == 1


def test_pause_stops_the_code_and_resume_brings_it_back(api):
    api.ok("POST", "/campaigns", 201, json=coupon())

    paused = api.ok("POST", "/campaigns/happy10/pause")
    while_paused = api.ok("POST", "/validations", json={"order": BEANS_40, "codes": ["happy10"]})
    resumed = api.ok("POST", "/campaigns/happy10/resume")
    after = api.ok("POST", "/validations", json={"order": BEANS_40, "codes": ["happy10"]})

    assert paused["status"] == "paused" and resumed["status"] == "active"
    assert while_paused["codes"]["HAPPY10"]["reason"] == "campaign_paused"
    assert while_paused["discount"] == 0
    assert after["codes"]["HAPPY10"]["status"] == "applied"
    assert after["discount"] == 400


def test_pause_takes_no_body(api):
    api.ok("POST", "/campaigns", 201, json=coupon())

    response = api.post("/campaigns/happy10/pause", json={"until": "tomorrow"})

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "unexpected_body"
