"""Customers over HTTP: upsert by id, read back."""

PROFILE = {
    "name": "Victor Valdez",
    "email": "Victor@Example.com",
    "segments": ["vip"],
    "orders_count": 12,
    "total_spent": 140000,
    "last_order_at": "2026-11-01T10:00:00-05:00",
    "birthday": "1988-04-02",
    "country": "us",
    "city": "Boston",
    "metadata": {"newsletter": True},
}


def test_put_stores_the_profile_and_get_reads_it(api):
    stored = api.ok("PUT", "/customers/vip", key="write", json=PROFILE)

    assert stored == api.ok("GET", "/customers/vip", key="read")
    assert stored == {
        "id": "vip",
        "name": "Victor Valdez",
        "email": "victor@example.com",
        "segments": ["vip"],
        "orders_count": 12,
        "total_spent": 140000,
        "last_order_at": "2026-11-01T15:00:00+00:00",
        "birthday": "1988-04-02",
        "country": "US",
        "city": "Boston",
        "metadata": {"newsletter": True},
        "accepts_marketing": True,
    }


def test_a_customer_can_decline_marketing_and_it_is_not_inherited_by_a_replacement(api):
    declined = api.ok("PUT", "/customers/vip", json={**PROFILE, "accepts_marketing": False})
    assert declined["accepts_marketing"] is False and api.ok("GET", "/customers/vip")["accepts_marketing"] is False

    response = api.put("/customers/vip", json={"accepts_marketing": "no"})
    assert response.status_code == 400
    assert response.get_json()["error"]["details"]["errors"] == [
        {"path": "accepts_marketing", "message": "must be true or false, not a string"}]

    assert api.ok("PUT", "/customers/vip", json={"name": "V"})["accepts_marketing"] is True   # whole profile


def test_put_replaces_the_whole_profile(api):
    api.ok("PUT", "/customers/vip", json=PROFILE)

    replaced = api.ok("PUT", "/customers/vip", json={"name": "V"})

    assert replaced["segments"] == [] and replaced["orders_count"] == 0 and replaced["email"] is None


def test_unknown_customer_gets_404(api):
    response = api.get("/customers/nobody")

    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "customer_not_found"


def test_bad_fields_are_reported_by_path(api):
    response = api.put("/customers/vip", json={"email": "not-an-email", "orders_count": -1, "segment": ["vip"],
                                               "last_order_at": "2026-11-01 10:00"})

    assert response.status_code == 400
    errors = {e["path"]: e["message"] for e in response.get_json()["error"]["details"]["errors"]}
    assert errors == {
        "email": "must be an email address",
        "orders_count": "must be at least 0",
        "segment": "is not a known field (known fields: name, email, segments, orders_count, total_spent, "
                   "last_order_at, birthday, country, city, metadata, accepts_marketing)",
        "last_order_at": "must include a UTC offset, e.g. 2026-11-27T09:00:00-05:00",
    }


def test_customer_ids_in_the_path_are_checked(api):
    response = api.put("/customers/no%20spaces", json={})

    assert response.status_code == 400
    assert response.get_json()["error"]["details"]["errors"][0]["path"] == "customer_id"


def test_an_email_of_another_customer_gets_409(api):
    api.ok("PUT", "/customers/vip", json=PROFILE)

    response = api.put("/customers/other", json={"email": "victor@example.com"})

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "email_taken"
