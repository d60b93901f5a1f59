"""The cart as a shopper uses it: every change recalculates lines, offers and totals in place.

Seeded Arabica & Co. store on its frozen clock (Wednesday Nov 25, 2026, 10:30 New York): Black
Friday runs, happy hour does not. Shipping is a flat $5.95, free from $50 (after discounts).
"""
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from shop.web.extensions import promo_engine
from tests.support.cartkit import add_to_cart, cart_line, checkout, code_result, enter_code, hold_requests, open_cart, total

pytestmark = pytest.mark.e2e


def test_happy10_takes_ten_percent_off_and_removing_it_puts_the_total_back(page, store):
    add_to_cart(page, store, "ARA-COL-HUILA", 2)          # 2 x $17.50
    open_cart(page, store)
    expect(page.get_by_test_id("subtotal")).to_have_text("$35.00")
    expect(page.get_by_test_id("shipping")).to_have_text("$5.95")
    expect(total(page)).to_have_text("$40.95")

    enter_code(page, "happy10")

    expect(code_result(page, "HAPPY10")).to_contain_text("Applied: you save $3.50.")
    expect(page.get_by_test_id("discount")).to_have_text("−$3.50")
    expect(total(page)).to_have_text("$37.45")
    line = cart_line(page, "ARA-COL-HUILA")
    expect(line.get_by_test_id("line-was")).to_have_text("$35.00")
    expect(line.get_by_test_id("line-now")).to_have_text("$31.50")
    expect(line.get_by_test_id("line-discount")).to_have_text("−$3.50 Happy 10")
    expect(page.locator("[data-testid=applied-offer][data-campaign=happy10]")).to_contain_text("−$3.50")
    expect(page.get_by_test_id("savings")).to_have_text("You save $3.50")

    code_result(page, "HAPPY10").get_by_role("button", name="Remove code HAPPY10").click()

    expect(code_result(page, "HAPPY10")).to_have_count(0)
    expect(total(page)).to_have_text("$40.95")
    expect(page.get_by_test_id("discount")).to_have_count(0)


def test_an_unknown_code_says_why_inline_and_is_not_kept(page, store):
    add_to_cart(page, store, "ARA-COL-HUILA")
    open_cart(page, store)

    with page.expect_response(re.compile(r"/cart/codes$")) as answer:
        enter_code(page, "NOSUCHCODE")

    assert answer.value.status == 422
    expect(page.get_by_test_id("code-error")).to_have_text("We couldn't find that code. Check the spelling and try again.")
    expect(page.get_by_label("Have a code?")).to_have_value("NOSUCHCODE")
    expect(page.get_by_label("Have a code?")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("code-result")).to_have_count(0)
    expect(total(page)).to_have_text("$23.45")


def test_each_rejected_code_keeps_its_own_reason(page, store, switch_persona):
    switch_persona(page, "guest")
    add_to_cart(page, store, "MERCH-MUG")
    open_cart(page, store)

    enter_code(page, "BLCKFRDY")         # Black Friday: signed-in customers only
    enter_code(page, "ARABICA-LVRS")     # only for some single-origin bags
    enter_code(page, "HAPPY10")

    expect(code_result(page, "BLCKFRDY")).to_have_attribute("data-status", "rejected")
    expect(code_result(page, "BLCKFRDY")).to_contain_text("Sign in to use this offer.")
    expect(code_result(page, "ARABICA-LVRS")).to_contain_text("Your cart has no items this offer applies to.")
    expect(code_result(page, "HAPPY10")).to_contain_text("Applied: you save $1.60.")
    expect(total(page)).to_have_text("$20.35")   # 16.00 - 1.60 + 5.95


def test_a_guest_is_told_to_sign_in_for_a_once_per_customer_code(page, store):
    add_to_cart(page, store, "MERCH-MUG")
    open_cart(page, store)

    enter_code(page, "BLCKFRDY")

    expect(code_result(page, "BLCKFRDY")).to_contain_text("Sign in to use this offer.")
    expect(total(page)).to_have_text("$21.95")


