"""Fit text into a box: the largest font size that fits, wrapping at spaces, and an
ellipsis when even the smallest size allowed cannot hold it all."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from PIL import ImageFont

from .fonts import load_font

ELLIPSIS = "\u2026"


@dataclass(frozen=True)
class FittedText:
    lines: tuple[str, ...]
    size: int
    line_height: int
    truncated: bool  # True when an ellipsis replaced text that did not fit
    font: ImageFont.FreeTypeFont

    @property
    def height(self) -> int:
        return _block_height(self.font, len(self.lines), self.line_height)

    def line_width(self, line: str) -> float:
        return self.font.getlength(line)


def _block_height(font: ImageFont.FreeTypeFont, lines: int, line_height: int) -> int:
    ascent, descent = font.getmetrics()
    return (lines - 1) * line_height + ascent + descent


def _split_long_word(word: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    pieces: list[str] = []
    current = ""
    for character in word:
        if current and font.getlength(current + character) > width:
            pieces.append(current)
            current = character
        else:
            current += character
    pieces.append(current)
    return pieces


def wrap(
    text: str, font: ImageFont.FreeTypeFont, width: float, *, break_words: bool
) -> list[str] | None:
    """Greedy word wrap. A word wider than the line is split only when break_words is set;
    otherwise None says this font size is too big."""
    lines: list[str] = []
    current = ""
    # Split on plain spaces only: Babel joins amount and currency with a no-break space
    # ("50\u00a0zł") precisely so they stay on one line.
    for word in filter(None, text.split(" ")):
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        if font.getlength(word) <= width:
            current = word
        elif break_words:
            *whole, current = _split_long_word(word, font, width)
            lines.extend(whole)
        else:
            return None
    if current:
        lines.append(current)
    return lines


def _ellipsize(line: str, font: ImageFont.FreeTypeFont, width: float) -> str:
    cut = line
    while cut and font.getlength(cut.rstrip() + ELLIPSIS) > width:
        cut = cut[:-1]
    return cut.rstrip() + ELLIPSIS


def _balanced(text: str, fitted: FittedText, width: int) -> FittedText:
    """Same size and line count, but the narrowest wrap width that keeps them: lines come out
    even instead of one long line over a lonely last word."""
    if len(fitted.lines) < 2:
        return fitted
    narrowest, low, high = fitted.lines, 1, width
    while low <= high:
        middle = (low + high) // 2
        lines = wrap(text, fitted.font, middle, break_words=False)
        if lines is not None and len(lines) <= len(fitted.lines):
            narrowest, high = tuple(lines), middle - 1
        else:
            low = middle + 1
    return dataclasses.replace(fitted, lines=narrowest)


def fit_text(
    text: str,
    font_path: str,
    width: int,
    height: int,
    *,
    max_size: int,
    min_size: int,
    max_lines: int = 1,
    line_spacing: float = 1.08,
) -> FittedText:
    """Largest size in [min_size, max_size] at which `text` wraps into at most max_lines lines
    within width x height, with lines balanced in length; failing that, min_size with the
    overflow cut by an ellipsis."""
    min_size = max(1, min(min_size, max_size))

    def attempt(size: int) -> FittedText | None:
        font = load_font(font_path, size)
        line_height = round(size * line_spacing)
        lines = wrap(text, font, width, break_words=False)
        if lines is None or len(lines) > max_lines:
            return None
        if _block_height(font, len(lines), line_height) > height:
            return None
        return FittedText(tuple(lines), size, line_height, False, font)

    # Binary search for the largest fitting size: wrapping is (near enough) monotonic in size.
    best: FittedText | None = None
    low, high = min_size, max_size
    while low <= high:
        middle = (low + high) // 2
        fitted = attempt(middle)
        if fitted is not None:
            best, low = fitted, middle + 1
        else:
            high = middle - 1
    if best is not None:
        return _balanced(text, best, width)

    font = load_font(font_path, min_size)
    line_height = round(min_size * line_spacing)
    lines = wrap(text, font, width, break_words=True) or [""]
    room = max_lines
    while room > 1 and _block_height(font, room, line_height) > height:
        room -= 1
    kept = lines[:room]
    truncated = len(lines) > room
    if truncated:
        kept[-1] = _ellipsize(" ".join([kept[-1], *lines[room:]]), font, width)
    return FittedText(tuple(kept), min_size, line_height, truncated, font)
