"""X-Request-Id: on every response, the client's own when it is sane, in the log lines of the
request and in /api/ error bodies; PROMOSHOP_LOG_FORMAT=json writes one JSON object a line."""
from __future__ import annotations

import io
import json
import logging
import re

import pytest
from flask import current_app

from app import create_app
from shop.web.logs import formatter_for

GENERATED = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture
def logging_client(app):
    def log_something():
        current_app.logger.warning("looking at order %s", "A-1")
        return "logged"

    app.add_url_rule("/log-probe", "log_probe", log_something)
    return app.test_client()


@pytest.mark.parametrize("path", ["/", "/healthz", "/no-such-page", "/api/v1/openapi.json", "/api/v1/nope",
                                  "/static/css/app.css"])
def test_every_response_gets_a_generated_id(client, path):
    response = client.get(path)

    assert GENERATED.match(response.headers["X-Request-Id"]), path


def test_each_request_gets_its_own_id(client):
    assert client.get("/healthz").headers["X-Request-Id"] != client.get("/healthz").headers["X-Request-Id"]


@pytest.mark.parametrize("sent", ["3f2a9c1e-7b44-4c1e-9a1e-0c9d2b7e5f10", "Root=1-5759e988-bd862e3fe1be46a9",
                                  "a" * 128, "edge:req/42+x_y.z"])
def test_a_sane_id_from_the_client_is_kept(client, sent):
    assert client.get("/healthz", headers={"X-Request-Id": sent}).headers["X-Request-Id"] == sent


@pytest.mark.parametrize("sent", ["a" * 129, "has space", "quote\"d", "new\\nline", "<script>", "", "ü-ñ"])
def test_an_insane_id_is_replaced_by_a_generated_one(client, sent):
    assert GENERATED.match(client.get("/healthz", headers={"X-Request-Id": sent}).headers["X-Request-Id"])


def test_api_errors_carry_the_request_id(client):
    response = client.get("/api/v1/campaigns", headers={"X-Request-Id": "integrator-7"})     # no API key

    assert response.status_code == 401
    assert response.headers["X-Request-Id"] == "integrator-7"
    assert response.get_json()["error"]["request_id"] == "integrator-7"


def test_api_404_and_validation_errors_carry_the_generated_id(client):
    for response in (client.get("/api/v1/nope"), client.post("/api/v1/validations", data="{", content_type="application/json")):
        assert response.status_code >= 400
        assert response.get_json()["error"]["request_id"] == response.headers["X-Request-Id"]


def test_log_lines_of_a_request_carry_its_id(logging_client, caplog):
    with caplog.at_level(logging.WARNING):
        response = logging_client.get("/log-probe", headers={"X-Request-Id": "req-1"})

    [record] = [r for r in caplog.records if "looking at order" in r.getMessage()]
    assert record.request_id == "req-1" == response.headers["X-Request-Id"]


def test_log_lines_outside_a_request_say_so(app, caplog):
    with caplog.at_level(logging.WARNING):
        logging.getLogger("promo.delivery.worker").warning("a tick")

    assert caplog.records[-1].request_id == "-"


def test_json_format_writes_one_object_per_line(logging_client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter_for("json"))
    logging_client.application.logger.addHandler(handler)
    try:
        logging_client.get("/log-probe", headers={"X-Request-Id": "req-2"})
        logging_client.application.logger.error("outside\nany request")
    finally:
        logging_client.application.logger.removeHandler(handler)

    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    inside, outside = (json.loads(line) for line in lines)
    assert inside["message"] == "looking at order A-1" and inside["request_id"] == "req-2"
    assert inside["level"] == "WARNING" and inside["logger"] == logging_client.application.logger.name
    assert outside["message"] == "outside\nany request" and outside["request_id"] == "-"


def test_text_format_shows_the_id_in_brackets(logging_client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter_for("text"))
    logging_client.application.logger.addHandler(handler)
    try:
        logging_client.get("/log-probe", headers={"X-Request-Id": "req-3"})
    finally:
        logging_client.application.logger.removeHandler(handler)

    assert "WARNING [req-3]" in stream.getvalue() and "looking at order A-1" in stream.getvalue()


def test_an_unknown_log_format_stops_the_app_naming_the_setting(tmp_path):
    with pytest.raises(ValueError, match="PROMOSHOP_LOG_FORMAT"):
        create_app({"INSTANCE_PATH": str(tmp_path), "TESTING": True, "LOG_FORMAT": "xml"})
