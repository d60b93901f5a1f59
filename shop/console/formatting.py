"""Template filters for the console: money, dates and percentages as people read them."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, current_app

from promo.money import format_money


def money(amount: int | None, currency: str | None = None) -> str:
    if amount is None:
        return "—"
    return format_money(int(amount), currency or current_app.config["STORE_CURRENCY"],
                        current_app.config["STORE_LOCALE"])


def when(moment: datetime | None, fmt: str = "%b %d, %Y %H:%M") -> str:
    """A stored UTC time in the store's time zone."""
    if moment is None:
        return "—"
    from shop.extensions import promo_engine

    return moment.astimezone(promo_engine().tz).strftime(fmt)


def day(moment: datetime | None) -> str:
    return when(moment, "%b %d, %Y")


def percent_of(used: int, cap: int | None) -> int:
    if not cap:
        return 0
    return max(0, min(100, round(100 * used / cap)))


def register_filters(bp: Blueprint) -> None:
    for name, function in {"money": money, "when": when, "day": day, "percent_of": percent_of}.items():
        bp.add_app_template_filter(function, f"console_{name}")
