"""JSON for webhook endpoints, deliveries, distribution rules, firings and tracked events, with
the response schemas the OpenAPI document shows for them. Datetimes are ISO 8601 in UTC."""

from __future__ import annotations

from typing import Any

from promo.delivery.distributions import Firing, RuleInfo
from promo.delivery.events import EventPage
from promo.delivery.tracking import TrackedEvent
from promo.delivery.webhooks import Delivery, WebhookEndpoint
from shop.api.framework.json_types import (
    BOOL as _BOOL,
)
from shop.api.framework.json_types import (
    INT as _INT,
)
from shop.api.framework.json_types import (
    NULLABLE_INT as _NULLABLE_INT,
)
from shop.api.framework.json_types import (
    NULLABLE_STR as _NULLABLE_STR,
)
from shop.api.framework.json_types import (
    NULLABLE_TIME as _NULLABLE_TIME,
)
from shop.api.framework.json_types import (
    STR as _STR,
)
from shop.api.framework.json_types import (
    TIME as _TIME,
)
from shop.api.framework.json_types import (
    iso as _iso,
)
from shop.api.framework.json_types import (
    object_schema as _object,
)
from shop.api.framework.schema import Described


def _list_of(name: str, key: str, item: Described) -> Described:
    return _object(name, {key: {"type": "array", "items": {"$ref": f"#/components/schemas/{item.name}"}}}, refers_to=(item,))


# --- webhooks ----------------------------------------------------------------------------------


def endpoint_json(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": endpoint.id,
        "url": endpoint.url,
        "description": endpoint.description,
        "events": list(endpoint.events),
        "active": endpoint.active,
        "secret_hint": endpoint.secret_hint,
        "created_at": _iso(endpoint.created_at),
    }


_ENDPOINT_PROPERTIES = {
    "id": _INT,
    "url": _STR,
    "description": _STR,
    "events": {"type": "array", "items": _STR, "description": "Event types or patterns (`redemption.*`, `*`)."},
    "active": _BOOL,
    "secret_hint": {**_STR, "description": "The first characters of the signing secret."},
    "created_at": _TIME,
}
EndpointSchema = _object("WebhookEndpoint", _ENDPOINT_PROPERTIES)
NewEndpointSchema = _object("NewWebhookEndpoint", {
    **_ENDPOINT_PROPERTIES,
    "secret": {**_STR, "description": "The signing secret. Shown in this response only: store it now."},
})
EndpointListSchema = _list_of("WebhookEndpointList", "endpoints", EndpointSchema)


def delivery_json(delivery: Delivery) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "endpoint_id": delivery.endpoint_id,
        "event_id": delivery.event_id,
        "event_type": delivery.event_type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": _iso(delivery.next_attempt_at),
        "last_status": delivery.last_status,
        "last_error": delivery.last_error,
        "delivered_at": _iso(delivery.delivered_at),
        "created_at": _iso(delivery.created_at),
    }


DeliverySchema = _object("WebhookDelivery", {
    "id": _INT,
    "endpoint_id": _INT,
    "event_id": {**_STR, "description": "The Promoshop-Event-Id header: deduplicate on it."},
    "event_type": _STR,
    "status": {"type": "string", "enum": ["pending", "delivered", "dead"]},
    "attempts": _INT,
    "next_attempt_at": _TIME,
    "last_status": {**_NULLABLE_INT, "description": "HTTP status of the last attempt; null when it got no answer."},
    "last_error": _NULLABLE_STR,
    "delivered_at": _NULLABLE_TIME,
    "created_at": _TIME,
})
DeliveryListSchema = _list_of("WebhookDeliveryList", "deliveries", DeliverySchema)
ReplayedSchema = _object("WebhookReplay", {"queued": {**_INT, "description": "Deliveries queued for the worker."}})


# --- distribution rules -------------------------------------------------------------------------


def rule_json(info: RuleInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "name": info.name,
        "event": info.event,
        "active": info.active,
        "definition": dict(info.definition),
        "created_at": _iso(info.created_at),
        "updated_at": _iso(info.updated_at),
    }


RuleSchema = _object("DistributionRule", {
    "id": _STR,
    "name": _STR,
    "event": _STR,
    "active": _BOOL,
    "definition": {"type": "object", "description": "The rule as written (docs/events.md)."},
    "created_at": _TIME,
    "updated_at": _TIME,
})
RuleListSchema = _list_of("DistributionRuleList", "rules", RuleSchema)


def firing_json(firing: Firing) -> dict[str, Any]:
    return {
        "id": firing.id,
        "rule_id": firing.rule_id,
        "customer_id": firing.customer_id,
        "period_key": firing.period_key,
        "status": firing.status,
        "campaign_id": firing.campaign_id,
        "code": firing.code,
        "error": firing.error,
        "event_id": firing.event_id,
        "fired_at": _iso(firing.fired_at),
    }


FiringSchema = _object("DistributionFiring", {
    "id": _INT,
    "rule_id": _STR,
    "customer_id": _STR,
    "period_key": {**_STR, "description": "The period the rule fired in; it fires once per customer and period."},
    "status": {"type": "string", "enum": ["published", "failed"]},
    "campaign_id": _STR,
    "code": _NULLABLE_STR,
    "error": {**_NULLABLE_STR, "description": "Why publishing failed (e.g. the campaign's pool was empty)."},
    "event_id": _NULLABLE_STR,
    "fired_at": _TIME,
})
FiringListSchema = _list_of("DistributionFiringList", "firings", FiringSchema)


# --- outbox events ------------------------------------------------------------------------------


def event_page_json(page: EventPage) -> dict[str, Any]:
    return {
        "events": [{"id": e.id, "type": e.type, "customer_id": e.customer_id, "created_at": _iso(e.occurred_at),
                    "data": dict(e.payload)} for e in page.events],
        "next_after": page.next_after,
    }


EventSchema = _object("Event", {
    "id": {**_STR, "description": "The event id webhooks send as Promoshop-Event-Id."},
    "type": _STR,
    "customer_id": _NULLABLE_STR,
    "created_at": _TIME,
    "data": {"type": "object", "description": "The same `data` a webhook delivery carries."},
})
EventPageSchema = _object("EventPage", {
    "events": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}},
    "next_after": {**_NULLABLE_STR, "description": "Pass as `after` for the next page; null on the last page."},
}, refers_to=(EventSchema,))


# --- tracked events -----------------------------------------------------------------------------


def tracked_json(tracked: TrackedEvent) -> dict[str, Any]:
    return {
        "id": tracked.id,
        "event": tracked.event,
        "customer_id": tracked.customer_id,
        "occurred_at": _iso(tracked.occurred_at),
        "published": [{"campaign_id": p.campaign_id, "code": p.code} for p in tracked.publications],
    }


TrackedSchema = _object("TrackedEvent", {
    "id": {**_STR, "description": "The outbox event id (`tracked.<event>` on webhooks)."},
    "event": _STR,
    "customer_id": _STR,
    "occurred_at": _TIME,
    "published": {"type": "array", "description": "Codes distribution rules published for this event.",
                  "items": {"type": "object", "required": ["campaign_id", "code"],
                            "properties": {"campaign_id": _STR, "code": _STR}}},
})
