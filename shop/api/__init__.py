"""The JSON API under /api/v1: server-to-server access to the promotion engine.

Every operation is declared once with ``api.operation`` (shop/api/registry.py), which routes it,
authenticates it, validates its body and documents it in /api/v1/openapi.json. Errors use the
envelope ``{"error": {"code", "message", "details"}}`` from shop/web/errors.py. docs/api.md is the
integrator's guide.
"""

from flask import Blueprint, Response

from promo.core.errors import PromoError
from shop.api.framework.auth import authenticate
from shop.api.framework.problems import ApiError
from shop.api.framework.rate_limit import rate_limited
from shop.api.framework.registry import Api
from shop.api.framework.schema import SchemaViolation
from shop.web.errors import api_error
from shop.web.extensions import csrf

PREFIX = "/api/v1"

bp = Blueprint("api", __name__, url_prefix=PREFIX)
# Server-to-server calls authenticate with an API key, not a session cookie, so a CSRF token
# protects nothing here (and clients could not obtain one).
csrf.exempt(bp)

api = Api(
    bp,
    title="promoshop API",
    version="1.0.0",
    description=(
        "Server-to-server access to the promoshop promotion engine. Amounts are integer minor units "
        "(cents). Authenticate with `Authorization: Bearer <key>` or `X-API-Key: <key>`; keys are made "
        "with `flask promo create-api-key`. Errors are `{\"error\": {\"code\", \"message\", \"details\"}}`."
    ),
    authenticate=rate_limited(authenticate),
)


@bp.errorhandler(ApiError)
def _api_error(error: ApiError) -> Response:
    return api_error(error.status, error.code, error.message, error.details, error.headers)


@bp.errorhandler(SchemaViolation)
def _schema_violation(error: SchemaViolation) -> Response:
    count = len(error.errors)
    first = error.errors[0]
    where = first.path or "the request body"
    more = f" (and {count - 1} more problem{'s' if count > 2 else ''})" if count > 1 else ""
    return api_error(400, "invalid_request", f"{where}: {first.message}{more}",
                     {"errors": [e.as_dict() for e in error.errors]})


@bp.errorhandler(PromoError)
def _promo_error(error: PromoError) -> Response:
    return api_error(error.http_status, error.code, error.message, error.details)


# The operations register themselves on `api` when their modules are imported.
from shop.api.resources import (  # noqa: E402,F401
    campaigns,
    checkout,
    codes,
    customers,
    distributions,
    incentives,
    meta,
    products,
    webhooks,
)
