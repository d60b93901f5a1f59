"""Where a form may send the browser next: same-site paths only."""
from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(raw: str | None, default: str) -> str:
    """Only same-site paths: "/wallet" yes, "//evil.example" or "https://evil.example" no."""
    if not raw or not raw.startswith("/") or raw.startswith("//") or "\\" in raw:
        return default
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc:
        return default
    return raw
