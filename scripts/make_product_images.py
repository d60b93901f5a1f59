#!/usr/bin/env python3
"""Draw the demo store's product images as SVG into static/img/products/.

The store must run offline, so every picture is made here rather than fetched. Each product is
one `Art` (what to draw and in which colours); the drawing functions share one canvas, one
light source and one palette per category, so the catalogue looks like one brand.

    .venv/bin/python scripts/make_product_images.py        # rewrite every image
    .venv/bin/python scripts/make_product_images.py --check  # exit 1 if a committed image is stale

Images are named after the SKU in lower case (``ARA-ETH-YIRG`` -> ``ara-eth-yirg.svg``); the
templates rely on that convention.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from html import escape
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent.parent / "static" / "img" / "products"
SIZE = 400
SERIF = "Georgia, 'DejaVu Serif', serif"
SANS = "'DejaVu Sans', system-ui, sans-serif"
INK = "#2b2118"

# Backdrop and accent per category: a shopper should tell the aisles apart at a glance.
BACKDROPS = {
    "arabica": ("#f6ead9", "#ecd6b8"),
    "blends": ("#ece7e1", "#d9cfc4"),
    "brewing-gear": ("#e4eeec", "#c9dcd8"),
    "merch": ("#f3e6e3", "#e5cbc5"),
    "gift-cards": ("#e7ebf4", "#cdd5e8"),
}


@dataclass(frozen=True)
class Art:
    sku: str
    category: str
    kind: str            # bag, dripper, filters, grinder, kettle, press, scale, mug, tumbler, tee, tote, card
    title: str = ""      # big label text (origin, blend name)
    subtitle: str = ""   # small label text (roast, region)
    colour: str = "#7a4a24"
    bag: str = "#c49a6c"  # bag paper colour for coffee


ARTS: tuple[Art, ...] = (
    # Single-origin arabica: kraft bags, a label colour per origin.
    Art("ARA-ETH-YIRG", "arabica", "bag", "Ethiopia", "Yirgacheffe · light", "#d99a2b"),
    Art("ARA-KEN-NYERI", "arabica", "bag", "Kenya", "Nyeri AA · light", "#b8412c"),
    Art("ARA-COL-HUILA", "arabica", "bag", "Colombia", "Huila · medium", "#2f7d5b"),
    Art("ARA-GUA-ANTIGUA", "arabica", "bag", "Guatemala", "Antigua · medium", "#34589c"),
    Art("ARA-CRI-TARRAZU", "arabica", "bag", "Costa Rica", "Tarrazú · medium", "#7d4b99"),
    Art("ARA-PAN-GEISHA", "arabica", "bag", "Panama", "Geisha · light", "#a07a1f"),
    Art("ARA-BRA-CERRADO", "arabica", "bag", "Brazil", "Cerrado · medium-dark", "#2d7f7a"),
    # Blends: dark bags, bright labels.
    Art("BLD-HOUSE", "blends", "bag", "House", "Blend · medium", "#c8742e", "#3a302a"),
    Art("BLD-ESPRESSO", "blends", "bag", "Espresso", "Forte · dark", "#a3372b", "#2a2420"),
    Art("BLD-MORNING", "blends", "bag", "Morning", "Light · light", "#d2a12c", "#4a3f37"),
    Art("BLD-DECAF", "blends", "bag", "Decaf", "Swiss water · medium", "#3d7a9c", "#3a302a"),
    Art("BLD-MIDNIGHT", "blends", "bag", "Midnight", "Roast · dark", "#5a4a8c", "#231e1b"),
    # Brewing gear.
    Art("GEAR-DRIPPER", "brewing-gear", "dripper", colour="#f7f4ef"),
    Art("GEAR-FILTERS", "brewing-gear", "filters", colour="#f4ecdd"),
    Art("GEAR-GRINDER", "brewing-gear", "grinder", colour="#4b5358"),
    Art("GEAR-KETTLE", "brewing-gear", "kettle", colour="#2f3437"),
    Art("GEAR-PRESS", "brewing-gear", "press", colour="#b9c4c8"),
    Art("GEAR-SCALE", "brewing-gear", "scale", colour="#23282b"),
    # Merch.
    Art("MERCH-TOTE", "merch", "tote", colour="#efe3cc"),
    Art("MERCH-MUG", "merch", "mug", colour="#3f6f8f"),
    Art("MERCH-TUMBLER", "merch", "tumbler", colour="#8a3b2f"),
    Art("MERCH-TEE", "merch", "tee", colour="#2f4b3f"),
    # Gift cards: one colour per denomination; the amount is in the product name, not the
    # picture, so the same image serves every currency.
    Art("GIFT-S", "gift-cards", "card", "Gift card", "Small", "#2f7d6b"),
    Art("GIFT-M", "gift-cards", "card", "Gift card", "Medium", "#7a4a24"),
    Art("GIFT-L", "gift-cards", "card", "Gift card", "Large", "#1f3d6b"),
)


def _shade(hex_colour: str, factor: float) -> str:
    """Darken (factor < 1) or lighten (factor > 1) a #rrggbb colour."""
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    if factor < 1:
        r, g, b = (round(c * factor) for c in (r, g, b))
    else:
        r, g, b = (round(c + (255 - c) * (factor - 1)) for c in (r, g, b))
    return f"#{r:02x}{g:02x}{b:02x}"


