"""Refuse requests carrying a NUL character, before any view or query sees them.

No field of the store has a use for U+0000, and PostgreSQL's driver refuses to send one
("PostgreSQL text fields cannot contain NUL"), so a %00 in a product path, an email or an API
id used to end in a 500 there while SQLite merely found nothing. One before_request check looks
at everything a client sends: the path, query parameters (names and values), form fields,
JSON bodies (every key and string, at any depth) and header values. Browsers get the error
page with a 400, the API its JSON envelope with ``invalid_characters``.

Line breaks are legitimate in form fields (a campaign definition is YAML), so they are not
refused here; a redirect target taken from input is checked where it is used (safe_next).
"""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, abort, request

from shop.web.errors import api_error, is_api_request

NUL = "\x00"
MESSAGE = "The request contains a NUL character (%00), which no field accepts."
TOO_DEEP = "The request body is not valid JSON: it is nested too deeply to read."


def register_input_guard(app: Flask) -> None:
    app.before_request(refuse_nul_characters)


def refuse_nul_characters() -> Response | None:
    try:
        where = _where_nul()
    except RecursionError:
        # json's decoder recurses once per level: thousands of "[" would otherwise be a 500
        # here or in the view that reads the body next.
        return _refuse("malformed_json", TOO_DEEP, {})
    if where is None:
        return None
    return _refuse("invalid_characters", MESSAGE, {"where": where})


def _refuse(code: str, message: str, details: dict[str, Any]) -> Response:
    if is_api_request():
        return api_error(400, code, message, details)
    abort(400, description=message)


def _where_nul() -> str | None:
    """Which part of the request holds a NUL ("path", "query", "form", "json" or "headers")."""
    if NUL in request.path:
        return "path"
    if _any_nul(request.args.items(multi=True)):
        return "query"
    for name, value in request.headers.items():
        if NUL in name or NUL in value:
            return "headers"
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        if _any_nul(request.form.items(multi=True)) or any(NUL in (f.filename or "") for f in request.files.values()):
            return "form"
    if request.is_json and _json_holds_nul(request.get_json(silent=True)):
        return "json"
    return None


def _any_nul(pairs: Any) -> bool:
    return any(NUL in key or NUL in value for key, value in pairs)


def _json_holds_nul(document: Any) -> bool:
    """Walks without recursion, so a deeply nested body cannot exhaust the stack."""
    pending = [document]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if NUL in value:
                return True
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False
