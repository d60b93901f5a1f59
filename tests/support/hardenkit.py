"""Shared steps for the hardening tests."""
from __future__ import annotations

from tests.support.webkit import as_persona


def place_order(app, persona, *codes):
    client = app.test_client()
    as_persona(client, persona)
    client.post("/cart/add", data={"sku": "ARA-ETH-YIRG", "quantity": "3"})
    for code in codes:
        client.post("/cart/codes", data={"code": code})
    client.get("/checkout")
    with client.session_transaction() as session:
        token = session["checkout_token"]
    response = client.post("/checkout", data={"name": "A", "email": "a@example.com", "checkout_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return client, response.headers["Location"]
