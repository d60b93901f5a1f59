"""The brand mark: a theme's logo image, or a drawn coffee bean in a round badge."""
from __future__ import annotations

import math
from functools import lru_cache

from PIL import Image, ImageDraw

from .drawing import antialiased_mask, ellipse_mask

BEAN_TILT_DEGREES = 32


@lru_cache(maxsize=16)
def bean_mask(side: int) -> Image.Image:
    """A coffee bean (oval with an S-shaped crease), tilted, filling a side x side square."""

    def paint(draw: ImageDraw.ImageDraw, scale: int) -> None:
        full = side * scale
        centre = full / 2
        half_width, half_height = full * 0.3, full * 0.43
        draw.ellipse(
            (centre - half_width, centre - half_height, centre + half_width, centre + half_height),
            fill=255,
        )
        # The crease stops short of the tips so the two halves stay joined, as on a real bean.
        steps = 48
        crease = []
        for step in range(steps + 1):
            t = step / steps
            y = centre - half_height * 0.8 + t * half_height * 1.6
            x = centre + half_width * 0.28 * math.sin(2 * math.pi * t)
            crease.append((x, y))
        draw.line(crease, fill=0, width=max(1, round(full * 0.055)), joint="curve")

    upright = antialiased_mask(side, side, paint)
    return upright.rotate(-BEAN_TILT_DEGREES, resample=Image.Resampling.BICUBIC)


def badge_masks(side: int) -> tuple[Image.Image, Image.Image]:
    """(disc, bean): the round badge and the bean to knock out of it, both side x side."""
    disc = ellipse_mask(side, side)
    inner = round(side * 0.74)
    bean = Image.new("L", (side, side), 0)
    offset = (side - inner) // 2
    bean.paste(bean_mask(inner), (offset, offset))
    return disc, bean


@lru_cache(maxsize=8)
def _load_logo(path: str) -> Image.Image:
    with Image.open(path) as source:
        return source.convert("RGBA")


def logo_image(path: str, height: int, max_width: int) -> Image.Image:
    """The theme's logo scaled to `height` (narrower if it would exceed max_width), RGBA."""
    logo = _load_logo(path)
    scale = min(height / logo.height, max_width / logo.width)
    size = (max(1, round(logo.width * scale)), max(1, round(logo.height * scale)))
    return logo.resize(size, Image.Resampling.LANCZOS)

