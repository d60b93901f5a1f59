"""Customers: create (an upsert by source_id, as Voucherify does), get and update.

A Voucherify customer's ``source_id`` is promoshop's customer id; its id is ``cust_<id>``.
PUT changes only the fields sent (promoshop's own PUT replaces the whole profile, which would
wipe what an SDK integration did not send). Voucherify's ``phone`` and other fields promoshop has
no column for are kept in ``metadata`` under ``voucherify_<field>``.
"""
from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Any

from promo.core.domain import Customer
from promo.core.errors import NotFound
from shop.api.framework.auth import actor
from shop.api.framework.schema import DateValue, Field, FreeObject, Str
from shop.api.resources.payloads import ID_HINT, ID_PATTERN, PROFILE_FIELDS, customer_id_schema
from shop.voucherify import ids
from shop.voucherify.errors import not_found
from shop.voucherify.routing import body, lenient, operation
from shop.web.extensions import promo_engine

_COUNTRY = Str(min_length=2, max_length=2, pattern="[A-Za-z]{2}", pattern_hint="must be a two-letter country code")
Address = lenient({"city": Field(Str(max_length=120)), "country": Field(_COUNTRY)}, name="VoucherifyAddress")
CustomerFields = {
    "source_id": Field(Str(max_length=64, pattern=ID_PATTERN, pattern_hint=ID_HINT)),
    "id": Field(Str(max_length=68)),
    "name": PROFILE_FIELDS["name"],
    "email": PROFILE_FIELDS["email"],
    "phone": Field(Str(max_length=50)),
    "birthdate": Field(DateValue()),
    "birthday": Field(DateValue()),
    "address": Field(Address),
    "metadata": Field(FreeObject(scalars_only=True)),
}
CustomerBody = lenient(CustomerFields, name="VoucherifyCustomer")


def customer_json(customer: Customer) -> dict[str, Any]:
    metadata = {k: v for k, v in customer.metadata.items() if not str(k).startswith("voucherify_")}
    return {
        "id": ids.customer_id(customer.id), "source_id": customer.id, "object": "customer",
        "name": customer.name, "email": customer.email, "phone": customer.metadata.get("voucherify_phone"),
        "birthdate": customer.birthday.isoformat() if customer.birthday else None,
        "address": {"city": customer.city, "country": customer.country},
        "metadata": metadata,
    }


def merged(customer: Customer, fields: dict[str, Any]) -> Customer:
    """`customer` with only the sent `fields` changed."""
    changes: dict[str, Any] = {}
    if "name" in fields:
        changes["name"] = fields["name"]
    if "email" in fields:
        changes["email"] = fields["email"].lower() if fields["email"] else None
    birthday = fields.get("birthdate") or fields.get("birthday")
    if birthday is not None:
        changes["birthday"] = birthday
    address = fields.get("address") or {}
    if "city" in address:
        changes["city"] = address["city"]
    if "country" in address:
        changes["country"] = address["country"].upper()
    metadata = dict(customer.metadata)
    if "metadata" in fields:
        metadata = {**{k: v for k, v in metadata.items() if str(k).startswith("voucherify_")}, **fields["metadata"]}
    if "phone" in fields:
        metadata["voucherify_phone"] = fields["phone"]
    changes["metadata"] = metadata
    return replace(customer, **changes)


def stored(our_id: str) -> Customer | None:
    try:
        return promo_engine().get_customer(our_id)
    except NotFound:
        return None


def upsert(our_id: str, fields: dict[str, Any]) -> Customer:
    """Store the sent fields on the customer `our_id`, creating it when it is new."""
    current = stored(our_id) or Customer(id=our_id)
    return promo_engine().upsert_customer(merged(current, fields), actor=actor())


def resolve(fields: dict[str, Any] | None, *, create: bool) -> Customer | str | None:
    """The engine's customer for a request's ``customer``: a stored id, an unstored profile
    (stored with the first redemption; created now with `create`), or None for a guest."""
    if not fields:
        return None
    our_id = fields.get("source_id") or (ids.customer_ref(fields["id"]) if fields.get("id") else None)
    if our_id is None:
        return None
    our_id = customer_id_schema().validate_as(our_id, "customer.id")
    current = stored(our_id)
    profile_fields = {k: v for k, v in fields.items() if k not in ("id", "source_id")}
    if current is not None and not profile_fields:
        return current.id
    if create:
        return upsert(our_id, profile_fields).id
    return merged(current or Customer(id=our_id), profile_fields) if profile_fields else (current or Customer(id=our_id))


@operation("/customers", "POST", scope="write")
def create_customer() -> tuple[dict[str, Any], int]:
    fields = body(CustomerBody)
    our_id = fields.pop("source_id", None) or f"cust-{secrets.token_hex(8)}"
    fields.pop("id", None)
    return customer_json(upsert(our_id, fields)), 200


@operation("/customers/<customer_id>", "GET", scope="read")
def get_customer(customer_id: str) -> dict[str, Any]:
    current = stored(ids.customer_ref(customer_id))
    if current is None:
        raise not_found("customer", customer_id)
    return customer_json(current)


@operation("/customers/<customer_id>", "PUT", scope="write")
def update_customer(customer_id: str) -> dict[str, Any]:
    fields = body(CustomerBody)
    our_id = ids.customer_ref(customer_id)
    if stored(our_id) is None:
        raise not_found("customer", customer_id)
    fields.pop("source_id", None)
    fields.pop("id", None)
    return customer_json(upsert(our_id, fields))
