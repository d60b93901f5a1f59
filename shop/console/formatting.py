"""Template filters for the console: money, dates and percentages as people read them."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app

from promo.core.campaign import Campaign, Kind
from promo.core.money import format_money
from shop.web.banner_links import last_valid_day
from shop.web.extensions import promo_engine

# What the console calls each kind of campaign (the definition's `kind`); one list for every page.
KIND_LABELS: dict[str, str] = {
    Kind.COUPON: "Public code",
    Kind.BULK: "Bulk codes",
    Kind.PROMOTION: "Automatic",
    Kind.REFERRAL: "Referral",
    Kind.GIFT_CARD: "Gift card",
    Kind.LOYALTY: "Loyalty",
}


def kind_label(kind: str | None) -> str:
    """A campaign kind in words: gift_card -> "Gift card"; an unknown kind loses its underscores."""
    if not kind:
        return "—"
    return KIND_LABELS.get(kind, str(kind).replace("_", " ").capitalize())


def money(amount: int | None, currency: str | None = None) -> str:
    if amount is None:
        return "—"
    return format_money(int(amount), currency or current_app.config["STORE_CURRENCY"],
                        current_app.config["STORE_LOCALE"])


def when(moment: datetime | None, fmt: str = "%b %d, %Y %H:%M") -> str:
    """A stored UTC time in the store's time zone."""
    if moment is None:
        return "—"
    return moment.astimezone(promo_engine().tz).strftime(fmt)


def day(moment: datetime | None) -> str:
    return when(moment, "%b %d, %Y")


def runs(campaign: Campaign | None) -> str:
    """When a campaign applies: "Nov 01, 2026 → Nov 30, 2027", its last day inclusive."""
    if campaign is None or (campaign.starts_at is None and campaign.ends_at is None):
        return "Always on"
    first = campaign.starts_at.astimezone(ZoneInfo(campaign.timezone)).strftime("%b %d, %Y") if campaign.starts_at else "Any time"
    last = last_valid_day(campaign)
    return f"{first} → {last:%b %d, %Y}" if last else f"From {first}"


def percent_of(used: int, cap: int | None) -> int:
    if not cap:
        return 0
    return max(0, min(100, round(100 * used / cap)))


# Registered as console_<name> (console_money, console_when, ...) by shop.web.templating.
FILTERS = {"money": money, "when": when, "day": day, "percent_of": percent_of, "runs": runs, "kind": kind_label}
