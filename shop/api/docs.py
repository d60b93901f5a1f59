"""/api/docs: a browsable reference of /api/v1/openapi.json (Swagger UI, vendored in
static/vendor/, nothing from a CDN). It runs under the store's CSP as it is: the page has no
inline script or style, and Swagger UI needs no eval."""

from flask import Blueprint, render_template

SWAGGER_UI = "swagger-ui-5.35.0"       # static/vendor/<this>/, from the npm package swagger-ui-dist

bp = Blueprint("api_docs", __name__)


@bp.get("/api/docs")
def api_reference() -> str:
    return render_template("api_docs.html", swagger_ui=SWAGGER_UI)
