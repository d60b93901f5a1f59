"""The rows and conversions the shop's own SQL reads and writes: the console's reports (codes,
redemptions, audit entries) and the API keys' table. The shop reaches promo's tables through
this module and the Engine, never through promo.storage (which only its extensions bind)."""
from __future__ import annotations

from promo.storage.convert import code_info, redemption_result
from promo.storage.database import READ_ONLY, starts_with
from promo.storage.models import (
    ApiKeyRow,
    AuditRow,
    CodeRow,
    CustomerRow,
    OrderLineRow,
    OrderRow,
    RedemptionItemRow,
    RedemptionRow,
)

__all__ = [
    "READ_ONLY", "ApiKeyRow", "AuditRow", "CodeRow", "CustomerRow", "OrderLineRow", "OrderRow", "RedemptionItemRow", "RedemptionRow",
    "code_info", "redemption_result", "starts_with",
]
