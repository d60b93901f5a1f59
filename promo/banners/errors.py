"""Errors a banner request can raise, split by the HTTP status the web layer should answer with."""
from __future__ import annotations


class BannerError(ValueError):
    """The request is well signed but asks for something we will not draw (answer 400)."""


class UnknownTemplate(BannerError):
    """No template has the requested name."""


class InvalidField(BannerError):
    """A field is missing, malformed or longer than its limit."""


class UnsupportedCharacters(InvalidField):
    """The text holds characters the banner font has no glyph for (they would print as boxes)."""


class BadSignature(Exception):
    """The parameters are unsigned or were changed after signing (answer 403).

    Deliberately not a BannerError: a handler that catches BannerError for 400 must not
    turn a forgery into a mere bad request.
    """
