"""Helpers for the API tests: a client with test keys, campaign definitions and orders."""

from __future__ import annotations

from typing import Any

from flask import Flask

from shop.api.framework.auth import create_api_key

API = "/api/v1"


def make_keys(app: Flask) -> dict[str, str]:
    with app.app_context():
        keys = {scope: create_api_key(f"{scope} test key", (scope,))[1] for scope in ("read", "write", "redeem")}
        keys["all"] = create_api_key("all-scopes test key", ("read", "write", "redeem"))[1]
    return keys


class ApiClient:
    """A Flask test client that talks to /api/v1 with one of the test keys."""

    def __init__(self, app: Flask, keys: dict[str, str]) -> None:
        self.app = app
        self.keys = keys
        self.client = app.test_client()

    def request(self, method: str, path: str, *, key: str | None = "all", headers: dict[str, str] | None = None,
                **kwargs: Any):
        sent = dict(headers or {})
        if key is not None:
            sent.setdefault("Authorization", f"Bearer {self.keys[key]}")
        return self.client.open(API + path, method=method, headers=sent, **kwargs)

    def get(self, path: str, **kwargs: Any):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any):
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any):
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any):
        return self.request("PATCH", path, **kwargs)

    def ok(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        """The JSON body of a request that must answer `status`."""
        response = self.request(method, path, **kwargs)
        assert response.status_code == status, response.get_data(as_text=True)
        return response.get_json()


# --- definitions and orders --------------------------------------------------------------------


def coupon(campaign_id: str = "happy10", code: str = "HAPPY10", **extra: Any) -> dict[str, Any]:
    return {"id": campaign_id, "name": campaign_id.title(), "kind": "coupon", "code": code,
            "effect": {"type": "percent_off_order", "percent": 10}, **extra}


def bulk(campaign_id: str = "sorry", pattern: str = "SORRY-######", **extra: Any) -> dict[str, Any]:
    return {"id": campaign_id, "name": campaign_id.title(), "kind": "bulk", "codes": {"pattern": pattern},
            "effect": {"type": "amount_off_order", "amount": 1000}, "limits": {"per_code": 1}, **extra}


def order(*items: tuple[str, int, int], order_id: str | None = None, **extra: Any) -> dict[str, Any]:
    """order(("BEANS", 2000, 2)) -> two bags of beans at $20."""
    body: dict[str, Any] = {"items": [{"sku": sku, "unit_price": price, "quantity": qty} for sku, price, qty in items],
                            **extra}
    if order_id is not None:
        body["id"] = order_id
    return body


BEANS_40 = order(("BEANS", 2000, 2))
