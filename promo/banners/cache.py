"""Rendered banners on disk, keyed by a hash of everything that decides their pixels."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import PIL
from PIL import features

from .fields import BannerFields
from .render import RENDERER_VERSION, render_banner
from .templates import Template

Renderer = Callable[[Template, BannerFields], bytes]

_PNG_START = b"\x89PNG\r\n\x1a\n"
_PNG_END = b"IEND\xaeB`\x82"


@lru_cache(maxsize=64)
def _file_digest(path: str, modified_ns: int, size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _asset_digest(path: str) -> str:
    stat = os.stat(path)
    return _file_digest(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _template_fingerprint(template: Template) -> str:
    """The template description plus the bytes of its fonts and logo: replacing a font file
    under the same name must still change the key."""
    theme = template.theme
    assets = [theme.regular_font, theme.bold_font] + ([theme.logo_path] if theme.logo_path else [])
    description = {
        "template": dataclasses.asdict(template),
        "assets": {path: _asset_digest(path) for path in assets},
    }
    return json.dumps(description, sort_keys=True)


def banner_key(template: Template, fields: BannerFields) -> str:
    """Content hash of template description + fields + renderer (and the Pillow/FreeType that
    rasterise it, since their output may shift between versions)."""
    material = json.dumps(
        {
            "renderer": RENDERER_VERSION,
            "pillow": PIL.__version__,
            "freetype": features.version("freetype2"),
            "template": _template_fingerprint(template),
            "fields": dataclasses.asdict(fields),
        },
        sort_keys=True,
        default=str,  # dates
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


class BannerCache:
    """PNG files under `directory`, written atomically so readers never see half a file."""

    def __init__(self, directory: str | os.PathLike[str], render: Renderer = render_banner) -> None:
        self.directory = Path(directory)
        self._render = render

    def etag_for(self, template: Template, fields: BannerFields) -> str:
        """The ETag get_or_render will return, without rendering or reading: enough to answer 304."""
        return banner_key(template, fields)

    def path_for(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.png"

    def get_or_render(self, template: Template, fields: BannerFields) -> tuple[bytes, str]:
        key = banner_key(template, fields)
        path = self.path_for(key)
        try:
            png = path.read_bytes()
        except FileNotFoundError:
            png = b""
        # A file cut short (disk full, a crash before data reached the disk) is rendered again.
        if not (png.startswith(_PNG_START) and png.endswith(_PNG_END)):
            png = self._render(template, fields)
            self._store(path, png)
        return png, key

    def _store(self, path: Path, png: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(png)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
