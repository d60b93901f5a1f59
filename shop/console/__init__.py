"""The marketer console at /console: campaigns, codes, redemptions, stats and the audit log.

Every change goes through promo.engine.Engine (which writes the audit log); the console reads
with the read-only reports of Engine.reports (promo/services/reports.py) where the engine has no
listing. Access rules are in shop/console/access.py.
"""
from __future__ import annotations

from flask import Blueprint

from shop.console.access import guard_request

bp = Blueprint("console", __name__, url_prefix="/console")
bp.before_request(guard_request)


@bp.after_request
def _never_cache(response):
    # Console pages show live state and are per-user: no shared or back-button caching.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


from shop.console.views import (  # noqa: E402,F401  (routes register themselves on `bp`)
    audit,
    campaigns,
    codes,
    login,
    products,
    redemptions,
    store,
    try_cart,
    users,
)