def _text(x: float, y: float, text: str, size: float, fill: str, *, family: str = SANS,
          weight: str = "normal", spacing: float = 0) -> str:
    extra = f' letter-spacing="{spacing}"' if spacing else ""
    return (f'<text x="{x}" y="{y}" font-family="{family}" font-size="{size}" font-weight="{weight}" '
            f'fill="{fill}" text-anchor="middle"{extra}>{escape(text)}</text>')


def _floor_shadow(width: float, y: float = 352) -> str:
    return f'<ellipse cx="200" cy="{y}" rx="{width / 2}" ry="12" fill="#000" opacity="0.10"/>'


def draw_bag(art: Art) -> str:
    paper = art.bag
    dark = _shade(paper, 0.8)
    light = _shade(paper, 1.15)
    label_ink = INK
    crimp = "".join(
        f'<line x1="{x}" y1="62" x2="{x}" y2="88" stroke="{_shade(paper, 0.7)}" stroke-width="2"/>'
        for x in range(132, 272, 10)
    )
    return f"""
  {_floor_shadow(220)}
  <path d="M118 92 L282 92 L304 334 Q305 350 290 350 L110 350 Q95 350 96 334 Z" fill="{paper}"/>
  <path d="M118 92 L150 92 L136 350 L110 350 Q95 350 96 334 Z" fill="{light}" opacity="0.45"/>
  <path d="M250 92 L282 92 L304 334 Q305 350 290 350 L262 350 Z" fill="{dark}" opacity="0.35"/>
  <rect x="118" y="58" width="164" height="36" rx="4" fill="{dark}"/>
  {crimp}
  <circle cx="200" cy="126" r="9" fill="{dark}"/><circle cx="200" cy="126" r="4" fill="{light}"/>
  <rect x="132" y="160" width="136" height="142" rx="10" fill="#fffaf2"/>
  <rect x="132" y="160" width="136" height="30" rx="10" fill="{art.colour}"/>
  <rect x="132" y="178" width="136" height="12" fill="{art.colour}"/>
  {_text(200, 181, "ARABICA & CO.", 11, "#ffffff", weight="bold", spacing=1.5)}
  {_text(200, 232, art.title, 24 if len(art.title) < 9 else 20, label_ink, family=SERIF, weight="bold")}
  {_text(200, 256, art.subtitle, 11.5, "#5b4d43")}
  <line x1="160" y1="272" x2="240" y2="272" stroke="{art.colour}" stroke-width="2"/>
  {_text(200, 291, "340 g · whole bean", 10.5, "#5b4d43")}
"""


