"""The one answer to a form post, on the Contact.app pattern: htmx gets the fragment it swaps in
(with a toast in ``HX-Trigger``), a plain form post gets a redirect (post, redirect, get) with
the message flashed, or the whole page again when its input was refused.

Every response says ``Vary: HX-Request``, since one URL answers with a fragment or a page.
"""
from __future__ import annotations

import json
from collections.abc import Callable

from flask import Flask, Response, flash, make_response, redirect, request


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def htmx_target() -> str:
    return request.headers.get("HX-Target", "")


def toast_header(message: str, level: str = "success") -> dict[str, str]:
    return {"HX-Trigger": json.dumps({"toast": {"message": message, "level": level}})}


def answer(
    *,
    fragment: Callable[[], str],
    redirect_to: Callable[[], str] | str,
    message: str | None = None,
    level: str = "success",
    status: int = 200,
    page: Callable[[], str] | None = None,
    flash_level: str | None = None,
) -> Response:
    """Fragment for htmx, page or redirect otherwise.

    htmx: ``fragment()`` with ``status``, and ``message`` as a toast of ``level``. A plain post:
    ``page()`` with ``status`` when given (refused input, shown next to its field), else a 303 to
    ``redirect_to`` with ``message`` flashed (as ``flash_level``, default ``level``). Only the
    branch taken is rendered.
    """
    if is_htmx():
        response = make_response(fragment(), status)
        if message:
            response.headers.update(toast_header(message, level))
        return response
    if page is not None:
        return make_response(page(), status)
    if message:
        flash(message, flash_level or level)
    return redirect(redirect_to() if callable(redirect_to) else redirect_to, 303)


def navigate(url: str) -> Response:
    """Leave the page: a redirect, or for htmx a full navigation (``HX-Redirect``)."""
    if is_htmx():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, 303)


def _vary_on_htmx(response: Response) -> Response:
    # Pages answer htmx requests with fragments and normal requests with full pages, so caches
    # must key on the HX-Request header or they will serve a fragment as a page.
    response.vary.add("HX-Request")
    return response


def init_htmx(app: Flask) -> None:
    app.after_request(_vary_on_htmx)
