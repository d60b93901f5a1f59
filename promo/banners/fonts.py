"""The bundled DejaVu Sans faces and a glyph-coverage check against them.

Pillow's built-in bitmap font has no € ฿ ł or accents, so banners only ever draw with a TTF
shipped in promo/banners/fonts/ (licence alongside).
"""
from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR_FONT = str(FONT_DIR / "DejaVuSans.ttf")
BOLD_FONT = str(FONT_DIR / "DejaVuSans-Bold.ttf")

# A private-use code point in plane 16: no font we bundle maps it, so it renders as .notdef.
_UNMAPPED_CHARACTER = "\U0010fffd"
_PROBE_SIZE = 48


# One cache per thread: a FreeType face keeps per-glyph state while it renders, so threads
# (a threaded web server) must not share font objects.
_thread_fonts = threading.local()


def load_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    fonts: dict[tuple[str, int], ImageFont.FreeTypeFont] = _thread_fonts.__dict__.setdefault("fonts", {})
    font = fonts.get((path, size))
    if font is None:
        # BASIC layout instead of Raqm: output must not depend on which shaping library a host has.
        font = ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)
        fonts[(path, size)] = font
    return font


@lru_cache(maxsize=4096)
def _glyph_rendering(path: str, character: str) -> tuple[tuple[int, int, int, int], bytes]:
    font = load_font(path, _PROBE_SIZE)
    left, top, right, bottom = font.getbbox(character)
    image = Image.new("L", (max(right - left, 1), max(bottom - top, 1)))
    ImageDraw.Draw(image).text((-left, -top), character, font=font, fill=255)
    return (left, top, right, bottom), image.tobytes()


def missing_characters(text: str, font_path: str = REGULAR_FONT) -> list[str]:
    """Characters of `text` the font would draw as its missing-glyph box, in order, without repeats."""
    notdef = _glyph_rendering(font_path, _UNMAPPED_CHARACTER)
    missing: list[str] = []
    for character in dict.fromkeys(text):
        if _glyph_rendering(font_path, character) == notdef:
            missing.append(character)
    return missing


def can_draw(text: str, font_path: str = REGULAR_FONT) -> bool:
    return not missing_characters(text, font_path)
