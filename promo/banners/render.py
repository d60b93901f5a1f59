"""The one renderer: draws any template description with any banner fields."""
from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw

from .drawing import (
    ellipse_mask,
    glow_mask,
    paste_colour,
    rounded_rect_mask,
    vertical_gradient,
)
from .fields import BannerFields
from .fitting import FittedText, fit_text
from .logo import badge_masks, logo_image
from .qr import qr_mask
from .templates import Box, CodeChip, Element, Logo, QrCode, Shape, Template, Text

# Bump whenever drawing code changes what an existing template looks like: it is part of
# every cache key, so stale PNGs are never served after a deploy.
RENDERER_VERSION = "1"


@dataclass(frozen=True)
class _Rect:
    x: int
    y: int
    width: int
    height: int


class _Canvas:
    """The image being drawn plus the template it is drawn for (geometry and colours)."""

    def __init__(self, template: Template) -> None:
        self.template = template
        layout = template.layout
        self.width, self.height = layout.width, layout.height
        self.short_side = min(self.width, self.height)
        top, bottom = (self.rgb(role) for role in layout.gradient)
        self.image = vertical_gradient(self.width, self.height, top, bottom)
        self.draw = ImageDraw.Draw(self.image)

    def rgb(self, role: str) -> tuple[int, int, int]:
        return self.template.theme.palette.rgb(role)

    def rect(self, box: Box) -> _Rect:
        x, y, width, height = box
        left, top = round(x * self.width), round(y * self.height)
        right, bottom = round((x + width) * self.width), round((y + height) * self.height)
        return _Rect(left, top, max(1, right - left), max(1, bottom - top))

    def px(self, fraction: float) -> int:
        return max(1, round(fraction * self.short_side))


def _aligned_x(rect: _Rect, content_width: float, align: str) -> int:
    if align == "center":
        return round(rect.x + (rect.width - content_width) / 2)
    if align == "right":
        return round(rect.x + rect.width - content_width)
    return rect.x


def _draw_shape(canvas: _Canvas, shape: Shape) -> None:
    rect = canvas.rect(shape.box)
    if shape.kind == "glow":
        mask = glow_mask(rect.width, rect.height)
    elif shape.kind == "ring":
        mask = ellipse_mask(rect.width, rect.height, stroke=canvas.px(shape.stroke))
    elif shape.kind == "ellipse":
        mask = ellipse_mask(rect.width, rect.height)
    else:
        mask = rounded_rect_mask(rect.width, rect.height, round(shape.radius * canvas.short_side))
    paste_colour(canvas.image, canvas.rgb(shape.colour), (rect.x, rect.y), mask, shape.opacity)


def _fit(canvas: _Canvas, element: Text, text: str) -> FittedText:
    rect = canvas.rect(element.box)
    theme = canvas.template.theme
    return fit_text(
        text.upper() if element.uppercase else text,
        theme.bold_font if element.bold else theme.regular_font,
        rect.width,
        rect.height,
        max_size=canvas.px(element.size),
        min_size=canvas.px(element.min_size),
        max_lines=element.max_lines,
        line_spacing=element.line_spacing,
    )


