"""Campaigns: create from the definition format (docs/campaigns.md), read, update, pause, resume."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for

from promo.core.campaign import Kind
from promo.core.records import CampaignInfo, CampaignStatus
from promo.format.campaign_schema import campaign_schema
from promo.packs.json_schemas import as_components
from shop.api import api
from shop.api.framework.auth import actor
from shop.api.framework.registry import Reply
from shop.api.framework.schema import Components, FreeObject, Param, Query, Str
from shop.api.resources.records_json import CampaignListSchema, CampaignSchema, CampaignWrittenSchema, campaign_json
from shop.web.extensions import promo_engine

TAG = "campaigns"


@dataclass
class PublishedDefinition(FreeObject):
    """Checked here only for size and shape: the engine's own reader validates a definition and
    names every bad field's path. Documented as the published campaign schema
    (/api/v1/schemas/campaign.json), so clients see every key instead of an opaque object."""

    def describe(self, components: Components) -> dict[str, Any]:
        if self.name not in components:
            published = as_components(campaign_schema(), self.name)
            # An example, so reference pages show it rather than build one from the recursive schema.
            published[self.name]["examples"] = [EXAMPLE_DEFINITION]
            components.update(published)
        return {"$ref": f"#/components/schemas/{self.name}"}


EXAMPLE_DEFINITION = {
    "id": "happy10", "name": "Happy hour 10% off", "kind": "coupon", "code": "HAPPY10",
    "schedule": [{"days": "weekdays", "from": "16:00", "until": "18:00"}],
    "eligibility": {"fact": "cart.subtotal", "gte": 2000},
    "effect": {"type": "percent_off_order", "percent": 10}, "limits": {"per_customer": 1},
}


Definition = PublishedDefinition(max_properties=1000, max_depth=48, name="CampaignDefinition")
DefinitionPatch = FreeObject(
    max_properties=1000, max_depth=48, name="CampaignDefinitionPatch",
    description="A JSON merge patch (RFC 7396) of the definition: keys given replace, null removes.",
)


@api.operation("/campaigns", "POST", summary="Create a campaign", tag=TAG, scope="write", body=Definition,
               reply=Reply(201, "The campaign, active, with warnings.", CampaignWrittenSchema), errors=(409,))
def create_campaign(body: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """The body is the definition. An invalid one gets 400 `invalid_definition` with every
    problem in `details.errors` as `{path, message}`; an existing id gets 409 `campaign_exists`."""
    info = promo_engine().create_campaign(body, actor=actor())
    return _written_reply(info), 201, {"Location": url_for("api.get_campaign", campaign_id=info.id)}


@api.operation("/campaigns", "GET", summary="List campaigns", tag=TAG, scope="read",
               query=Query({
                   "status": Param(Str(enum=tuple(s.value for s in CampaignStatus))),
                   "kind": Param(Str(enum=tuple(k.value for k in Kind))),
               }),
               reply=Reply(200, "Campaigns, oldest first.", CampaignListSchema))
def list_campaigns(query: dict[str, Any]) -> dict[str, Any]:
    infos = promo_engine().list_campaigns(status=query.get("status"), kind=query.get("kind"))
    return {"campaigns": [_campaign_reply(info) for info in infos]}


@api.operation("/campaigns/<campaign_id>", "GET", summary="Get a campaign", tag=TAG, scope="read",
               reply=Reply(200, "The campaign with its definition, status and counters.", CampaignSchema))
def get_campaign(campaign_id: str) -> dict[str, Any]:
    """A campaign whose stored definition can't be read (written by an older version, or changed in
    the database) is returned as stored, with `definition_errors` saying why; it applies to no cart
    until a valid definition replaces it."""
    return _campaign_reply(promo_engine().get_campaign(campaign_id))


@api.operation("/campaigns/<campaign_id>", "PUT", summary="Replace a campaign's definition", tag=TAG, scope="write",
               body=Definition, reply=Reply(200, "The updated campaign, with warnings.", CampaignWrittenSchema), errors=(409,))
def replace_campaign(campaign_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """Counters, status and codes are kept. The id and kind cannot change (400)."""
    return _written_reply(promo_engine().update_campaign(campaign_id, body, actor=actor()))


@api.operation("/campaigns/<campaign_id>", "PATCH", summary="Change part of a campaign's definition", tag=TAG,
               scope="write", body=DefinitionPatch, reply=Reply(200, "The updated campaign, with warnings.", CampaignWrittenSchema),
               errors=(409,))
def patch_campaign(campaign_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """`{"limits": {"budget": 50000}, "description": null}` changes the budget and drops the
    description; the merged definition is validated like a new one."""
    engine = promo_engine()
    current = engine.get_campaign(campaign_id)
    merged = merge_patch(dict(current.definition), body)
    return _written_reply(engine.update_campaign(campaign_id, merged, actor=actor()))


@api.operation("/campaigns/<campaign_id>/pause", "POST", summary="Pause a campaign", tag=TAG, scope="write",
               reply=Reply(200, "The campaign, paused.", CampaignSchema), errors=(409,))
def pause_campaign(campaign_id: str) -> dict[str, Any]:
    """A paused campaign stops applying at once; its codes are refused with `campaign_paused`.
    Pausing a paused campaign changes nothing."""
    return _campaign_reply(promo_engine().set_campaign_status(campaign_id, "pause", actor=actor()))


@api.operation("/campaigns/<campaign_id>/resume", "POST", summary="Resume a paused campaign", tag=TAG, scope="write",
               reply=Reply(200, "The campaign, active.", CampaignSchema), errors=(409,))
def resume_campaign(campaign_id: str) -> dict[str, Any]:
    return _campaign_reply(promo_engine().set_campaign_status(campaign_id, "resume", actor=actor()))


def _campaign_reply(info: CampaignInfo) -> dict[str, Any]:
    """The campaign as JSON; a stored definition that can't be read is still returned (so it can
    be fixed with PUT or PATCH), with why in `definition_errors`."""
    return campaign_json(info, promo_engine().definition_errors(info))


def _written_reply(info: CampaignInfo) -> dict[str, Any]:
    """A created or changed campaign, and where the margin floor will cap its headline discount
    (a warning, not a refusal: the marketer may mean it)."""
    return {**_campaign_reply(info), "warnings": promo_engine().margin_warnings(info.definition)}


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON merge patch."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result