def test_changing_a_quantity_recalculates_everything(page, store, screenshot):
    add_to_cart(page, store, "ARA-COL-HUILA")
    open_cart(page, store)
    expect(total(page)).to_have_text("$23.45")

    cart_line(page, "ARA-COL-HUILA").get_by_role("button", name="One more Colombia Huila").click()

    expect(cart_line(page, "ARA-COL-HUILA").get_by_test_id("line-quantity")).to_have_value("2")
    expect(total(page)).to_have_text("$40.95")
    expect(page.get_by_test_id("cart-count")).to_have_text("2")
    # Near misses read as sentences, in the words of each offer.
    expect(page.locator("[data-testid=nudge][data-campaign=three-bags]")).to_contain_text(
        "Add 1 more coffee bag and the cheapest is free")
    expect(page.locator("[data-testid=nudge][data-campaign=free-shipping]")).to_contain_text(
        "Add $15 more for free shipping")
    screenshot("cart-near-miss-sentences")

    quantity = cart_line(page, "ARA-COL-HUILA").get_by_label("Quantity of Colombia Huila")
    quantity.fill("4")
    quantity.press("Enter")

    # Four bags: the cheapest of every three is free, and $52.50 ships free.
    expect(total(page)).to_have_text("$52.50")
    expect(page.locator("[data-testid=applied-offer][data-campaign=three-bags]")).to_contain_text("−$17.50")
    expect(page.get_by_test_id("shipping")).to_contain_text("Free")
    expect(page.get_by_test_id("cart-count")).to_have_text("4")

    cart_line(page, "ARA-COL-HUILA").get_by_role("button", name="Remove Colombia Huila").click()

    expect(page.get_by_test_id("cart-empty")).to_be_visible()
    expect(page.get_by_test_id("cart-count")).to_have_text("0")
    expect(total(page)).to_have_text("$0.00")


@pytest.mark.parametrize("typed, message", [
    ("-3", "Quantity can't be negative."),
    ("500", "You can order at most 99 of one item."),
    ("", "Enter a quantity."),
])
def test_a_bad_quantity_gets_an_inline_error_and_leaves_the_cart_alone(page, store, typed, message):
    add_to_cart(page, store, "ARA-COL-HUILA", 2)
    open_cart(page, store)
    quantity = cart_line(page, "ARA-COL-HUILA").get_by_label("Quantity of Colombia Huila")

    with page.expect_response(re.compile(r"/cart/update$")) as answer:
        quantity.fill(typed)
        quantity.press("Enter")

    assert answer.value.status == 422
    expect(cart_line(page, "ARA-COL-HUILA").get_by_test_id("line-error")).to_have_text(message)
    expect(total(page)).to_have_text("$40.95")
    page.reload()
    expect(cart_line(page, "ARA-COL-HUILA").get_by_test_id("line-quantity")).to_have_value("2")


def test_spend_tier_nudge_does_the_math_with_a_progress_bar(page, store):
    add_to_cart(page, store, "GEAR-GRINDER")       # $89.00; tiers start at $100
    open_cart(page, store)

    nudge = page.locator("[data-testid=nudge][data-campaign=spend-tiers]")
    expect(nudge).to_contain_text("Add $11 more to get 10% off")
    expect(nudge.get_by_test_id("nudge-progress")).to_have_attribute("value", "89")

    add_to_cart(page, store, "MERCH-MUG")          # $105.00: 10% off, and 15% is $95 away
    open_cart(page, store)

    expect(page.locator("[data-testid=applied-offer][data-campaign=spend-tiers]")).to_contain_text("−$10.50")
    expect(nudge).to_contain_text("Add $95 more to get 15% off")
    expect(total(page)).to_have_text("$94.50")


def test_spend_tiers_apply_by_themselves_without_a_code(page, store):
    add_to_cart(page, store, "GIFT-L", 2)          # $200.00
    open_cart(page, store)

    offer = page.locator("[data-testid=applied-offer][data-campaign=spend-tiers]")
    expect(offer).to_contain_text("Automatic")
    expect(offer).to_contain_text("Spend more, save more")
    expect(offer.get_by_test_id("offer-savings")).to_have_text("−$30.00")
    expect(page.get_by_test_id("code-result")).to_have_count(0)
    expect(total(page)).to_have_text("$170.00")


