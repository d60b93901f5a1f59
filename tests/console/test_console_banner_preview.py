"""The campaign page previews the banner shoppers get, for every kind of offer; when there is
none it says why."""
from __future__ import annotations

import io
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from PIL import Image


def preview(client, campaign_id: str) -> tuple[str | None, str]:
    """The preview image's URL (or None) and the text of the banner card."""
    html = client.get(f"/console/campaigns/{campaign_id}").get_data(as_text=True)
    card = html[html.index("<h2>Banner preview</h2>"):]
    card = card[:card.index("</section>")]
    match = re.search(r'<img class="banner-preview" src="([^"]+)"', card)
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", card)).split())
    return (unescape(match.group(1)) if match else None), text


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_a_public_code_is_previewed_with_its_code(marketer):
    url, text = preview(marketer, "happy10")

    assert query(url)["code"] == ["HAPPY10"] and query(url)["percent"] == ["10"]
    assert "example code" not in text


def test_an_automatic_promotion_is_previewed_without_a_code(marketer):
    url, _ = preview(marketer, "auto5")

    assert "code" not in query(url)
    response = marketer.get(url)
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert Image.open(io.BytesIO(response.data)).size == (1080, 1080)


def test_generated_codes_are_previewed_with_an_example_in_their_pattern(marketer):
    url, text = preview(marketer, "sorry")

    assert query(url)["code"] == ["SORRY-ABCDE-FGHJK"]
    assert "Shown with an example code" in text


def test_an_offer_in_words_is_previewed(marketer, engine):
    engine.create_campaign({"id": "tiers", "name": "Spend more, save more", "kind": "promotion",
                            "effect": {"type": "tiers", "tiers": [{"min_subtotal": 5000, "percent": 5},
                                                                  {"min_subtotal": 9000, "percent": 10}]}})

    url, _ = preview(marketer, "tiers")

    assert query(url)["offer"] == ["UP TO 10% OFF"]


def test_without_a_banner_the_page_says_why(marketer, engine):
    engine.create_campaign({"id": "card", "name": "Gift card", "kind": "gift_card", "gift_card": {"balance": 5000}})
    engine.create_campaign({"id": "thai", "name": "Free delivery", "kind": "promotion",
                            "effect": {"type": "shipping"}, "banner": {"label": "ส่งฟรี"}})

    assert preview(marketer, "card") == (None, "Banner preview No banner: a gift card campaign has no offer to put on a banner.")
    url, text = preview(marketer, "thai")
    assert url is None
    assert "No banner: offer contains characters the banner font cannot draw" in text
