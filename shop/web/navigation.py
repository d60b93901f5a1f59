"""Where a form may send the browser next: same-site paths only."""
from __future__ import annotations

from urllib.parse import urlsplit

from shop.web.text import fit_for_a_redirect


def safe_next(raw: str | None, default: str) -> str:
    """Only same-site paths: "/wallet" yes, "//evil.example" or "https://evil.example" no, and
    nothing holding a control character such as a line break (treated as absent)."""
    if not raw or not raw.startswith("/") or raw.startswith("//") or "\\" in raw or not fit_for_a_redirect(raw):
        return default
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc:
        return default
    return raw