def draw_dripper(art: Art) -> str:
    body, edge = art.colour, "#c9c1b5"
    ribs = "".join(
        f'<line x1="{x1}" y1="150" x2="{x2}" y2="238" stroke="{edge}" stroke-width="2" opacity="0.7"/>'
        for x1, x2 in ((160, 184), (185, 193), (215, 207), (240, 216))
    )
    return f"""
  {_floor_shadow(200)}
  <rect x="128" y="300" width="144" height="44" rx="8" fill="#7a5a43"/>
  <rect x="140" y="268" width="120" height="36" rx="6" fill="#fff" opacity="0.55"/>
  <path d="M112 112 L288 112 L232 246 L168 246 Z" fill="{body}" stroke="{edge}" stroke-width="3"/>
  <path d="M288 134 q46 4 40 46 q-6 30 -62 26" fill="none" stroke="{body}" stroke-width="16" stroke-linecap="round"/>
  <path d="M288 134 q46 4 40 46 q-6 30 -62 26" fill="none" stroke="{edge}" stroke-width="2"/>
  {ribs}
  <ellipse cx="200" cy="112" rx="88" ry="14" fill="#e9e1d4" stroke="{edge}" stroke-width="3"/>
  <ellipse cx="200" cy="112" rx="70" ry="8" fill="#5b3a22"/>
  <rect x="146" y="244" width="108" height="14" rx="6" fill="{body}" stroke="{edge}" stroke-width="3"/>
  <path d="M196 258 L204 258 L202 286 L198 286 Z" fill="#5b3a22"/>
"""


def draw_filters(art: Art) -> str:
    cones = []
    for index, (dx, dy) in enumerate(((-46, 18), (0, 0), (46, 18))):
        fill = _shade(art.colour, 1 - 0.04 * index)
        cx, top = 200 + dx, 96 + dy
        cones.append(
            f'<path d="M{cx - 78} {top} L{cx + 78} {top} L{cx + 22} {top + 210} L{cx - 22} {top + 210} Z" '
            f'fill="{fill}" stroke="#d8c9ae" stroke-width="2"/>'
            f'<path d="M{cx - 78} {top} L{cx + 78} {top} L{cx + 74} {top + 14} L{cx - 74} {top + 14} Z" '
            f'fill="#e8dcc4"/>'
        )
    return f"""
  {_floor_shadow(240)}
  {''.join(cones)}
  <rect x="140" y="226" width="120" height="44" rx="8" fill="#7a4a24"/>
  {_text(200, 246, "PAPER FILTERS", 12, "#fff", weight="bold", spacing=1)}
  {_text(200, 262, "size 02 · 100 pcs", 10.5, "#f6ead9")}
"""


def draw_grinder(art: Art) -> str:
    metal, light = art.colour, _shade(art.colour, 1.5)
    return f"""
  {_floor_shadow(140)}
  <rect x="160" y="128" width="80" height="220" rx="14" fill="{metal}"/>
  <rect x="168" y="128" width="16" height="220" fill="{light}" opacity="0.35"/>
  <rect x="152" y="236" width="96" height="14" rx="4" fill="#8a6a4f"/>
  <rect x="152" y="112" width="96" height="22" rx="6" fill="{_shade(metal, 0.7)}"/>
  <rect x="194" y="86" width="12" height="30" fill="{_shade(metal, 0.7)}"/>
  <rect x="200" y="78" width="104" height="12" rx="6" fill="{_shade(metal, 0.8)}"/>
  <circle cx="300" cy="70" r="16" fill="#8a6a4f"/>
  <circle cx="200" cy="84" r="10" fill="{light}"/>
"""


def draw_kettle(art: Art) -> str:
    body = art.colour
    return f"""
  {_floor_shadow(220)}
  <path d="M130 180 Q130 150 160 150 L240 150 Q270 150 270 180 L282 330 Q282 346 266 346 L134 346 Q118 346 118 330 Z" fill="{body}"/>
  <path d="M146 160 L168 160 L156 340 L136 340 Z" fill="#fff" opacity="0.12"/>
  <path d="M126 300 C 84 300, 92 196, 50 168" fill="none" stroke="{body}" stroke-width="11" stroke-linecap="round"/>
  <path d="M50 168 L38 156" stroke="{body}" stroke-width="7" stroke-linecap="round"/>
  <path d="M270 186 Q326 190 322 246 Q318 290 276 296" fill="none" stroke="#a0774f" stroke-width="16" stroke-linecap="round"/>
  <rect x="150" y="136" width="100" height="18" rx="8" fill="{_shade(body, 0.75)}"/>
  <circle cx="200" cy="126" r="12" fill="#a0774f"/>
"""


