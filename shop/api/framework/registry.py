"""One source of truth for every /api/v1 operation: its route, scope, schemas and docs.

``api.operation(...)`` registers a view on the blueprint *and* records what the OpenAPI document
says about it, so the document is built from the same objects that authenticate and validate
requests. A test checks that every URL rule appears in the document and vice versa.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Blueprint, Response, jsonify, request

from shop.api.framework.keys import PUBLIC
from shop.api.framework.problems import ApiError
from shop.api.framework.schema import Components, Query, Schema

View = Callable[..., Any]

_PATH_SCHEMAS = {
    "string": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[^/]+$"},
    "int": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1},
}

ERROR_DESCRIPTIONS = {
    400: "The request is malformed or breaks the schema; `details.errors` lists each field path and problem.",
    401: "No API key, or the key is unknown or revoked.",
    403: "The API key lacks the scope this operation needs.",
    404: "The resource does not exist.",
    409: "The request conflicts with the current state (see `error.code`).",
    413: "The request body is larger than the server accepts.",
    415: "The request body is not `application/json`.",
    422: "The request is well-formed but the engine refused it (see `error.code`).",
}


@dataclass(frozen=True)
class HeaderParam:
    name: str
    required: bool
    description: str
    schema: dict[str, Any] = field(default_factory=lambda: {"type": "string"})


@dataclass(frozen=True)
class Reply:
    """A documented success response."""

    status: int
    description: str
    schema: Schema | None = None


@dataclass
class Operation:
    method: str
    rule: str
    endpoint: str
    summary: str
    tag: str
    scope: str
    reply: Reply
    body: Schema | None
    query: Query | None
    headers: tuple[HeaderParam, ...]
    errors: tuple[int, ...]
    description: str = ""

    @property
    def openapi_path(self) -> str:
        return re.sub(r"<(?:[a-z_]+:)?([a-z_]+)>", r"{\1}", self.rule)

    @property
    def path_parameters(self) -> list[tuple[str, str]]:
        """``(converter, name)`` of each path argument: ``<int:redemption_id>`` -> ``("int", "redemption_id")``."""
        return [(converter or "string", name) for converter, name in re.findall(r"<(?:([a-z_]+):)?([a-z_]+)>", self.rule)]


class Api:
    def __init__(self, blueprint: Blueprint, *, title: str, version: str, description: str,
                 authenticate: Callable[[str], Any]) -> None:
        self.blueprint = blueprint
        self.title = title
        self.version = version
        self.description = description
        self.operations: list[Operation] = []
        self._authenticate = authenticate

    def operation(
        self,
        rule: str,
        method: str,
        *,
        summary: str,
        tag: str,
        scope: str,
        reply: Reply,
        body: Schema | None = None,
        query: Query | None = None,
        headers: Iterable[HeaderParam] = (),
        errors: Iterable[int] = (),
        description: str = "",
    ) -> Callable[[View], View]:
        """Register ``view`` for ``method rule``. The view receives the path arguments, plus
        ``body=`` (checked JSON) when ``body`` is given and ``query=`` when ``query`` is given,
        and returns ``payload``, ``(payload, status)``, ``(payload, status, headers)`` or a ``Response``."""

        def register(view: View) -> View:
            op = Operation(
                method=method.upper(), rule=rule, endpoint=view.__name__, summary=summary, tag=tag,
                scope=scope, reply=reply, body=body, query=query, headers=tuple(headers),
                errors=tuple(sorted(set(errors) | self._implied_errors(body, scope, path_has_args="<" in rule))),
                description=description or (view.__doc__ or "").strip(),
            )
            self.operations.append(op)

            @wraps(view)
            def handle(**path_args: Any) -> Response:
                self._authenticate(scope)
                kwargs = dict(path_args)
                parsed_query = (query or Query({})).validate(request.args.to_dict(flat=False))
                if query is not None:
                    kwargs["query"] = parsed_query
                if body is not None:
                    kwargs["body"] = body.validate(read_json_body())
                else:
                    refuse_unexpected_body()
                return to_response(view(**kwargs))

            self.blueprint.add_url_rule(rule, endpoint=view.__name__, view_func=handle, methods=[op.method])
            return view

        return register

    @staticmethod
    def _implied_errors(body: Schema | None, scope: str, path_has_args: bool) -> set[int]:
        implied = {400} if scope == PUBLIC else {400, 401, 403}
        if body is not None:
            implied |= {413, 415}
        if path_has_args:
            implied.add(404)
        return implied

    def document(self, server_url: str = "/api/v1") -> dict[str, Any]:
        """The OpenAPI 3.1 document."""
        components: Components = {}
        error_schema = _error_envelope(components)
        paths: dict[str, dict[str, Any]] = {}
        for op in self.operations:
            entry: dict[str, Any] = {
                "operationId": op.endpoint,
                "summary": op.summary,
                "tags": [op.tag],
            }
            if op.scope == PUBLIC:
                entry["security"] = []
            else:
                entry["security"] = [{"bearer": []}, {"apiKeyHeader": []}]
                entry["x-required-scope"] = op.scope
            if op.description:
                entry["description"] = op.description
            parameters: list[dict[str, Any]] = [
                {"name": name, "in": "path", "required": True, "schema": _PATH_SCHEMAS[converter]}
                for converter, name in op.path_parameters
            ]
            if op.query is not None:
                parameters += op.query.openapi_parameters(components)
            parameters += [
                {"name": h.name, "in": "header", "required": h.required, "description": h.description, "schema": h.schema}
                for h in op.headers
            ]
            if parameters:
                entry["parameters"] = parameters
            if op.body is not None:
                entry["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": op.body.json_schema(components)}},
                }
            responses: dict[str, Any] = {}
            success: dict[str, Any] = {"description": op.reply.description}
            if op.reply.schema is not None:
                success["content"] = {"application/json": {"schema": op.reply.schema.json_schema(components)}}
            responses[str(op.reply.status)] = success
            for status in op.errors:
                responses[str(status)] = {
                    "description": ERROR_DESCRIPTIONS[status],
                    "content": {"application/json": {"schema": error_schema}},
                }
            entry["responses"] = responses
            paths.setdefault(server_url + op.openapi_path, {})[op.method.lower()] = entry
        return {
            "openapi": "3.1.0",
            "info": {"title": self.title, "version": self.version, "description": self.description},
            "servers": [{"url": "/"}],
            "paths": paths,
            "components": {
                "schemas": dict(sorted(components.items())),
                "securitySchemes": {
                    "bearer": {"type": "http", "scheme": "bearer", "description": "Authorization: Bearer <API key>"},
                    "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                },
            },
        }


def _error_envelope(components: Components) -> dict[str, Any]:
    components["Error"] = {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "details", "request_id"],
                "properties": {
                    "code": {"type": "string", "description": "Stable machine code, e.g. `invalid_request`, `code_not_found`."},
                    "message": {"type": "string", "description": "Human explanation."},
                    "details": {"type": "object", "description": "Extra data; `errors` lists `{path, message}` for 400s."},
                    "request_id": {"type": "string", "description": "The response's `X-Request-Id`: quote it to find the request in the logs."},
                },
            }
        },
    }
    return {"$ref": "#/components/schemas/Error"}


# --- Request bodies ----------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


def read_json_body() -> Any:
    """The decoded JSON body, or an ``ApiError`` (415 / 400). Oversized bodies raise 413 from
    Werkzeug (``MAX_CONTENT_LENGTH``) before anything is decoded."""
    if not request.mimetype or not (request.mimetype == "application/json" or request.mimetype.endswith("+json")):
        raise ApiError(
            415, "unsupported_media_type",
            "Send the request body as JSON with 'Content-Type: application/json'.",
            {"content_type": request.content_type or None},
        )
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise ApiError(400, "malformed_json", "The request body is empty; this endpoint expects a JSON object.")
    try:
        return json.loads(raw, parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as exc:
        raise ApiError(400, "malformed_json", f"The request body is not valid JSON: {exc.msg}.",
                       {"line": exc.lineno, "column": exc.colno}) from None
    except (ValueError, RecursionError, UnicodeDecodeError) as exc:
        reason = "it is nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise ApiError(400, "malformed_json", f"The request body is not valid JSON: {reason}.") from None


def refuse_unexpected_body() -> None:
    """Operations without a body accept nothing or ``{}``; anything else is a client bug."""
    raw = request.get_data(cache=True)
    if raw.strip() in (b"", b"{}"):
        return
    raise ApiError(400, "unexpected_body", "This operation takes no request body.")


def to_response(result: Any) -> Response:
    if isinstance(result, Response):
        return result
    payload, status, headers = (tuple(result) + (None,) * 3)[:3] if isinstance(result, tuple) else (result, 200, None)
    response = jsonify(payload)
    response.status_code = status or 200
    if headers:
        response.headers.update(headers)
    return response
