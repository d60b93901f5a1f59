"""The QR code on every banner decodes (with Debian's zbarimg) to the share URL."""
import dataclasses
import shutil
import subprocess

import pytest

from promo.banners import MAX_SHARE_URL, TEMPLATES, render_banner

pytestmark = pytest.mark.skipif(shutil.which("zbarimg") is None,
                                reason="zbarimg (Debian zbar-tools) is not installed")


def decode_qr(png_path) -> list[str]:
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png_path)],
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 0, f"zbarimg found no QR code: {result.stderr}"
    return result.stdout.splitlines()


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_qr_decodes_to_the_share_url(name, fields, tmp_path):
    path = tmp_path / f"{name}.png"
    path.write_bytes(render_banner(TEMPLATES[name], fields))

    assert decode_qr(path) == [fields.share_url]


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_longest_allowed_share_url_still_decodes(name, fields, tmp_path):
    base = "https://shop.example/share/AUTUMN20?ref="
    url = base + "x" * (MAX_SHARE_URL - len(base))
    path = tmp_path / f"{name}-long.png"
    path.write_bytes(render_banner(TEMPLATES[name], dataclasses.replace(fields, share_url=url)))

    assert decode_qr(path) == [url]


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_an_automatic_offers_qr_leads_to_the_store(name, fields, tmp_path):
    automatic = dataclasses.replace(fields, discount="BUY 3, CHEAPEST FREE", code=None,
                                    share_url="https://shop.example/")
    path = tmp_path / f"{name}-automatic.png"
    path.write_bytes(render_banner(TEMPLATES[name], automatic))

    assert decode_qr(path) == ["https://shop.example/"]
