"""Security headers on every response; production cookies and the secret-key guard."""
import re
from pathlib import Path

import pytest

from app import DEV_SECRET_KEY, create_app
from shop.web.security import CONTENT_SECURITY_POLICY, InsecureConfiguration
from tests.support.apikit import make_keys

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
STRONG_SECRET = "s" * 40


@pytest.mark.parametrize("path", ["/", "/cart", "/no-such-page", "/api/v1/openapi.json", "/api/v1/nope",
                                  "/console/login", "/static/css/app.css"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_no_template_has_inline_script_style_or_event_handlers():
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for match in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle\s*=|\son[a-z]+\s*=|javascript:", text):
            offenders.append(f"{template.relative_to(TEMPLATES)}: {match.group(0)}")
    assert offenders == []


def test_htmx_is_told_not_to_inject_its_indicator_style(client):
    html = client.get("/cart").get_data(as_text=True)
    assert re.search(r'<meta name="htmx-config" content=\'\{"includeIndicatorStyles": false', html)
    assert "<style" not in html
    assert ".htmx-indicator" in client.get("/static/css/app.css").get_data(as_text=True)


def test_production_refuses_the_development_secret_key(tmp_path):
    with pytest.raises(InsecureConfiguration, match="PROMOSHOP_SECRET_KEY"):
        create_app({"INSTANCE_PATH": str(tmp_path), "ENV_NAME": "production", "SECRET_KEY": DEV_SECRET_KEY,
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})


def test_production_refuses_to_start_from_the_environment_without_a_secret(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMOSHOP_ENV", "production")
    monkeypatch.delenv("PROMOSHOP_SECRET_KEY", raising=False)
    with pytest.raises(InsecureConfiguration):
        create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})


def test_production_session_cookie_is_secure_httponly_and_lax(tmp_path):
    # Rate limits are on in production: counted in memory, the wrong code below cannot use up
    # the shared Redis's budget for 127.0.0.1 (other tests and parallel runs use it too).
    app = create_app({"INSTANCE_PATH": str(tmp_path), "ENV_NAME": "production", "SECRET_KEY": STRONG_SECRET,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}", "WTF_CSRF_ENABLED": False,
                      "REDIS_URL": None})
    client = app.test_client()
    client.post("/cart/codes", data={"code": "NOPE"})
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert cookie.secure and cookie.http_only and cookie.same_site == "Lax"


def test_development_cookies_are_httponly_but_work_over_plain_http(client):
    client.post("/cart/codes", data={"code": "NOPE"})
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax" and not cookie.secure


def test_bodies_are_capped_at_one_mebibyte(app, client):
    response = client.post("/cart/codes", data={"code": "x" * (1024 * 1024 + 10)})
    assert response.status_code == 413
    key = make_keys(app)["read"]
    api = client.post("/api/v1/validations", data="x" * (1024 * 1024 + 10), content_type="application/json",
                      headers={"Authorization": f"Bearer {key}"})
    assert api.status_code == 413 and api.get_json()["error"]["details"]["max_bytes"] == 1024 * 1024
