"""Codes shoppers type: normalisation, and drawing bulk unique codes from `secrets`.

Pure: no storage here. promo.services.bulk streams what `draw_codes` yields into the codes table.
"""
from __future__ import annotations

import itertools
import secrets
import unicodedata
from collections.abc import Iterator

from promo.core.campaign import CodePattern
from promo.core.errors import InvalidRequest

# A campaign may fill at most 1/MAX_KEYSPACE_DENOMINATOR of its pattern's keyspace, so guessing a valid code
# stays hopeless: with 1 code in 10^6 valid, a guesser needs ~10^6 tries per hit.
MAX_KEYSPACE_DENOMINATOR = 10**6
PLACEHOLDER = "#"
MAX_CODE_LENGTH = 64


def normalise_code(raw: str) -> str:
    """The stored form of a code: NFKC-normalised, surrounding spaces removed, upper case.

    Lookups and the unique index use this form, so " happy10 " and a full-width "ＨＡＰＰＹ１０"
    both find "HAPPY10".
    """
    return unicodedata.normalize("NFKC", raw).strip().upper()


def keyspace(pattern: CodePattern) -> int:
    """How many distinct codes the pattern can produce."""
    return len(set(pattern.charset)) ** pattern.pattern.count(PLACEHOLDER)


def max_codes(pattern: CodePattern) -> int:
    """The most codes a campaign with this pattern may hold (1 in 10^6 of the keyspace)."""
    return keyspace(pattern) // MAX_KEYSPACE_DENOMINATOR


def check_pattern(pattern: CodePattern) -> None:
    """Refuse patterns that cannot produce clean, normalised codes."""
    if PLACEHOLDER not in pattern.pattern:
        raise InvalidRequest(
            f"code pattern {pattern.pattern!r} has no '#' placeholder, so every code would be the same",
            code="invalid_code_pattern",
        )
    charset = pattern.charset
    if len(set(charset)) < 2:
        raise InvalidRequest("a code charset needs at least two different characters", code="invalid_code_pattern")
    if normalise_code(charset) != charset or PLACEHOLDER in charset:
        raise InvalidRequest(
            "a code charset may hold only upper-case characters without spaces or '#'"
            f" (codes are matched upper-case), got {charset!r}",
            code="invalid_code_pattern",
        )
    fixed = pattern.prefix + pattern.pattern.replace(PLACEHOLDER, "") + pattern.postfix
    if normalise_code(fixed) != fixed or any(ch.isspace() for ch in fixed):
        raise InvalidRequest(
            "code prefix, postfix and the fixed part of the pattern must be upper case without spaces",
            code="invalid_code_pattern",
        )
    if len(pattern.prefix + pattern.pattern + pattern.postfix) > MAX_CODE_LENGTH:
        raise InvalidRequest(f"codes may be at most {MAX_CODE_LENGTH} characters long", code="invalid_code_pattern")


def check_capacity(pattern: CodePattern, existing: int, requested: int) -> None:
    """Refuse a generation that would make codes guessable.

    Raises InvalidRequest (code ``keyspace_too_small``) when existing + requested codes would
    fill more than 1 in 10^6 of the pattern's keyspace.
    """
    if requested < 1:
        raise InvalidRequest(f"count must be at least 1, got {requested}", code="invalid_count")
    allowed = max_codes(pattern)
    if existing + requested > allowed:
        placeholders = pattern.pattern.count(PLACEHOLDER)
        raise InvalidRequest(
            f"refusing to generate {requested:,} codes: with {existing:,} already in the campaign, "
            f"the pattern {pattern.pattern!r} ({placeholders} random characters from a "
            f"{len(set(pattern.charset))}-character set, {keyspace(pattern):,} possible codes) "
            f"allows at most {allowed:,} codes so that guessing stays hopeless "
            "(1 valid code in 10^6). Add '#' characters to the pattern.",
            code="keyspace_too_small",
            details={
                "existing": existing,
                "requested": requested,
                "allowed": allowed,
                "keyspace": keyspace(pattern),
            },
        )


def draw_code(pattern: CodePattern) -> str:
    """One random code from the pattern, each '#' drawn with `secrets`."""
    charset = pattern.charset
    body = "".join(secrets.choice(charset) if ch == PLACEHOLDER else ch for ch in pattern.pattern)
    return f"{pattern.prefix}{body}{pattern.postfix}"


def example_code(pattern: CodePattern) -> str:
    """A code in the pattern's shape for previews ("SORRY-ABCDEFGH"): the charset's characters
    in order, never drawn, so a preview is the same every time and is plainly an example."""
    characters = itertools.cycle(pattern.charset)
    body = "".join(next(characters) if ch == PLACEHOLDER else ch for ch in pattern.pattern)
    return f"{pattern.prefix}{body}{pattern.postfix}"


def draw_codes(pattern: CodePattern, count: int) -> Iterator[str]:
    """`count` random codes, lazily. They may collide with each other or with stored codes;
    the storage layer inserts with ON CONFLICT DO NOTHING and draws the shortfall again.

    Characters come from one `secrets.token_bytes` buffer per call rather than one
    `secrets.choice` (a system call) per character, which was most of a million-code run's
    time. Bytes at or above the largest multiple of the charset's size are dropped, so every
    character stays uniformly drawn.
    """
    charset = pattern.charset
    if not charset.isascii() or len(charset) > 256:
        for _ in range(count):
            yield draw_code(pattern)
        return
    size = len(charset)
    table = bytes(ord(charset[byte % size]) for byte in range(256))
    rejected = bytes(range(256 - 256 % size, 256))
    slots = pattern.pattern.count(PLACEHOLDER)
    template = _braces(pattern.prefix) + _braces(pattern.pattern).replace(PLACEHOLDER, "{}") + _braces(pattern.postfix)
    drawn, offset = "", 0
    for _ in range(count):
        while offset + slots > len(drawn):
            drawn = drawn[offset:] + secrets.token_bytes(slots * 512).translate(table, rejected).decode("ascii")
            offset = 0
        yield template.format(*drawn[offset:offset + slots])
        offset += slots


def _braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")
