"""API keys: made by ``flask promo create-api-key``, shown once, stored only as a hash.

A key looks like ``psk_rw_3f9a0c1e_<43 random characters>``:

* ``rw`` are its scopes, one letter each (``r`` read, ``w`` write, ``x`` redeem);
* ``3f9a0c1e`` is a public id that tells keys apart in lists and logs;
* the rest is a secret with 256 bits of entropy.

``psk_rw_3f9a0c1e`` is stored as the key's ``prefix`` and the SHA-256 of the whole key as its
``key_hash``. The scopes sit in the part of the key that is hashed, so a client cannot widen
them by editing the key: any change breaks the hash. With that much entropy a fast hash is
enough; there is nothing a slow hash would protect against brute force.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

SCOPES: dict[str, str] = {
    "read": "read campaigns, codes, customers and redemptions; qualifications and validations (no side effects)",
    "write": "create and change campaigns, codes and customers; publish codes",
    "redeem": "redeem orders and roll redemptions back",
}
PUBLIC = "public"  # pseudo-scope of operations that need no key (the OpenAPI document)
SCOPE_LETTERS = {"read": "r", "write": "w", "redeem": "x"}
_SCOPE_OF_LETTER = {letter: scope for scope, letter in SCOPE_LETTERS.items()}

_KEY = re.compile(r"(psk_([rwx]{1,3})_[0-9a-f]{8})_[A-Za-z0-9_-]{43}")


@dataclass(frozen=True)
class NewKey:
    prefix: str
    key_hash: str
    plaintext: str
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class PresentedKey:
    """A well-formed key as a client sent it; not yet checked against the database."""

    prefix: str
    key_hash: str
    scopes: frozenset[str]


def make_key(scopes: tuple[str, ...] | list[str]) -> NewKey:
    letters = "".join(SCOPE_LETTERS[s] for s in SCOPES if s in scopes)
    prefix = f"psk_{letters}_{secrets.token_hex(4)}"
    plaintext = f"{prefix}_{secrets.token_urlsafe(32)}"
    return NewKey(prefix=prefix, key_hash=hash_key(plaintext), plaintext=plaintext,
                  scopes=tuple(s for s in SCOPES if s in scopes))


def hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def read_key(plaintext: str) -> PresentedKey | None:
    """The parts of a well-formed key, or None for anything that cannot be one."""
    match = _KEY.fullmatch(plaintext)
    if match is None:
        return None
    scopes = frozenset(_SCOPE_OF_LETTER[letter] for letter in match.group(2))
    return PresentedKey(prefix=match.group(1), key_hash=hash_key(plaintext), scopes=scopes)


def hashes_match(presented: PresentedKey, stored_hash: str) -> bool:
    return hmac.compare_digest(presented.key_hash, stored_hash)


def scopes_of_prefix(prefix: str) -> tuple[str, ...]:
    """``psk_rw_3f9a0c1e`` -> ``("read", "write")`` (for listing keys)."""
    parts = prefix.split("_")
    letters = parts[1] if len(parts) == 3 else ""
    return tuple(s for s in SCOPES if SCOPE_LETTERS[s] in letters)


def parse_scopes(raw: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """``["read,write", "redeem"]`` -> ``("read", "write", "redeem")``; ``all`` means every scope."""
    chosen: set[str] = set()
    for chunk in raw:
        for word in chunk.split(","):
            word = word.strip().lower()
            if not word:
                continue
            if word == "all":
                chosen |= set(SCOPES)
            elif word in SCOPES:
                chosen.add(word)
            else:
                raise ValueError(f"unknown scope {word!r}; choose from {', '.join(SCOPES)} or all")
    if not chosen:
        raise ValueError(f"give at least one scope: {', '.join(SCOPES)} or all")
    return tuple(s for s in SCOPES if s in chosen)
