"""Voucherify ids for promoshop's records, and back.

Voucherify assigns ids with a type prefix and lets integrators use their own ``source_id``;
promoshop's customer ids are the integrator's own, so ``cust_<id>`` is the id and ``<id>`` the
source_id, and paths accept either. Redemptions are ``r_<n>`` (the parent) and
``r_<n>_<item>`` (one child per redeemable), their rollbacks ``rr_...``, publications
``pub_<n>``, promotion tiers ``promo_<campaign id>``, vouchers ``v_<code>`` or the code.
"""
from __future__ import annotations

import re

from shop.voucherify.errors import not_found

CUSTOMER = "cust_"
TIER = "promo_"
VOUCHER = "v_"
PUBLICATION = "pub_"
_REDEMPTION = re.compile(r"r_([1-9][0-9]{0,17})(?:_([1-9][0-9]{0,17}))?")


def customer_id(our_id: str) -> str:
    return CUSTOMER + our_id


def customer_ref(given: str) -> str:
    """Our customer id for a path's ``cust_<id>`` or source_id."""
    return given[len(CUSTOMER):] if given.startswith(CUSTOMER) and len(given) > len(CUSTOMER) else given


def tier_id(campaign_id: str) -> str:
    return TIER + campaign_id


def tier_campaign(given: str) -> str | None:
    return given[len(TIER):] if given.startswith(TIER) and len(given) > len(TIER) else None


def voucher_id(code: str) -> str:
    return VOUCHER + code


def voucher_code(given: str) -> str:
    return given[len(VOUCHER):] if given.startswith(VOUCHER) and len(given) > len(VOUCHER) else given


def redemption_id(redemption: int, item: int | None = None) -> str:
    return f"r_{redemption}" if item is None else f"r_{redemption}_{item}"


def rollback_id(redemption: int, item: int | None = None) -> str:
    return "r" + redemption_id(redemption, item)


def parse_redemption(given: str) -> tuple[int, int | None]:
    """(redemption id, item id or None) for ``r_<n>`` / ``r_<n>_<item>``; 404 otherwise."""
    match = _REDEMPTION.fullmatch(given)
    if match is None:
        raise not_found("redemption", given)
    return int(match.group(1)), int(match.group(2)) if match.group(2) else None


def publication_id(publication: int) -> str:
    return f"{PUBLICATION}{publication}"
