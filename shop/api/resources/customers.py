"""Customers: upsert a profile by id, read it back."""

from __future__ import annotations

from typing import Any

from shop.api import api
from shop.api.framework.auth import actor
from shop.api.framework.registry import Reply
from shop.api.resources.payloads import CustomerProfile, customer_id_schema, to_profile
from shop.api.resources.records_json import CustomerSchema, customer_json
from shop.web.extensions import promo_engine

TAG = "customers"


@api.operation("/customers/<customer_id>", "PUT", summary="Create or replace a customer", tag=TAG, scope="write",
               body=CustomerProfile, reply=Reply(200, "The stored profile.", CustomerSchema), errors=(409,))
def put_customer(customer_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """The whole profile is replaced: fields left out are stored empty. An email already used by
    another customer gets 409 `email_taken`."""
    customer_id = customer_id_schema().validate_as(customer_id, "customer_id")
    return customer_json(promo_engine().upsert_customer(to_profile(customer_id, body), actor=actor()))


@api.operation("/customers/<customer_id>", "GET", summary="Get a customer", tag=TAG, scope="read",
               reply=Reply(200, "The profile.", CustomerSchema))
def get_customer(customer_id: str) -> dict[str, Any]:
    return customer_json(promo_engine().get_customer(customer_id))
