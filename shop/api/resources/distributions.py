"""Distribution rules ("on event E, if conditions C, publish a code of campaign K"), their
firings, and the track operation that reports customer events (docs/events.md)."""

from __future__ import annotations

from typing import Any

from flask import url_for

from shop.api import api
from shop.api.framework.auth import actor
from shop.api.framework.registry import Reply
from shop.api.framework.schema import Field, FreeObject, Int, Obj, Param, Query, Str
from shop.api.resources.events_json import (
    FiringListSchema,
    RuleListSchema,
    RuleSchema,
    TrackedSchema,
    firing_json,
    rule_json,
    tracked_json,
)
from shop.api.resources.payloads import customer_id_schema
from shop.web.extensions import promo_engine

TAG = "distributions"
RuleDefinition = FreeObject(max_properties=100, max_depth=24, name="DistributionRuleDefinition",
                            description="A rule in the format of docs/events.md (id, name, event, if, publish, once).")


@api.operation("/distributions", "POST", summary="Create a distribution rule", tag=TAG, scope="write",
               body=RuleDefinition, reply=Reply(201, "The rule, active unless it says `active: false`.", RuleSchema),
               errors=(409,))
def create_rule(body: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """An invalid rule gets 400 `invalid_rule` with every problem in `details.errors`; an existing
    id gets 409 `rule_exists`."""
    info = promo_engine().distributions.create(body, actor=actor())
    return rule_json(info), 201, {"Location": url_for("api.get_rule", rule_id=info.id)}


@api.operation("/distributions", "GET", summary="List distribution rules", tag=TAG, scope="read",
               reply=Reply(200, "Rules by id.", RuleListSchema))
def list_rules() -> dict[str, Any]:
    return {"rules": [rule_json(info) for info in promo_engine().distributions.list()]}


@api.operation("/distributions/<rule_id>", "GET", summary="Get a distribution rule", tag=TAG, scope="read",
               reply=Reply(200, "The rule.", RuleSchema))
def get_rule(rule_id: str) -> dict[str, Any]:
    return rule_json(promo_engine().distributions.get(rule_id))


@api.operation("/distributions/<rule_id>", "PUT", summary="Replace a distribution rule", tag=TAG, scope="write",
               body=RuleDefinition, reply=Reply(200, "The updated rule.", RuleSchema))
def replace_rule(rule_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """Earlier firings still count: a rule that fired for a customer this period does not fire again."""
    return rule_json(promo_engine().distributions.update(rule_id, body, actor=actor()))


@api.operation("/distributions/<rule_id>/pause", "POST", summary="Pause a distribution rule", tag=TAG, scope="write",
               reply=Reply(200, "The rule, inactive.", RuleSchema))
def pause_rule(rule_id: str) -> dict[str, Any]:
    return rule_json(promo_engine().distributions.set_active(rule_id, False, actor=actor()))


@api.operation("/distributions/<rule_id>/resume", "POST", summary="Resume a distribution rule", tag=TAG,
               scope="write", reply=Reply(200, "The rule, active.", RuleSchema))
def resume_rule(rule_id: str) -> dict[str, Any]:
    return rule_json(promo_engine().distributions.set_active(rule_id, True, actor=actor()))


@api.operation("/distributions/<rule_id>/firings", "GET", summary="List a rule's firings", tag=TAG, scope="read",
               query=Query({"customer": Param(customer_id_schema()), "limit": Param(Int(minimum=1, maximum=1000), default=100)}),
               reply=Reply(200, "Firings, newest first.", FiringListSchema))
def list_firings(rule_id: str, query: dict[str, Any]) -> dict[str, Any]:
    engine = promo_engine()
    engine.distributions.get(rule_id)     # 404 for an unknown rule rather than an empty list
    firings = engine.distributions.firings(rule_id=rule_id, customer_id=query.get("customer"), limit=query["limit"])
    return {"firings": [firing_json(f) for f in firings]}


TrackBody = Obj({
    "event": Field(Str(max_length=63, pattern=r"[a-z][a-z0-9_]{0,62}",
                       pattern_hint="must be lower-case letters, digits and _ (e.g. order_shipped)"), required=True),
    "properties": Field(FreeObject(max_properties=100, max_depth=6), default={},
                        description="Free-form details; `cart_updated` takes `lines` (docs/events.md)."),
}, name="TrackRequest")


@api.operation("/customers/<customer_id>/events", "POST", summary="Track a customer event", tag="customers",
               scope="write", body=TrackBody, reply=Reply(201, "The event, with the codes rules published for it.",
                                                           TrackedSchema))
def track_event(customer_id: str, body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """`signup`, `review_left`, `cart_updated` or a custom event (`order_shipped`). Rules on it fire
    at once; webhooks get `tracked.<event>`."""
    customer_id = customer_id_schema().validate_as(customer_id, "customer_id")
    tracked = promo_engine().track(customer_id, body["event"], body["properties"], actor=actor())
    return tracked_json(tracked), 201
