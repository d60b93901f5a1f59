"""Text typed by people, at the storefront's edge: Unicode-normalised (NFKC) and free of control
characters.

The rules live in promo/text.py, the one place the storefront, the JSON API, campaign
definitions and customer profiles share; this module is the storefront's name for them.
"""
from __future__ import annotations

from urllib.parse import unquote

from promo.core.text import CONTROL_MESSAGE, has_control_characters, normalise

__all__ = ["CONTROL_MESSAGE", "has_control_characters", "normalise", "fit_for_a_redirect"]


def fit_for_a_redirect(target: str) -> bool:
    """Whether a redirect target taken from input is free of control characters, also once
    percent-decoded: a line break must never reach a Location header (werkzeug refuses it
    with a 500), nor be smuggled past a later decoding."""
    return not has_control_characters(target) and not has_control_characters(unquote(target))
