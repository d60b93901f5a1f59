"""The deals page has a banner download for every offer: codes, and automatic promotions whose
discount is words (spend tiers, a free gift, buy X get Y), each a PNG that names the offer."""
from __future__ import annotations

import io
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image

from tests.support.webkit import seeded


@pytest.fixture
def deals(app) -> str:
    seeded(app)
    return app.test_client().get("/deals").get_data(as_text=True)


def deal_download(html: str, campaign_id: str) -> str | None:
    """The href of the deal's banner download, or None when it has none."""
    start = html.index(f'data-testid="deal" data-campaign="{campaign_id}"')
    following = [html.find(marker, start + 1) for marker in ('data-testid="deal" ', "</ul>\n</section>")]
    end = min(index for index in following if index != -1)
    match = re.search(r'<a [^>]*href="([^"]+)"[^>]*data-testid="banner-download"', html[start:end])
    return unescape(match.group(1)) if match else None


def test_every_deal_has_a_banner_download(deals):
    campaigns = re.findall(r'data-testid="deal" data-campaign="([^"]+)"', deals)

    assert {"spend-tiers", "tote-with-gear", "dripper-filters", "blckfrdy"} <= set(campaigns)
    assert [c for c in campaigns if deal_download(deals, c) is None] == []


@pytest.mark.parametrize("campaign_id, words", [
    ("spend-tiers", "UP TO 15% OFF"),
    ("tote-with-gear", "FREE CANVAS TOTE"),
    ("dripper-filters", "BUY 1, GET 1 50% OFF"),
    ("three-bags", "BUY 3, CHEAPEST FREE"),
    ("free-shipping", "FREE SHIPPING"),
])
def test_an_automatic_offers_banner_states_it_in_words_without_a_code(app, deals, campaign_id, words):
    href = deal_download(deals, campaign_id)
    query = parse_qs(urlsplit(href).query)

    assert query["offer"] == [words]
    assert "code" not in query
    assert f'download="{campaign_id}-banner.png"' in deals

    response = app.test_client().get(href)
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert Image.open(io.BytesIO(response.data)).size == (1080, 1080)


def test_a_public_codes_banner_keeps_its_code_and_states_its_cap(deals):
    query = parse_qs(urlsplit(deal_download(deals, "blckfrdy")).query)

    assert query["code"] == ["BLCKFRDY"] and query["offer"] == ["20% OFF, UP TO $50"]
