"""htmx's response handling is set once for every page: fragments answering 404, 409, 422 and 429
are swapped in (the wallet's balances after a refused spend), error pages never replace one."""
from __future__ import annotations

import html as html_lib
import json
import re

import pytest

from tests.support.webkit import as_persona, htmx


@pytest.fixture
def app(fresh_shop):
    return fresh_shop()


@pytest.fixture
def client(app):
    return app.test_client()


def htmx_config(page: str) -> dict:
    found = re.findall(r'<meta name="htmx-config" content=\'([^\']*)\'>', page)
    assert len(found) == 1, found
    return json.loads(html_lib.unescape(found[0]))


def handling(config: dict, status: int) -> dict:
    """The rule htmx 2 applies to a response: the first whose code pattern matches the status."""
    return next(rule for rule in config["responseHandling"] if re.search(rule["code"], str(status)))


@pytest.mark.parametrize("path", ["/", "/cart", "/checkout", "/wallet", "/deals", "/console/login"])
def test_every_layout_carries_the_same_htmx_settings(client, path):
    as_persona(client, "vip")
    client.post("/cart/add", data={"sku": "ARA-ETH-YIRG"})

    page = client.get(path).get_data(as_text=True)

    assert htmx_config(page) == htmx_config(client.get("/cart").get_data(as_text=True))


def test_fragments_with_a_message_are_swapped_and_other_errors_are_not(client):
    config = htmx_config(client.get("/").get_data(as_text=True))

    for status in (200, 404, 409, 422, 429):
        assert handling(config, status)["swap"] is True, status
        assert not handling(config, status).get("error"), status
    for status in (400, 403, 500, 503):
        assert handling(config, status) == {"code": "[45]..", "swap": False, "error": True}, status
    assert handling(config, 204)["swap"] is False


def test_a_refused_spend_answers_with_the_balances_section_to_swap_in(client):
    as_persona(client, "new")   # no points to spend

    response = client.post("/wallet/points/beans-club/1", data={"spend_key": "k"},
                           headers=htmx("wallet-balances-section"))

    assert response.status_code == 409
    assert 'id="wallet-balances-section"' in response.get_data(as_text=True)
    assert "Not enough points" in json.loads(response.headers["HX-Trigger"])["toast"]["message"]


def test_an_unknown_reward_answers_404_with_the_balances_section(client):
    as_persona(client, "vip")

    response = client.post("/wallet/points/no-such-programme/1", data={"spend_key": "k"},
                           headers=htmx("wallet-balances-section"))

    assert response.status_code == 404
    assert 'id="wallet-balances-section"' in response.get_data(as_text=True)
    assert json.loads(response.headers["HX-Trigger"])["toast"]["level"] == "error"


def test_an_error_page_for_an_htmx_request_is_not_swapped_and_says_why_in_a_toast(client):
    response = client.post("/orders/999999/cancel", headers=htmx("order-999999"))

    assert response.status_code == 404
    assert response.headers["HX-Reswap"] == "none"
    assert "couldn't find" in json.loads(response.headers["HX-Trigger"])["toast"]["message"]
    assert "HX-Request" in response.headers["Vary"]
