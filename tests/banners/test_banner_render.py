"""Each template renders at its size, as a PNG, byte-identical on repeat; new templates are data."""
import dataclasses
import hashlib
import io
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from promo.banners import (
    ARABICA,
    TEMPLATES,
    CodeChip,
    Layout,
    Logo,
    QrCode,
    Shape,
    Template,
    Text,
    render_banner,
    render_image,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
EXPECTED_SIZES = {"square": (1080, 1080), "og": (1200, 630), "story": (1080, 1920)}


@pytest.mark.parametrize("name", sorted(EXPECTED_SIZES))
def test_template_renders_png_at_its_size(name, fields, banner_artifacts):
    png = render_banner(TEMPLATES[name], fields)

    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.size == EXPECTED_SIZES[name]
        # Nothing but pixels: no text chunks, no timestamps that would differ per render.
        assert not image.info.keys() & {"tIME", "Software", "Creation Time", "date:create"}
    (banner_artifacts / f"{name}.png").write_bytes(png)


@pytest.mark.parametrize("name", sorted(EXPECTED_SIZES))
def test_same_inputs_give_identical_bytes(name, fields):
    assert render_banner(TEMPLATES[name], fields) == render_banner(TEMPLATES[name], fields)


def test_bytes_are_identical_in_a_fresh_process(fields):
    """Font and mask caches warm up in-process; a cold process must draw the same bytes."""
    script = (
        "import hashlib, datetime\n"
        "from promo.banners import BannerFields, TEMPLATES, render_banner, discount_label\n"
        f"f = BannerFields(headline={fields.headline!r}, discount=discount_label('en_US', percent=20), code={fields.code!r},\n"
        f"    expires_on=datetime.date(2025, 12, 31), share_url={fields.share_url!r}, first_name={fields.first_name!r})\n"
        "print(hashlib.sha256(render_banner(TEMPLATES['og'], f)).hexdigest())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    in_process = hashlib.sha256(render_banner(TEMPLATES["og"], fields)).hexdigest()
    assert result.stdout.strip() == in_process


def test_concurrent_renders_match_sequential_ones(fields):
    """A threaded web server renders banners in parallel; shared font state must not leak."""
    variants = [dataclasses.replace(fields, code=f"CODE{i}", first_name=f"Name{i}") for i in range(6)]
    expected = [render_banner(TEMPLATES["og"], variant) for variant in variants]
    with ThreadPoolExecutor(max_workers=3) as pool:
        parallel = list(pool.map(lambda variant: render_banner(TEMPLATES["og"], variant), variants))
    assert parallel == expected


def test_different_fields_give_a_different_image(fields):
    other = dataclasses.replace(fields, code="WINTER30")
    assert render_banner(TEMPLATES["square"], fields) != render_banner(TEMPLATES["square"], other)


def test_a_new_template_is_only_a_description(fields, tmp_path):
    """A 728x250 leaderboard with another brand's colours and logo, drawn by the same renderer."""
    logo = Image.new("RGBA", (120, 60), (0, 0, 0, 0))
    logo.paste((30, 120, 200, 255), (10, 10, 110, 50))
    logo_path = tmp_path / "logo.png"
    logo.save(logo_path)
    berry = dataclasses.replace(
        ARABICA,
        name="berry",
        brand_name="Berry Bar",
        palette=dataclasses.replace(ARABICA.palette, background_top="#3b0a45",
                                    background_bottom="#7a1e6c", accent="#ffd166"),
        logo_path=str(logo_path),
    )
    leaderboard = Layout(
        name="leaderboard",
        width=728,
        height=250,
        elements=(
            Shape((0.7, 0.0, 0.3, 1.0), "rounded_rect", "card"),
            Logo((0.03, 0.08, 0.4, 0.16)),
            Text((0.03, 0.3, 0.4, 0.3), "headline", "text", size=0.12, min_size=0.06,
                 bold=True, max_lines=2),
            Text((0.45, 0.25, 0.24, 0.4), "discount", "accent", size=0.3, min_size=0.1,
                 bold=True, max_lines=2),
            CodeChip((0.03, 0.7, 0.4, 0.2), "chip_fill", "chip_text", size=0.1),
            QrCode((0.72, 0.08, 0.26, 0.84)),
        ),
    )
    image = render_image(Template("berry-leaderboard", leaderboard, berry), fields)

    assert image.size == (728, 250)
    # The palette reached the pixels: top-left is the new background, not Arabica's brown.
    assert image.getpixel((1, 1)) == (0x3B, 0x0A, 0x45)
    # The theme's logo image was drawn in place of the coffee-bean mark.
    logo_box = image.crop((22, 20, 22 + 80, 20 + 40))
    assert (30, 120, 200) in {colour for _, colour in logo_box.getcolors(maxcolors=100_000)}


@pytest.mark.parametrize("name", sorted(EXPECTED_SIZES))
def test_a_long_name_stays_inside_its_box(name, fields):
    """The personal line is drawn inside its box and nowhere else, however long the name."""
    template = TEMPLATES[name]
    width, height = EXPECTED_SIZES[name]
    long_name = "Maximiliana-Bartholomea Wolfeschlegelsteinhausenbergerdorff"
    with_name = render_image(template, dataclasses.replace(fields, first_name=long_name))
    without_name = render_image(template, dataclasses.replace(fields, first_name=None))

    changed = ImageChops.difference(with_name, without_name).getbbox()
    (name_element,) = [e for e in template.layout.elements
                       if isinstance(e, Text) and e.field == "name"]
    x, y, w, h = name_element.box
    name_box = (x * width, y * height, (x + w) * width, (y + h) * height)
    assert changed is not None
    assert name_box[0] <= changed[0] and name_box[1] <= changed[1]
    assert changed[2] <= name_box[2] and changed[3] <= name_box[3]
