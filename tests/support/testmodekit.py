"""Shared by the test-mode tests: the token and a clock helper."""
from __future__ import annotations

from flask.testing import FlaskClient

TOKEN = "test-token-0123456789abcdef"
AUTH = {"X-Test-Token": TOKEN}


def freeze(client: FlaskClient, moment: str) -> dict:
    response = client.post("/_test/clock", json={"now": moment}, headers=AUTH)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()
