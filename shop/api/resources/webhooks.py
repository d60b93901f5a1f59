"""Webhook endpoints: create (the signing secret is shown once), list, get, delete; deliveries
and the dead-letter list; replaying events. Delivery itself is the worker's job (`flask promo worker`)."""

from __future__ import annotations

from typing import Any

from flask import Response

from promo.delivery.events import list_events
from shop.api import api
from shop.api.framework.auth import actor
from shop.api.framework.registry import Reply
from shop.api.framework.schema import Arr, DateTimeValue, Field, FieldError, Int, Obj, Param, Query, Str
from shop.api.resources.events_json import (
    DeliveryListSchema,
    EndpointListSchema,
    EndpointSchema,
    EventPageSchema,
    NewEndpointSchema,
    ReplayedSchema,
    delivery_json,
    endpoint_json,
    event_page_json,
)
from shop.api.resources.payloads import customer_id_schema
from shop.web.extensions import promo_engine

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
    endpoint, secret = promo_engine().webhooks.create(body["url"], body["events"], description=body["description"],
                                                      actor=actor())
    return {**endpoint_json(endpoint), "secret": secret}, 201


@api.operation("/webhooks", "GET", summary="List webhook endpoints", tag=TAG, scope="read",
               reply=Reply(200, "Endpoints, oldest first (secrets are never shown again).", EndpointListSchema))
def list_webhooks() -> dict[str, Any]:
    return {"endpoints": [endpoint_json(e) for e in promo_engine().webhooks.list()]}


@api.operation("/webhooks/<int:endpoint_id>", "GET", summary="Get a webhook endpoint", tag=TAG, scope="read",
               reply=Reply(200, "The endpoint.", EndpointSchema))
def get_webhook(endpoint_id: int) -> dict[str, Any]:
    return endpoint_json(promo_engine().webhooks.get(endpoint_id))


@api.operation("/webhooks/<int:endpoint_id>/pause", "POST", summary="Pause a webhook endpoint", tag=TAG,
               scope="write", reply=Reply(200, "The endpoint, inactive.", EndpointSchema))
def pause_webhook(endpoint_id: int) -> dict[str, Any]:
    """Events from now on are not queued for it (replay them after resuming); deliveries already
    queued are still sent."""
    return endpoint_json(promo_engine().webhooks.set_active(endpoint_id, False, actor=actor()))


@api.operation("/webhooks/<int:endpoint_id>/resume", "POST", summary="Resume a webhook endpoint", tag=TAG,
               scope="write", reply=Reply(200, "The endpoint, active.", EndpointSchema))
def resume_webhook(endpoint_id: int) -> dict[str, Any]:
    return endpoint_json(promo_engine().webhooks.set_active(endpoint_id, True, actor=actor()))


@api.operation("/webhooks/<int:endpoint_id>", "DELETE", summary="Delete a webhook endpoint", tag=TAG, scope="write",
               reply=Reply(204, "Deleted, with its deliveries; pending ones are never sent."))
def delete_webhook(endpoint_id: int) -> Response:
    promo_engine().webhooks.delete(endpoint_id, actor=actor())
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


def _one_way(body: dict[str, Any], path: str, errors: list[FieldError]) -> None:
    if ("event_id" in body) == ("since" in body):
        errors.append(FieldError(path, "give either event_id (one event) or since (every event from then)"))
    elif "until" in body and "since" not in body:
        errors.append(FieldError("until", "goes with since"))


ReplayBody = Obj({
    "event_id": Field(Str(max_length=40, pattern=r"evt_[0-9a-f]{24}", pattern_hint="must be an event id like evt_5f0c..."),
                      description="Send this one event, whatever the endpoint's filter says."),
    "since": Field(DateTimeValue(), description="Send every event from then that the endpoint's filter matches."),
    "until": Field(DateTimeValue(), description="... up to (not including) this moment; default now."),
}, name="ReplayRequest", refine=_one_way)


@api.operation("/webhooks/<int:endpoint_id>/replay", "POST", summary="Send events to an endpoint again", tag=TAG,
               scope="write", body=ReplayBody, reply=Reply(200, "How many deliveries were queued.", ReplayedSchema))
def replay_events(endpoint_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Each event is queued with a fresh round of attempts, whether its delivery was dead,
    delivered, or never made (the endpoint did not exist yet); the worker sends them."""
    webhooks = promo_engine().webhooks
    if "event_id" in body:
        webhooks.redeliver(endpoint_id, body["event_id"], actor=actor())
        return {"queued": 1}
    return {"queued": webhooks.replay(endpoint_id, body["since"], body.get("until"), actor=actor())}


EventQuery = Query({
    "type": Param(Str(max_length=80, pattern=r"\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?",
                      pattern_hint="must be an event type, a prefix like redemption.* or *"), default="*"),
    "customer": Param(customer_id_schema()),
    "after": Param(Str(max_length=40), description="The `next_after` of the previous page (an event id)."),
    "limit": Param(Int(minimum=1, maximum=1000), default=100),
})


@api.operation("/events", "GET", summary="List outbox events", tag=TAG, scope="read", query=EventQuery,
               reply=Reply(200, "Events, oldest first, as webhooks deliver them.", EventPageSchema))
def list_outbox_events(query: dict[str, Any]) -> dict[str, Any]:
    """For finding an event id to replay, or for polling instead of receiving webhooks. Events
    are kept for `OUTBOX_RETENTION_DAYS`."""
    page = list_events(promo_engine(), pattern=query["type"], customer_id=query.get("customer"),
                       after=query.get("after"), limit=query["limit"])
    return event_page_json(page)
