"""promo: an embedded promotion engine.

Flask-free. The storefront, the JSON API and the CLI are thin clients of this API:

    from promo import Engine, parse_campaign, evaluate_campaigns

- `Engine(session_factory, timezone=..., currency=...)` keeps state in a SQL database and
  offers the operations: qualify, validate, redeem, rollback, publish, generate_codes
  (generate) and track.
- `evaluate` / `evaluate_campaigns` are the pure calculation, with no storage at all.
- `parse_campaign` reads the campaign definition format (docs/campaigns.md).

The pure modules import neither Flask nor SQLAlchemy, so `Engine` (which needs SQLAlchemy) is
imported lazily: `import promo.core.applicator` never pulls in a database driver.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from promo.core.applicator import Candidate, evaluate, evaluate_campaigns
from promo.core.campaign import Campaign, Kind, Stacking
from promo.core.codes import normalise_code
from promo.core.domain import Cart, CartLine, Context, Customer
from promo.core.money import Money, allocate, format_money
from promo.core.reasons import Reason
from promo.core.results import Evaluation, OfferResult, Status
from promo.format.definition import DefinitionError, parse_campaign, parse_campaigns

if TYPE_CHECKING:
    from promo.engine import Engine

__all__ = [
    "Campaign", "Candidate", "Cart", "CartLine", "Context", "Customer", "DefinitionError",
    "Engine", "Evaluation", "Kind", "Money", "OfferResult", "Reason", "Stacking", "Status",
    "allocate", "evaluate", "evaluate_campaigns", "format_money", "normalise_code",
    "parse_campaign", "parse_campaigns",
]


def __getattr__(name: str) -> Any:
    if name == "Engine":
        from promo.engine import Engine

        return Engine
    raise AttributeError(f"module 'promo' has no attribute {name!r}")
