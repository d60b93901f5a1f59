"""/api/docs: the OpenAPI document as a browsable reference, Swagger UI from static/vendor/
(nothing from a CDN), working under the store's own CSP."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from shop.api.docs import SWAGGER_UI
from shop.web.security import CONTENT_SECURITY_POLICY

STATIC = Path(__file__).resolve().parents[2] / "static"
EXPANDING = 120_000          # ms


def test_the_page_loads_swagger_ui_from_the_store_itself(client):
    response = client.get("/api/docs")

    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert f"/static/vendor/{SWAGGER_UI}/swagger-ui-bundle.js" in sources
    assert all(source.startswith("/") for source in sources), sources          # no CDN
    for source in sources:
        assert client.get(source).status_code == 200, source
    assert 'data-openapi-url="/api/v1/openapi.json"' in html
    assert "<script>" not in html and "style=" not in html                   # the CSP allows neither


def test_the_page_keeps_the_site_wide_policy(client):
    policy = client.get("/api/docs").headers["Content-Security-Policy"]

    assert policy == CONTENT_SECURITY_POLICY
    assert "unsafe-eval" not in policy and "unsafe-inline" not in policy


def test_the_vendored_copy_is_pinned_and_licensed():
    folder = STATIC / "vendor" / SWAGGER_UI
    assert re.fullmatch(r"swagger-ui-\d+\.\d+\.\d+", SWAGGER_UI)
    assert {"swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"} <= {p.name for p in folder.iterdir()}


@pytest.mark.e2e
def test_a_browser_shows_every_operation_without_a_csp_violation(page, live_server):
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto(live_server + "/api/docs")

    expect(page.get_by_text("promoshop API", exact=False).first).to_be_visible()
    operation = page.locator(".opblock-summary", has_text="Create a campaign").first
    expect(operation).to_be_visible()
    # Expanding resolves the whole campaign schema in the browser: seconds on a loaded machine.
    operation.click(timeout=EXPANDING)
    body = page.locator(".opblock-body").first
    expect(body).to_contain_text("HAPPY10", timeout=EXPANDING)       # the schema's example body
    expect(page.locator(".models")).to_contain_text("CampaignDefinition")
    page.wait_for_load_state("networkidle")
    assert violations == []
    assert all(url.startswith(live_server) or url.startswith("data:") for url in requests), requests
