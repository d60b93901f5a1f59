"""Text typed by people, at the storefront's edge: Unicode-normalised (NFKC) and free of control
characters.

The rules live in promo/text.py, the one place the storefront, the JSON API, campaign
definitions and customer profiles share; this module is the storefront's name for them.
"""
from __future__ import annotations

from promo.core.text import CONTROL_MESSAGE, has_control_characters, normalise

__all__ = ["CONTROL_MESSAGE", "has_control_characters", "normalise"]
