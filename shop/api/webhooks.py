"""Webhook endpoints: create (the signing secret is shown once), list, get, delete; deliveries
and the dead-letter list, with retry. Delivery itself is the worker's job (`flask promo worker`)."""

from __future__ import annotations

from typing import Any

from flask import Response

from shop.api import api
from shop.api.events_json import (
    DeliveryListSchema, DeliverySchema, EndpointListSchema, EndpointSchema, NewEndpointSchema, delivery_json,
    endpoint_json,
)
from shop.api.registry import Reply
from shop.api.schema import Arr, Field, Int, Obj, Param, Query, Str
from shop.extensions import promo_engine

TAG = "webhooks"

NewEndpoint = Obj({
    "url": Field(Str(max_length=2000), required=True, description="Where events are POSTed (http or https)."),
    "events": Field(Arr(Str(max_length=80), min_items=1, max_items=50), default=["*"],
                    description="Event types (`redemption.succeeded`), prefixes (`redemption.*`) or `*`."),
    "description": Field(Str(max_length=200, min_length=0), default=""),
}, name="NewWebhookEndpointRequest")


@api.operation("/webhooks", "POST", summary="Create a webhook endpoint", tag=TAG, scope="write", body=NewEndpoint,
               reply=Reply(201, "The endpoint, with its signing secret (shown this once).", NewEndpointSchema))
def create_webhook(body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Each event matching `events` is POSTed to `url`, signed with the secret: see docs/api.md,
    "Webhooks". An invalid URL or pattern gets 400 `invalid_webhook`."""
    endpoint, secret = promo_engine().webhooks.create(body["url"], body["events"], description=body["description"])
    return {**endpoint_json(endpoint), "secret": secret}, 201


@api.operation("/webhooks", "GET", summary="List webhook endpoints", tag=TAG, scope="read",
               reply=Reply(200, "Endpoints, oldest first (secrets are never shown again).", EndpointListSchema))
def list_webhooks() -> dict[str, Any]:
    return {"endpoints": [endpoint_json(e) for e in promo_engine().webhooks.list()]}


@api.operation("/webhooks/<int:endpoint_id>", "GET", summary="Get a webhook endpoint", tag=TAG, scope="read",
               reply=Reply(200, "The endpoint.", EndpointSchema))
def get_webhook(endpoint_id: int) -> dict[str, Any]:
    return endpoint_json(promo_engine().webhooks.get(endpoint_id))


@api.operation("/webhooks/<int:endpoint_id>", "DELETE", summary="Delete a webhook endpoint", tag=TAG, scope="write",
               reply=Reply(204, "Deleted, with its deliveries; pending ones are never sent."))
def delete_webhook(endpoint_id: int) -> Response:
    promo_engine().webhooks.delete(endpoint_id)
    return Response(status=204)


DeliveryQuery = Query({
    "status": Param(Str(enum=("pending", "delivered", "dead")), description="`dead` is the dead-letter list."),
    "endpoint_id": Param(Int(minimum=1, maximum=2**31 - 1)),
    "limit": Param(Int(minimum=1, maximum=1000), default=100),
})


@api.operation("/webhooks/deliveries", "GET", summary="List webhook deliveries", tag=TAG, scope="read",
               query=DeliveryQuery, reply=Reply(200, "Deliveries, newest first.", DeliveryListSchema))
def list_deliveries(query: dict[str, Any]) -> dict[str, Any]:
    deliveries = promo_engine().webhooks.deliveries(status=query.get("status"), endpoint_id=query.get("endpoint_id"),
                                                    limit=query["limit"])
    return {"deliveries": [delivery_json(d) for d in deliveries]}


@api.operation("/webhooks/deliveries/<int:delivery_id>/retry", "POST", summary="Retry a dead delivery", tag=TAG,
               scope="write", reply=Reply(200, "The delivery, pending again with a fresh round of attempts.",
                                           DeliverySchema))
def retry_delivery(delivery_id: int) -> dict[str, Any]:
    """Deliveries that are not dead are returned unchanged."""
    return delivery_json(promo_engine().webhooks.retry(delivery_id))
