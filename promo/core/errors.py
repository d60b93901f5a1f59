"""Typed errors of the promotion engine's Python API.

Every error has a stable machine ``code`` (the JSON API puts it in ``{"error": {"code": ...}}``),
a human ``message`` and optional ``details``. ``http_status`` is the status a web client should
answer with; promo/ never imports Flask, the API layer reads the attribute.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class PromoError(Exception):
    code: str = "promo_error"
    http_status: int = 400

    def __init__(self, message: str, *, code: str | None = None, details: Mapping[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details: dict[str, Any] = dict(details or {})

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}

    def __str__(self) -> str:
        return self.message


class InvalidRequest(PromoError):
    """The input cannot be processed as given (bad definition, bad argument)."""

    code = "invalid_request"
    http_status = 400


class NotFound(PromoError):
    code = "not_found"
    http_status = 404


class Conflict(PromoError):
    """The request clashes with the stored state (duplicate id, reused idempotency key ...)."""

    code = "conflict"
    http_status = 409


class RedemptionRefused(PromoError):
    """A redemption was refused because an entered code does not apply to this order.

    ``code`` is the promo.core.reasons.Reason value of the first refused code (``code_not_found``,
    ``minimum_not_met`` ...); ``details["codes"]`` maps every refused code to
    ``{"reason", "message"}``.
    """

    code = "redemption_refused"
    http_status = 422


class LimitExceeded(RedemptionRefused):
    """A redemption was refused because a limit or budget is used up.

    ``code`` is ``quantity_exceeded``, ``customer_limit_reached``, ``campaign_limit_reached`` or
    ``budget_exhausted``.
    """

    code = "limit_exceeded"
    http_status = 409


class PoolEmpty(Conflict):
    """publish() found no unassigned code left in the campaign's pool."""

    code = "pool_empty"


class UnreadableDefinition(Conflict):
    """A stored campaign definition the current parser rejects (written by an older version, or
    edited in the database). The campaign is skipped when carts are priced; what needs its
    parsed form (generating codes, publishing, describing it) gets this error until a valid
    definition replaces the stored one. ``details["errors"]`` lists ``{path, message}``.
    """

    code = "definition_unreadable"
