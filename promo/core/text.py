"""Text typed by people: Unicode-normalised (NFKC) and free of control characters.

NFKC makes a full-width "ＨＡＰＰＹ１０" or a ligature "ﬁ" the plain letters a person meant, so
look-ups and uniqueness work on what people see. Control characters (C0/C1) and invisible
format characters (bidi overrides and isolates such as U+202E, zero-width spaces) can spoof
what a name or code looks like; they are refused with a message rather than stripped, so
nothing is silently changed behind anybody's back. Emoji keep working: the zero-width joiner
and the variation selectors their sequences need are allowed.

One set of pure functions for every edge: the storefront's forms (shop/web/text.py), the JSON API's
string check (shop/api/schema.py), campaign definitions (promo/definition.py) and customer
profiles saved through the engine.
"""
from __future__ import annotations

import unicodedata

CONTROL_MESSAGE = "Remove the invisible or control characters (they may have come from a copy and paste)."
# Emoji sequences need ZWJ (U+200D) and variation selectors; they are format/mark characters we allow.
ALLOWED_FORMAT = frozenset({"\u200d", "\ufe0f", "\ufe0e"})
NEWLINES = frozenset({"\n", "\r", "\t"})


def normalise(raw: str) -> str:
    """NFKC, without surrounding white space."""
    return unicodedata.normalize("NFKC", raw).strip()


def refused_character(text: str, *, allow_newlines: bool = False) -> str | None:
    """The first character people must not type here, or None: control characters (category Cc;
    newlines and tabs only where ``allow_newlines``), invisible format characters (Cf, but for
    the emoji joiners) and lone surrogates (Cs, which no encoding can store)."""
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cc" and not (allow_newlines and ch in NEWLINES):
            return ch
        if (category == "Cf" and ch not in ALLOWED_FORMAT) or category == "Cs":
            return ch
    return None


def has_control_characters(text: str, *, allow_newlines: bool = False) -> bool:
    return refused_character(text, allow_newlines=allow_newlines) is not None


def describe_character(ch: str) -> str:
    """"U+202E RIGHT-TO-LEFT OVERRIDE": which invisible character it is, for a message."""
    name = unicodedata.name(ch, "") or {"Cc": "control character", "Cs": "lone surrogate"}.get(
        unicodedata.category(ch), "")
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "")


def refusal(text: str, *, allow_newlines: bool = False) -> str | None:
    """A message for the first refused character ("must not contain control or invisible
    formatting characters; found U+202E RIGHT-TO-LEFT OVERRIDE at position 4"), or None."""
    ch = refused_character(text, allow_newlines=allow_newlines)
    if ch is None:
        return None
    return (f"must not contain control or invisible formatting characters; found {describe_character(ch)} "
            f"at position {text.index(ch) + 1}")
