"""The one answer to a form post, on the Contact.app pattern: htmx gets the fragment it swaps in
(with a toast in ``HX-Trigger``), a plain form post gets a redirect (post, redirect, get) with
the message flashed, or the whole page again when its input was refused.

Every response says ``Vary: HX-Request``, since one URL answers with a fragment or a page.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, flash, g, make_response, redirect, request, session
from flask.signals import before_render_template, template_rendered


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def htmx_target() -> str:
    return request.headers.get("HX-Target", "")


def render_fragment(template_name: str, **context: Any) -> str:
    """Render a fragment htmx swaps in from its own data alone. Unlike ``render_template`` it
    skips the context processors: the layout's (shopper, demo personas, categories: database
    reads) serves the header and menus of whole pages, which a fragment does not have."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    template = app.jinja_env.get_template(template_name)
    context = {"request": request, "session": session, "g": g, **context}
    before_render_template.send(app, _async_wrapper=app.ensure_sync, template=template, context=context)
    html = template.render(context)
    template_rendered.send(app, _async_wrapper=app.ensure_sync, template=template, context=context)
    return html


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
