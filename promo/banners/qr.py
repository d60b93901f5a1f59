"""QR code of the share URL, drawn module by module so every module is a whole number of pixels."""
from __future__ import annotations

import qrcode
from PIL import Image

# Modules of light margin around the symbol; 4 is the spec, readers (zbar, phone cameras)
# manage with 3 and the card edge gives a little more.
QUIET_ZONE = 3


def qr_modules(data: str) -> list[list[bool]]:
    """Dark/light module grid without quiet zone, at error correction level M."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def qr_mask(data: str, side: int) -> tuple[Image.Image, int]:
    """An "L" mask (255 = dark module) of the symbol plus quiet zone, at most side x side px,
    and the module size in px."""
    modules = qr_modules(data)
    count = len(modules)
    module_px = side // (count + 2 * QUIET_ZONE)
    if module_px < 2:
        raise ValueError(f"a {count}-module QR code does not fit {side}px legibly")
    grid = Image.new("L", (count, count), 0)
    grid.putdata([255 if dark else 0 for row in modules for dark in row])
    symbol = grid.resize((count * module_px, count * module_px), Image.Resampling.NEAREST)
    full = (count + 2 * QUIET_ZONE) * module_px
    mask = Image.new("L", (full, full), 0)
    mask.paste(symbol, (QUIET_ZONE * module_px, QUIET_ZONE * module_px))
    return mask, module_px
