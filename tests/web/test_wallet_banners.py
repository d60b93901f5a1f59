"""The wallet offers a banner download for automatic promotions too, not only for codes: one
that states the offer in words and says no code is needed."""
from __future__ import annotations

import io
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image

from tests.support.webkit import as_persona


@pytest.fixture
def wallet(fresh_shop):
    """The VIP's wallet with a bag of House Blend in the cart: three bags, free shipping and the
    spend tiers are near (an offer the cart applies shows compactly, without its banner)."""
    app = fresh_shop()
    client = app.test_client()
    as_persona(client, "vip")
    client.post("/cart/add", data={"sku": "BLD-HOUSE", "quantity": "1"})
    return client, client.get("/wallet").get_data(as_text=True)


def downloads(html: str, campaign_id: str) -> list[tuple[str, str]]:
    """(href, file name) of each banner download on the campaign's wallet cards."""
    found = []
    for match in re.finditer(rf'data-testid="wallet-offer" data-campaign="{campaign_id}"', html):
        end = html.find("</li>\n", html.find("</ul>", match.end()))
        found += [(unescape(href), name) for href, name in
                  re.findall(r'href="(/banners/[^"]+)" download="([^"]+)"', html[match.end():end])]
    return found


@pytest.mark.parametrize("campaign_id, words", [
    ("three-bags", "BUY 3, CHEAPEST FREE"),
    ("spend-tiers", "UP TO 15% OFF"),
])
def test_an_automatic_offer_in_the_wallet_has_a_code_less_banner(wallet, campaign_id, words):
    client, html = wallet
    [(href, name)] = downloads(html, campaign_id)
    query = parse_qs(urlsplit(href).query)

    assert name == f"{campaign_id}-banner.png"
    assert query["offer"] == [words]
    assert "code" not in query and "name" not in query   # shared as is, not a personal banner
    response = client.get(href)
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert Image.open(io.BytesIO(response.data)).size == (1080, 1080)


def test_a_personal_code_keeps_its_personal_banner(wallet):
    _, html = wallet
    hrefs = {href for href, _ in downloads(html, "sorry")}

    assert hrefs
    for href in hrefs:
        query = parse_qs(urlsplit(href).query)
        assert query["code"][0].startswith("SORRY-") and query["name"] == ["Victor"]
