"""A Voucherify-compatible dialect at /v1, so integrations written with the official
``voucherify`` SDK run unchanged against the embedded engine (docs/voucherify.md).

A thin translation layer: every amount comes from promo.engine.Engine (validate, redeem,
rollback, qualify, publish ...); nothing here computes a discount. Requests authenticate with
``X-App-Id`` / ``X-App-Token`` (a promoshop API key), errors are Voucherify's flat
``{code, key, message, details, request_id}``.
"""
from __future__ import annotations

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from promo.core.errors import PromoError
from promo.core.reasons import Reason
from shop.api.framework.problems import ApiError
from shop.api.framework.schema import SchemaViolation
from shop.voucherify.errors import MESSAGES, VoucherifyError, error_body, reason_key
from shop.voucherify.routing import PREFIX, bp
from shop.web.errors import register_path_errors

# Promo error codes that are not offer reasons, in Voucherify's words.
_PROMO_KEYS = {"not_found": "not_found", "invalid_code_pattern": "invalid_code_config",
               "keyspace_too_small": "invalid_code_config", "pool_empty": "no_voucher_suitable_for_publication",
               "source_id_reused": "duplicate_source_id", "campaign_archived": "campaign_inactive"}
_REASONS = {reason.value for reason in Reason}


@bp.errorhandler(VoucherifyError)
def _voucherify_error(error: VoucherifyError) -> Response:
    return error.response()


@bp.errorhandler(SchemaViolation)
def _schema_violation(error: SchemaViolation) -> Response:
    details = "; ".join(f"{e.path or 'body'}: {e.message}" for e in error.errors[:5])
    return VoucherifyError(400, "invalid_payload", details, message="Invalid payload",
                           extra={"errors": [e.as_dict() for e in error.errors]}).response()


@bp.errorhandler(ApiError)
def _api_error(error: ApiError) -> Response:
    key = "invalid_payload" if error.status == 400 else error.code
    return VoucherifyError(error.status, key, error.message, promoshop_code=error.code, headers=error.headers).response()


@bp.errorhandler(PromoError)
def _promo_error(error: PromoError) -> Response:
    status = 404 if error.http_status == 404 else 400
    if error.code in _PROMO_KEYS:
        key = _PROMO_KEYS[error.code]
    elif status == 404:
        key = "not_found"
    else:
        key = reason_key(error.code) if error.code in _REASONS else "invalid_payload"
    return VoucherifyError(status, key, error.message, promoshop_code=error.code).response()


def _http_error(exc: HTTPException) -> Response:
    """Routing errors (no such path, wrong method), oversized bodies and crashes under /v1."""
    status = exc.code or 500
    key = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}.get(status, "error")
    details = "There is no Voucherify endpoint at this path." if status == 404 else (exc.description or "")
    response = jsonify(error_body(status, key, MESSAGES.get(status, exc.name), details))
    response.status_code = status
    response.headers.update({k: v for k, v in exc.get_headers() if k.lower() != "content-type"})
    return response


# The operations register themselves on `bp` when their modules are imported.
from shop.voucherify import (  # noqa: E402,F401
    campaigns,
    customers,
    loyalties,
    publications,
    qualifications,
    redemptions,
    vouchers,
)


def register_voucherify(app: Flask) -> None:
    app.register_blueprint(bp)
    register_path_errors(app, PREFIX + "/", _http_error)
