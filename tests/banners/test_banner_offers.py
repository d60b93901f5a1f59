"""Banners for offers in words ("BUY 3, CHEAPEST FREE") and for automatic promotions (no code):
every template draws them at its size, byte-identical on repeat, with the whole label in its box."""
import dataclasses
import io
from datetime import date

import pytest
from PIL import Image, ImageChops

from promo.banners import (
    BOLD_FONT,
    MAX_DISCOUNT,
    REGULAR_FONT,
    TEMPLATES,
    BannerFields,
    InvalidField,
    Text,
    UnsupportedCharacters,
    fitted_texts,
    missing_characters,
    render_banner,
    render_image,
)
from promo.banners.texts import PHRASES

EXPECTED_SIZES = {"square": (1080, 1080), "og": (1200, 630), "story": (1080, 1920)}
# The most lines the discount box may take per layout (layout descriptions in templates.py).
DISCOUNT_LINES = {"square": 2, "og": 2, "story": 3}

# Labels promo.banners.labels writes for the demo store, plus the longest a box must hold whole.
LABELS = [
    "BUY 3, CHEAPEST FREE",
    "FREE CANVAS TOTE",
    "UP TO 15% OFF",
    "$5\u2013$10 OFF",
    "FREE SHIPPING",
    "BUY 1, GET 1 50% OFF",
    "\u20ac5\u2013\u20ac10 OFF",
    "2 MOST EXPENSIVE ITEMS 50% OFF",
    "BUY 12, 2 MOST EXPENSIVE 50% OFF",
]


@pytest.fixture
def automatic(fields: BannerFields) -> BannerFields:
    """An automatic promotion: three bags, the cheapest free, no code to type."""
    return dataclasses.replace(
        fields, headline="Three bags, one free", discount="BUY 3, CHEAPEST FREE", code=None,
        expires_on=date(2027, 12, 31), share_url="https://shop.example/", first_name=None,
    )


@pytest.mark.parametrize("name", sorted(EXPECTED_SIZES))
def test_an_automatic_offer_in_words_renders_at_each_templates_size(name, automatic, banner_artifacts):
    png = render_banner(TEMPLATES[name], automatic)

    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.size == EXPECTED_SIZES[name]
    assert render_banner(TEMPLATES[name], automatic) == png
    (banner_artifacts / f"offer-{name}.png").write_bytes(png)


def test_the_longest_label_is_a_real_label():
    assert max(len(label) for label in LABELS) == MAX_DISCOUNT


@pytest.mark.parametrize("label", LABELS)
@pytest.mark.parametrize("name", sorted(EXPECTED_SIZES))
def test_every_label_fits_the_discount_box_whole(name, label, automatic):
    fitted = fitted_texts(TEMPLATES[name], dataclasses.replace(automatic, discount=label))["discount"]

    assert not fitted.truncated
    assert " ".join(fitted.lines) == label
    assert len(fitted.lines) <= DISCOUNT_LINES[name]


@pytest.mark.parametrize("name", sorted(EXPECTED_SIZES))
def test_a_word_label_stays_inside_the_discount_box(name, automatic):
    """Drawn pixels change only inside the discount box when the label changes."""
    template = TEMPLATES[name]
    width, height = EXPECTED_SIZES[name]
    long_label = render_image(template, dataclasses.replace(automatic, discount=LABELS[-1]))
    short_label = render_image(template, dataclasses.replace(automatic, discount="20% OFF"))

    changed = ImageChops.difference(long_label, short_label).getbbox()
    (box,) = [e.box for e in template.layout.elements if isinstance(e, Text) and e.field == "discount"]
    x, y, w, h = box
    assert changed is not None
    assert x * width <= changed[0] and y * height <= changed[1]
    assert changed[2] <= (x + w) * width and changed[3] <= (y + h) * height


def test_a_short_number_is_still_drawn_big_on_one_line(fields):
    """Room for two lines must not shrink "20% OFF": it stays the banner's largest text."""
    texts = fitted_texts(TEMPLATES["square"], fields)
    assert texts["discount"].lines == ("20% OFF",)
    assert texts["discount"].size > 2 * texts["headline"].size


# --- no code --------------------------------------------------------------------------------


def test_a_code_less_banner_says_no_code_is_needed(automatic):
    assert automatic.code_box_text() == "No code needed"
    assert automatic.texts()["code_caption"] == "Applied in your cart"
    polish = dataclasses.replace(automatic, locale="pl_PL")
    assert polish.code_box_text() == "Bez kodu"
    assert polish.texts()["code_caption"] == "Rabat naliczany w koszyku"


@pytest.mark.parametrize("name", sorted(EXPECTED_SIZES))
def test_a_code_less_banner_differs_from_a_coded_one_only_in_the_code_card(name, automatic):
    template = TEMPLATES[name]
    coded = render_image(template, dataclasses.replace(automatic, code="BAGS3"))
    code_less = render_image(template, automatic)

    changed = ImageChops.difference(coded, code_less).getbbox()
    assert changed is not None
    # Everything above the code card (logo, headline, discount) is the same.
    (discount,) = [e.box for e in template.layout.elements if isinstance(e, Text) and e.field == "discount"]
    assert changed[1] >= (discount[1] + discount[3]) * EXPECTED_SIZES[name][1]


@pytest.mark.parametrize("language", sorted(PHRASES))
def test_no_code_words_are_drawable_in_every_language(language):
    phrases = PHRASES[language]
    for text in (phrases.no_code, phrases.automatic_caption.upper()):
        assert missing_characters(text, BOLD_FONT) == [] and missing_characters(text, REGULAR_FONT) == []


# --- the label's text is checked like any other -----------------------------------------------


def test_a_label_with_currency_signs_and_accents_is_drawn_as_glyphs(automatic):
    label = "−50 zł · 5 € · ฿200 · CAFÉ"
    assert missing_characters(label, BOLD_FONT) == []
    assert BannerFields(**{**dataclasses.asdict(automatic), "discount": label}).discount == label


@pytest.mark.parametrize("label, error, message", [
    ("X" * (MAX_DISCOUNT + 1), InvalidField, f"discount is {MAX_DISCOUNT + 1} characters"),
    ("FREE\nSHIPPING", InvalidField, "control"),
    ("FREE \u200bSHIPPING", InvalidField, "invisible"),
    ("FREE 咖啡", UnsupportedCharacters, "咖啡"),
    ("   ", InvalidField, "discount is required"),
])
def test_a_label_the_banner_cannot_draw_is_refused(automatic, label, error, message):
    with pytest.raises(error, match=message):
        dataclasses.replace(automatic, discount=label)