def _draw_text(canvas: _Canvas, element: Text, texts: dict[str, str]) -> None:
    text = texts.get(element.field)
    if text is None:
        return
    rect = canvas.rect(element.box)
    fitted = _fit(canvas, element, text)
    slack = rect.height - fitted.height
    top = rect.y + {"top": 0, "middle": slack // 2, "bottom": slack}[element.valign]
    colour = canvas.rgb(element.colour)
    for index, line in enumerate(fitted.lines):
        x = _aligned_x(rect, fitted.line_width(line), element.align)
        canvas.draw.text((x, top + index * fitted.line_height), line, font=fitted.font,
                         fill=colour, anchor="la")


def _draw_code_chip(canvas: _Canvas, chip: CodeChip, code: str) -> None:
    """`code` is the code, or the locale's "No code needed" for an automatic promotion."""
    rect = canvas.rect(chip.box)
    padding_x, padding_y = round(rect.height * 0.5), round(rect.height * 0.24)
    fitted = fit_text(
        code,
        canvas.template.theme.bold_font,
        rect.width - 2 * padding_x,
        rect.height - 2 * padding_y,
        max_size=canvas.px(chip.size),
        min_size=1,
    )
    text = fitted.lines[0]
    left, top, right, bottom = fitted.font.getbbox(text, anchor="ls")
    width = min(rect.width, round(right - left) + 2 * padding_x)
    x = _aligned_x(rect, width, chip.align)
    radius = rect.height // 2
    paste_colour(canvas.image, canvas.rgb(chip.fill), (x, rect.y),
                 rounded_rect_mask(width, rect.height, radius))
    if chip.outline:
        inset = max(2, round(rect.height * 0.09))
        stroke = max(2, round(rect.height * 0.025))
        ring = rounded_rect_mask(width - 2 * inset, rect.height - 2 * inset, radius - inset, stroke)
        paste_colour(canvas.image, canvas.rgb(chip.outline), (x + inset, rect.y + inset), ring,
                     opacity=0.55)
    # Centre the ink, not the font's ascent box: codes are capitals and digits.
    baseline = round(rect.y + rect.height / 2 - (top + bottom) / 2)
    canvas.draw.text((round(x + (width - (right - left)) / 2 - left), baseline), text,
                     font=fitted.font, fill=canvas.rgb(chip.colour), anchor="ls")


def _draw_qr(canvas: _Canvas, element: QrCode, url: str) -> None:
    rect = canvas.rect(element.box)
    side = min(rect.width, rect.height)
    mask, module_px = qr_mask(url, side)
    x = _aligned_x(rect, mask.width, element.align)
    y = rect.y + (rect.height - mask.height) // 2
    # Corners rounder than the quiet zone would clip finder patterns; 1.5 modules is safe.
    card = rounded_rect_mask(mask.width, mask.height, round(module_px * 1.5))
    paste_colour(canvas.image, canvas.rgb("qr_light"), (x, y), card)
    paste_colour(canvas.image, canvas.rgb("qr_dark"), (x, y), mask)


def _draw_logo(canvas: _Canvas, element: Logo) -> None:
    rect = canvas.rect(element.box)
    theme = canvas.template.theme
    mark_side = rect.height
    gap = round(mark_side * 0.3)
    wordmark = fit_text(
        theme.brand_name,
        theme.bold_font,
        max(1, rect.width - mark_side - gap),
        rect.height,
        max_size=round(mark_side * 0.52),
        min_size=round(mark_side * 0.3),
    )
    mark = logo_image(theme.logo_path, mark_side, rect.width // 2) if theme.logo_path else None
    mark_width = mark.width if mark else mark_side
    text = wordmark.lines[0]
    total = mark_width + gap + wordmark.line_width(text)
    x = _aligned_x(rect, total, element.align)
    if mark is not None:
        canvas.image.paste(mark, (x, rect.y), mark)
    else:
        disc, bean = badge_masks(mark_side)
        paste_colour(canvas.image, canvas.rgb("logo_mark"), (x, rect.y), disc)
        paste_colour(canvas.image, canvas.rgb("background_top"), (x, rect.y), bean)
    canvas.draw.text((x + mark_width + gap, rect.y + rect.height // 2), text,
                     font=wordmark.font, fill=canvas.rgb(element.colour), anchor="lm")


def _draw(canvas: _Canvas, element: Element, fields: BannerFields, texts: dict[str, str]) -> None:
    if isinstance(element, Shape):
        _draw_shape(canvas, element)
    elif isinstance(element, Text):
        _draw_text(canvas, element, texts)
    elif isinstance(element, CodeChip):
        _draw_code_chip(canvas, element, fields.code_box_text())
    elif isinstance(element, QrCode):
        _draw_qr(canvas, element, fields.share_url)
    elif isinstance(element, Logo):
        _draw_logo(canvas, element)
    else:
        raise TypeError(f"no drawing rule for {type(element).__name__}")


def render_image(template: Template, fields: BannerFields) -> Image.Image:
    canvas = _Canvas(template)
    texts = fields.texts()
    for element in template.layout.elements:
        _draw(canvas, element, fields, texts)
    return canvas.image


def fitted_texts(template: Template, fields: BannerFields) -> dict[str, FittedText]:
    """How each text field of the layout comes out (lines, size, whether an ellipsis cut it),
    without drawing: lets a caller or a test check that a label fits its box whole."""
    canvas = _Canvas(template)
    texts = fields.texts()
    return {
        element.field: _fit(canvas, element, texts[element.field])
        for element in template.layout.elements
        if isinstance(element, Text) and element.field in texts
    }


def encode_png(image: Image.Image) -> bytes:
    """PNG bytes that depend on the pixels only: Pillow writes no time or software chunks
    unless asked, and a fixed compression level keeps the encoder's choices fixed."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def render_banner(template: Template, fields: BannerFields) -> bytes:
    """The banner as PNG bytes; the same template and fields always give the same bytes."""
    return encode_png(render_image(template, fields))
