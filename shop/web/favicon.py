"""The store's icon at /favicon.ico, for every page and client that asks there.

Pages name the icon in their head (templates/partials/favicon.html); browsers, feed readers and
crawlers still ask /favicon.ico when a page does not, and a 404 there is an error in the
browser console. Both serve the same SVG logo.
"""
from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, send_from_directory

ICON = "img/logo.svg"
ICON_CACHE_SECONDS = 7 * 24 * 3600

bp = Blueprint("favicon", __name__)


@bp.get("/favicon.ico")
def favicon() -> Response:
    return send_from_directory(
        current_app.static_folder, ICON, mimetype="image/svg+xml", max_age=ICON_CACHE_SECONDS,
    )


def register_favicon(app: Flask) -> None:
    app.register_blueprint(bp)
