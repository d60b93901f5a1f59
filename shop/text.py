"""Text typed by people, at the edge: Unicode-normalised (NFKC) and free of control characters.

NFKC makes a full-width "ＨＡＰＰＹ１０" or a ligature "ﬁ" the plain letters a shopper meant, so
look-ups and uniqueness work on what people see. Control characters (C0/C1) and invisible
format characters (bidi overrides such as U+202E, zero-width joiners outside emoji) can
spoof what a name or code looks like; they are refused with a message rather than stripped,
so nothing is silently changed behind the shopper's back.
"""
from __future__ import annotations

import unicodedata

CONTROL_MESSAGE = "Remove the invisible or control characters (they may have come from a copy and paste)."
# Emoji sequences need ZWJ (U+200D) and variation selectors; they are format/mark characters we allow.
_ALLOWED_FORMAT = {"\u200d", "\ufe0f", "\ufe0e"}


def normalise(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw).strip()


def has_control_characters(text: str, *, allow_newlines: bool = False) -> bool:
    allowed = {"\n", "\r", "\t"} if allow_newlines else set()
    return any(
        (unicodedata.category(ch) in ("Cc", "Cf") and ch not in allowed and ch not in _ALLOWED_FORMAT)
        for ch in text
    )
