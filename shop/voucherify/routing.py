"""The dialect's blueprint, its one way to declare an operation, and how requests are read.

``operation(rule, method, scope=...)`` routes a view, checks ``X-App-Id`` / ``X-App-Token``
against promoshop's API keys (shop.api.framework.auth.check_key: the token is the key, the app id its
public prefix) and, for the evaluating operations, counts the call against the same per-key
rate limit as /api/v1. Bodies are read leniently where Voucherify is lenient: an empty body is
``{}`` (the SDK sends ``Content-Length: 0`` with a JSON content type), unknown fields and
``null`` values are ignored (the SDK's models carry many we do not use), but every field the
dialect reads is checked with shop.api.framework.schema, so a wrong type gets a 400 naming the field.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from flask import Blueprint, Response, jsonify, request

from shop.api.framework.auth import check_key
from shop.api.framework.problems import ApiError
from shop.api.framework.registry import read_json_body
from shop.api.framework.schema import FieldError, Int, Obj, SchemaViolation, Str
from shop.voucherify.errors import VoucherifyError
from shop.web.extensions import csrf
from shop.web.rate_limits import api_call_blocked

PREFIX = "/v1"
APP_ID_HEADER = "X-App-Id"
APP_TOKEN_HEADER = "X-App-Token"
_INTEGER = re.compile(r"-?[0-9]{1,18}")   # ASCII digits only: int() would take "²" or "٣" too

bp = Blueprint("voucherify", __name__, url_prefix=PREFIX)
# Authenticated by headers, never by a session cookie: a CSRF token protects nothing here.
csrf.exempt(bp)


def operation(rule: str, method: str, *, scope: str, rate_limited: bool = False) -> Callable:
    """Register `view` at `rule`; it returns a JSON-able body, or (body, status)."""

    def register(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def handle(**path_args: Any) -> Response:
            prefix = authenticate(scope)
            if rate_limited:
                blocked = api_call_blocked(prefix)
                if blocked is not None:
                    raise VoucherifyError(429, "too_many_requests", blocked.message, headers=blocked.headers)
            result = view(**path_args)
            body, status = result if isinstance(result, tuple) else (result, 200)
            response = jsonify(body)
            response.status_code = status
            return response

        bp.add_url_rule(rule, view.__name__, handle, methods=[method])
        return view

    return register


def authenticate(scope: str) -> str:
    """The key's prefix, once X-App-Id and X-App-Token name an active key with `scope`."""
    app_id = request.headers.get(APP_ID_HEADER, "").strip()
    token = request.headers.get(APP_TOKEN_HEADER, "").strip()
    if not app_id or not token:
        raise VoucherifyError(401, "unauthorized",
                              f"Send both {APP_ID_HEADER} and {APP_TOKEN_HEADER}; `flask promo create-api-key` "
                              "prints them for a new key.")
    try:
        return check_key(token, scope, prefix=app_id).prefix
    except ApiError as refused:
        if refused.status == 403:
            raise VoucherifyError(403, "missing_permissions",
                                  f"This key does not have the '{scope}' scope this operation needs.",
                                  message="Forbidden") from None
        raise VoucherifyError(401, "unauthorized", f"The {APP_ID_HEADER} / {APP_TOKEN_HEADER} pair is not valid, "
                              "or the key has been revoked.") from None


def body(schema: Obj) -> dict[str, Any]:
    """The request body checked against `schema`; an empty body is an empty object."""
    if not request.get_data(cache=True).strip():
        return schema.validate({})
    return schema.validate(read_json_body())


def query(schema: Obj) -> dict[str, Any]:
    """Query parameters checked against `schema`: integers are converted first, repeated
    parameters refused."""
    values: dict[str, Any] = {}
    for name in request.args:
        given = request.args.getlist(name)
        if name not in schema.fields:
            continue
        if len(given) > 1:
            raise SchemaViolation([FieldError(name, "must be given once")])
        raw = given[0]
        if isinstance(schema.fields[name].schema, Int):
            if not _INTEGER.fullmatch(raw.strip()):
                raise SchemaViolation([FieldError(name, f"must be an integer, got {raw[:40]!r}")])
            values[name] = int(raw.strip())
        elif raw.lower() in ("true", "false") and not isinstance(schema.fields[name].schema, Str):
            values[name] = raw.lower() == "true"
        else:
            values[name] = raw
    return schema.validate(values)


class Lenient(Obj):
    """An object whose unknown fields and null values are ignored (Voucherify's models carry
    many fields the dialect does not read); the known ones are checked strictly."""

    def check(self, value: Any, path: str, errors: list[FieldError]) -> Any:
        if isinstance(value, Mapping):
            value = {key: item for key, item in value.items() if key in self.fields and item is not None}
        return super().check(value, path, errors)


def lenient(fields: Mapping[str, Any], **options: Any) -> Lenient:
    return Lenient(fields, **options)
