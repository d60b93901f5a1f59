"""Banner templates as data: a Layout (where things go) plus a Theme (how they look).

A new template is a new description, never new drawing code. Geometry is in fractions of the
canvas so a layout reads the same at any size:
- boxes are (x, y, width, height), each a fraction of the canvas width or height;
- font sizes and corner radii are fractions of the canvas's shorter side.
Colours are named by role ("accent", "ink", ...) and looked up in the theme's Palette, so one
layout serves every brand.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal

from .errors import UnknownTemplate
from .fonts import BOLD_FONT, REGULAR_FONT

Box = tuple[float, float, float, float]
Align = Literal["left", "center", "right"]
VerticalAlign = Literal["top", "middle", "bottom"]

# Text a layout can place; the renderer fills each from BannerFields (see texts.py).
TEXT_FIELDS = ("headline", "discount", "name", "expiry", "code_caption", "scan_hint")


@dataclass(frozen=True)
class Palette:
    """Colours by role, as "#rrggbb"."""

    background_top: str
    background_bottom: str
    glow: str
    accent: str
    text: str
    muted: str
    card: str
    ink: str
    ink_muted: str
    chip_fill: str
    chip_text: str
    qr_dark: str
    qr_light: str
    logo_mark: str

    def __post_init__(self) -> None:
        for role in fields(self):
            value = getattr(self, role.name)
            hex_digits = value[1:] if isinstance(value, str) and value.startswith("#") else ""
            if len(hex_digits) != 6 or not all(c in "0123456789abcdefABCDEF" for c in hex_digits):
                raise ValueError(f"palette colour {role.name}={value!r} is not #rrggbb")

    def rgb(self, role: str) -> tuple[int, int, int]:
        value = getattr(self, role)
        return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


COLOUR_ROLES = frozenset(role.name for role in fields(Palette))


def _check_colour(role: str) -> None:
    if role not in COLOUR_ROLES:
        raise ValueError(f"unknown colour role {role!r}; use one of {sorted(COLOUR_ROLES)}")


@dataclass(frozen=True)
class Theme:
    name: str
    brand_name: str
    palette: Palette
    regular_font: str = REGULAR_FONT
    bold_font: str = BOLD_FONT
    # A logo image (PNG with transparency works best); None draws the built-in coffee-bean mark.
    logo_path: str | None = None


@dataclass(frozen=True)
class Shape:
    """A decorative colour block. kind "glow" is a soft radial light, "ring" an outline circle."""

    box: Box
    kind: Literal["ellipse", "ring", "rounded_rect", "glow"]
    colour: str
    opacity: float = 1.0
    radius: float = 0.0
    stroke: float = 0.0

    def __post_init__(self) -> None:
        _check_colour(self.colour)
        if not 0.0 <= self.opacity <= 1.0:
            raise ValueError("opacity is between 0 and 1")


@dataclass(frozen=True)
class Text:
    """One text field, shrunk from `size` down to `min_size` and wrapped to fit its box."""

    box: Box
    field: str
    colour: str
    size: float
    min_size: float
    bold: bool = False
    max_lines: int = 1
    align: Align = "left"
    valign: VerticalAlign = "middle"
    uppercase: bool = False
    line_spacing: float = 1.08

    def __post_init__(self) -> None:
        _check_colour(self.colour)
        if self.field not in TEXT_FIELDS:
            raise ValueError(f"unknown text field {self.field!r}; use one of {TEXT_FIELDS}")
        if not 0 < self.min_size <= self.size:
            raise ValueError("need 0 < min_size <= size")


@dataclass(frozen=True)
class CodeChip:
    """The promo code in a rounded pill that hugs the text, aligned within its box.

    Unlike other text a code is never cut with an ellipsis (a partial code is useless):
    it shrinks below `size` as far as its box requires.
    """

    box: Box
    fill: str
    colour: str
    size: float
    outline: str | None = None
    align: Align = "left"

    def __post_init__(self) -> None:
        for role in (self.fill, self.colour) + ((self.outline,) if self.outline else ()):
            _check_colour(role)


@dataclass(frozen=True)
class QrCode:
    """A QR code of the share URL on a light card, the largest square that fits the box."""

    box: Box
    align: Align = "center"


@dataclass(frozen=True)
class Logo:
    """The brand mark followed by the brand name, as tall as the box."""

    box: Box
    colour: str = "text"
    align: Align = "left"

    def __post_init__(self) -> None:
        _check_colour(self.colour)


Element = Shape | Text | CodeChip | QrCode | Logo


@dataclass(frozen=True)
class Layout:
    name: str
    width: int
    height: int
    elements: tuple[Element, ...]
    # Vertical gradient between these two palette roles.
    gradient: tuple[str, str] = ("background_top", "background_bottom")

    def __post_init__(self) -> None:
        if not (100 <= self.width <= 4000 and 100 <= self.height <= 4000):
            raise ValueError("layouts are between 100 and 4000 px on each side")
        for role in self.gradient:
            _check_colour(role)


@dataclass(frozen=True)
class Template:
    name: str
    layout: Layout
    theme: Theme

    @property
    def size(self) -> tuple[int, int]:
        return self.layout.width, self.layout.height


ARABICA = Theme(
    name="arabica",
    brand_name="Arabica & Co.",
    palette=Palette(
        background_top="#24140d",
        background_bottom="#5b3421",
        glow="#d9894a",
        accent="#f6b860",
        text="#fff5ea",
        muted="#e3c9ae",
        card="#f7ecdf",
        ink="#2a170f",
        ink_muted="#7a5a45",
        chip_fill="#2a170f",
        chip_text="#f6b860",
        qr_dark="#1b0f09",
        qr_light="#ffffff",
        logo_mark="#f6b860",
    ),
)


SQUARE = Layout(
    name="square",
    width=1080,
    height=1080,
    elements=(
        Shape((0.42, -0.42, 1.0, 1.0), "glow", "glow", opacity=0.55),
        Shape((-0.35, 0.38, 0.8, 0.8), "glow", "glow", opacity=0.25),
        Shape((0.66, -0.14, 0.5, 0.5), "ring", "accent", opacity=0.35, stroke=0.006),
        Shape((0.74, -0.06, 0.34, 0.34), "ring", "accent", opacity=0.2, stroke=0.004),
        Logo((0.074, 0.07, 0.6, 0.062)),
        Text((0.074, 0.2, 0.8, 0.05), "name", "accent", size=0.042, min_size=0.03),
        Text((0.074, 0.25, 0.82, 0.17), "headline", "text", size=0.07, min_size=0.04,
             bold=True, max_lines=2, valign="bottom"),
        Text((0.074, 0.425, 0.852, 0.205), "discount", "accent", size=0.19, min_size=0.06,
             bold=True, max_lines=2, line_spacing=1.0),
        Shape((0.045, 0.675, 0.91, 0.28), "rounded_rect", "card", radius=0.04),
        Text((0.09, 0.705, 0.52, 0.04), "code_caption", "ink_muted", size=0.03,
             min_size=0.022, uppercase=True),
        CodeChip((0.09, 0.752, 0.54, 0.1), "chip_fill", "chip_text", size=0.056,
                 outline="accent"),
        Text((0.09, 0.868, 0.54, 0.05), "expiry", "ink", size=0.032, min_size=0.022),
        QrCode((0.685, 0.695, 0.24, 0.24), align="right"),
    ),
)

OPEN_GRAPH = Layout(
    name="og",
    width=1200,
    height=630,
    elements=(
        Shape((0.3, -0.5, 0.7, 1.3), "glow", "glow", opacity=0.45),
        Shape((0.5, 0.56, 0.3, 0.5714), "ring", "accent", opacity=0.3, stroke=0.008),
        Shape((0.695, 0.0, 0.305, 1.0), "rounded_rect", "card"),
        Logo((0.05, 0.08, 0.5, 0.09)),
        Text((0.05, 0.23, 0.6, 0.065), "name", "accent", size=0.055, min_size=0.04),
        Text((0.05, 0.3, 0.6, 0.18), "headline", "text", size=0.085, min_size=0.05,
             bold=True, max_lines=2, valign="bottom"),
        Text((0.05, 0.49, 0.6, 0.2), "discount", "accent", size=0.2, min_size=0.07, bold=True,
             max_lines=2, line_spacing=1.0),
        CodeChip((0.05, 0.72, 0.42, 0.12), "chip_fill", "chip_text", size=0.065,
                 outline="accent"),
        Text((0.05, 0.86, 0.6, 0.07), "expiry", "muted", size=0.045, min_size=0.032),
        QrCode((0.7375, 0.225, 0.225, 0.4286)),
        Text((0.715, 0.665, 0.265, 0.08), "scan_hint", "ink", size=0.048, min_size=0.03,
             bold=True, align="center"),
    ),
)

STORY = Layout(
    name="story",
    width=1080,
    height=1920,
    elements=(
        Shape((-0.3, -0.25, 1.6, 0.75), "glow", "glow", opacity=0.5),
        Shape((0.4, 0.45, 1.0, 0.5), "glow", "glow", opacity=0.2),
        Shape((-0.25, 0.08, 0.6, 0.3375), "ring", "accent", opacity=0.25, stroke=0.006),
        Shape((0.7, 0.3, 0.5, 0.28125), "ring", "accent", opacity=0.2, stroke=0.005),
        Logo((0.1, 0.058, 0.8, 0.042), align="center"),
        Text((0.1, 0.155, 0.8, 0.035), "name", "accent", size=0.05, min_size=0.035,
             align="center"),
        Text((0.08, 0.195, 0.84, 0.13), "headline", "text", size=0.085, min_size=0.05,
             bold=True, max_lines=3, align="center"),
        Text((0.05, 0.335, 0.9, 0.22), "discount", "accent", size=0.28, min_size=0.07,
             bold=True, max_lines=3, align="center", line_spacing=1.0),
        Shape((0.07, 0.585, 0.86, 0.36), "rounded_rect", "card", radius=0.06),
        Text((0.15, 0.605, 0.7, 0.03), "code_caption", "ink_muted", size=0.036,
             min_size=0.025, align="center", uppercase=True),
        CodeChip((0.13, 0.64, 0.74, 0.065), "chip_fill", "chip_text", size=0.07,
                 outline="accent", align="center"),
        Text((0.12, 0.715, 0.76, 0.03), "expiry", "ink", size=0.036, min_size=0.026,
             align="center"),
        QrCode((0.3, 0.76, 0.4, 0.13)),
        Text((0.15, 0.895, 0.7, 0.03), "scan_hint", "ink_muted", size=0.036, min_size=0.025,
             bold=True, align="center"),
    ),
)

LAYOUTS: tuple[Layout, ...] = (SQUARE, OPEN_GRAPH, STORY)

TEMPLATES: dict[str, Template] = {
    layout.name: Template(name=layout.name, layout=layout, theme=ARABICA) for layout in LAYOUTS
}


def get_template(name: str) -> Template:
    try:
        return TEMPLATES[name]
    except KeyError:
        raise UnknownTemplate(
            f"unknown banner template {name!r}; choose one of {', '.join(sorted(TEMPLATES))}"
        ) from None