def test_black_friday_is_capped_at_fifty_dollars_and_beats_the_tiers(page, store, switch_persona):
    switch_persona(page, "vip")
    add_to_cart(page, store, "GIFT-L", 3)          # $300.00: 20% would be $60
    open_cart(page, store)
    expect(total(page)).to_have_text("$255.00")    # 15% spend tier on its own

    enter_code(page, "BLCKFRDY")

    expect(code_result(page, "BLCKFRDY")).to_contain_text("Applied: you save $50.00.")
    expect(page.get_by_test_id("discount")).to_have_text("−$50.00")
    expect(total(page)).to_have_text("$250.00")
    expect(page.locator("[data-testid=applied-offer][data-campaign=spend-tiers]")).to_have_count(0)


def test_a_code_that_loses_to_a_better_deal_says_which_deal_was_kept(page, store, switch_persona):
    switch_persona(page, "vip")
    add_to_cart(page, store, "GEAR-GRINDER", 3)    # $267 of gear: tiers and the free tote beat Black Friday
    open_cart(page, store)

    enter_code(page, "BLCKFRDY")

    result = code_result(page, "BLCKFRDY")
    expect(result).to_have_attribute("data-status", "set_aside")
    expect(result).to_contain_text("Can't be combined with Free tote with brewing gear and Spend more, save more, which save you more.")
    expect(total(page)).to_have_text("$226.95")


def test_gear_adds_a_free_tote_as_its_own_line(page, store):
    add_to_cart(page, store, "GEAR-DRIPPER")
    open_cart(page, store)

    tote = cart_line(page, "MERCH-TOTE")
    expect(tote.get_by_test_id("gift-note")).to_have_text("Free gift · Free tote with brewing gear")
    expect(tote.get_by_test_id("line-was")).to_have_text("$18.00")
    expect(tote.get_by_test_id("line-now")).to_have_text("Free")
    expect(page.get_by_test_id("cart-count")).to_have_text("1")
    expect(total(page)).to_have_text("$33.95")     # 28.00 + 5.95 shipping (the tote doesn't count to $50)


def test_a_dripper_makes_the_filters_half_price(page, store):
    add_to_cart(page, store, "GEAR-DRIPPER")
    add_to_cart(page, store, "GEAR-FILTERS")
    open_cart(page, store)

    filters = cart_line(page, "GEAR-FILTERS")
    expect(filters.get_by_test_id("line-discount")).to_have_text("−$3.50 Dripper + filters")
    expect(filters.get_by_test_id("line-now")).to_have_text("$3.50")
    expect(total(page)).to_have_text("$37.45")     # 28.00 + 3.50 + 5.95, the tote free


def test_the_eleventh_mug_is_free(page, store):
    add_to_cart(page, store, "MERCH-MUG", 10)      # $160.00: 10% off, and one more is free
    open_cart(page, store)
    expect(page.locator("[data-testid=nudge][data-campaign=ten-plus-one]")).to_contain_text("Add 1 more item to get 1 free")
    expect(total(page)).to_have_text("$144.00")

    cart_line(page, "MERCH-MUG").get_by_role("button", name="One more Stoneware Mug").click()

    expect(page.locator("[data-testid=applied-offer][data-campaign=ten-plus-one]")).to_contain_text("−$16.00")
    expect(cart_line(page, "MERCH-MUG").get_by_test_id("line-quantity")).to_have_value("11")
    expect(total(page)).to_have_text("$144.00")


def test_the_win_back_code_works_for_a_dormant_customer(page, store, switch_persona):
    switch_persona(page, "dormant")
    page.goto(store + "/wallet")
    code = page.locator("[data-testid=wallet-offer][data-campaign=win-back]").first.get_attribute("data-code")
    add_to_cart(page, store, "MERCH-MUG")
    open_cart(page, store)

    enter_code(page, code.lower())

    expect(code_result(page, code)).to_contain_text("Applied: you save $2.40.")
    expect(total(page)).to_have_text("$19.55")


def test_happy_hour_takes_fifteen_percent_off_on_weekday_afternoons(page, store, at_store_time):
    at_store_time(datetime(2026, 11, 25, 16, 30, tzinfo=ZoneInfo("America/New_York")))
    add_to_cart(page, store, "ARA-COL-HUILA")
    open_cart(page, store)

    expect(page.locator("[data-testid=applied-offer][data-campaign=happy-hour]")).to_contain_text("−$2.63")
    expect(total(page)).to_have_text("$20.82")     # 17.50 - 2.625 rounded half up + 5.95


