"""The application factory: configuration, shared response headers and error pages."""

from pathlib import Path

import pytest
from flask import request

from app import create_app, normalise_database_url

CONFIG_ENV_VARS = [
    "DATABASE_URL",
    "PROMOSHOP_SECRET_KEY",
    "PROMOSHOP_DEMO_MODE",
    "PROMOSHOP_STORE_TIMEZONE",
    "PROMOSHOP_STORE_CURRENCY",
    "PROMOSHOP_INSTANCE_PATH",
]


@pytest.fixture
def clean_env(monkeypatch):
    for name in CONFIG_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def upload_probe(app):
    """Routes that read the request body, as every form and JSON endpoint will."""

    def read_body():
        return {"bytes": len(request.get_data())}

    app.add_url_rule("/upload-probe", "upload_probe", read_body, methods=["POST"])
    app.add_url_rule("/api/upload-probe", "api_upload_probe", read_body, methods=["POST"])
    return app.test_client()


def test_home_page_names_the_store(client):
    response = client.get("/")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>Arabica &amp; Co.</h1>" in html
    assert "See today's deals" in html
    assert '/static/vendor/htmx-2.0.11.min.js' in html


def test_every_response_varies_on_hx_request(client):
    for path in ("/", "/no-such-page", "/api/no-such-endpoint", "/static/css/app.css"):
        response = client.get(path)
        assert "HX-Request" in response.vary, path


def test_unknown_page_gets_a_friendly_html_404(client):
    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "We couldn&#39;t find that page" in html
    assert 'href="/"' in html
    assert "Arabica &amp; Co." in html  # inside the normal layout, not a bare werkzeug page


def test_unknown_api_path_gets_a_json_404(client):
    response = client.get("/api/no-such-endpoint")

    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert response.get_json() == {
        "error": {
            "code": "not_found",
            "message": "There is no API endpoint at this path.",
            "details": {},
            "request_id": response.headers["X-Request-Id"],
        }
    }


def test_wrong_method_gets_405_that_keeps_the_allow_header(client):
    response = client.post("/")

    assert response.status_code == 405
    assert "That action isn&#39;t available here" in response.get_data(as_text=True)
    assert "GET" in response.headers["Allow"]


def test_oversized_upload_gets_413_page_naming_the_limit(upload_probe):
    response = upload_probe.post("/upload-probe", data=b"x" * (1024 * 1024 + 1))

    assert response.status_code == 413
    assert "Requests can be at most 1 MiB." in response.get_data(as_text=True)


def test_oversized_api_upload_gets_json_413(upload_probe):
    response = upload_probe.post("/api/upload-probe", data=b"x" * (1024 * 1024 + 1))

    assert response.status_code == 413
    error = response.get_json()["error"]
    assert error["code"] == "request_entity_too_large"
    assert error["details"] == {"max_bytes": 1024 * 1024}


def test_upload_at_the_limit_is_accepted(upload_probe):
    response = upload_probe.post("/upload-probe", data=b"x" * (1024 * 1024))

    assert response.status_code == 200
    assert response.get_json() == {"bytes": 1024 * 1024}


def test_form_post_without_csrf_token_gets_a_friendly_400(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    app.add_url_rule("/form", "form", lambda: "saved", methods=["POST"])

    response = app.test_client().post("/form", data={"email": "a@example.com"})

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "We couldn&#39;t accept that request" in html
    assert "The CSRF token is missing." in html


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://shop:pw@db.example:5432/shop", "postgresql+psycopg://shop:pw@db.example:5432/shop"),
        ("postgresql://postgres@127.0.0.1:5432/test", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
        ("postgresql+psycopg://postgres@127.0.0.1/test", "postgresql+psycopg://postgres@127.0.0.1/test"),
        ("sqlite:////var/lib/promoshop/shop.db", "sqlite:////var/lib/promoshop/shop.db"),
    ],
)
def test_database_url_is_normalised_to_psycopg3(given, expected):
    assert normalise_database_url(given) == expected


def test_database_url_from_environment_is_normalised(clean_env, tmp_path):
    clean_env.setenv("DATABASE_URL", "postgres://shop@db.internal/shop")

    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance")})

    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://shop@db.internal/shop"


def test_defaults_without_environment(clean_env, tmp_path):
    instance = tmp_path / "fresh" / "instance"

    app = create_app({"INSTANCE_PATH": str(instance)})

    assert instance.is_dir()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'promoshop.db'}"
    assert app.config["STORE_TIMEZONE"] == "America/New_York"
    assert app.config["STORE_CURRENCY"] == "USD"
    assert app.config["STORE_LOCALE"] == "en_US"
    assert app.config["DEMO_MODE"] is True
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024
    assert app.config["SECRET_KEY"]


def test_environment_settings_and_explicit_config_precedence(clean_env, tmp_path):
    clean_env.setenv("PROMOSHOP_SECRET_KEY", "from-env")
    clean_env.setenv("PROMOSHOP_DEMO_MODE", "off")
    clean_env.setenv("PROMOSHOP_STORE_TIMEZONE", "Europe/Warsaw")

    app = create_app({"INSTANCE_PATH": str(tmp_path), "STORE_TIMEZONE": "Asia/Bangkok"})

    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["DEMO_MODE"] is False
    assert app.config["STORE_TIMEZONE"] == "Asia/Bangkok"


def test_demo_mode_footer_only_in_demo_mode(make_app):
    demo = make_app().test_client().get("/").get_data(as_text=True)
    live = make_app(DEMO_MODE=False).test_client().get("/").get_data(as_text=True)

    assert "Demo store" in demo
    assert "Demo store" not in live


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("PROMOSHOP_STORE_TIMEZONE", "Mars/Olympus_Mons", "is not an IANA time zone"),
        ("PROMOSHOP_STORE_CURRENCY", "dollars", "three-letter ISO 4217 code"),
        ("PROMOSHOP_DEMO_MODE", "maybe", "PROMOSHOP_DEMO_MODE must be one of"),
    ],
)
def test_bad_settings_fail_at_start_with_a_clear_message(clean_env, tmp_path, variable, value, message):
    clean_env.setenv(variable, value)

    with pytest.raises(ValueError, match=message):
        create_app({"INSTANCE_PATH": str(tmp_path)})


@pytest.mark.parametrize("key", ["CUSTOMER_PASSWORD_HASH_METHOD", "CONSOLE_PASSWORD_HASH_METHOD"])
@pytest.mark.parametrize("method", ["md5-please", "pbkdf2:sha256:many", "pbkdf2:no-such-digest:1000"])
def test_an_unknown_password_hash_method_fails_at_start_not_at_the_first_sign_in(clean_env, tmp_path, key, method):
    with pytest.raises(ValueError, match=f"{key} '{method}' is not a password hash method"):
        create_app({"INSTANCE_PATH": str(tmp_path), key: method})


def test_instance_path_from_environment(clean_env, tmp_path):
    clean_env.setenv("PROMOSHOP_INSTANCE_PATH", str(tmp_path / "elsewhere"))

    app = create_app()

    assert Path(app.instance_path) == tmp_path / "elsewhere"
    assert (tmp_path / "elsewhere").is_dir()
