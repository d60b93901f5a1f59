"""The API describing itself."""

from flask import Response, jsonify

from shop.api import api
from shop.api.framework.keys import PUBLIC
from shop.api.framework.registry import Reply
from shop.api.framework.schema import Described


@api.operation("/openapi.json", "GET", summary="This OpenAPI 3.1 document", tag="meta", scope=PUBLIC,
               reply=Reply(200, "The OpenAPI document.", Described({"type": "object"})))
def openapi_document() -> Response:
    """Generated from the same declarations that route and validate every request."""
    return jsonify(api.document())