def test_switching_persona_recalculates_the_cart(page, store, switch_persona):
    switch_persona(page, "new")
    add_to_cart(page, store, "ARA-ETH-YIRG")
    open_cart(page, store)
    enter_code(page, "ARABICA-LVRS")
    expect(code_result(page, "ARABICA-LVRS")).to_contain_text("Applied: you save $10.00.")
    expect(total(page)).to_have_text("$15.45")

    page.get_by_test_id("persona-vip").click()

    expect(page).to_have_url(store + "/cart")
    expect(code_result(page, "ARABICA-LVRS")).to_contain_text("Applied: you save $5.00.")
    expect(total(page)).to_have_text("$20.45")


def test_the_cart_works_from_the_keyboard(page, store):
    add_to_cart(page, store, "ARA-COL-HUILA")
    open_cart(page, store)

    page.get_by_label("Have a code?").focus()
    page.keyboard.type("HAPPY10")
    page.keyboard.press("Enter")
    expect(total(page)).to_have_text("$21.70")     # 17.50 - 1.75 + 5.95

    increase = cart_line(page, "ARA-COL-HUILA").get_by_role("button", name="One more Colombia Huila")
    increase.focus()
    page.keyboard.press("Enter")
    expect(total(page)).to_have_text("$37.45")
    # The swapped-in button keeps the focus, so pressing again keeps counting.
    expect(cart_line(page, "ARA-COL-HUILA").get_by_role("button", name="One more Colombia Huila")).to_be_focused()


def test_tab_reaches_every_cart_control_in_reading_order(page, store):
    add_to_cart(page, store, "ARA-COL-HUILA")
    open_cart(page, store)
    page.locator("body").focus()

    reached: list[str] = []
    for _ in range(80):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("""() => {
            const el = document.activeElement;
            return el.getAttribute('aria-label') || (el.labels && el.labels[0] && el.labels[0].innerText)
                || el.innerText.trim() || el.tagName; }"""))
        if reached[-1] == "Go to checkout":
            break

    order = ["One fewer Colombia Huila", "Quantity of Colombia Huila", "One more Colombia Huila",
             "Remove Colombia Huila", "Have a code?", "Apply", "Go to checkout"]
    assert all(name in reached for name in order), reached
    assert [reached.index(name) for name in order] == sorted(reached.index(name) for name in order), reached
    # And back: Shift+Tab from the checkout button lands on what came before it, not on the page.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement !== document.body")


def test_totals_sit_in_a_live_region_and_the_response_varies_on_htmx(page, store):
    add_to_cart(page, store, "ARA-COL-HUILA")
    open_cart(page, store)
    expect(page.locator("#cart-totals")).to_have_attribute("aria-live", "polite")

    with page.expect_response(re.compile(r"/cart/codes$")) as answer:
        enter_code(page, "HAPPY10")

    assert "HX-Request" in answer.value.headers.get("vary", "")
    # The code's own line says it; a toast would only repeat it.
    assert "toast" not in answer.value.headers.get("hx-trigger", "")
    expect(code_result(page, "HAPPY10")).to_contain_text("Applied: you save")


def test_buttons_show_a_loading_state_while_the_cart_recalculates(page, store):
    add_to_cart(page, store, "ARA-COL-HUILA")
    open_cart(page, store)
    first_held = hold_requests(page, "/cart/codes")

    page.get_by_label("Have a code?").fill("HAPPY10")
    page.get_by_test_id("apply-code").click()

    apply = page.get_by_test_id("apply-code")
    expect(apply).to_be_disabled()
    expect(page.locator("form.code-form")).to_have_class(re.compile(r"\bhtmx-request\b"))
    first_held().continue_()
    expect(total(page)).to_have_text("$21.70")
    expect(page.get_by_test_id("apply-code")).to_be_enabled()