def draw_press(art: Art) -> str:
    glass = art.colour
    return f"""
  {_floor_shadow(190)}
  <rect x="146" y="130" width="108" height="206" rx="10" fill="{glass}" opacity="0.55" stroke="#6d7b80" stroke-width="3"/>
  <rect x="150" y="214" width="100" height="118" rx="6" fill="#5b3a22"/>
  <rect x="150" y="206" width="100" height="12" fill="#c89a6a"/>
  <rect x="138" y="330" width="124" height="16" rx="6" fill="#3b4347"/>
  <rect x="138" y="116" width="124" height="18" rx="6" fill="#3b4347"/>
  <rect x="194" y="70" width="12" height="150" fill="#7d8a8f"/>
  <circle cx="200" cy="66" r="14" fill="#3b4347"/>
  <path d="M254 156 Q300 156 300 200 L300 270 Q300 300 254 300" fill="none" stroke="#3b4347" stroke-width="14"/>
  <rect x="158" y="140" width="10" height="180" fill="#fff" opacity="0.4"/>
"""


def draw_scale(art: Art) -> str:
    return f"""
  {_floor_shadow(260, 322)}
  <rect x="72" y="238" width="256" height="80" rx="16" fill="{art.colour}"/>
  <rect x="84" y="222" width="232" height="24" rx="10" fill="#3b4246"/>
  <rect x="150" y="262" width="100" height="34" rx="6" fill="#0f1a14"/>
  {_text(200, 286, "18.0 g", 20, "#7ef0a8", family="'DejaVu Sans Mono', monospace", weight="bold")}
  <circle cx="282" cy="280" r="9" fill="#5c6569"/><circle cx="118" cy="280" r="9" fill="#5c6569"/>
  <path d="M150 222 q10 -60 50 -70 q40 10 50 70 Z" fill="#f7f4ef" stroke="#c9c1b5" stroke-width="3"/>
"""


def draw_mug(art: Art) -> str:
    glaze = art.colour
    return f"""
  {_floor_shadow(200)}
  <path d="M256 178 q62 0 58 56 q-4 52 -58 52" fill="none" stroke="{glaze}" stroke-width="20"/>
  <path d="M124 150 L276 150 L268 334 Q266 348 250 348 L150 348 Q134 348 132 334 Z" fill="{glaze}"/>
  <path d="M136 160 L160 160 L158 340 L146 340 Z" fill="#fff" opacity="0.15"/>
  <ellipse cx="200" cy="150" rx="76" ry="14" fill="{_shade(glaze, 0.7)}"/>
  <ellipse cx="200" cy="152" rx="66" ry="9" fill="#4a2c17"/>
  <circle cx="200" cy="246" r="34" fill="none" stroke="#fffaf2" stroke-width="3"/>
  {_text(200, 244, "A&C", 18, "#fffaf2", family=SERIF, weight="bold")}
  {_text(200, 262, "EST. 2012", 8, "#fffaf2", spacing=1)}
"""


def draw_tumbler(art: Art) -> str:
    body = art.colour
    return f"""
  {_floor_shadow(140)}
  <path d="M150 112 L250 112 L236 340 Q234 350 222 350 L178 350 Q166 350 164 340 Z" fill="{body}"/>
  <path d="M158 120 L176 120 L172 344 L166 344 Z" fill="#fff" opacity="0.18"/>
  <rect x="142" y="84" width="116" height="32" rx="10" fill="#2f2a26"/>
  <rect x="180" y="76" width="40" height="12" rx="4" fill="#2f2a26"/>
  <rect x="160" y="214" width="80" height="40" rx="6" fill="#fffaf2" opacity="0.92"/>
  {_text(200, 239, "ARABICA & CO.", 8.5, INK, weight="bold", spacing=0.5)}
"""


def draw_tee(art: Art) -> str:
    cloth = art.colour
    return f"""
  {_floor_shadow(220)}
  <path d="M150 86 Q200 116 250 86 L330 120 L304 184 L276 172 L276 346 L124 346 L124 172 L96 184 L70 120 Z" fill="{cloth}"/>
  <path d="M150 86 Q200 116 250 86 Q200 102 150 86 Z" fill="{_shade(cloth, 0.7)}"/>
  <path d="M124 172 L124 346 L150 346 L146 180 Z" fill="#000" opacity="0.08"/>
  <circle cx="200" cy="196" r="30" fill="none" stroke="#f6ead9" stroke-width="3"/>
  <path d="M200 176 q-14 20 0 40 q14 -20 0 -40 Z" fill="#f6ead9"/>
  {_text(200, 252, "ARABICA & CO.", 12, "#f6ead9", weight="bold", spacing=1.5)}
"""


