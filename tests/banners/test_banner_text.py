"""Glyph coverage of the bundled font, localised labels, and text that shrinks, wraps and ellipsizes."""
import dataclasses
from datetime import date
from pathlib import Path

import pytest

from promo.banners import (
    BOLD_FONT,
    REGULAR_FONT,
    UnsupportedCharacters,
    discount_label,
    expiry_date_text,
    missing_characters,
)
from promo.banners.fitting import ELLIPSIS, fit_text, wrap
from promo.banners.fonts import load_font
from promo.banners.texts import PHRASES

REQUIRED_CHARACTERS = "€ ฿ zł ąćęłńóśźż éèüñ"
BUNDLED_FONTS = [REGULAR_FONT, BOLD_FONT]


@pytest.mark.parametrize("font_path", BUNDLED_FONTS, ids=["regular", "bold"])
def test_bundled_font_has_a_glyph_for_every_required_character(font_path):
    required = REQUIRED_CHARACTERS + REQUIRED_CHARACTERS.upper()
    assert missing_characters(required, font_path) == []


@pytest.mark.parametrize("font_path", BUNDLED_FONTS, ids=["regular", "bold"])
def test_glyph_check_recognises_the_missing_glyph_box(font_path):
    """Thai letters and CJK are not in DejaVu Sans: they must be reported, or the test above proves nothing."""
    assert missing_characters("aกb字c", font_path) == ["ก", "字"]


def test_fonts_are_bundled_with_their_licence():
    font_dir = Path(REGULAR_FONT).parent
    assert font_dir.name == "fonts" and font_dir.parent.name == "banners"
    assert Path(BOLD_FONT).parent == font_dir
    licence = (font_dir / "LICENSE").read_text()
    assert "Bitstream Vera" in licence and "Permission is hereby granted" in licence


@pytest.mark.parametrize("language", sorted(PHRASES))
def test_every_localised_phrase_is_drawable(language):
    phrases = dataclasses.asdict(PHRASES[language])
    for text in phrases.values():
        for font_path in BUNDLED_FONTS:
            assert missing_characters(text.upper() + text, font_path) == [], (language, text)


def test_fields_refuse_characters_that_would_print_as_boxes(fields):
    with pytest.raises(UnsupportedCharacters, match="字"):
        dataclasses.replace(fields, headline="新年快乐 字")


@pytest.mark.parametrize(
    ("locale", "kwargs", "expected"),
    [
        ("en_US", {"percent": 20}, "20% OFF"),
        ("en_US", {"amount_minor": 1000, "currency": "USD"}, "$10 OFF"),
        ("en_US", {"amount_minor": 1050, "currency": "USD"}, "$10.50 OFF"),
        ("th_TH", {"amount_minor": 20000, "currency": "THB"}, "฿200 OFF"),
        ("pl_PL", {"amount_minor": 5000, "currency": "PLN"}, "\u221250 zł"),
        ("de_DE", {"amount_minor": 500, "currency": "EUR"}, "5 € RABATT"),
    ],
)
def test_discount_label_is_formatted_for_the_locale(locale, kwargs, expected):
    assert discount_label(locale, **kwargs).replace("\xa0", " ") == expected


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en_US", "Dec 31, 2025"),
        ("pl_PL", "31 gru 2025"),
        ("de_DE", "31.12.2025"),
        # Thai month names are outside the bundled font, so the date falls back to ISO 8601.
        ("th_TH", "2025-12-31"),
    ],
)
def test_expiry_date_is_formatted_for_the_locale(locale, expected):
    assert expiry_date_text(date(2025, 12, 31), locale) == expected


def test_personal_line_and_expiry_use_the_locale_phrases(fields):
    texts = dataclasses.replace(fields, locale="pl_PL").texts()
    assert texts["expiry"] == "Ważny do 31 gru 2025"
    assert texts["name"] == "Dla: Anna"
    assert "name" not in dataclasses.replace(fields, first_name=None).texts()


def _fits(fitted, width, height):
    return all(fitted.line_width(line) <= width for line in fitted.lines) and fitted.height <= height


def test_short_text_is_drawn_at_full_size():
    fitted = fit_text("20% OFF", BOLD_FONT, 900, 300, max_size=120, min_size=40)
    assert fitted.size == 120 and fitted.lines == ("20% OFF",) and not fitted.truncated


def test_long_text_shrinks_and_wraps_to_fit_without_losing_words():
    text = "Autumn roast week: fresh beans, bold savings for every coffee lover"
    fitted = fit_text(text, BOLD_FONT, 600, 200, max_size=90, min_size=20, max_lines=3)

    assert fitted.size < 90
    assert 1 < len(fitted.lines) <= 3
    assert " ".join(fitted.lines) == text
    assert _fits(fitted, 600, 200)
    assert not fitted.truncated


def test_the_largest_fitting_size_is_chosen():
    text = "Fresh beans, bold savings"
    fitted = fit_text(text, BOLD_FONT, 500, 150, max_size=200, min_size=10, max_lines=2)
    assert _fits(fitted, 500, 150)

    # One size up, the same text no longer fits in two lines of the box.
    bigger = load_font(BOLD_FONT, fitted.size + 1)
    lines = wrap(text, bigger, 500, break_words=False)
    ascent, descent = bigger.getmetrics()
    too_tall = lines is not None and (
        (len(lines) - 1) * round((fitted.size + 1) * 1.08) + ascent + descent > 150
    )
    assert lines is None or len(lines) > 2 or too_tall


def test_text_too_long_at_the_smallest_size_ends_in_an_ellipsis():
    text = " ".join(["espresso"] * 40)
    fitted = fit_text(text, REGULAR_FONT, 400, 100, max_size=40, min_size=24, max_lines=2)

    assert fitted.truncated
    assert fitted.size == 24
    assert len(fitted.lines) <= 2
    assert fitted.lines[-1].endswith(ELLIPSIS)
    assert _fits(fitted, 400, 100)


def test_a_single_long_name_is_cut_with_an_ellipsis():
    name = "For Maximiliana-Bartholomea-Wolfeschlegelsteinhausenbergerdorff"
    fitted = fit_text(name, REGULAR_FONT, 500, 60, max_size=44, min_size=30)

    assert fitted.truncated
    assert len(fitted.lines) == 1
    line = fitted.lines[0]
    assert line.startswith("For Maximiliana") and line.endswith(ELLIPSIS)
    assert fitted.line_width(line) <= 500


def test_short_box_gets_fewer_lines_rather_than_overflowing():
    text = " ".join(["latte"] * 30)
    fitted = fit_text(text, REGULAR_FONT, 300, 40, max_size=30, min_size=30, max_lines=4)
    assert len(fitted.lines) == 1 and fitted.lines[0].endswith(ELLIPSIS)


def test_amount_and_currency_are_never_split_across_lines():
    font = load_font(BOLD_FONT, 100)
    narrow = font.getlength("50 zł") - 1
    assert wrap("50 zł", font, narrow, break_words=False) == ["50", "zł"]
    assert wrap("50\u00a0zł", font, narrow, break_words=False) is None