def test_a_public_code_is_applied_for_the_shopper_and_stays_off_once_removed(page, make_store, screenshot):
    shop = make_store()             # places an order with KETTLE10
    page.goto(shop + "/products/GEAR-KETTLE")
    kettle_week = page.locator("[data-testid=offer][data-campaign=kettle-week]")
    # Nothing is applied to an empty cart; the badge says so once the cart has something in it.
    expect(kettle_week.get_by_test_id("applied-for-you")).to_have_text("No code needed")
    expect(kettle_week.get_by_test_id("offer-code")).to_have_text("KETTLE10")

    add_to_cart(page, shop, "GEAR-KETTLE")              # $64.00, and the free tote with brewing gear
    page.reload()
    expect(kettle_week.get_by_test_id("applied-for-you")).to_have_text("Code applied for you")
    open_cart(page, shop)

    kettle10 = code_result(page, "KETTLE10")
    expect(kettle10).to_contain_text("Applied for you: you save $10.00.")
    expect(cart_line(page, "GEAR-KETTLE").get_by_test_id("line-now")).to_have_text("$54.00")
    expect(page.get_by_test_id("shipping")).to_contain_text("Free")    # $54 after discounts: over $50
    expect(total(page)).to_have_text("$54.00")
    screenshot("cart-code-applied-for-you")

    kettle10.get_by_role("button", name="Remove code KETTLE10").click()

    expect(code_result(page, "KETTLE10")).to_have_count(0)
    expect(total(page)).to_have_text("$64.00")
    add_to_cart(page, shop, "GEAR-FILTERS")              # another change does not bring it back
    open_cart(page, shop)
    expect(code_result(page, "KETTLE10")).to_have_count(0)
    expect(total(page)).to_have_text("$71.00")

    enter_code(page, "kettle10")                         # typing it does
    expect(code_result(page, "KETTLE10")).to_contain_text("Applied: you save $10.00.")
    expect(total(page)).to_have_text("$61.00")
    checkout(page)
    # $10 off the kettle, the $18 tote and the $5.95 shipping ($61 is over $50)
    expect(page.get_by_test_id("order-savings")).to_contain_text("$33.95")


NOT_YET_AND_MINIMUM = [
    {"id": "next-year", "name": "Next year", "kind": "coupon", "code": "SOON10",
     "active": {"from": "2027-06-01"}, "effect": {"type": "percent_off_order", "percent": 10}},
    {"id": "big-spender", "name": "Big spender", "kind": "coupon", "code": "BIG20",
     "eligibility": {"fact": "cart.subtotal", "gte": 10000}, "effect": {"type": "percent_off_order", "percent": 20}},
]


@pytest.fixture(scope="module")
def store_with_future_and_minimum_codes(make_app, make_live_server, seed_store) -> str:
    app = make_app(WTF_CSRF_ENABLED=True, DEMO_MODE=True)
    seed_store(app)
    for definition in NOT_YET_AND_MINIMUM:
        promo_engine(app).create_campaign(definition, actor="test")
    return make_live_server(app)


def test_a_code_not_active_yet_and_one_needing_more_spend_each_say_so(page, store_with_future_and_minimum_codes):
    shop = store_with_future_and_minimum_codes
    add_to_cart(page, shop, "MERCH-MUG", 3)             # $48.00
    open_cart(page, shop)

    enter_code(page, "SOON10")
    enter_code(page, "BIG20")

    expect(code_result(page, "SOON10")).to_contain_text("This offer starts Jun 1, 2027.")
    expect(code_result(page, "BIG20")).to_contain_text("Minimum spend $100. Add $52 more to get 20% off.")
    expect(total(page)).to_have_text("$53.95")          # neither applies: $48.00 + $5.95 shipping

    quantity = cart_line(page, "MERCH-MUG").get_by_label("Quantity of Stoneware Mug")
    quantity.fill("7")                                   # $112.00: now BIG20 applies
    quantity.press("Enter")
    expect(total(page)).to_have_text("$80.64")         # $112.00 - $11.20 - $20.16, shipping free
    # The spend tier takes 10% first ($11.20); BIG20 then takes 20% of the $100.80 left.
    expect(code_result(page, "BIG20")).to_contain_text("Applied: you save $20.16.")
    expect(code_result(page, "SOON10")).to_contain_text("This offer starts Jun 1, 2027.")
