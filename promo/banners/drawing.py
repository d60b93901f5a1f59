"""Pillow primitives with smooth edges: ImageDraw shapes are aliased, so shapes are drawn
into a supersampled mask, reduced, and the colour is pasted through it."""
from __future__ import annotations

from collections.abc import Callable

from PIL import Image, ImageDraw

Rgb = tuple[int, int, int]
SUPERSAMPLE = 4


def antialiased_mask(
    width: int, height: int, draw: Callable[[ImageDraw.ImageDraw, int], None]
) -> Image.Image:
    """An "L" mask of width x height; `draw` paints at SUPERSAMPLE scale (it gets the scale)."""
    big = Image.new("L", (width * SUPERSAMPLE, height * SUPERSAMPLE), 0)
    draw(ImageDraw.Draw(big), SUPERSAMPLE)
    return big.reduce(SUPERSAMPLE)


def ellipse_mask(width: int, height: int, stroke: int = 0) -> Image.Image:
    """A filled ellipse, or a ring `stroke` px wide when stroke > 0."""

    def paint(draw: ImageDraw.ImageDraw, scale: int) -> None:
        bounds = (0, 0, width * scale - 1, height * scale - 1)
        if stroke > 0:
            draw.ellipse(bounds, outline=255, width=stroke * scale)
        else:
            draw.ellipse(bounds, fill=255)

    return antialiased_mask(width, height, paint)


def rounded_rect_mask(width: int, height: int, radius: int, stroke: int = 0) -> Image.Image:
    def paint(draw: ImageDraw.ImageDraw, scale: int) -> None:
        bounds = (0, 0, width * scale - 1, height * scale - 1)
        if stroke > 0:
            draw.rounded_rectangle(bounds, radius * scale, outline=255, width=stroke * scale)
        else:
            draw.rounded_rectangle(bounds, radius * scale, fill=255)

    if radius <= 0 and stroke <= 0:
        return Image.new("L", (width, height), 255)
    return antialiased_mask(width, height, paint)


def glow_mask(width: int, height: int) -> Image.Image:
    """A soft light: opaque at the centre, fading quadratically to nothing at the edge."""
    # radial_gradient is 0 at the centre and about 181 (128 * sqrt 2) at the edge midpoints.
    edge = 128 * 2**0.5

    def falloff(value: int) -> int:
        remaining = max(0.0, 1.0 - value / edge)
        return round(255 * remaining * remaining)

    return Image.radial_gradient("L").point(falloff).resize((width, height), Image.Resampling.BICUBIC)


def vertical_gradient(width: int, height: int, top: Rgb, bottom: Rgb) -> Image.Image:
    ramp = Image.linear_gradient("L").resize((width, height), Image.Resampling.BILINEAR)
    return Image.composite(Image.new("RGB", (width, height), bottom),
                           Image.new("RGB", (width, height), top), ramp)


def paste_colour(
    canvas: Image.Image, colour: Rgb, origin: tuple[int, int], mask: Image.Image,
    opacity: float = 1.0,
) -> None:
    """Paint `colour` through `mask` at `origin`; Pillow clips whatever falls off the canvas."""
    if opacity < 1.0:
        mask = mask.point(lambda v: round(v * opacity))
    x, y = origin
    canvas.paste(colour, (x, y, x + mask.width, y + mask.height), mask)
