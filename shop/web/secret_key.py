"""The session-signing key when the operator gives none: random, made once, kept in the instance folder.

A key written in the source would let anyone forge a session cookie (a console admin's included).
Without PROMOSHOP_SECRET_KEY, outside production, the first start draws 32 random bytes and
writes them to ``<instance>/secret_key`` with mode 0600; later starts, and the other workers of
the same instance folder, read the same file, so sessions survive restarts. Production never
gets here: shop.web.security refuses to start without an explicit key.
"""
from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

KEY_FILE_NAME = "secret_key"
_MIN_LENGTH = 32


def instance_secret_key(instance_path: str | os.PathLike[str], logger: logging.Logger) -> str:
    """The key kept in the instance folder, made (mode 0600) if there is none yet."""
    path = Path(instance_path) / KEY_FILE_NAME
    existing = _read(path)
    if existing is not None:
        return existing
    draft = path.with_name(f".{KEY_FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(32) + "\n")
        try:
            # link() refuses an existing name: of several workers starting at once, one key wins
            # and every worker reads that one.
            os.link(draft, path)
            logger.warning("PROMOSHOP_SECRET_KEY is not set: generated a random secret key and saved it in %s "
                           "(mode 0600); later starts reuse it. Set PROMOSHOP_SECRET_KEY to choose your own.", path)
        except FileExistsError:
            pass
    finally:
        draft.unlink(missing_ok=True)
    key = _read(path)
    if key is None:
        raise RuntimeError(f"{path} holds no usable secret key; delete it to have a new one made")
    return key


def _read(path: Path) -> str | None:
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        return None
    if len(key) < _MIN_LENGTH:
        raise RuntimeError(f"{path} holds a secret key shorter than {_MIN_LENGTH} characters; delete it to have "
                           "a new one made, or set PROMOSHOP_SECRET_KEY")
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)     # others must never read it, whoever copied the folder
    return key
