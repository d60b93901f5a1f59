"""The engine's own event listeners, installed explicitly: importing a module registers nothing.

`install()` runs when an Engine is made (promo.engine); installing twice keeps one of each, as
`promo.delivery.events.listen` does. Listeners run in registration order, inside the emitting
transaction: distribution rules first, then referral conversions.
"""
from __future__ import annotations

from promo.delivery import distributions
from promo.delivery.events import listen
from promo.services import incentives


def install() -> None:
    listen("tracked.*", distributions.on_tracked)
    listen("redemption.succeeded", distributions.on_redemption)
    listen("redemption.rolled_back", distributions.on_rollback)
    listen("tracked.*", incentives.convert_referrals_on_tracked_event)