def draw_tote(art: Art) -> str:
    canvas = art.colour
    return f"""
  {_floor_shadow(220)}
  <path d="M150 158 Q150 70 200 70 Q250 70 250 158" fill="none" stroke="#7a5a43" stroke-width="12"/>
  <rect x="100" y="150" width="200" height="198" rx="6" fill="{canvas}"/>
  <rect x="100" y="150" width="200" height="14" fill="{_shade(canvas, 0.9)}"/>
  <path d="M100 164 L120 164 L120 348 L106 348 Q100 348 100 342 Z" fill="#000" opacity="0.05"/>
  <circle cx="200" cy="232" r="36" fill="none" stroke="#7a4a24" stroke-width="3"/>
  <path d="M200 208 q-16 24 0 48 q16 -24 0 -48 Z" fill="#7a4a24"/>
  {_text(200, 300, "ARABICA & CO.", 14, "#7a4a24", family=SERIF, weight="bold", spacing=1)}
  {_text(200, 320, "carry good coffee", 10, "#7a4a24")}
"""


def draw_card(art: Art) -> str:
    base = art.colour
    return f"""
  {_floor_shadow(260, 320)}
  <g transform="rotate(-6 200 210)">
    <rect x="72" y="126" width="256" height="164" rx="16" fill="{base}"/>
    <circle cx="300" cy="150" r="90" fill="#fff" opacity="0.07"/>
    <circle cx="96" cy="290" r="70" fill="#fff" opacity="0.06"/>
    <path d="M112 160 q-12 18 0 36 q12 -18 0 -36 Z" fill="#f6ead9"/>
    <text x="128" y="184" font-family="{SERIF}" font-size="15" font-weight="bold" fill="#fffaf2">Arabica &amp; Co.</text>
    <text x="96" y="252" font-family="{SERIF}" font-size="28" font-weight="bold" fill="#fffaf2">{escape(art.title)}</text>
    <text x="96" y="274" font-family="{SANS}" font-size="12" fill="#f6ead9" letter-spacing="2">{escape(art.subtitle.upper())}</text>
    <rect x="270" y="236" width="40" height="30" rx="5" fill="#e6c36a"/>
    <line x1="270" y1="251" x2="310" y2="251" stroke="#b8963f" stroke-width="2"/>
  </g>
"""


DRAWERS = {
    "bag": draw_bag, "dripper": draw_dripper, "filters": draw_filters, "grinder": draw_grinder,
    "kettle": draw_kettle, "press": draw_press, "scale": draw_scale, "mug": draw_mug,
    "tumbler": draw_tumbler, "tee": draw_tee, "tote": draw_tote, "card": draw_card,
}


def render(art: Art) -> str:
    top, bottom = BACKDROPS[art.category]
    gradient_id = f"bg-{art.sku.lower()}"
    return f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" width="{SIZE}" height="{SIZE}" role="img" aria-hidden="true">
  <defs>
    <linearGradient id="{gradient_id}" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="{top}"/>
      <stop offset="1" stop-color="{bottom}"/>
    </linearGradient>
  </defs>
  <rect width="{SIZE}" height="{SIZE}" fill="url(#{gradient_id})"/>{DRAWERS[art.kind](art)}</svg>
"""


def image_name(sku: str) -> str:
    return f"{sku.lower()}.svg"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a committed image differs")
    args = parser.parse_args(argv)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    stale = []
    for art in ARTS:
        path = OUT_DIR / image_name(art.sku)
        svg = render(art)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != svg:
                stale.append(path.name)
        else:
            path.write_text(svg, encoding="utf-8")
    if stale:
        print("stale product images (run scripts/make_product_images.py):", ", ".join(stale))
        return 1
    if not args.check:
        print(f"wrote {len(ARTS)} images to {OUT_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
