"""Reason codes: why an offer applied, did not apply, or was set aside.

Machine-readable and stable (the API, tests and the UI key off them); the default human
message for each lives here too. docs/discount-policy.md lists them for integrators.
"""
from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    APPLIED = "applied"
    # the code itself
    CODE_NOT_FOUND = "code_not_found"            # also used for a code held by someone else
    CODE_DISABLED = "code_disabled"
    CODE_ALREADY_ENTERED = "code_already_entered"
    CAMPAIGN_PAUSED = "campaign_paused"
    OFFER_UNAVAILABLE = "offer_unavailable"      # its stored definition can't be read (promo.core.errors.UnreadableDefinition)
    # timing
    NOT_STARTED = "not_started"
    EXPIRED = "expired"
    OUTSIDE_SCHEDULE = "outside_schedule"
    # conditions
    CUSTOMER_NOT_ELIGIBLE = "customer_not_eligible"
    CART_NOT_ELIGIBLE = "cart_not_eligible"
    CONTEXT_NOT_ELIGIBLE = "context_not_eligible"
    MINIMUM_NOT_MET = "minimum_not_met"          # numeric condition unmet: comes with a hint
    NO_MATCHING_ITEMS = "no_matching_items"
    NO_DISCOUNT = "no_discount"                  # conditions met, but nothing left to discount
    AT_LOWEST_PRICE = "at_lowest_price"          # the margin floor leaves nothing to take off
    LOGIN_REQUIRED = "login_required"
    # limits and budgets (checked against storage)
    QUANTITY_EXCEEDED = "quantity_exceeded"      # the code has been used up
    CUSTOMER_LIMIT_REACHED = "customer_limit_reached"
    CAMPAIGN_LIMIT_REACHED = "campaign_limit_reached"
    BUDGET_EXHAUSTED = "budget_exhausted"
    # stacking
    EXCLUSIVE_CONFLICT = "exclusive_conflict"    # set aside: another combination saves more
    MAX_OFFERS_REACHED = "max_offers_reached"
    WRONG_CURRENCY = "wrong_currency"
    # referral codes (promo.referrals) and gift cards (promo.core.giftcards)
    REFERRAL_LOGIN_REQUIRED = "referral_login_required"
    REFERRAL_SELF = "referral_self"
    REFERRAL_NOT_NEW_CUSTOMER = "referral_not_new_customer"
    REFERRAL_ALREADY_COUNTED = "referral_already_counted"
    GIFT_CARD_EMPTY = "gift_card_empty"


MESSAGES: dict[Reason, str] = {
    Reason.APPLIED: "Applied.",
    Reason.CODE_NOT_FOUND: "We couldn't find that code. Check the spelling and try again.",
    Reason.CODE_DISABLED: "This code is no longer active.",
    Reason.CODE_ALREADY_ENTERED: "That code is already in your cart.",
    Reason.CAMPAIGN_PAUSED: "This offer is paused right now.",
    Reason.OFFER_UNAVAILABLE: "This offer can't be used right now.",
    Reason.NOT_STARTED: "This offer hasn't started yet.",
    Reason.EXPIRED: "This offer has expired.",
    Reason.OUTSIDE_SCHEDULE: "This offer is only valid at certain times.",
    Reason.CUSTOMER_NOT_ELIGIBLE: "This offer isn't available for your account.",
    Reason.CART_NOT_ELIGIBLE: "Your cart doesn't meet this offer's conditions.",
    Reason.CONTEXT_NOT_ELIGIBLE: "This offer isn't available here.",
    Reason.MINIMUM_NOT_MET: "Your cart doesn't reach this offer's minimum yet.",
    Reason.NO_MATCHING_ITEMS: "Your cart has no items this offer applies to.",
    Reason.NO_DISCOUNT: "This offer gives no further discount on your cart.",
    Reason.AT_LOWEST_PRICE: "These items are already at the lowest price we can sell them at.",
    Reason.LOGIN_REQUIRED: "Sign in to use this offer.",
    Reason.QUANTITY_EXCEEDED: "This code has already been used.",
    Reason.CUSTOMER_LIMIT_REACHED: "You've already used this offer as many times as allowed.",
    Reason.CAMPAIGN_LIMIT_REACHED: "This offer has been fully claimed.",
    Reason.BUDGET_EXHAUSTED: "This offer has been fully claimed.",
    Reason.EXCLUSIVE_CONFLICT: "This offer can't be combined with a better deal in your cart.",
    Reason.MAX_OFFERS_REACHED: "Your cart already has the maximum number of offers.",
    Reason.WRONG_CURRENCY: "This offer isn't available in this currency.",
    Reason.REFERRAL_LOGIN_REQUIRED: "Sign in or create an account to use a friend's referral code.",
    Reason.REFERRAL_SELF: "That's your own referral code: share it with friends, they get the discount.",
    Reason.REFERRAL_NOT_NEW_CUSTOMER: "Referral codes are for a first order only.",
    Reason.REFERRAL_ALREADY_COUNTED: "You've already been referred by a friend.",
    Reason.GIFT_CARD_EMPTY: "This gift card has no balance left.",
}


def message_for(reason: Reason) -> str:
    return MESSAGES[reason]
