"""The API describing itself."""

from flask import Response, jsonify

from promo.format.campaign_schema import campaign_schema
from promo.packs.json_schemas import scenario_schema
from shop.api import api
from shop.api.framework.keys import PUBLIC
from shop.api.framework.registry import Reply
from shop.api.framework.schema import Described


@api.operation("/openapi.json", "GET", summary="This OpenAPI 3.1 document", tag="meta", scope=PUBLIC,
               reply=Reply(200, "The OpenAPI document.", Described({"type": "object"})))
def openapi_document() -> Response:
    """Generated from the same declarations that route and validate every request."""
    return jsonify(api.document())


@api.operation("/schemas/campaign.json", "GET", summary="The campaign definition format as JSON Schema", tag="meta",
               scope=PUBLIC, reply=Reply(200, "A JSON Schema (draft 2020-12); also schemas/campaign.json.",
                                         Described({"type": "object"})))
def campaign_json_schema() -> Response:
    """What POST /campaigns takes (docs/campaigns.md), for editors and client-side checks."""
    return jsonify(campaign_schema())


@api.operation("/schemas/scenario.json", "GET", summary="The scenario pack format as JSON Schema", tag="meta",
               scope=PUBLIC, reply=Reply(200, "A JSON Schema (draft 2020-12); also schemas/scenario.json.",
                                         Described({"type": "object"})))
def scenario_json_schema() -> Response:
    """What `flask promo load` reads (scenarios/README.md)."""
    return jsonify(scenario_schema())
